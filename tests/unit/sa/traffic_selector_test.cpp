#include "libike/sa/traffic_selector.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using namespace ike;

ts_range ts(std::string_view text) {
    auto r = ts_from_cidr(text);
    EXPECT_TRUE(r.has_value()) << text;
    return r.value_or(ts_range{});
}

std::array<std::uint8_t, 16> v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return {a, b, c, d};
}

std::vector<std::string> strings(const std::vector<ts_range>& list) {
    std::vector<std::string> out;
    for (const auto& t : list) out.push_back(to_string(t));
    return out;
}

// --- parsing and printing ---------------------------------------------------------

TEST(ts_from_cidr, ipv4_prefix) {
    ts_range r = ts("10.1.0.0/24");
    EXPECT_FALSE(r.ipv6);
    EXPECT_EQ(r.start, v4(10, 1, 0, 0));
    EXPECT_EQ(r.end, v4(10, 1, 0, 255));
    EXPECT_EQ(r.protocol, 0);
    EXPECT_EQ(r.start_port, 0);
    EXPECT_EQ(r.end_port, 65535);
}

TEST(ts_from_cidr, clears_host_bits) {
    ts_range r = ts("10.1.0.77/26");  // 77 = 0b01001101 -> network .64, broadcast .127
    EXPECT_EQ(r.start, v4(10, 1, 0, 64));
    EXPECT_EQ(r.end, v4(10, 1, 0, 127));
}

TEST(ts_from_cidr, host_and_whole_space) {
    ts_range host = ts("10.1.2.3");
    EXPECT_EQ(host.start, v4(10, 1, 2, 3));
    EXPECT_EQ(host.end, v4(10, 1, 2, 3));
    ts_range all = ts("0.0.0.0/0");
    EXPECT_EQ(all, ts_range::any(false));
    EXPECT_EQ(all.end, v4(255, 255, 255, 255));
}

