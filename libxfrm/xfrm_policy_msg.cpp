#include "libxfrm/xfrm_policy_msg.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "libxfrm/xfrm_convert.hpp"

namespace xfrm {

namespace {

xfrm_user_tmpl to_kernel(const policy_template& t, std::uint16_t sel_family) {
    xfrm_user_tmpl out{};
    std::uint16_t family = t.mode == mode::tunnel ? t.src.family : sel_family;
    if (t.mode == mode::tunnel) {
        out.id.daddr = xfrm::to_kernel(t.dst);
        out.saddr = xfrm::to_kernel(t.src);
    }
    out.id.spi = htonl(t.spi);
    out.id.proto = t.proto;
    out.family = family;
    out.reqid = t.reqid;
    out.mode = static_cast<std::uint8_t>(t.mode);
    out.optional = t.optional ? 1 : 0;
    out.aalgos = out.ealgos = out.calgos = ~0u;  // any algorithm
    return out;
}

policy_template from_kernel(const xfrm_user_tmpl& t) {
    policy_template out;
    out.src = xfrm::from_kernel(t.saddr, t.family);
    out.dst = xfrm::from_kernel(t.id.daddr, t.family);
    out.proto = t.id.proto;
    out.mode = t.mode == XFRM_MODE_TUNNEL ? mode::tunnel : mode::transport;
    out.reqid = t.reqid;
    out.spi = ntohl(t.id.spi);
    out.optional = t.optional != 0;
    return out;
}

void put_mark_and_if_id(nl_builder& b, const mark& m, std::uint32_t if_id) {
    if (!m.empty()) b.put_attr(XFRMA_MARK, xfrm_mark{m.value, m.mask});
    if (if_id != 0) b.put_attr(XFRMA_IF_ID, if_id);
}

nl_message build_policy(std::uint16_t type, const policy_config& p) {
    nl_builder b(type, NLM_F_ACK);
    auto& info = b.put_struct<xfrm_userpolicy_info>();
    info.sel = xfrm::to_kernel(p.sel);
    info.lft = xfrm::to_kernel(p.lifetime);
    info.priority = p.priority;
    info.dir = static_cast<std::uint8_t>(p.direction);
    info.action = static_cast<std::uint8_t>(p.action);
    info.share = XFRM_SHARE_ANY;
    if (!p.templates.empty()) {
        std::vector<xfrm_user_tmpl> tmpls;
        for (const auto& t : p.templates) tmpls.push_back(to_kernel(t, p.sel.family()));
        b.put_bytes(XFRMA_TMPL, {reinterpret_cast<const std::uint8_t*>(tmpls.data()),
                                 tmpls.size() * sizeof(xfrm_user_tmpl)});
    }
    put_mark_and_if_id(b, p.mark, p.if_id);
    return b.finish();
}

nl_message build_policy_id(std::uint16_t type, std::uint16_t flags, const policy_id& id) {
    nl_builder b(type, flags);
    auto& uid = b.put_struct<xfrm_userpolicy_id>();
    uid.sel = xfrm::to_kernel(id.sel);
    uid.index = id.index.value_or(0);
    uid.dir = static_cast<std::uint8_t>(id.direction);
    put_mark_and_if_id(b, id.mark, id.if_id);
    return b.finish();
}

}  // namespace

nl_message build_new_policy(const policy_config& policy) {
    return build_policy(XFRM_MSG_NEWPOLICY, policy);
}

nl_message build_update_policy(const policy_config& policy) {
    return build_policy(XFRM_MSG_UPDPOLICY, policy);
}

nl_message build_delete_policy(const policy_id& id) {
    return build_policy_id(XFRM_MSG_DELPOLICY, NLM_F_ACK, id);
}

nl_message build_get_policy(const policy_id& id) {
    return build_policy_id(XFRM_MSG_GETPOLICY, 0, id);
}

nl_message build_dump_policy() {
    return nl_builder(XFRM_MSG_GETPOLICY, NLM_F_DUMP).finish();
}

nl_message build_flush_policy() {
    return nl_builder(XFRM_MSG_FLUSHPOLICY, NLM_F_ACK).finish();
}

std::expected<std::vector<policy_template>, parse_error> templates_from_kernel(const nlattr* tmpl) {
    std::vector<policy_template> out;
    if (!tmpl) return out;
    ike::bytes_view data = attr_payload(tmpl);
    if (data.size() % sizeof(xfrm_user_tmpl) != 0)
        return std::unexpected(parse_error{"XFRMA_TMPL is not a whole number of templates"});
    for (std::size_t off = 0; off < data.size(); off += sizeof(xfrm_user_tmpl)) {
        xfrm_user_tmpl t;
        std::memcpy(&t, data.data() + off, sizeof t);
        out.push_back(from_kernel(t));
    }
    return out;
}

std::expected<policy_state, parse_error> policy_from_kernel(const xfrm_userpolicy_info& info,
                                                            const attr_table& attrs) {
    auto tmpls = templates_from_kernel(attrs[XFRMA_TMPL]);
    if (!tmpls) return std::unexpected(tmpls.error());
    policy_state st;
    st.config.sel = xfrm::from_kernel(info.sel);
    st.config.direction = static_cast<direction>(info.dir);
    st.config.priority = info.priority;
    st.config.action =
        info.action == XFRM_POLICY_BLOCK ? policy_action::block : policy_action::allow;
    st.config.templates = std::move(*tmpls);
    st.config.lifetime = xfrm::from_kernel(info.lft);
    if (const nlattr* a = attrs[XFRMA_MARK]) {
        auto m = attr_as<xfrm_mark>(a);
        st.config.mark = mark{m.v, m.m};
    }
    if (const nlattr* a = attrs[XFRMA_IF_ID]) st.config.if_id = attr_as<std::uint32_t>(a);
    st.index = info.index;
    st.per_socket = info.dir >= XFRM_POLICY_MAX;
    if (st.per_socket) st.config.direction = static_cast<direction>(info.dir - XFRM_POLICY_MAX);
    if (const nlattr* a = attrs[XFRMA_POLICY_TYPE])
        st.main_type = attr_as<xfrm_userpolicy_type>(a).type == XFRM_POLICY_TYPE_MAIN;
    st.usage = xfrm::from_kernel(info.curlft);
    return st;
}

std::expected<policy_state, parse_error> parse_policy(ike::bytes_view msg) {
    auto hdr = message_header(msg);
    if (!hdr) return std::unexpected(hdr.error());
    std::uint16_t type = (*hdr)->nlmsg_type;
    if (type != XFRM_MSG_NEWPOLICY && type != XFRM_MSG_UPDPOLICY)
        return std::unexpected(
            parse_error{"expected a policy message, got " + message_type_name(type)});
    auto attrs = parse_attrs(msg, sizeof(xfrm_userpolicy_info));
    if (!attrs) return std::unexpected(attrs.error());
    return policy_from_kernel(fixed_struct<xfrm_userpolicy_info>(msg), *attrs);
}

}  // namespace xfrm
