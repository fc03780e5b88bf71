#include "libike/codec/ts_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

constexpr std::size_t base = 32;

auto decode(const bytes& b) {
    return decode_at(decode_ts_payload, b, base, consume::any);
}
bytes encode(const ts_payload& p) {
    return encode_with(encode_ts_payload, p);
}

testing::AssertionResult fails_with(const bytes& b, parse_errc code, std::size_t offset) {
    return is_parse_error(decode(b), code, offset, payload_type::tsi);
}

// §3.13 / §3.13.1, assembled by hand:
//   TCP, all ports, 192.0.2.0 - 192.0.2.255
//   UDP, port 500 only, 2001:db8:: - 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff
const bytes two_selectors =
    hex("02 000000"
        "07 06 0010  0000 ffff  c0000200  c00002ff"  // @4
        "08 11 0028  01f4 01f4"                      // @20
        "20010db8 00000000 00000000 00000000"
        "20010db8 ffffffff ffffffff ffffffff");

TEST(ts_payload, decodes_ipv4_and_ipv6_ranges) {
    auto ts = decode(two_selectors);
    ASSERT_TRUE(ts) << ts.error().message();
    ASSERT_EQ(ts->selectors.size(), 2u);

    const auto& v4 = ts->selectors[0];
    EXPECT_EQ(v4.type, ts_type::ipv4_addr_range);
    EXPECT_EQ(v4.ip_protocol, 6);
    EXPECT_EQ(v4.ports.start, 0);
    EXPECT_EQ(v4.ports.end, 65535);
    EXPECT_EQ(v4.addresses.start, (bytes{192, 0, 2, 0}));
    EXPECT_EQ(v4.addresses.end, (bytes{192, 0, 2, 255}));

    const auto& v6 = ts->selectors[1];
    EXPECT_EQ(v6.type, ts_type::ipv6_addr_range);
    EXPECT_EQ(v6.ip_protocol, 17);
    EXPECT_EQ(v6.ports.start, 500);
    EXPECT_EQ(v6.ports.end, 500);
    EXPECT_EQ(v6.addresses.start, hex("20010db8000000000000000000000000"));
    EXPECT_EQ(v6.addresses.end, hex("20010db8ffffffffffffffffffffffff"));
}

TEST(ts_payload, round_trips_byte_for_byte) {
    auto ts = decode(two_selectors);
    ASSERT_TRUE(ts);
    EXPECT_EQ(encode(*ts), two_selectors);
}

TEST(ts_payload, encodes_built_selectors_to_rfc_layout) {
    ts_payload p;
    p.selectors.push_back(
        {ts_type::ipv4_addr_range, 6, {0, 65535}, {{192, 0, 2, 0}, {192, 0, 2, 255}}});
    p.selectors.push_back(
        {ts_type::ipv6_addr_range,
         17,
         {500, 500},
         {hex("20010db8000000000000000000000000"), hex("20010db8ffffffffffffffffffffffff")}});
    EXPECT_EQ(encode(p), two_selectors);
}

TEST(ts_payload, accepts_opaque_ports_and_zero_selectors) {
    // RFC 4301 OPAQUE: start port 65535, end port 0.
    bytes opaque = hex("01 000000  07 00 0010  ffff 0000  00000000 ffffffff");
    auto ts = decode(opaque);
    ASSERT_TRUE(ts) << ts.error().message();
    EXPECT_EQ(ts->selectors[0].ports.start, 65535);
    EXPECT_EQ(ts->selectors[0].ports.end, 0);
    auto none = decode(hex("00 000000"));
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->selectors.empty());
}

TEST(ts_payload, reserved_bytes_ignored_and_written_zero) {
    auto ts = decode(with(two_selectors, 2, 0x5a));
    ASSERT_TRUE(ts);
    EXPECT_EQ(encode(*ts), two_selectors);
}

TEST(ts_payload, rejects_truncated_header) {
    EXPECT_TRUE(fails_with(hex("02 0000"), parse_errc::truncated, base));
    EXPECT_TRUE(fails_with({}, parse_errc::truncated, base));
}

TEST(ts_payload, rejects_count_mismatch) {
    EXPECT_TRUE(fails_with(with(two_selectors, 0, 3), parse_errc::truncated, base + 60));
    EXPECT_TRUE(fails_with(with(two_selectors, 0, 1), parse_errc::trailing_data, base + 20));
}

TEST(ts_payload, rejects_selector_length_not_matching_type) {
    EXPECT_TRUE(fails_with(with(two_selectors, 7, 0x11), parse_errc::bad_length, base + 6));
    EXPECT_TRUE(fails_with(with(two_selectors, 7, 0x0f), parse_errc::bad_length, base + 6));
    EXPECT_TRUE(fails_with(with(two_selectors, 23, 0x10), parse_errc::bad_length, base + 22));
    // IPv4 type with an IPv6-sized selector and vice versa (wrong address sizes).
    EXPECT_TRUE(fails_with(with(two_selectors, 7, 0x28), parse_errc::bad_length, base + 6));
    EXPECT_TRUE(fails_with(with(two_selectors, 20, 7), parse_errc::bad_length, base + 22));
}

TEST(ts_payload, rejects_unknown_types) {
    EXPECT_TRUE(fails_with(with(two_selectors, 4, 9), parse_errc::bad_value, base + 4));
    // TS_SECLABEL (RFC 9478) is not supported either.
    EXPECT_TRUE(fails_with(with(two_selectors, 20, 10), parse_errc::bad_value, base + 20));
}

TEST(ts_payload, bounds_selector_count) {
    EXPECT_TRUE(
        fails_with(with(two_selectors, 0, max_traffic_selectors + 1), parse_errc::too_many, base));
}

TEST(ts_payload, every_truncation_is_an_error) {
    EXPECT_TRUE(every_prefix_fails(decode, two_selectors));
}

TEST(ts_payload, bit_flips_never_crash) {
    expect_bit_flips_round_trip(decode, encode, two_selectors);
}

TEST(ts_payload, address_sizes) {
    EXPECT_EQ(address_size(ts_type::ipv4_addr_range), 4u);
    EXPECT_EQ(address_size(ts_type::ipv6_addr_range), 16u);
    EXPECT_EQ(address_size(static_cast<ts_type>(9)), 0u);
}

}  // namespace
