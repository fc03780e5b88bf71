#include "libxfrm/route_netlink.hpp"

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "libxfrm/xfrm_attrs.hpp"

namespace xfrm {

namespace {

ike::bytes_view octets(const ip_address& a) {
    return {a.octets.data(), a.is_v6() ? 16u : 4u};
}

nl_message route_message(std::uint16_t type, std::uint16_t flags, const route_spec& r) {
    nl_builder b(type, flags);
    auto& rt = b.put_struct<rtmsg>();
    rt.rtm_family = static_cast<std::uint8_t>(r.dst.family);
    rt.rtm_dst_len = r.prefix;
    // The table goes in RTA_TABLE; rtm_table only holds ids below 256.
    rt.rtm_table =
        r.table < 256 ? static_cast<std::uint8_t>(r.table) : std::uint8_t{RT_TABLE_UNSPEC};
    rt.rtm_protocol = RTPROT_STATIC;
    rt.rtm_scope = RT_SCOPE_UNIVERSE;
    rt.rtm_type = RTN_UNICAST;
    b.put_attr(RTA_TABLE, r.table);
    b.put_bytes(RTA_DST, octets(r.dst));
    if (r.gateway) b.put_bytes(RTA_GATEWAY, octets(*r.gateway));
    if (r.src) b.put_bytes(RTA_PREFSRC, octets(*r.src));
    b.put_attr(RTA_OIF, r.ifindex);
    return b.finish();
}

nl_message rule_message(std::uint16_t type, std::uint16_t flags, std::uint16_t family,
                        std::uint32_t table, std::uint32_t priority) {
    nl_builder b(type, flags);
    auto& rule = b.put_struct<fib_rule_hdr>();
    rule.family = static_cast<std::uint8_t>(family);
    rule.table = table < 256 ? static_cast<std::uint8_t>(table) : std::uint8_t{RT_TABLE_UNSPEC};
    rule.action = FR_ACT_TO_TBL;
    b.put_attr(FRA_TABLE, table);
    b.put_attr(FRA_PRIORITY, priority);
    return b.finish();
}

std::optional<ip_address> address_attr(const nlattr* a, std::uint16_t family) {
    const auto payload = attr_payload(a);
    const std::size_t len = family == af_inet6 ? 16 : 4;
    if (payload.size() != len) return std::nullopt;
    ip_address out;
    out.family = family;
    std::copy(payload.begin(), payload.end(), out.octets.begin());
    return out;
}

}  // namespace

nl_message add_route_message(const route_spec& route) {
    return route_message(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, route);
}

nl_message delete_route_message(const route_spec& route) {
    return route_message(RTM_DELROUTE, 0, route);
}

nl_message add_rule_message(std::uint16_t family, std::uint32_t table, std::uint32_t priority) {
    return rule_message(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, family, table, priority);
}

nl_message delete_rule_message(std::uint16_t family, std::uint32_t table, std::uint32_t priority) {
    return rule_message(RTM_DELRULE, 0, family, table, priority);
}

nl_message route_lookup_message(const ip_address& dst) {
    nl_builder b(RTM_GETROUTE, 0);
    auto& rt = b.put_struct<rtmsg>();
    rt.rtm_family = static_cast<std::uint8_t>(dst.family);
    rt.rtm_dst_len = dst.is_v6() ? 128 : 32;
    b.put_bytes(RTA_DST, octets(dst));
    return b.finish();
}

std::expected<route_hop, parse_error> parse_route_answer(ike::bytes_view msg) {
    auto hdr = message_header(msg);
    if (!hdr) return std::unexpected(hdr.error());
    if ((*hdr)->nlmsg_type != RTM_NEWROUTE)
        return std::unexpected(parse_error{"route lookup answered with another message type"});
    if (msg.size() < NLMSG_HDRLEN + sizeof(rtmsg))
        return std::unexpected(parse_error{"short RTM_NEWROUTE"});
    const auto rt = fixed_struct<rtmsg>(msg);
    const std::uint16_t family = rt.rtm_family;
    route_hop hop;
    bool has_oif = false, malformed = false;
    const auto region = msg.subspan(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(rtmsg)));
    const bool ok = walk_attrs(region, [&](std::uint16_t type, const nlattr* a) {
        if (type == RTA_OIF && attr_payload(a).size() == sizeof(std::uint32_t)) {
            hop.ifindex = attr_as<std::uint32_t>(a);
            has_oif = true;
        } else if (type == RTA_GATEWAY || type == RTA_PREFSRC) {
            auto addr = address_attr(a, family);
            if (!addr) return !(malformed = true);
            (type == RTA_GATEWAY ? hop.gateway : hop.src) = addr;
        }
        return true;
    });
    if (!ok || malformed) return std::unexpected(parse_error{"malformed RTM_NEWROUTE attributes"});
    if (!has_oif) return std::unexpected(parse_error{"RTM_NEWROUTE without an output interface"});
    return hop;
}

}  // namespace xfrm
