#include "libike/codec/id_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

constexpr std::size_t base = 100;

auto decode(const bytes& b) {
    return decode_at(decode_id_payload, b, base, consume::any);
}
bytes encode(const id_payload& p) {
    return encode_with(encode_id_payload, p);
}

testing::AssertionResult fails_with(const bytes& b, parse_errc code, std::size_t offset) {
    return is_parse_error(decode(b), code, offset, payload_type::idi);
}

std::array<std::uint8_t, 16> v6(std::string_view s) {
    bytes b = hex(s);
    std::array<std::uint8_t, 16> a{};
    std::copy(b.begin(), b.end(), a.begin());
    return a;
}

TEST(id_payload, decodes_each_type_and_round_trips) {
    struct golden {
        const char* wire;
        id_type type;
        const char* data;
        const char* text;
    };
    const golden cases[] = {
        {"01 000000 c0000201", id_type::ipv4_addr, "c0000201", "192.0.2.1"},
        {"05 000000 20010db8000000000000000000000001", id_type::ipv6_addr,
         "20010db8000000000000000000000001", "2001:db8::1"},
        // "vpn.example.com"
        {"02 000000 76706e2e6578616d706c652e636f6d", id_type::fqdn,
         "76706e2e6578616d706c652e636f6d", "vpn.example.com"},
        // "jane@example.com"
        {"03 000000 6a616e65406578616d706c652e636f6d", id_type::rfc822_addr,
         "6a616e65406578616d706c652e636f6d", "jane@example.com"},
        {"0b 000000 0102abcd", id_type::key_id, "0102abcd", "keyid:0102abcd"},
        // DER Name: SEQUENCE { SET { SEQUENCE { OID 2.5.4.3 (CN), UTF8String "a" } } }
        {"09 000000 300c310a300806035504030c0161", id_type::der_asn1_dn,
         "300c310a300806035504030c0161", "asn1dn:300c310a300806035504030c0161"},
        {"0d 000000", id_type::null, "", "ID_NULL:"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.wire);
        bytes wire = hex(c.wire);
        auto id = decode(wire);
        ASSERT_TRUE(id) << id.error().message();
        EXPECT_EQ(id->type, c.type);
        EXPECT_EQ(id->data, hex(c.data));
        EXPECT_EQ(to_string(*id), c.text);
        EXPECT_EQ(encode(*id), wire);
    }
}

TEST(id_payload, reserved_bytes_ignored_and_written_zero) {
    auto id = decode(hex("01 ffffff c0000201"));
    ASSERT_TRUE(id);
    EXPECT_EQ(encode(*id), hex("01 000000 c0000201"));
}

TEST(id_payload, rejects_truncated_header) {
    EXPECT_TRUE(fails_with({}, parse_errc::truncated, base));
    EXPECT_TRUE(fails_with(hex("01 0000"), parse_errc::truncated, base));
}

TEST(id_payload, rejects_wrong_address_sizes) {
    EXPECT_TRUE(fails_with(hex("01 000000 c00002"), parse_errc::bad_length, base + 4));
    EXPECT_TRUE(fails_with(hex("01 000000 c000020101"), parse_errc::bad_length, base + 4));
    EXPECT_TRUE(fails_with(hex("01 000000"), parse_errc::bad_length, base + 4));
    EXPECT_TRUE(fails_with(hex("05 000000 c0000201"), parse_errc::bad_length, base + 4));
    EXPECT_TRUE(fails_with(hex("05 000000 20010db80000000000000000000000"), parse_errc::bad_length,
                           base + 4));
}

TEST(id_payload, rejects_empty_names_and_keys) {
    for (const char* type : {"02", "03", "09", "0a", "0b"}) {
        SCOPED_TRACE(type);
        EXPECT_TRUE(
            fails_with(hex(std::string(type) + "000000"), parse_errc::bad_length, base + 4));
    }
}

