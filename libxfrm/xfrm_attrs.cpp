#include "libxfrm/xfrm_attrs.hpp"

#include <libmnl/libmnl.h>

namespace xfrm {

namespace {

// Smallest payload we accept for each attribute we read; 0 = not checked.
std::size_t min_payload(std::uint16_t type) {
    switch (type) {
        case XFRMA_ALG_AEAD:
            return sizeof(xfrm_algo_aead);
        case XFRMA_ALG_CRYPT:
            return sizeof(xfrm_algo);
        case XFRMA_ALG_AUTH_TRUNC:
            return sizeof(xfrm_algo_auth);
        case XFRMA_ENCAP:
            return sizeof(xfrm_encap_tmpl);
        case XFRMA_TMPL:
            return 0;  // an array; the reader checks multiples
        case XFRMA_MARK:
            return sizeof(xfrm_mark);
        case XFRMA_IF_ID:
            return sizeof(std::uint32_t);
        case XFRMA_LTIME_VAL:
            return sizeof(xfrm_lifetime_cur);
        case XFRMA_LASTUSED:
            return sizeof(std::uint64_t);
        case XFRMA_REPLAY_VAL:
            return sizeof(xfrm_replay_state);
        case XFRMA_REPLAY_ESN_VAL:
            return sizeof(xfrm_replay_state_esn);
        case XFRMA_POLICY_TYPE:
            return sizeof(xfrm_userpolicy_type);
        default:
            return 0;
    }
}

}  // namespace

std::expected<attr_table, parse_error> parse_attrs(ike::bytes_view msg, std::size_t fixed_len) {
    auto hdr = message_header(msg);
    if (!hdr) return std::unexpected(hdr.error());
    if ((*hdr)->nlmsg_len < NLMSG_HDRLEN + fixed_len)
        return std::unexpected(
            parse_error{message_type_name((*hdr)->nlmsg_type) + " shorter than its fixed struct"});
    attr_table table{};
    bool too_short = false;
    std::size_t begin = NLMSG_HDRLEN + NLMSG_ALIGN(fixed_len);
    ike::bytes_view region = begin < (*hdr)->nlmsg_len
                                 ? msg.subspan(begin, (*hdr)->nlmsg_len - begin)
                                 : ike::bytes_view{};
    bool ok = walk_attrs(region, [&](std::uint16_t type, const nlattr* attr) {
        if (type > XFRMA_MAX) return true;
        if (std::size_t{attr->nla_len} - NLA_HDRLEN < min_payload(type)) {
            too_short = true;
            return false;
        }
        table[type] = attr;
        return true;
    });
    if (!ok) {
        return std::unexpected(parse_error{
            message_type_name((*hdr)->nlmsg_type) +
            (too_short ? ": attribute shorter than its struct" : ": truncated attribute")});
    }
    return table;
}

ike::bytes_view attr_payload(const nlattr* attr) {
    return {static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr)),
            mnl_attr_get_payload_len(attr)};
}

}  // namespace xfrm