TEST(ts_from_cidr, ipv6) {
    ts_range r = ts("fd00::/64");
    EXPECT_TRUE(r.ipv6);
    std::array<std::uint8_t, 16> start{0xfd};
    std::array<std::uint8_t, 16> end{0xfd, 0,    0,    0,    0,    0,    0,    0,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    EXPECT_EQ(r.start, start);
    EXPECT_EQ(r.end, end);
    ts_range host = ts("fd00::1");
    start[15] = 1;
    EXPECT_EQ(host.start, start);
    EXPECT_EQ(host.end, start);
    EXPECT_EQ(ts("::/0"), ts_range::any(true));
}

TEST(ts_from_cidr, range_and_suffix) {
    ts_range r = ts("10.1.0.5-10.1.0.9");
    EXPECT_EQ(r.start, v4(10, 1, 0, 5));
    EXPECT_EQ(r.end, v4(10, 1, 0, 9));
    ts_range web = ts("10.0.0.0/8[tcp/443]");
    EXPECT_EQ(web.protocol, 6);
    EXPECT_EQ(web.start_port, 443);
    EXPECT_EQ(web.end_port, 443);
    ts_range udp = ts("0.0.0.0/0[udp]");
    EXPECT_EQ(udp.protocol, 17);
    EXPECT_TRUE(udp.any_port());
    ts_range ports = ts("10.0.0.0/8[47/1000-2000]");
    EXPECT_EQ(ports.protocol, 47);
    EXPECT_EQ(ports.start_port, 1000);
    EXPECT_EQ(ports.end_port, 2000);
}

TEST(ts_from_cidr, rejects_bad_input) {
    for (std::string_view bad :
         {"", "10.1.0.0/33", "fd00::/129", "10.1.0.0/", "10.1.0.0/x", "10.1.0.9-10.1.0.5",
          "10.1.0.1-fd00::1", "vpn.example.com", "10.1.0.256", "10.0.0.0/8[tcp/2000-1000]",
          "10.0.0.0/8[bogus]", "10.0.0.0/8[tcp/443", "10.0.0.0/8[256]"}) {
        EXPECT_FALSE(ts_from_cidr(bad).has_value()) << bad;
    }
}

TEST(ts_to_string, forms) {
    EXPECT_EQ(to_string(ts("10.1.0.0/24")), "10.1.0.0/24");
    EXPECT_EQ(to_string(ts("10.1.2.3")), "10.1.2.3/32");
    EXPECT_EQ(to_string(ts("0.0.0.0/0")), "0.0.0.0/0");
    EXPECT_EQ(to_string(ts("10.1.0.5-10.1.0.9")), "10.1.0.5-10.1.0.9");
    EXPECT_EQ(to_string(ts("10.1.0.0-10.1.1.255")), "10.1.0.0/23");
    EXPECT_EQ(to_string(ts("fd00::/64")), "fd00::/64");
    EXPECT_EQ(to_string(ts("::/0")), "::/0");
    EXPECT_EQ(to_string(ts("fd00::5-fd00::9")), "fd00::5-fd00::9");
    EXPECT_EQ(to_string(ts("10.0.0.0/8[tcp/443]")), "10.0.0.0/8[tcp/443]");
    EXPECT_EQ(to_string(ts("10.0.0.0/8[udp]")), "10.0.0.0/8[udp]");
    EXPECT_EQ(to_string(ts("10.0.0.0/8[6/1000-2000]")), "10.0.0.0/8[tcp/1000-2000]");
    EXPECT_EQ(to_string(ts("10.0.0.0/8[any/53]")), "10.0.0.0/8[any/53]");
    EXPECT_EQ(to_string(ts("10.0.0.0/8[47]")), "10.0.0.0/8[47]");
    ts_range opaque = ts("10.0.0.0/8[udp]");
    opaque.start_port = 65535;
    opaque.end_port = 0;
    EXPECT_EQ(to_string(opaque), "10.0.0.0/8[udp/opaque]");
    std::vector<ts_range> list{ts("10.1.0.0/24"), ts("fd00::/64")};
    EXPECT_EQ(to_string(std::span<const ts_range>(list)), "[10.1.0.0/24, fd00::/64]");
}

// --- wire form ---------------------------------------------------------------------

TEST(ts_payload_conversion, round_trip) {
    std::vector<ts_range> list{ts("10.1.0.0/24[tcp/443]"), ts("fd00::5-fd00::9")};
    ts_payload wire = to_ts_payload(list);
    ASSERT_EQ(wire.selectors.size(), 2U);
    EXPECT_EQ(wire.selectors[0].type, ts_type::ipv4_addr_range);
    EXPECT_EQ(wire.selectors[0].ip_protocol, 6);
    EXPECT_EQ(wire.selectors[0].ports, (port_range{443, 443}));
    EXPECT_EQ(wire.selectors[0].addresses.start, (bytes{10, 1, 0, 0}));
    EXPECT_EQ(wire.selectors[0].addresses.end, (bytes{10, 1, 0, 255}));
    EXPECT_EQ(wire.selectors[1].type, ts_type::ipv6_addr_range);
    EXPECT_EQ(wire.selectors[1].addresses.start.size(), 16U);
    auto back = from_ts_payload(wire);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, list);
}

TEST(ts_payload_conversion, rejects_bad_selectors) {
    traffic_selector good{ts_type::ipv4_addr_range, 0, {}, {{10, 0, 0, 1}, {10, 0, 0, 9}}};
    ASSERT_TRUE(from_ts_payload({{good}}).has_value());

    traffic_selector reversed = good;
    std::swap(reversed.addresses.start, reversed.addresses.end);
    auto r = from_ts_payload({{good, reversed}});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, parse_errc::bad_value);

    traffic_selector short_addr = good;
    short_addr.type = ts_type::ipv6_addr_range;
    r = from_ts_payload({{short_addr}});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, parse_errc::bad_length);

    traffic_selector unknown = good;
    unknown.type = static_cast<ts_type>(9);
    r = from_ts_payload({{unknown}});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, parse_errc::bad_value);

    // OPAQUE ports are legal on the wire (RFC 4301) and kept.
    traffic_selector opaque = good;
    opaque.ports = {65535, 0};
    r = from_ts_payload({{opaque}});
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->front().empty());
}

// --- intersection and narrowing (RFC 7296 §2.9) --------------------------------------

