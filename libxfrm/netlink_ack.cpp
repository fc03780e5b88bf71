#include "libxfrm/netlink_ack.hpp"

#include <linux/netlink.h>

#include <cstring>

#include "libxfrm/xfrm_attrs.hpp"

namespace xfrm {

kernel_error netlink_ack::to_error() const {
    std::string what = message_type_name(request_type);
    if (!message.empty()) what += ": " + message;
    return make_kernel_error(error, what);
}

std::expected<netlink_ack, parse_error> parse_ack(ike::bytes_view msg) {
    auto hdr = message_header(msg);
    if (!hdr) return std::unexpected(hdr.error());
    const nlmsghdr* nlh = *hdr;
    if (nlh->nlmsg_type != NLMSG_ERROR) return std::unexpected(parse_error{"not an NLMSG_ERROR"});
    if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(nlmsgerr))
        return std::unexpected(parse_error{"short NLMSG_ERROR"});
    nlmsgerr err;
    std::memcpy(&err, msg.data() + NLMSG_HDRLEN, sizeof err);
    netlink_ack ack;
    ack.seq = nlh->nlmsg_seq;
    ack.request_type = err.msg.nlmsg_type;
    ack.error = -err.error;
    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return ack;

    // TLVs follow the echoed request: just its header when capped, else all of it.
    std::size_t echoed = (nlh->nlmsg_flags & NLM_F_CAPPED) ? sizeof(nlmsghdr) : err.msg.nlmsg_len;
    std::size_t offset = sizeof(int) + NLMSG_ALIGN(echoed);
    if (NLMSG_HDRLEN + offset > nlh->nlmsg_len)
        return std::unexpected(parse_error{"NLMSG_ERROR shorter than its echoed request"});
    ike::bytes_view tlvs =
        msg.subspan(NLMSG_HDRLEN + offset, nlh->nlmsg_len - NLMSG_HDRLEN - offset);
    bool ok = walk_attrs(tlvs, [&](std::uint16_t type, const nlattr* attr) {
        if (type != NLMSGERR_ATTR_MSG) return true;
        auto text = attr_payload(attr);
        const char* p = reinterpret_cast<const char*>(text.data());
        ack.message = std::string(p, strnlen(p, text.size()));
        return true;
    });
    if (!ok) return std::unexpected(parse_error{"malformed extended-ack TLVs"});
    return ack;
}

}  // namespace xfrm
