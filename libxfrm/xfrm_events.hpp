#pragma once
// Kernel events as typed values: the multicast messages of XFRMNLGRP_ACQUIRE,
// XFRMNLGRP_EXPIRE (SA soft/hard expiry and, on the same group, policy
// expiry) and XFRMNLGRP_MAPPING, parsed by pure functions.
//
//   XFRM_MSG_ACQUIRE   xfrm_user_acquire {id, saddr, sel, policy, algos, seq} + XFRMA_TMPL
//   XFRM_MSG_EXPIRE    xfrm_user_expire {xfrm_usersa_info state; u8 hard}
//   XFRM_MSG_POLEXPIRE xfrm_user_polexpire {xfrm_userpolicy_info pol; u8 hard}
//   XFRM_MSG_MAPPING   xfrm_user_mapping {usersa_id, reqid, old/new saddr, old/new sport}
#include <cstdint>
#include <expected>
#include <optional>
#include <variant>
#include <vector>

#include "libxfrm/nl_message.hpp"
#include "libxfrm/xfrm_policy.hpp"
#include "libxfrm/xfrm_sa.hpp"

namespace xfrm {

/// Outbound traffic hit a policy whose template has no SA: negotiate one.
struct acquire_event {
    ip_address src;  ///< SA endpoints from the template (tunnel) or the packet
    ip_address dst;
    std::uint8_t proto = proto_esp;
    std::uint32_t reqid = 0;  ///< of the first template
    selector sel;             ///< the triggering packet's addresses/ports
    std::uint32_t policy_index = 0;
    xfrm::direction direction = direction::out;
    std::uint32_t seq = 0;  ///< kernel acquire sequence, echo in the SA's seq
    xfrm::mark mark;
    std::uint32_t if_id = 0;
};

/// An SA reached a soft (rekey) or hard (gone) limit.
struct expire_event {
    sa_state sa;
    bool hard = false;
};

/// A policy reached a soft or hard lifetime limit.
struct policy_expire_event {
    policy_state policy;
    bool hard = false;
};

/// The peer's NAT mapping changed for a UDP-encapsulated SA (new address/port).
struct mapping_event {
    sa_id id;
    std::uint32_t reqid = 0;
    ip_address old_src;
    std::uint16_t old_src_port = 0;
    ip_address new_src;
    std::uint16_t new_src_port = 0;
};

using event = std::variant<acquire_event, expire_event, policy_expire_event, mapping_event>;

/// Parses one multicast message. Message types that are not events
/// (e.g. NEWSA notifications) yield nullopt.
/// Errors: an event message that is short or has malformed attributes.
std::expected<std::optional<event>, parse_error> parse_event(ike::bytes_view msg);

/// The XFRMNLGRP_* groups an event socket joins for the events above.
std::vector<std::uint32_t> event_groups();

}  // namespace xfrm