TEST(intersect, protocols_and_ports) {
    auto r = intersect(ts("0.0.0.0/0[tcp]"), ts("10.0.0.0/8[any/443]"));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(to_string(*r), "10.0.0.0/8[tcp/443]");
    EXPECT_FALSE(intersect(ts("10.0.0.0/8[tcp]"), ts("10.0.0.0/8[udp]")));
    r = intersect(ts("10.0.0.0/8[tcp/1000-2000]"), ts("10.1.0.0/16[tcp/1500-3000]"));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(to_string(*r), "10.1.0.0/16[tcp/1500-2000]");
    EXPECT_FALSE(intersect(ts("10.0.0.0/8[tcp/1000-2000]"), ts("10.0.0.0/8[tcp/3000-4000]")));
    ts_range opaque = ts("10.0.0.0/8[udp]");
    opaque.start_port = 65535;
    opaque.end_port = 0;
    EXPECT_FALSE(intersect(opaque, ts("0.0.0.0/0")));
}

TEST(intersect, addresses) {
    auto r = intersect(ts("10.1.0.0-10.1.0.200"), ts("10.1.0.100-10.1.1.5"));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(to_string(*r), "10.1.0.100-10.1.0.200");
    EXPECT_FALSE(intersect(ts("10.1.0.0/24"), ts("10.1.1.0/24")));
    EXPECT_FALSE(intersect(ts("0.0.0.0/0"), ts("::/0")));
}

TEST(narrow, wide_peer_is_narrowed_to_ours) {
    std::vector<ts_range> peer_tsi{ts("0.0.0.0/0")}, peer_tsr{ts("0.0.0.0/0")};
    std::vector<ts_range> remote{ts("10.2.0.0/16")}, local{ts("10.1.0.0/24")};
    auto r = narrow(peer_tsi, peer_tsr, remote, local);
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(strings(r->tsi), std::vector<std::string>{"10.2.0.0/16"});
    EXPECT_EQ(strings(r->tsr), std::vector<std::string>{"10.1.0.0/24"});
}

TEST(narrow, peer_range_inside_ours_is_kept) {
    std::vector<ts_range> peer_tsi{ts("10.2.0.7")}, peer_tsr{ts("10.1.0.5-10.1.0.9")};
    std::vector<ts_range> remote{ts("10.2.0.0/16")}, local{ts("10.1.0.0/24")};
    auto r = narrow(peer_tsi, peer_tsr, remote, local);
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(strings(r->tsi), std::vector<std::string>{"10.2.0.7/32"});
    EXPECT_EQ(strings(r->tsr), std::vector<std::string>{"10.1.0.5-10.1.0.9"});
}

TEST(narrow, packet_selector_first_is_absorbed_by_the_wider_one) {
    // §2.9: the first TS is the packet that triggered the ACQUIRE; the rest is
    // the policy. We allow a /24 of the peer's /16: the packet lies in it, so
    // the /24 alone covers both.
    std::vector<ts_range> peer_tsi{ts("10.2.0.7[tcp/40000]"), ts("10.2.0.0/16")};
    std::vector<ts_range> peer_tsr{ts("10.1.0.9[tcp/443]"), ts("10.1.0.0/16")};
    std::vector<ts_range> remote{ts("10.2.0.0/24")}, local{ts("10.1.0.0/24[tcp]")};
    auto r = narrow(peer_tsi, peer_tsr, remote, local);
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(strings(r->tsi), std::vector<std::string>{"10.2.0.0/24"});
    EXPECT_EQ(strings(r->tsr), std::vector<std::string>{"10.1.0.0/24[tcp]"});
}

TEST(narrow, keeps_peer_order_and_drops_duplicates) {
    std::vector<ts_range> peer_tsi{ts("10.3.0.0/16"), ts("10.2.0.0/16"), ts("10.3.0.0/16")};
    std::vector<ts_range> peer_tsr{ts("0.0.0.0/0")};
    std::vector<ts_range> remote{ts("10.2.0.0/24"), ts("10.3.0.0/24")};
    std::vector<ts_range> local{ts("10.1.0.0/24"), ts("10.9.0.0/24")};
    auto r = narrow(peer_tsi, peer_tsr, remote, local);
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(strings(r->tsi), (std::vector<std::string>{"10.3.0.0/24", "10.2.0.0/24"}));
    EXPECT_EQ(strings(r->tsr), (std::vector<std::string>{"10.1.0.0/24", "10.9.0.0/24"}));
}

