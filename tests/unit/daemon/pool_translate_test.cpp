#include "daemon/pool_translate.hpp"

#include <gtest/gtest.h>

#include "daemon/config/config_loader.hpp"
#include "daemon/config_translate.hpp"
#include "libike/sa/address_pool.hpp"

namespace ikev2d {
namespace {

constexpr std::string_view road_warriors = R"(
secrets:
  - ids: [gw.example.org]
    psk: "0x000102030405060708090a0b0c0d0e0f"
pools:
  rw4:
    addrs: 10.3.0.0/24
    dns: [10.3.0.53]
    dns_domains: [corp.example.org]
  rw6:
    addrs: fd03::100-fd03::1ff
connections:
  rw:
    local: {auth: psk, id: gw.example.org}
    remote: {auth: psk}
    pools: [rw4, rw6]
    children:
      net: {local_ts: [10.2.0.0/16]}
  home:
    remote_addrs: [192.0.2.2]
    local: {auth: psk, id: gw.example.org}
    remote: {auth: psk, id: gw.example.org}
    vips: [0.0.0.0]
    children:
      net: {remote_ts: [10.2.0.0/16]}
)";

TEST(pool_translate, pools_and_connection_keys_reach_the_engine) {
    auto cfg = config::load_config_string(road_warriors, "test.yaml");
    ASSERT_TRUE(cfg) << cfg.error().front().to_string();
    const auto pools = translate_pools(*cfg);
    ASSERT_EQ(pools.size(), 2u);
    EXPECT_EQ(pools[0].name, "rw4");
    EXPECT_EQ(pools[0].base, ike::ip_addr::v4(10, 3, 0, 0));
    EXPECT_EQ(pools[0].prefix_length, 24u);
    EXPECT_FALSE(pools[0].range);
    EXPECT_EQ(pools[0].dns, std::vector{ike::ip_addr::v4(10, 3, 0, 53)});
    EXPECT_EQ(pools[0].dns_domains, std::vector<std::string>{"corp.example.org"});
    EXPECT_TRUE(pools[1].range);
    EXPECT_TRUE(pools[1].last.ipv6);
    EXPECT_EQ(pools[1].last.bytes[14], 0x01);
    EXPECT_EQ(pools[1].last.bytes[15], 0xff);
    // The pool's own factory accepts what the loader let through.
    EXPECT_EQ(ike::address_pool::from_prefix(pools[0].base, pools[0].prefix_length)->size(), 254u);
    EXPECT_EQ(ike::address_pool::from_range(pools[1].base, pools[1].last)->size(), 256u);

    const auto t = translate(*cfg);
    ASSERT_TRUE(t.errors.empty()) << t.errors.front().to_string();
    ASSERT_EQ(t.connections.size(), 2u);
    EXPECT_EQ(t.connections[0]->pools, (std::vector<std::string>{"rw4", "rw6"}));
    EXPECT_TRUE(t.connections[0]->vips.empty());
    EXPECT_EQ(t.connections[1]->vips, std::vector{ike::ip_addr::v4(0, 0, 0, 0)});
}

}  // namespace
}  // namespace ikev2d
