#include "daemon/config/traffic_selector.hpp"

#include <gtest/gtest.h>

namespace ikev2d::config {
namespace {

TEST(traffic_selector, subnet_host_and_dynamic) {
    auto net = parse_traffic_selector("10.10.1.0/24");
    ASSERT_TRUE(net);
    EXPECT_FALSE(net->dynamic);
    EXPECT_EQ(net->subnet.to_string(), "10.10.1.0/24");
    EXPECT_EQ(net->protocol, 0);
    EXPECT_TRUE(net->ports.is_any());

    auto host = parse_traffic_selector("fd00::5");
    ASSERT_TRUE(host);
    EXPECT_EQ(host->subnet.length, 128);

    auto dyn = parse_traffic_selector("dynamic");
    ASSERT_TRUE(dyn);
    EXPECT_TRUE(dyn->dynamic);
    EXPECT_EQ(dyn->to_string(), "dynamic");
}

TEST(traffic_selector, protocol_and_port) {
    auto https = parse_traffic_selector("10.0.0.0/8[tcp/443]");
    ASSERT_TRUE(https);
    EXPECT_EQ(https->protocol, 6);
    EXPECT_EQ(https->ports, (port_range{443, 443}));
    EXPECT_EQ(https->to_string(), "10.0.0.0/8[6/443]");

    auto udp = parse_traffic_selector("0.0.0.0/0[udp]");
    ASSERT_TRUE(udp);
    EXPECT_EQ(udp->protocol, 17);
    EXPECT_TRUE(udp->ports.is_any());

    auto range = parse_traffic_selector("10.0.0.0/8[6/1000-2000]");
    ASSERT_TRUE(range);
    EXPECT_EQ(range->protocol, 6);
    EXPECT_EQ(range->ports, (port_range{1000, 2000}));

    EXPECT_EQ(parse_traffic_selector("::/0[icmpv6]")->protocol, 58);
    EXPECT_EQ(parse_traffic_selector("::/0[ipv6-icmp]")->protocol, 58);
    EXPECT_EQ(parse_traffic_selector("10.0.0.1[icmp]")->protocol, 1);
    EXPECT_EQ(parse_traffic_selector("10.0.0.1[sctp/9899]")->protocol, 132);

    auto any_proto = parse_traffic_selector("dynamic[%any/53]");
    ASSERT_TRUE(any_proto);
    EXPECT_TRUE(any_proto->dynamic);
    EXPECT_EQ(any_proto->protocol, 0);
    EXPECT_EQ(any_proto->ports, (port_range{53, 53}));
}

TEST(traffic_selector, host_bits_reported) {
    auto ts = parse_traffic_selector("10.10.1.1/24[tcp]");
    ASSERT_TRUE(ts);
    EXPECT_TRUE(ts->host_bits_cleared);
    EXPECT_EQ(ts->subnet.to_string(), "10.10.1.0/24");
}

TEST(traffic_selector, errors_with_offsets) {
    auto proto = parse_traffic_selector("10.0.0.0/8[tpc/443]");
    ASSERT_FALSE(proto);
    EXPECT_EQ(proto.error().offset, 11u);
    EXPECT_EQ(proto.error().message,
              "unknown protocol 'tpc'; use tcp, udp, icmp, icmpv6, sctp or a number 0..255; "
              "did you mean 'tcp'?");

    auto port = parse_traffic_selector("10.0.0.0/8[tcp/70000]");
    ASSERT_FALSE(port);
    EXPECT_EQ(port.error().offset, 15u);

    auto empty_range = parse_traffic_selector("10.0.0.0/8[tcp/2000-1000]");
    ASSERT_FALSE(empty_range);
    EXPECT_EQ(empty_range.error().message, "port range '2000-1000' is empty (from > to)");

    auto bracket = parse_traffic_selector("10.0.0.0/8[tcp");
    ASSERT_FALSE(bracket);
    EXPECT_EQ(bracket.error().offset, 10u);

    auto len = parse_traffic_selector("10.0.0.0/40");
    ASSERT_FALSE(len);
    EXPECT_EQ(len.error().offset, 9u);

    EXPECT_FALSE(parse_traffic_selector("10.0.0.0/8[256]"));
    EXPECT_FALSE(parse_traffic_selector("lan"));
}

}  // namespace
}  // namespace ikev2d::config
