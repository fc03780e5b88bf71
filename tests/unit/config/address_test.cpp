#include "daemon/config/address.hpp"

#include <gtest/gtest.h>

namespace ikev2d::config {
namespace {

TEST(ip_address, parses_v4_and_v6) {
    auto v4 = parse_ip_address("10.1.0.1");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->family, ip_family::ipv4);
    EXPECT_EQ(v4->size(), 4u);
    EXPECT_EQ(v4->octets[0], 10);
    EXPECT_EQ(v4->octets[3], 1);
    EXPECT_EQ(v4->to_string(), "10.1.0.1");

    auto v6 = parse_ip_address("fd00::1");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->family, ip_family::ipv6);
    EXPECT_EQ(v6->octets[0], 0xfd);
    EXPECT_EQ(v6->octets[15], 1);
    EXPECT_EQ(v6->to_string(), "fd00::1");

    EXPECT_FALSE(parse_ip_address("10.1.0.256"));
    EXPECT_FALSE(parse_ip_address("gw.example.org"));
    EXPECT_FALSE(parse_ip_address("[::1]"));
}

TEST(ip_prefix, cidr_and_single_address) {
    auto p = parse_prefix("10.10.1.0/24");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->prefix.to_string(), "10.10.1.0/24");
    EXPECT_FALSE(p->host_bits_cleared);

    auto host = parse_prefix("10.10.1.5");
    ASSERT_TRUE(host);
    EXPECT_EQ(host->prefix.length, 32);
    EXPECT_TRUE(host->prefix.is_host());

    auto v6 = parse_prefix("fd00:1::/64");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->prefix.length, 64);
    EXPECT_EQ(parse_prefix("fd00::1")->prefix.length, 128);
}

TEST(ip_prefix, host_bits_are_cleared_and_reported) {
    auto p = parse_prefix("10.10.1.77/20");
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->host_bits_cleared);
    EXPECT_EQ(p->prefix.to_string(), "10.10.0.0/20");

    auto v6 = parse_prefix("fd00::ff/120");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->host_bits_cleared);
    EXPECT_EQ(v6->prefix.to_string(), "fd00::/120");

    EXPECT_EQ(parse_prefix("0.0.0.0/0")->prefix.to_string(), "0.0.0.0/0");
}

TEST(ip_prefix, bad_lengths) {
    auto p = parse_prefix("10.0.0.0/33");
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().offset, 9u);
    EXPECT_EQ(p.error().message, "invalid prefix length '33'; expected 0..32");
    EXPECT_FALSE(parse_prefix("10.0.0.0/"));
    EXPECT_FALSE(parse_prefix("10.0.0.0/8x"));
    EXPECT_FALSE(parse_prefix("fd00::/129"));
    EXPECT_TRUE(parse_prefix("fd00::/128"));
}

TEST(peer_address, kinds) {
    EXPECT_TRUE(std::holds_alternative<any_address>(*parse_peer_address("%any")));
    EXPECT_TRUE(std::holds_alternative<any_address>(*parse_peer_address("any")));
    EXPECT_TRUE(std::holds_alternative<any_address>(*parse_peer_address("0.0.0.0")));
    EXPECT_TRUE(std::holds_alternative<ip_address>(*parse_peer_address("192.0.2.1")));
    EXPECT_TRUE(std::holds_alternative<ip_prefix>(*parse_peer_address("192.0.2.0/24")));
    auto name = parse_peer_address("vpn.example.org");
    ASSERT_TRUE(name);
    EXPECT_EQ(std::get<host_name>(*name).name, "vpn.example.org");
    EXPECT_EQ(to_string(*name), "vpn.example.org");
}

TEST(peer_address, errors) {
    auto bad = parse_peer_address("10.0.0.256");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "'10.0.0.256' is not an IP address");

    auto range = parse_peer_address("10.0.0.1-10.0.0.9");
    ASSERT_FALSE(range);
    EXPECT_EQ(range.error().offset, 8u);

    auto label = parse_peer_address("vpn..example.org");
    ASSERT_FALSE(label);
    EXPECT_EQ(label.error().offset, 4u);

    auto chars = parse_peer_address("vpn_1.example.org");
    ASSERT_FALSE(chars);
    EXPECT_EQ(chars.error().offset, 3u);
    EXPECT_FALSE(parse_peer_address("-vpn.example.org"));
}

}  // namespace
}  // namespace ikev2d::config
