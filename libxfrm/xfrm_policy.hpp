#pragma once
// What the daemon says about an IPsec policy: plain structs, no kernel headers.
#include <cstdint>
#include <optional>
#include <vector>

#include "libxfrm/xfrm_types.hpp"

namespace xfrm {

/// One IPsec transform a policy requires (xfrm_user_tmpl). For tunnel mode,
/// src/dst are the tunnel endpoints; for transport mode only their family matters.
struct policy_template {
    ip_address src;
    ip_address dst;
    std::uint8_t proto = proto_esp;
    xfrm::mode mode = mode::tunnel;
    std::uint32_t reqid = 0;
    std::uint32_t spi = 0;  ///< 0 = any SA with this reqid
    bool optional = false;
    friend bool operator==(const policy_template&, const policy_template&) = default;
};

/// XFRM_POLICY_ALLOW / XFRM_POLICY_BLOCK.
enum class policy_action : std::uint8_t { allow = 0, block = 1 };

/// Everything needed to install one policy. A policy with templates protects
/// traffic; one without either passes it in clear (allow) or drops it (block).
struct policy_config {
    selector sel;
    xfrm::direction direction = direction::out;
    std::uint32_t priority = 0;  ///< lower value = preferred
    policy_action action = policy_action::allow;
    std::vector<policy_template> templates;
    lifetime_limits lifetime;
    xfrm::mark mark;
    std::uint32_t if_id = 0;
};

/// How the kernel finds a policy: by selector + direction (+ mark, if_id), or
/// by the kernel-assigned index when `index` is set.
struct policy_id {
    selector sel;
    xfrm::direction direction = direction::out;
    xfrm::mark mark;
    std::uint32_t if_id = 0;
    std::optional<std::uint32_t> index;
};

/// A policy as the kernel reports it (GETPOLICY reply, dump, polexpire).
struct policy_state {
    policy_config config;
    std::uint32_t index = 0;
    xfrm::usage usage;
    bool main_type = true;    ///< false for XFRM_POLICY_TYPE_SUB (never ours)
    bool per_socket = false;  ///< a socket policy (dir >= XFRM_POLICY_MAX, never ours)

    /// The id that deletes exactly this policy (by index, mark and if_id).
    policy_id id() const {
        return policy_id{config.sel, config.direction, config.mark, config.if_id, index};
    }
};

}  // namespace xfrm
