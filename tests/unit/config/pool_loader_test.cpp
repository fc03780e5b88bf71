// `pools:` and the connection keys `pools` and `vips` (pool_loader.cpp):
// what loads, and every mistake reported at file:line:column.
#include "daemon/config/pool_loader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/config/config_loader.hpp"

namespace ikev2d::config {
namespace {

std::string yaml(std::string_view text) {
    return std::string(text.substr(1));
}

// A gateway connection `rw` lending from the pools the test defines after.
const std::string gateway = yaml(R"(
connections:
  rw:
    local: {auth: psk, id: gw.example.org}
    remote: {auth: psk}
    pools: [v4, v6]
    children:
      net: {local_ts: [10.2.0.0/16]}
secrets:
  - ids: [gw.example.org]
    psk: "a long random secret value"
)");

std::vector<std::string> errors_of(const std::string& text) {
    auto cfg = load_config_string(text, "p.yaml");
    EXPECT_FALSE(cfg) << "expected the load to fail:\n" << text;
    std::vector<std::string> out;
    if (!cfg)
        for (const auto& e : cfg.error()) out.push_back(e.to_string());
    return out;
}

using lines = std::vector<std::string>;

TEST(pool_loader, prefixes_ranges_and_attributes) {
    auto cfg = load_config_string(gateway + yaml(R"(
pools:
  v4:
    addrs: 10.3.0.0/24
    dns: [10.3.0.53, fd00::53]
    dns_domains: corp.example.org, example.org
  v6:
    addrs: fd03::100-fd03::1ff
)"),
                                  "p.yaml");
    ASSERT_TRUE(cfg) << (cfg ? "" : cfg.error().front().to_string());
    ASSERT_EQ(cfg->pools.size(), 2u);
    const auto& v4 = cfg->pools[0];
    EXPECT_EQ(v4.name, "v4");
    EXPECT_FALSE(v4.range);
    EXPECT_EQ(v4.base.to_string(), "10.3.0.0");
    EXPECT_EQ(v4.prefix_length, 24);
    EXPECT_EQ(v4.dns.size(), 2u);
    EXPECT_EQ(v4.dns[1].to_string(), "fd00::53");
    EXPECT_EQ(v4.dns_domains, (std::vector<std::string>{"corp.example.org", "example.org"}));
    const auto& v6 = cfg->pools[1];
    EXPECT_TRUE(v6.range);
    EXPECT_EQ(v6.base.to_string(), "fd03::100");
    EXPECT_EQ(v6.last.to_string(), "fd03::1ff");
    EXPECT_EQ(cfg->connections[0].pools, (std::vector<std::string>{"v4", "v6"}));
}

TEST(pool_loader, client_asks_for_virtual_ips) {
    auto cfg = load_config_string(yaml(R"(
connections:
  home:
    remote_addrs: [192.0.2.2]
    local: {auth: psk, id: me.example.org}
    remote: {auth: psk, id: gw.example.org}
    vips: [0.0.0.0, "::"]
    children:
      net: {remote_ts: [10.2.0.0/16]}
secrets:
  - ids: [me.example.org, gw.example.org]
    psk: "a long random secret value"
)"),
                                  "p.yaml");
    ASSERT_TRUE(cfg) << (cfg ? "" : cfg.error().front().to_string());
    ASSERT_EQ(cfg->connections[0].vips.size(), 2u);
    EXPECT_EQ(cfg->connections[0].vips[1].family, ip_family::ipv6);
}

TEST(pool_loader, bad_addresses_point_at_the_mistake) {
    EXPECT_EQ(errors_of(gateway + yaml(R"(
pools:
  v4: {addrs: 10.3.0.50-10.3.0.10}
  v6: {addrs: fd03::1-10.3.0.1}
)")),
              (lines{"p.yaml:12:25: pools.v4.addrs: range's first address is above its last "
                     "(write 10.3.0.0/24 or 10.3.0.10-10.3.0.50)",
                     "p.yaml:13:23: pools.v6.addrs: range mixes IPv4 and IPv6 (write "
                     "10.3.0.0/24 or 10.3.0.10-10.3.0.50)"}));
    EXPECT_EQ(errors_of(gateway + yaml(R"(
pools:
  v4: {addrs: 10.3.0.0/33}
  v6: {addrs: fd03::/x}
)")),
              (lines{"p.yaml:12:24: pools.v4.addrs: prefix length longer than the address "
                     "(write 10.3.0.0/24 or 10.3.0.10-10.3.0.50)",
                     "p.yaml:13:22: pools.v6.addrs: prefix length must be a number"}));
    EXPECT_EQ(errors_of(gateway + yaml(R"(
pools:
  v4: {addrs: 10.0.0.0-200.0.0.0}
  v6: {dns: [10.3.0.999]}
)"))
                  .size(),
              3u);  // too large; missing addrs; bad DNS address
}

TEST(pool_loader, unknown_pool_names_and_bad_domains) {
    EXPECT_EQ(errors_of(gateway + yaml(R"(
pools:
  v4: {addrs: 10.3.0.0/24, dns_domains: [corp.exämple.org]}
  v7: {addrs: fd03::/120}
)")),
              (lines{"p.yaml:5:17: connections.rw.pools: no pool named 'v6' in pools; did you "
                     "mean 'v4'?",
                     // the byte column of the ä
                     "p.yaml:12:49: pools.v4.dns_domains[0]: not a domain character "
                     "(internationalised names go in A-label form, xn--...)"}));
}

TEST(pool_loader, pools_and_vips_exclude_each_other) {
    auto text = gateway + yaml(R"(
pools:
  v4: {addrs: 10.3.0.0/24}
  v6: {addrs: fd03::/120}
)");
    text.replace(text.find("    children:"), 0, "    vips: [0.0.0.0, 0.0.0.0]\n");
    EXPECT_EQ(errors_of(text),
              (lines{"p.yaml:5:13: connections.rw.pools: a connection lends virtual IPs (pools) "
                     "or asks for one (vips), not both",
                     "p.yaml:6:21: connections.rw.vips[1]: one virtual IP per address family"}));
}

}  // namespace
}  // namespace ikev2d::config
