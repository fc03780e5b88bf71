#pragma once
// The narrow interface to the host's addresses, routes and rules that a
// road-warrior client needs for its virtual IPs (as kernel_backend is for
// XFRM): rtnl_host_network implements it over rtnetlink, tests pass a
// recording fake.
#include <cstdint>
#include <expected>
#include <string>

#include "libxfrm/kernel_error.hpp"
#include "libxfrm/route_netlink.hpp"
#include "libxfrm/xfrm_types.hpp"

namespace xfrm {

class host_network {
  public:
    virtual ~host_network() = default;

    /// The interface index of `name`. Errors: ENODEV.
    virtual std::expected<std::uint32_t, kernel_error> interface_index(const std::string& name) = 0;
    /// The name of interface `index` ("eth0"), or "#index" if it has none.
    virtual std::string interface_name(std::uint32_t index) = 0;
    /// The kernel's route to `dst` (main tables and rules, as for a packet).
    /// Errors: ENETUNREACH and the like.
    virtual std::expected<route_hop, kernel_error> route_to(const ip_address& dst) = 0;

    /// Adds/removes a host address (/32, /128). Errors: the kernel's (EEXIST:
    /// already there; EADDRNOTAVAIL on removal: not there).
    virtual std::expected<void, kernel_error> add_address(std::uint32_t ifindex,
                                                          const ip_address& addr) = 0;
    virtual std::expected<void, kernel_error> delete_address(std::uint32_t ifindex,
                                                             const ip_address& addr) = 0;
    /// Adds/removes a route. Errors: the kernel's (EEXIST, ESRCH).
    virtual std::expected<void, kernel_error> add_route(const route_spec& route) = 0;
    virtual std::expected<void, kernel_error> delete_route(const route_spec& route) = 0;
    /// Adds/removes "from all lookup `table` priority `priority`" for `family`.
    virtual std::expected<void, kernel_error> add_rule(std::uint16_t family, std::uint32_t table,
                                                       std::uint32_t priority) = 0;
    virtual std::expected<void, kernel_error> delete_rule(std::uint16_t family, std::uint32_t table,
                                                          std::uint32_t priority) = 0;
};

}  // namespace xfrm
