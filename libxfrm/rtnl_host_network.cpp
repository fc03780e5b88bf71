#include "libxfrm/rtnl_host_network.hpp"

#include <net/if.h>

#include <cerrno>

#include "libxfrm/address_netlink.hpp"

namespace xfrm {

std::expected<rtnl_host_network, kernel_error> rtnl_host_network::open(
    std::chrono::milliseconds timeout) {
    auto channel = rtnl_channel::open(timeout);
    if (!channel) return std::unexpected(channel.error());
    return rtnl_host_network(std::move(*channel));
}

std::expected<std::uint32_t, kernel_error> rtnl_host_network::interface_index(
    const std::string& name) {
    const unsigned index = if_nametoindex(name.c_str());
    if (index == 0) return std::unexpected(make_kernel_error(errno, "no interface " + name));
    return index;
}

std::string rtnl_host_network::interface_name(std::uint32_t index) {
    char name[IF_NAMESIZE] = {};
    if (if_indextoname(index, name) == nullptr) return "#" + std::to_string(index);
    return name;
}

std::expected<route_hop, kernel_error> rtnl_host_network::route_to(const ip_address& dst) {
    auto answer = channel_.query(route_lookup_message(dst));
    if (!answer) return std::unexpected(answer.error());
    auto hop = parse_route_answer(answer->view());
    if (!hop) return std::unexpected(make_kernel_error(EBADMSG, hop.error().what));
    return *hop;
}

std::expected<void, kernel_error> rtnl_host_network::add_address(std::uint32_t ifindex,
                                                                 const ip_address& addr) {
    return channel_.execute(add_address_message(ifindex, addr));
}

std::expected<void, kernel_error> rtnl_host_network::delete_address(std::uint32_t ifindex,
                                                                    const ip_address& addr) {
    return channel_.execute(delete_address_message(ifindex, addr));
}

std::expected<void, kernel_error> rtnl_host_network::add_route(const route_spec& route) {
    return channel_.execute(add_route_message(route));
}

std::expected<void, kernel_error> rtnl_host_network::delete_route(const route_spec& route) {
    return channel_.execute(delete_route_message(route));
}

std::expected<void, kernel_error> rtnl_host_network::add_rule(std::uint16_t family,
                                                              std::uint32_t table,
                                                              std::uint32_t priority) {
    return channel_.execute(add_rule_message(family, table, priority));
}

std::expected<void, kernel_error> rtnl_host_network::delete_rule(std::uint16_t family,
                                                                 std::uint32_t table,
                                                                 std::uint32_t priority) {
    return channel_.execute(delete_rule_message(family, table, priority));
}

}  // namespace xfrm
