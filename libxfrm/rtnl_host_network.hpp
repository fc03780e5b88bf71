#pragma once
// host_network over rtnetlink: one rtnl_channel, one request per call.
#include <chrono>

#include "libxfrm/host_network.hpp"
#include "libxfrm/rtnl_channel.hpp"

namespace xfrm {

class rtnl_host_network final : public host_network {
  public:
    /// Errors: the NETLINK_ROUTE socket cannot be opened.
    static std::expected<rtnl_host_network, kernel_error> open(
        std::chrono::milliseconds timeout = std::chrono::seconds(5));

    std::expected<std::uint32_t, kernel_error> interface_index(const std::string& name) override;
    std::string interface_name(std::uint32_t index) override;
    std::expected<route_hop, kernel_error> route_to(const ip_address& dst) override;
    std::expected<void, kernel_error> add_address(std::uint32_t ifindex,
                                                  const ip_address& addr) override;
    std::expected<void, kernel_error> delete_address(std::uint32_t ifindex,
                                                     const ip_address& addr) override;
    std::expected<void, kernel_error> add_route(const route_spec& route) override;
    std::expected<void, kernel_error> delete_route(const route_spec& route) override;
    std::expected<void, kernel_error> add_rule(std::uint16_t family, std::uint32_t table,
                                               std::uint32_t priority) override;
    std::expected<void, kernel_error> delete_rule(std::uint16_t family, std::uint32_t table,
                                                  std::uint32_t priority) override;

  private:
    explicit rtnl_host_network(rtnl_channel channel) : channel_(std::move(channel)) {}
    rtnl_channel channel_;
};

}  // namespace xfrm
