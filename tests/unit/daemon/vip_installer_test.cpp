// The virtual IP installer against a fake host: which addresses, routes and
// rules it adds and removes, and when (counted through reauthentication and
// rekeys, never removing what was there before it).
#include "daemon/vip_installer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "daemon/address_conv.hpp"

namespace ikev2d {
namespace {

xfrm::ip_address addr(const char* s) {
    return *xfrm::ip_address::parse(s);
}

ike::ip_addr ike_addr(const char* s) {
    return from_xfrm(addr(s));
}

/// A host with interfaces eth0 (2) and wg0 (5): the route to any peer goes
/// via 192.0.2.254 on eth0. Keeps the addresses, routes and rules in sets
/// and answers EEXIST / ESRCH as the kernel does.
class fake_host final : public xfrm::host_network {
  public:
    std::set<std::pair<std::uint32_t, std::string>> addresses;
    std::vector<xfrm::route_spec> routes;
    std::set<std::uint16_t> rules;
    int fail_address_with = 0;
    int lookups = 0;

    std::expected<std::uint32_t, xfrm::kernel_error> interface_index(
        const std::string& name) override {
        if (name == "eth0") return 2;
        if (name == "wg0") return 5;
        return std::unexpected(xfrm::make_kernel_error(ENODEV, "no interface " + name));
    }
    std::string interface_name(std::uint32_t index) override {
        return index == 2 ? "eth0" : index == 5 ? "wg0" : "#" + std::to_string(index);
    }
    std::expected<xfrm::route_hop, xfrm::kernel_error> route_to(const xfrm::ip_address&) override {
        ++lookups;
        return xfrm::route_hop{2, addr("192.0.2.254"), addr("192.0.2.11")};
    }
    std::expected<void, xfrm::kernel_error> add_address(std::uint32_t i,
                                                        const xfrm::ip_address& a) override {
        if (fail_address_with != 0)
            return std::unexpected(xfrm::make_kernel_error(fail_address_with, ""));
        if (!addresses.insert({i, a.to_string()}).second)
            return std::unexpected(xfrm::make_kernel_error(EEXIST, ""));
        return {};
    }
    std::expected<void, xfrm::kernel_error> delete_address(std::uint32_t i,
                                                           const xfrm::ip_address& a) override {
        if (addresses.erase({i, a.to_string()}) == 0)
            return std::unexpected(xfrm::make_kernel_error(EADDRNOTAVAIL, ""));
        return {};
    }
    std::expected<void, xfrm::kernel_error> add_route(const xfrm::route_spec& r) override {
        if (std::ranges::find(routes, r) != routes.end())
            return std::unexpected(xfrm::make_kernel_error(EEXIST, ""));
        routes.push_back(r);
        return {};
    }
    std::expected<void, xfrm::kernel_error> delete_route(const xfrm::route_spec& r) override {
        const auto it = std::ranges::find(routes, r);
        if (it == routes.end()) return std::unexpected(xfrm::make_kernel_error(ESRCH, ""));
        routes.erase(it);
        return {};
    }
    std::expected<void, xfrm::kernel_error> add_rule(std::uint16_t family, std::uint32_t table,
                                                     std::uint32_t priority) override {
        EXPECT_EQ(table, 220u);
        EXPECT_EQ(priority, 220u);
        if (!rules.insert(family).second)
            return std::unexpected(xfrm::make_kernel_error(EEXIST, ""));
        return {};
    }
    std::expected<void, xfrm::kernel_error> delete_rule(std::uint16_t family, std::uint32_t,
                                                        std::uint32_t) override {
        if (rules.erase(family) == 0) return std::unexpected(xfrm::make_kernel_error(ENOENT, ""));
        return {};
    }
};

ike::ts_range prefix(const char* net, unsigned bits) {
    const auto a = ike_addr(net);
    ike::ts_range r;
    r.ipv6 = a.ipv6;
    r.start = a.bytes, r.end = a.bytes;
    for (unsigned bit = bits; bit < (a.ipv6 ? 128u : 32u); ++bit)
        r.end[bit / 8] |= static_cast<std::uint8_t>(0x80u >> (bit % 8));
    return r;
}

ike::install_child_sa child(ike::ike_sa_id ike, ike::child_sa_id id, const char* vip,
                            ike::ts_range remote) {
    ike::install_child_sa c;
    c.ike = ike;
    c.child = id;
    c.local_ts = {prefix(vip, 32)};
    c.remote_ts = {remote};
    return c;
}

const auto peer = ike_addr("198.51.100.1");

TEST(vip_installer, address_on_the_peers_interface_and_a_source_route) {
    fake_host host;
    vip_installer v(host, {});
    auto dev = v.assign(1, peer, {ike_addr("10.3.0.1")});
    ASSERT_TRUE(dev) << dev.error();
    EXPECT_EQ(*dev, "eth0");
    EXPECT_TRUE(host.addresses.contains({2, "10.3.0.1"}));
    auto routes = v.child_installed(child(1, 1, "10.3.0.1", prefix("10.1.0.0", 24)));
    ASSERT_TRUE(routes) << routes.error();
    ASSERT_EQ(routes->size(), 1u);
    EXPECT_EQ(routes->front(), "10.1.0.0/24 via 192.0.2.254 dev eth0 src 10.3.0.1 table 220");
    ASSERT_EQ(host.routes.size(), 1u);
    EXPECT_TRUE(host.rules.contains(xfrm::af_inet));

    auto removed = v.ike_gone(1);
    ASSERT_TRUE(removed) << removed.error();
    EXPECT_EQ(*removed, std::vector<std::string>{"10.3.0.1"});
    EXPECT_TRUE(host.addresses.empty());
    EXPECT_TRUE(host.routes.empty());
    EXPECT_TRUE(host.rules.empty());
}

TEST(vip_installer, configured_interface) {
    fake_host host;
    vip_installer v(host, {"wg0", 220, 220});
    EXPECT_EQ(v.assign(1, peer, {ike_addr("10.3.0.1")}).value_or(""), "wg0");
    EXPECT_TRUE(host.addresses.contains({5, "10.3.0.1"}));
    vip_installer missing(host, {"nosuch0", 220, 220});
    auto err = missing.assign(2, peer, {ike_addr("10.3.0.2")});
    ASSERT_FALSE(err);
    EXPECT_NE(err.error().find("nosuch0"), std::string::npos) << err.error();
}

TEST(vip_installer, error_says_what_failed) {
    fake_host host;
    host.fail_address_with = EPERM;
    vip_installer v(host, {});
    auto err = v.assign(1, peer, {ike_addr("10.3.0.1")});
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error(), "cannot add 10.3.0.1/32 to eth0: Operation not permitted");
}

TEST(vip_installer, remote_selector_covering_the_gateway_keeps_its_real_route) {
    fake_host host;
    vip_installer v(host, {});
    ASSERT_TRUE(v.assign(1, peer, {ike_addr("10.3.0.1")}));
    auto routes = v.child_installed(child(1, 1, "10.3.0.1", prefix("0.0.0.0", 0)));
    ASSERT_TRUE(routes) << routes.error();
    ASSERT_EQ(host.routes.size(), 2u);
    EXPECT_EQ((*routes)[0], "0.0.0.0/0 via 192.0.2.254 dev eth0 src 10.3.0.1 table 220");
    EXPECT_EQ((*routes)[1], "198.51.100.1/32 via 192.0.2.254 dev eth0 src 192.0.2.11 table 220");
}

TEST(vip_installer, rekeyed_child_and_reauthenticated_ike_sa_share) {
    fake_host host;
    vip_installer v(host, {});
    ASSERT_TRUE(v.assign(1, peer, {ike_addr("10.3.0.1")}));
    ASSERT_TRUE(v.child_installed(child(1, 1, "10.3.0.1", prefix("10.1.0.0", 24))));
    // CHILD_SA rekey: #2 replaces #1 with the same selectors.
    auto again = v.child_installed(child(1, 2, "10.3.0.1", prefix("10.1.0.0", 24)));
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->empty());
    ASSERT_TRUE(v.child_removed(1));
    EXPECT_EQ(host.routes.size(), 1u);
    // Reauthentication: a new IKE_SA gets the same address, then the old one goes.
    ASSERT_TRUE(v.assign(2, peer, {ike_addr("10.3.0.1")}));
    ASSERT_TRUE(v.child_installed(child(2, 3, "10.3.0.1", prefix("10.1.0.0", 24))));
    ASSERT_TRUE(v.ike_gone(1));
    EXPECT_TRUE(host.addresses.contains({2, "10.3.0.1"}));
    EXPECT_EQ(host.routes.size(), 1u);
    ASSERT_TRUE(v.ike_gone(2));
    EXPECT_TRUE(host.addresses.empty());
    EXPECT_TRUE(host.routes.empty());
}

