#include "libxfrm/xfrm_events.hpp"

#include <arpa/inet.h>
#include <linux/xfrm.h>

#include "libxfrm/xfrm_attrs.hpp"
#include "libxfrm/xfrm_convert.hpp"
#include "libxfrm/xfrm_policy_msg.hpp"
#include "libxfrm/xfrm_sa_msg.hpp"

namespace xfrm {

namespace {

using result = std::expected<std::optional<event>, parse_error>;

mark read_mark(const attr_table& attrs) {
    if (!attrs[XFRMA_MARK]) return {};
    auto m = attr_as<xfrm_mark>(attrs[XFRMA_MARK]);
    return mark{m.v, m.m};
}

std::uint32_t read_if_id(const attr_table& attrs) {
    return attrs[XFRMA_IF_ID] ? attr_as<std::uint32_t>(attrs[XFRMA_IF_ID]) : 0;
}

result parse_acquire(ike::bytes_view msg) {
    auto attrs = parse_attrs(msg, sizeof(xfrm_user_acquire));
    if (!attrs) return std::unexpected(attrs.error());
    auto acq = fixed_struct<xfrm_user_acquire>(msg);
    auto tmpls = templates_from_kernel((*attrs)[XFRMA_TMPL]);
    if (!tmpls) return std::unexpected(tmpls.error());
    // The larval SA's endpoints: tunnel endpoints or, in transport mode, the
    // packet's addresses; their family is the template's.
    std::uint16_t family = tmpls->empty() ? acq.sel.family : tmpls->front().src.family;
    acquire_event ev;
    ev.src = from_kernel(acq.saddr, family);
    ev.dst = from_kernel(acq.id.daddr, family);
    if (!tmpls->empty()) ev.reqid = tmpls->front().reqid;
    ev.proto = acq.id.proto;
    ev.sel = from_kernel(acq.sel);
    ev.policy_index = acq.policy.index;
    ev.direction = static_cast<direction>(acq.policy.dir % XFRM_POLICY_MAX);
    ev.seq = acq.seq;
    ev.mark = read_mark(*attrs);
    ev.if_id = read_if_id(*attrs);
    return event{ev};
}

result parse_expire(ike::bytes_view msg) {
    auto attrs = parse_attrs(msg, sizeof(xfrm_user_expire));
    if (!attrs) return std::unexpected(attrs.error());
    auto exp = fixed_struct<xfrm_user_expire>(msg);
    return event{expire_event{sa_from_kernel(exp.state, *attrs), exp.hard != 0}};
}

result parse_polexpire(ike::bytes_view msg) {
    auto attrs = parse_attrs(msg, sizeof(xfrm_user_polexpire));
    if (!attrs) return std::unexpected(attrs.error());
    auto exp = fixed_struct<xfrm_user_polexpire>(msg);
    auto pol = policy_from_kernel(exp.pol, *attrs);
    if (!pol) return std::unexpected(pol.error());
    return event{policy_expire_event{std::move(*pol), exp.hard != 0}};
}

result parse_mapping(ike::bytes_view msg) {
    auto attrs = parse_attrs(msg, sizeof(xfrm_user_mapping));
    if (!attrs) return std::unexpected(attrs.error());
    auto map = fixed_struct<xfrm_user_mapping>(msg);
    mapping_event ev;
    ev.id = sa_id{from_kernel(map.id.daddr, map.id.family), ntohl(map.id.spi), map.id.proto,
                  read_mark(*attrs)};
    ev.reqid = map.reqid;
    ev.old_src = from_kernel(map.old_saddr, map.id.family);
    ev.old_src_port = ntohs(map.old_sport);
    ev.new_src = from_kernel(map.new_saddr, map.id.family);
    ev.new_src_port = ntohs(map.new_sport);
    return event{ev};
}

}  // namespace

result parse_event(ike::bytes_view msg) {
    auto hdr = message_header(msg);
    if (!hdr) return std::unexpected(hdr.error());
    switch ((*hdr)->nlmsg_type) {
        case XFRM_MSG_ACQUIRE:
            return parse_acquire(msg);
        case XFRM_MSG_EXPIRE:
            return parse_expire(msg);
        case XFRM_MSG_POLEXPIRE:
            return parse_polexpire(msg);
        case XFRM_MSG_MAPPING:
            return parse_mapping(msg);
        default:
            return std::optional<event>{};
    }
}

// Policy expiry is multicast on XFRMNLGRP_EXPIRE by the kernel
// (xfrm_exp_policy_notify), not on XFRMNLGRP_POLICY, so three groups suffice.
std::vector<std::uint32_t> event_groups() {
    return {XFRMNLGRP_ACQUIRE, XFRMNLGRP_EXPIRE, XFRMNLGRP_MAPPING};
}

}  // namespace xfrm
