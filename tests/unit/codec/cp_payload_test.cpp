#include "libike/codec/cp_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

#include <algorithm>

namespace {

using namespace ike;
using namespace ike::test;

constexpr std::size_t base = 400;

auto decode(const bytes& b) {
    return decode_at(decode_cp_payload, b, base, consume::any);
}
bytes encode(const cp_payload& p) {
    return encode_with(encode_cp_payload, p);
}

// The value of a typed reader that must succeed (a failure is reported).
template <class T>
std::optional<T> ok(const std::expected<std::optional<T>, parse_error>& r) {
    if (!r) {
        ADD_FAILURE() << r.error().message();
        return std::nullopt;
    }
    return *r;
}

testing::AssertionResult fails_with(const bytes& b, parse_errc code, std::size_t offset) {
    return is_parse_error(decode(b), code, offset, payload_type::cp);
}

// §3.15 / §3.15.1, assembled by hand: a client's CFG_REQUEST asking for an
// IPv4 address, IPv4 DNS, IPv6 address and split-DNS domains.
const bytes request = hex("01 000000  0001 0000  0003 0000  0008 0000  0019 0000");

// The gateway's CFG_REPLY.
const bytes reply =
    hex("02 000000"
        "0001 0004 c0000264"                             // @4  192.0.2.100
        "0002 0004 ffffff00"                             // @12 255.255.255.0
        "0003 0004 c0000235"                             // @20 192.0.2.53
        "0008 0011 20010db8000000000000000000000064 40"  // @28 2001:db8::64/64
        "000a 0010 20010db8000000000000000000000035"     // @49 2001:db8::35
        "0019 000b 6578616d706c652e636f6d"               // @69 "example.com"
        "7f00 0002 abcd");                               // @84 unknown type 0x7f00

TEST(cp_payload, decodes_request_of_empty_attributes) {
    auto cp = decode(request);
    ASSERT_TRUE(cp) << cp.error().message();
    EXPECT_EQ(cp->type, cfg_type::request);
    ASSERT_EQ(cp->attributes.size(), 4u);
    EXPECT_EQ(cp->attributes[0].type, cfg_attr::internal_ip4_address);
    EXPECT_EQ(cp->attributes[1].type, cfg_attr::internal_ip4_dns);
    EXPECT_EQ(cp->attributes[2].type, cfg_attr::internal_ip6_address);
    EXPECT_EQ(cp->attributes[3].type, cfg_attr::internal_dns_domain);
    for (const auto& a : cp->attributes) EXPECT_TRUE(a.value.empty());
    EXPECT_EQ(ok(read_ip4_attribute(cp->attributes[0])), std::nullopt);
    EXPECT_EQ(ok(read_ip6_address_attribute(cp->attributes[2])), std::nullopt);
    EXPECT_EQ(ok(read_dns_domain_attribute(cp->attributes[3])), std::nullopt);
    EXPECT_EQ(encode(*cp), request);
}

TEST(cp_payload, builds_request_with_helpers) {
    cp_payload p{cfg_type::request,
                 {make_ip4_attribute(cfg_attr::internal_ip4_address, std::nullopt),
                  make_ip4_attribute(cfg_attr::internal_ip4_dns, std::nullopt),
                  make_ip6_address_attribute(std::nullopt), make_dns_domain_attribute("")}};
    EXPECT_EQ(encode(p), request);
}

TEST(cp_payload, decodes_reply_and_typed_values) {
    auto cp = decode(reply);
    ASSERT_TRUE(cp) << cp.error().message();
    EXPECT_EQ(cp->type, cfg_type::reply);
    ASSERT_EQ(cp->attributes.size(), 7u);
    const auto& a = cp->attributes;

    EXPECT_EQ(a[0].type, cfg_attr::internal_ip4_address);
    EXPECT_EQ(ok(read_ip4_attribute(a[0])), std::optional(ip4_bytes{192, 0, 2, 100}));
    EXPECT_EQ(a[1].type, cfg_attr::internal_ip4_netmask);
    EXPECT_EQ(ok(read_ip4_attribute(a[1])), std::optional(ip4_bytes{255, 255, 255, 0}));
    EXPECT_EQ(a[2].type, cfg_attr::internal_ip4_dns);
    EXPECT_EQ(ok(read_ip4_attribute(a[2])), std::optional(ip4_bytes{192, 0, 2, 53}));

    EXPECT_EQ(a[3].type, cfg_attr::internal_ip6_address);
    auto v6 = read_ip6_address_attribute(a[3]);
    ASSERT_TRUE(v6 && *v6);
    bytes v6_addr((*v6)->address.begin(), (*v6)->address.end());
    EXPECT_EQ(v6_addr, hex("20010db8000000000000000000000064"));
    EXPECT_EQ((*v6)->prefix_length, 64);

    EXPECT_EQ(a[4].type, cfg_attr::internal_ip6_dns);
    auto dns6 = read_ip6_dns_attribute(a[4]);
    ASSERT_TRUE(dns6 && *dns6);
    EXPECT_EQ(bytes((*dns6)->begin(), (*dns6)->end()), hex("20010db8000000000000000000000035"));

    EXPECT_EQ(a[5].type, cfg_attr::internal_dns_domain);
    EXPECT_EQ(ok(read_dns_domain_attribute(a[5])), std::optional<std::string>("example.com"));

    EXPECT_EQ(static_cast<std::uint16_t>(a[6].type), 0x7f00);
    EXPECT_EQ(a[6].value, hex("abcd"));

    EXPECT_EQ(encode(*cp), reply);
}

TEST(cp_payload, builds_reply_with_helpers) {
    ip6_prefix addr;
    bytes raw = hex("20010db8000000000000000000000064");
    std::copy(raw.begin(), raw.end(), addr.address.begin());
    addr.prefix_length = 64;
    ip6_bytes dns{};
    raw = hex("20010db8000000000000000000000035");
    std::copy(raw.begin(), raw.end(), dns.begin());
    cp_payload p{cfg_type::reply,
                 {make_ip4_attribute(cfg_attr::internal_ip4_address, ip4_bytes{192, 0, 2, 100}),
                  make_ip4_attribute(cfg_attr::internal_ip4_netmask, ip4_bytes{255, 255, 255, 0}),
                  make_ip4_attribute(cfg_attr::internal_ip4_dns, ip4_bytes{192, 0, 2, 53}),
                  make_ip6_address_attribute(addr),
                  make_ip6_dns_attribute(dns),
                  make_dns_domain_attribute("example.com"),
                  {static_cast<cfg_attr>(0x7f00), hex("abcd")}}};
    EXPECT_EQ(encode(p), reply);
}

TEST(cp_payload, reserved_fields_ignored_and_written_zero) {
    auto cp = decode(hex("03 ffffff 8001 0000"));
    ASSERT_TRUE(cp);
    EXPECT_EQ(cp->type, cfg_type::set);
    ASSERT_EQ(cp->attributes.size(), 1u);
    EXPECT_EQ(cp->attributes[0].type, cfg_attr::internal_ip4_address);
    EXPECT_EQ(encode(*cp), hex("03 000000 0001 0000"));
}

TEST(cp_payload, accepts_no_attributes) {
    auto cp = decode(hex("04 000000"));
    ASSERT_TRUE(cp);
    EXPECT_EQ(cp->type, cfg_type::ack);
    EXPECT_TRUE(cp->attributes.empty());
}

TEST(cp_payload, rejects_truncation_at_each_structural_boundary) {
    EXPECT_TRUE(fails_with({}, parse_errc::truncated, base));
    EXPECT_TRUE(fails_with(hex("01 0000"), parse_errc::truncated, base));
    EXPECT_TRUE(fails_with(hex("01 000000 0001 00"), parse_errc::truncated, base + 4));
    EXPECT_TRUE(fails_with(hex("01 000000 0001 0004 c000"), parse_errc::truncated, base + 6));
    EXPECT_TRUE(fails_with(hex("01 000000 0001 0000 0003"), parse_errc::truncated, base + 8));
}

TEST(cp_payload, bounds_attribute_count) {
    bytes b = hex("01 000000");
    for (std::size_t i = 0; i <= max_cfg_attributes; ++i) {
        bytes a = hex("0003 0000");
        b.insert(b.end(), a.begin(), a.end());
    }
    EXPECT_TRUE(fails_with(b, parse_errc::too_many, base + 4 + 4 * max_cfg_attributes));
}

TEST(cp_payload, every_truncation_is_an_error) {
    // Cuts on an attribute boundary leave a shorter valid payload; all others fail.
    const std::size_t boundaries[] = {4, 12, 20, 28, 49, 69, 84};
    for (std::size_t n = 0; n < reply.size(); ++n) {
        auto cp = decode(bytes(reply.begin(), reply.begin() + n));
        bool boundary = std::ranges::find(boundaries, n) != std::end(boundaries);
        EXPECT_EQ(cp.has_value(), boundary) << n;
    }
}

TEST(cp_payload, typed_readers_check_sizes) {
    auto err = [](const auto& r) { return r ? parse_errc{} : r.error().code; };
    EXPECT_EQ(err(read_ip4_attribute({cfg_attr::internal_ip4_address, hex("c00002")})),
              parse_errc::bad_length);
    EXPECT_EQ(err(read_ip4_attribute({cfg_attr::internal_ip4_dns, hex("c000020101")})),
              parse_errc::bad_length);
    // INTERNAL_IP6_ADDRESS without its prefix byte.
    EXPECT_EQ(err(read_ip6_address_attribute(
                  {cfg_attr::internal_ip6_address, hex("20010db8000000000000000000000064")})),
              parse_errc::bad_length);
    auto long_prefix = read_ip6_address_attribute(
        {cfg_attr::internal_ip6_address, hex("20010db8000000000000000000000064 81")});
    EXPECT_TRUE(is_parse_error(long_prefix, parse_errc::bad_value, 16, payload_type::cp));
    EXPECT_EQ(err(read_ip6_dns_attribute(
                  {cfg_attr::internal_ip6_dns, hex("20010db8000000000000000000000035 00")})),
              parse_errc::bad_length);
}

TEST(cp_payload, dns_domain_must_be_presentation_text) {
    // "example.com\0": RFC 8598 says the value is not NUL-terminated.
    auto nul =
        read_dns_domain_attribute({cfg_attr::internal_dns_domain, hex("6578616d706c652e636f6d00")});
    ASSERT_FALSE(nul);
    EXPECT_EQ(nul.error().code, parse_errc::bad_value);
    EXPECT_EQ(nul.error().offset, 11u);
    // "a b" and a non-ASCII byte (A-labels are ASCII).
    EXPECT_FALSE(read_dns_domain_attribute({cfg_attr::internal_dns_domain, hex("612062")}));
    EXPECT_FALSE(read_dns_domain_attribute({cfg_attr::internal_dns_domain, hex("61c3a9")}));
}

}  // namespace