TEST(vip_installer, ike_rekey_moves_everything) {
    fake_host host;
    vip_installer v(host, {});
    ASSERT_TRUE(v.assign(1, peer, {ike_addr("10.3.0.1")}));
    ASSERT_TRUE(v.child_installed(child(1, 1, "10.3.0.1", prefix("10.1.0.0", 24))));
    v.ike_moved(1, 2);
    ASSERT_TRUE(v.ike_gone(1));  // the rekeyed IKE_SA's delete
    EXPECT_EQ(host.addresses.size(), 1u);
    EXPECT_EQ(host.routes.size(), 1u);
    EXPECT_EQ(v.addresses_of(2).size(), 1u);
    ASSERT_TRUE(v.remove_all());
    EXPECT_TRUE(host.addresses.empty());
    EXPECT_TRUE(host.routes.empty());
    EXPECT_TRUE(host.rules.empty());
}

TEST(vip_installer, leaves_what_was_there_before) {
    fake_host host;
    host.addresses.insert({2, "10.3.0.1"});
    host.rules.insert(xfrm::af_inet);
    vip_installer v(host, {});
    ASSERT_TRUE(v.assign(1, peer, {ike_addr("10.3.0.1")}));
    ASSERT_TRUE(v.child_installed(child(1, 1, "10.3.0.1", prefix("10.1.0.0", 24))));
    ASSERT_TRUE(v.ike_gone(1));
    EXPECT_TRUE(host.addresses.contains({2, "10.3.0.1"}));
    EXPECT_TRUE(host.rules.contains(xfrm::af_inet));
    EXPECT_TRUE(host.routes.empty());
}

TEST(vip_installer, no_routes_with_table_zero_or_without_virtual_ip) {
    fake_host host;
    vip_installer v(host, {"", 0, 220});
    ASSERT_TRUE(v.assign(1, peer, {ike_addr("10.3.0.1")}));
    EXPECT_TRUE(v.child_installed(child(1, 1, "10.3.0.1", prefix("10.1.0.0", 24)))->empty());
    vip_installer w(host, {});
    // An IKE_SA without virtual IPs (site-to-site) is not touched.
    EXPECT_TRUE(w.child_installed(child(7, 8, "10.9.0.1", prefix("10.1.0.0", 24)))->empty());
    EXPECT_TRUE(host.routes.empty());
    EXPECT_TRUE(host.rules.empty());
}

}  // namespace
}  // namespace ikev2d