TEST(narrow, disjoint_is_a_mismatch_naming_both_sides) {
    std::vector<ts_range> peer_tsi{ts("10.9.0.0/16")}, peer_tsr{ts("10.1.0.0/24")};
    std::vector<ts_range> remote{ts("10.2.0.0/16")}, local{ts("10.1.0.0/24")};
    auto r = narrow(peer_tsi, peer_tsr, remote, local);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().explanation,
              "traffic selectors do not match (no overlap in TSi): peer proposed [10.9.0.0/16] "
              "=== [10.1.0.0/24], we accept [10.2.0.0/16] === [10.1.0.0/24]");
}

TEST(narrow, protocol_mismatch) {
    std::vector<ts_range> peer_tsi{ts("10.2.0.0/16[udp]")}, peer_tsr{ts("10.1.0.0/24[udp/53]")};
    std::vector<ts_range> remote{ts("10.2.0.0/16")}, local{ts("10.1.0.0/24[tcp]")};
    auto r = narrow(peer_tsi, peer_tsr, remote, local);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().explanation.find("no overlap in TSr"), std::string::npos);
    EXPECT_NE(r.error().explanation.find("[10.1.0.0/24[udp/53]]"), std::string::npos);
}

TEST(narrow, ipv6) {
    std::vector<ts_range> peer_tsi{ts("::/0")}, peer_tsr{ts("fd01::5-fd01::9")};
    std::vector<ts_range> remote{ts("fd02::/64")}, local{ts("fd01::/64")};
    auto r = narrow(peer_tsi, peer_tsr, remote, local);
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(strings(r->tsi), std::vector<std::string>{"fd02::/64"});
    EXPECT_EQ(strings(r->tsr), std::vector<std::string>{"fd01::5-fd01::9"});
}

TEST(narrow, mixed_families) {
    std::vector<ts_range> peer_tsi{ts("0.0.0.0/0"), ts("::/0")};
    std::vector<ts_range> peer_tsr{ts("0.0.0.0/0"), ts("::/0")};
    std::vector<ts_range> remote{ts("fd02::/64"), ts("10.2.0.0/16")};
    std::vector<ts_range> local{ts("10.1.0.0/24")};
    auto r = narrow(peer_tsi, peer_tsr, remote, local);
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    // Peer's order first: its IPv4 selector before its IPv6 one.
    EXPECT_EQ(strings(r->tsi), (std::vector<std::string>{"10.2.0.0/16", "fd02::/64"}));
    EXPECT_EQ(strings(r->tsr), std::vector<std::string>{"10.1.0.0/24"});

    std::vector<ts_range> v6_only{ts("::/0")};
    auto bad = narrow(v6_only, v6_only, remote, local);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().explanation,
              "traffic selectors do not match (no overlap in TSr): peer proposed [::/0] === "
              "[::/0], we accept [fd02::/64, 10.2.0.0/16] === [10.1.0.0/24]");
}

TEST(narrow, empty_lists) {
    std::vector<ts_range> any{ts("0.0.0.0/0")};
    auto r = narrow({}, any, any, any);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().explanation.find("no overlap in TSi)"), std::string::npos);
    r = narrow({}, {}, any, any);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().explanation.find("no overlap in TSi and TSr"), std::string::npos);
}

TEST(is_subset, cases) {
    std::vector<ts_range> outer{ts("10.1.0.0/24"), ts("fd00::/64[tcp]")};
    auto sub = [&](std::vector<ts_range> inner) { return is_subset(inner, outer); };
    EXPECT_TRUE(sub({}));
    EXPECT_TRUE(sub({ts("10.1.0.0/25")}));
    EXPECT_TRUE(sub({ts("10.1.0.0/24"), ts("fd00::1[tcp/22]")}));
    EXPECT_TRUE(sub({ts("10.1.0.0/24[udp/53]")}));
    EXPECT_FALSE(sub({ts("10.1.0.0/23")}));
    EXPECT_FALSE(sub({ts("10.1.0.0/25"), ts("10.2.0.0/25")}));
    EXPECT_FALSE(sub({ts("fd00::1")}));  // any protocol is wider than tcp
    EXPECT_FALSE(sub({ts("0.0.0.0/0")}));
    // One selector across two of ours is refused (documented limitation).
    std::vector<ts_range> halves{ts("10.1.0.0/25"), ts("10.1.0.128/25")};
    std::vector<ts_range> whole{ts("10.1.0.0/24")};
    EXPECT_FALSE(is_subset(whole, halves));
    EXPECT_TRUE(is_subset(halves, whole));
}

}  // namespace
