#pragma once
// rtnetlink messages for source routes of virtual IPs: routes in a table of
// their own (RTM_NEWROUTE / RTM_DELROUTE), the rule that consults that table
// (RTM_NEWRULE / RTM_DELRULE), and the lookup of the route to a peer
// (RTM_GETROUTE and its answer). Pure builders and a parser, tested on bytes.
//
//   nlmsghdr | rtmsg (family, dst_len, table, protocol, scope, type)
//            | RTA_TABLE | RTA_DST | RTA_GATEWAY | RTA_PREFSRC | RTA_OIF
//   nlmsghdr | fib_rule_hdr (family, table, action) | FRA_TABLE | FRA_PRIORITY
#include <cstdint>
#include <expected>
#include <optional>

#include "libike/common/bytes.hpp"
#include "libxfrm/nl_message.hpp"
#include "libxfrm/xfrm_types.hpp"

namespace xfrm {

/// One route: `dst`/`prefix` [via `gateway`] dev `ifindex` [src `src`]
/// in `table`.
struct route_spec {
    ip_address dst;
    std::uint8_t prefix = 0;
    std::optional<ip_address> gateway;
    std::optional<ip_address> src;  ///< preferred source (RTA_PREFSRC)
    std::uint32_t ifindex = 0;
    std::uint32_t table = 0;
    friend bool operator==(const route_spec&, const route_spec&) = default;
};

/// Where the kernel sends packets for an address: what RTM_GETROUTE says.
struct route_hop {
    std::uint32_t ifindex = 0;
    std::optional<ip_address> gateway;  ///< unset when the address is on-link
    std::optional<ip_address> src;      ///< the source address it would pick
};

/// RTM_NEWROUTE (NLM_F_CREATE | NLM_F_EXCL: an equal route fails with
/// EEXIST), protocol static, scope universe, unicast.
nl_message add_route_message(const route_spec& route);
/// RTM_DELROUTE for the same route.
nl_message delete_route_message(const route_spec& route);

/// RTM_NEWRULE "from all lookup `table` priority `priority`" for `family`
/// (af_inet or af_inet6); NLM_F_EXCL, so an equal rule fails with EEXIST.
nl_message add_rule_message(std::uint16_t family, std::uint32_t table, std::uint32_t priority);
/// RTM_DELRULE for the same rule.
nl_message delete_rule_message(std::uint16_t family, std::uint32_t table, std::uint32_t priority);

/// RTM_GETROUTE for `dst` (the kernel answers with one RTM_NEWROUTE).
nl_message route_lookup_message(const ip_address& dst);

/// The interface, gateway and source of an RTM_NEWROUTE answer.
/// Errors: another message type, a short message, malformed attributes, no
/// RTA_OIF.
std::expected<route_hop, parse_error> parse_route_answer(ike::bytes_view msg);

}  // namespace xfrm
