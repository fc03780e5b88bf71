#include "libxfrm/xfrm_sa_msg.hpp"

#include <arpa/inet.h>
#include <linux/udp.h>

#include <cstring>

#include "libxfrm/xfrm_convert.hpp"

namespace xfrm {

namespace {

constexpr std::size_t max_name = sizeof(xfrm_algo{}.alg_name);  // 64, incl. NUL
constexpr std::size_t max_key = 1024;
constexpr std::uint32_t legacy_window = 32;  // bits in xfrm_replay_state.bitmap

bool name_fits(const std::string& name) {
    return !name.empty() && name.size() < max_name;
}

std::expected<void, std::string> validate_algorithms(const sa_config& sa) {
    if (sa.aead && (sa.crypt || sa.integ)) return std::unexpected("AEAD combined with cipher");
    if (!sa.aead && !sa.crypt) return std::unexpected("no AEAD and no cipher");
    if (sa.aead && (!name_fits(sa.aead->name) || sa.aead->key.size() > max_key))
        return std::unexpected("bad AEAD name or key length");
    if (sa.crypt && (!name_fits(sa.crypt->name) || sa.crypt->key.size() > max_key))
        return std::unexpected("bad cipher name or key length");
    if (sa.integ && (!name_fits(sa.integ->name) || sa.integ->key.size() > max_key))
        return std::unexpected("bad integrity name or key length");
    return {};
}

// The window the kernel should see, after the outbound/ESN rules above.
std::uint32_t effective_window(const sa_config& sa) {
    if (sa.direction == sa_direction::outbound) return sa.esn ? 1 : 0;
    return sa.replay_window;
}

bool needs_esn_attr(const sa_config& sa) {
    return sa.esn || effective_window(sa) > legacy_window;
}

void copy_name(char (&dst)[max_name], const std::string& name) {
    std::memcpy(dst, name.data(), name.size());
}

// Every XFRM algorithm attribute is a fixed header (name, key length in
// bits, and per kind an ICV or truncation length) followed by the key.
template <typename Header, typename Algorithm>
void put_algorithm(nl_builder& b, std::uint16_t type, Header hdr, const Algorithm& alg) {
    copy_name(hdr.alg_name, alg.name);
    hdr.alg_key_len = static_cast<std::uint32_t>(alg.key.size() * 8);
    std::uint8_t* p = b.put_zeroed(type, sizeof hdr + alg.key.size());
    std::memcpy(p, &hdr, sizeof hdr);
    std::memcpy(p + sizeof hdr, alg.key.data(), alg.key.size());
}

void put_aead(nl_builder& b, const aead_algorithm& alg) {
    xfrm_algo_aead hdr{};
    hdr.alg_icv_len = alg.icv_bits;
    put_algorithm(b, XFRMA_ALG_AEAD, hdr, alg);
}

void put_crypt(nl_builder& b, const crypt_algorithm& alg) {
    put_algorithm(b, XFRMA_ALG_CRYPT, xfrm_algo{}, alg);
}

void put_integ(nl_builder& b, const integ_algorithm& alg) {
    xfrm_algo_auth hdr{};
    hdr.alg_trunc_len = alg.trunc_bits;
    put_algorithm(b, XFRMA_ALG_AUTH_TRUNC, hdr, alg);
}

// Bitmap of ceil(window / 32) words; the kernel checks the attribute length
// against bmp_len and window <= bmp_len * 32.
void put_replay_esn(nl_builder& b, std::uint32_t window) {
    std::uint32_t words = (window + 31) / 32;
    std::size_t len = sizeof(xfrm_replay_state_esn) + words * sizeof(std::uint32_t);
    std::uint8_t* p = b.put_zeroed(XFRMA_REPLAY_ESN_VAL, len);
    xfrm_replay_state_esn hdr{};
    hdr.bmp_len = words;
    hdr.replay_window = window;
    std::memcpy(p, &hdr, sizeof hdr);
}

void put_mark_and_if_id(nl_builder& b, const mark& m, std::uint32_t if_id) {
    if (!m.empty()) b.put_attr(XFRMA_MARK, xfrm_mark{m.value, m.mask});
    if (if_id != 0) b.put_attr(XFRMA_IF_ID, if_id);
}

void fill_info(xfrm_usersa_info& info, const sa_config& sa) {
    if (sa.sel) {
        info.sel = to_kernel(*sa.sel);
    } else if ((sa.extra_flags & XFRM_STATE_AF_UNSPEC) == 0) {
        info.sel.family = sa.src.family;
    }  // else: no selector family at all, so the SA carries IPv4 and IPv6
    info.id.daddr = to_kernel(sa.dst);
    info.id.spi = htonl(sa.spi);
    info.id.proto = sa.proto;
    info.saddr = to_kernel(sa.src);
    info.lft = to_kernel(sa.lifetime);
    info.reqid = sa.reqid;
    info.family = sa.src.family;
    info.mode = static_cast<std::uint8_t>(sa.mode);
    info.replay_window = needs_esn_attr(sa) ? 0 : static_cast<std::uint8_t>(effective_window(sa));
    info.flags = static_cast<std::uint8_t>(sa.extra_flags | (sa.esn ? XFRM_STATE_ESN : 0));
}

nl_message build_sa(std::uint16_t type, const sa_config& sa) {
    nl_builder b(type, NLM_F_ACK);
    fill_info(b.put_struct<xfrm_usersa_info>(), sa);
    if (sa.aead) put_aead(b, *sa.aead);
    if (sa.crypt) put_crypt(b, *sa.crypt);
    if (sa.integ) put_integ(b, *sa.integ);
    if (needs_esn_attr(sa)) put_replay_esn(b, effective_window(sa));
    if (sa.encap) {
        xfrm_encap_tmpl encap{};
        encap.encap_type = UDP_ENCAP_ESPINUDP;
        encap.encap_sport = htons(sa.encap->src_port);
        encap.encap_dport = htons(sa.encap->dst_port);
        b.put_attr(XFRMA_ENCAP, encap);
    }
    put_mark_and_if_id(b, sa.mark, sa.if_id);
    return b.finish();
}

nl_message build_sa_id(std::uint16_t type, std::uint16_t flags, const sa_id& id) {
    nl_builder b(type, flags);
    auto& uid = b.put_struct<xfrm_usersa_id>();
    uid.daddr = to_kernel(id.dst);
    uid.spi = htonl(id.spi);
    uid.family = id.dst.family;
    uid.proto = id.proto;
    put_mark_and_if_id(b, id.mark, 0);
    return b.finish();
}

std::string read_name(const char (&name)[max_name]) {
    return std::string(name, strnlen(name, max_name));
}

void read_algorithms(sa_state& st, const attr_table& attrs) {
    if (const nlattr* a = attrs[XFRMA_ALG_AEAD]) {
        auto alg = attr_as<xfrm_algo_aead>(a);
        st.aead_name = read_name(alg.alg_name);
        st.icv_bits = alg.alg_icv_len;
    }
    if (const nlattr* a = attrs[XFRMA_ALG_CRYPT]) {
        st.crypt_name = read_name(attr_as<xfrm_algo>(a).alg_name);
    }
    if (const nlattr* a = attrs[XFRMA_ALG_AUTH_TRUNC]) {
        auto alg = attr_as<xfrm_algo_auth>(a);
        st.integ_name = read_name(alg.alg_name);
        st.icv_bits = alg.alg_trunc_len;
    }
}

}  // namespace

std::expected<void, std::string> validate(const sa_config& sa) {
    if (sa.src.family != sa.dst.family) return std::unexpected("src/dst address families differ");
    if (sa.sel && sa.sel->src.family != sa.sel->dst.family)
        return std::unexpected("selector address families differ");
    if (auto ok = validate_algorithms(sa); !ok) return ok;
    if (sa.replay_window > max_replay_window) return std::unexpected("replay window too large");
    if (sa.esn && sa.direction == sa_direction::inbound && sa.replay_window == 0)
        return std::unexpected("inbound ESN SA needs a replay window > 0");
    return {};
}

nl_message build_new_sa(const sa_config& sa) {
    return build_sa(XFRM_MSG_NEWSA, sa);
}

nl_message build_update_sa(const sa_config& sa) {
    return build_sa(XFRM_MSG_UPDSA, sa);
}

nl_message build_delete_sa(const sa_id& id) {
    return build_sa_id(XFRM_MSG_DELSA, NLM_F_ACK, id);
}

nl_message build_get_sa(const sa_id& id) {
    return build_sa_id(XFRM_MSG_GETSA, 0, id);
}

nl_message build_dump_sa() {
    return nl_builder(XFRM_MSG_GETSA, NLM_F_DUMP).finish();
}

nl_message build_flush_sa(std::uint8_t proto) {
    nl_builder b(XFRM_MSG_FLUSHSA, NLM_F_ACK);
    b.put_struct<xfrm_usersa_flush>().proto = proto;
    return b.finish();
}

nl_message build_alloc_spi(const spi_request& req) {
    nl_builder b(XFRM_MSG_ALLOCSPI, 0);
    auto& spi = b.put_struct<xfrm_userspi_info>();
    spi.info.sel.family = req.src.family;
    spi.info.id.daddr = to_kernel(req.dst);
    spi.info.id.proto = req.proto;
    spi.info.saddr = to_kernel(req.src);
    spi.info.family = req.src.family;
    spi.info.mode = static_cast<std::uint8_t>(req.mode);
    spi.info.reqid = req.reqid;
    spi.min = req.min;
    spi.max = req.max;
    put_mark_and_if_id(b, req.mark, req.if_id);
    return b.finish();
}

sa_state sa_from_kernel(const xfrm_usersa_info& info, const attr_table& attrs) {
    sa_state st;
    st.src = from_kernel(info.saddr, info.family);
    st.dst = from_kernel(info.id.daddr, info.family);
    st.spi = ntohl(info.id.spi);
    st.proto = info.id.proto;
    st.mode = info.mode == XFRM_MODE_TUNNEL ? mode::tunnel : mode::transport;
    st.reqid = info.reqid;
    st.sel = from_kernel(info.sel);
    st.lifetime = from_kernel(info.lft);
    st.usage = from_kernel(info.curlft);
    if (const nlattr* a = attrs[XFRMA_LTIME_VAL])
        st.usage = from_kernel(attr_as<xfrm_lifetime_cur>(a));
    if (const nlattr* a = attrs[XFRMA_LASTUSED]) st.last_used = attr_as<std::uint64_t>(a);
    st.replay_window = info.replay_window;
    if (const nlattr* a = attrs[XFRMA_REPLAY_ESN_VAL])
        st.replay_window = attr_as<xfrm_replay_state_esn>(a).replay_window;
    st.flags = info.flags;
    read_algorithms(st, attrs);
    if (const nlattr* a = attrs[XFRMA_ENCAP]) {
        auto encap = attr_as<xfrm_encap_tmpl>(a);
        st.encap = udp_encap{ntohs(encap.encap_sport), ntohs(encap.encap_dport)};
    }
    if (const nlattr* a = attrs[XFRMA_MARK]) {
        auto m = attr_as<xfrm_mark>(a);
        st.mark = mark{m.v, m.m};
    }
    if (const nlattr* a = attrs[XFRMA_IF_ID]) st.if_id = attr_as<std::uint32_t>(a);
    return st;
}

std::expected<sa_state, parse_error> parse_sa(ike::bytes_view msg) {
    auto hdr = message_header(msg);
    if (!hdr) return std::unexpected(hdr.error());
    std::uint16_t type = (*hdr)->nlmsg_type;
    if (type != XFRM_MSG_NEWSA && type != XFRM_MSG_UPDSA)
        return std::unexpected(
            parse_error{"expected an SA message, got " + message_type_name(type)});
    auto attrs = parse_attrs(msg, sizeof(xfrm_usersa_info));
    if (!attrs) return std::unexpected(attrs.error());
    return sa_from_kernel(fixed_struct<xfrm_usersa_info>(msg), *attrs);
}

}  // namespace xfrm