TEST(id_payload, rejects_control_bytes_in_names) {
    // "ab\0c" and "a\nb" and DEL
    EXPECT_TRUE(fails_with(hex("02 000000 61620063"), parse_errc::bad_value, base + 6));
    EXPECT_TRUE(fails_with(hex("03 000000 610a62"), parse_errc::bad_value, base + 5));
    EXPECT_TRUE(fails_with(hex("02 000000 7f"), parse_errc::bad_value, base + 4));
    // UTF-8 (non-ASCII) is accepted: "é.example"
    EXPECT_TRUE(decode(hex("02 000000 c3a92e6578616d706c65")));
    // KEY_ID is opaque: any byte is fine.
    EXPECT_TRUE(decode(hex("0b 000000 000a7f")));
}

TEST(id_payload, keeps_unknown_types) {
    auto id = decode(hex("c8 000000 0102"));
    ASSERT_TRUE(id);
    EXPECT_EQ(static_cast<int>(id->type), 200);
    EXPECT_EQ(to_string(*id), "UNKNOWN(200):0102");
    EXPECT_EQ(encode(*id), hex("c8 000000 0102"));
}

TEST(id_payload, ipv6_text_follows_rfc5952) {
    EXPECT_EQ(ipv6_to_string(v6("20010db8000000000000000000000001")), "2001:db8::1");
    // A single zero group is not compressed (§4.2.2).
    EXPECT_EQ(ipv6_to_string(v6("20010db8000000010001000100010001")), "2001:db8:0:1:1:1:1:1");
    // The longest run wins (§4.2.3).
    EXPECT_EQ(ipv6_to_string(v6("20010000000000010000000000000001")), "2001:0:0:1::1");
    // On a tie, the first run wins.
    EXPECT_EQ(ipv6_to_string(v6("20010db8000000000001000000000001")), "2001:db8::1:0:0:1");
    EXPECT_EQ(ipv6_to_string(v6("00000000000000000000000000000000")), "::");
    EXPECT_EQ(ipv6_to_string(v6("00000000000000000000000000000001")), "::1");
    EXPECT_EQ(ipv6_to_string(v6("fe800000000000000000000000000000")), "fe80::");
    // Lower case, no leading zeros (§4.1, §4.3); the lone zero group stays.
    EXPECT_EQ(ipv6_to_string(v6("20010DB800AB0CDE000F0000000A0B0C")), "2001:db8:ab:cde:f:0:a:b0c");
    // IPv4-mapped keeps the dotted quad (§5).
    EXPECT_EQ(ipv6_to_string(v6("00000000000000000000ffffc0000201")), "::ffff:192.0.2.1");
}

TEST(id_payload, text_escapes_unprintable_bytes) {
    id_payload id{id_type::fqdn, {'a', 0x01, '\\', 0xc3}};
    EXPECT_EQ(to_string(id), "a\\x01\\x5c\\xc3");
}

TEST(id_payload, builders_make_the_wire_form) {
    EXPECT_EQ(encode(make_ipv4_id({192, 0, 2, 1})), hex("01 000000 c0000201"));
    EXPECT_EQ(encode(make_ipv6_id(v6("20010db8000000000000000000000001"))),
              hex("05 000000 20010db8000000000000000000000001"));
    auto fqdn = make_fqdn_id("vpn.example.com");
    ASSERT_TRUE(fqdn);
    EXPECT_EQ(encode(*fqdn), hex("02 000000 76706e2e6578616d706c652e636f6d"));
    auto email = make_email_id("jane@example.com");
    ASSERT_TRUE(email);
    EXPECT_EQ(encode(*email), hex("03 000000 6a616e65406578616d706c652e636f6d"));
    auto key = make_key_id(hex("0102abcd"));
    ASSERT_TRUE(key);
    EXPECT_EQ(encode(*key), hex("0b 000000 0102abcd"));

    EXPECT_FALSE(make_fqdn_id(""));
    EXPECT_FALSE(make_fqdn_id(std::string_view("a\0b", 3)));
    EXPECT_FALSE(make_email_id("a\tb@c"));
    EXPECT_FALSE(make_key_id({}));
}

TEST(id_payload, every_truncation_is_an_error_or_a_valid_shorter_id) {
    // ID data has no inner length, so a shorter FQDN is still an FQDN; fixed
    // size types must fail at every cut.
    EXPECT_TRUE(every_prefix_fails(decode, hex("05 000000 20010db8000000000000000000000001")));
    EXPECT_TRUE(every_prefix_fails(decode, hex("01 000000 c0000201")));
}

}  // namespace
