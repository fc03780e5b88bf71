#include "libike/codec/payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

// Chains below are placed as if they followed a 28-byte IKE header.
constexpr std::size_t base = 28;

std::expected<std::vector<payload>, parse_error> decode(payload_type first, const bytes& b) {
    byte_reader r(b, base);
    return decode_payload_chain(first, r);
}

bytes encode(const std::vector<payload>& ps) {
    return encode_with(encode_payload_chain, ps);
}

// V(aabb) -> N(COOKIE, 4 bytes), generic headers written out by hand.
const char* const vid_then_notify =
    "29 00 0006 aabb"                  // next notify (41), length 6
    "00 00 000c 00 00 4006 01020304";  // last, length 12: COOKIE (16390)

TEST(payload_chain, decodes_next_payload_links) {
    bytes b = hex(vid_then_notify);
    auto r = decode(payload_type::vendor_id, b);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[0].type, payload_type::vendor_id);
    EXPECT_FALSE((*r)[0].critical);
    EXPECT_EQ(std::get<vendor_id_payload>((*r)[0].body).id, hex("aabb"));
    EXPECT_EQ((*r)[1].type, payload_type::notify);
    const auto& n = std::get<notify_payload>((*r)[1].body);
    EXPECT_EQ(n.type, notify_type::cookie);
    EXPECT_EQ(n.data, hex("01020304"));
    EXPECT_EQ(first_payload_type(*r), payload_type::vendor_id);
    EXPECT_EQ(encode(*r), b);
}

TEST(payload_chain, encoder_computes_links_and_lengths) {
    std::vector<payload> ps{
        {payload_type::vendor_id, false, vendor_id_payload{hex("aabb")}},
        {payload_type::notify, false,
         notify_payload{protocol_id::none, {}, notify_type::cookie, hex("01020304")}},
    };
    EXPECT_EQ(encode(ps), hex(vid_then_notify));
}

TEST(payload_chain, empty_chain) {
    auto r = decode(payload_type::none, {});
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->empty());
    EXPECT_EQ(first_payload_type(*r), payload_type::none);
}

TEST(payload_chain, keeps_unknown_non_critical_payload) {
    // unknown type 200 (0xc8), not critical, body 010203, then V(aa)
    bytes b = hex("2b 00 0007 010203  00 00 0005 aa");
    auto r = decode(static_cast<payload_type>(200), b);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[0].type, static_cast<payload_type>(200));
    EXPECT_EQ(std::get<unknown_payload>((*r)[0].body).body, hex("010203"));
    EXPECT_EQ((*r)[1].type, payload_type::vendor_id);
    EXPECT_EQ(encode(*r), b);
}

TEST(payload_chain, rejects_unknown_critical_payload_naming_its_type) {
    // V(aa) then unknown type 200 with the critical bit
    bytes b = hex("c8 00 0005 aa  00 80 0007 010203");
    EXPECT_TRUE(is_parse_error(decode(payload_type::vendor_id, b), parse_errc::unsupported_critical,
                               base + 5, static_cast<payload_type>(200)));
}

TEST(payload_chain, critical_bit_on_known_payload_is_kept) {
    bytes b = hex("00 80 0006 aabb");
    auto r = decode(payload_type::vendor_id, b);
    ASSERT_TRUE(r);
    EXPECT_TRUE((*r)[0].critical);
    EXPECT_EQ(encode(*r), b);
}

TEST(payload_chain, reserved_bits_are_ignored) {
    auto r = decode(payload_type::vendor_id, hex("00 7f 0006 aabb"));
    ASSERT_TRUE(r);
    EXPECT_FALSE((*r)[0].critical);
    EXPECT_EQ(encode(*r), hex("00 00 0006 aabb"));
}

TEST(payload_chain, rejects_truncated_generic_header) {
    EXPECT_TRUE(is_parse_error(decode(payload_type::vendor_id, hex("00 00 00")),
                               parse_errc::truncated, base + 2, payload_type::vendor_id));
    // second header cut short
    EXPECT_TRUE(is_parse_error(decode(payload_type::vendor_id, hex("2b 00 0005 aa 00 00")),
                               parse_errc::truncated, base + 7, payload_type::vendor_id));
}

TEST(payload_chain, rejects_length_below_header) {
    for (std::uint8_t len : {0, 1, 3}) {
        bytes b = hex("00 00 0000 aabb");
        b[3] = len;
        EXPECT_TRUE(is_parse_error(decode(payload_type::vendor_id, b), parse_errc::bad_length,
                                   base + 2, payload_type::vendor_id));
    }
}

TEST(payload_chain, rejects_length_past_end) {
    EXPECT_TRUE(is_parse_error(decode(payload_type::vendor_id, hex("00 00 0007 aabb")),
                               parse_errc::truncated, base + 2, payload_type::vendor_id));
}

TEST(payload_chain, rejects_bytes_after_last_payload) {
    EXPECT_TRUE(is_parse_error(decode(payload_type::vendor_id, hex("00 00 0006 aabb ff")),
                               parse_errc::trailing_data, base + 6, payload_type::none));
}

TEST(payload_chain, body_errors_carry_the_payload_type_and_absolute_offset) {
    // V(aa) then a nonce of 15 bytes (too short)
    bytes b = hex("28 00 0005 aa  00 00 0013 000102030405060708090a0b0c0d0e");
    EXPECT_TRUE(is_parse_error(decode(payload_type::vendor_id, b), parse_errc::bad_length, base + 9,
                               payload_type::nonce));
}

TEST(payload_chain, sk_ends_the_chain_and_names_first_inner_payload) {
    // V(aa) then SK whose next-payload is IDi (35)
    bytes b = hex("2e 00 0005 aa  23 00 0008 01020304");
    auto r = decode(payload_type::vendor_id, b);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[1].type, payload_type::sk);
    const auto& sk = std::get<sk_payload>((*r)[1].body);
    EXPECT_EQ(sk.first_inner, payload_type::idi);
    EXPECT_EQ(sk.encrypted, hex("01020304"));
    EXPECT_EQ(encode(*r), b);
}

TEST(payload_chain, rejects_payload_after_sk) {
    // SK followed by a vendor ID: SK's next-payload cannot link to it
    bytes b = hex("23 00 0008 01020304  00 00 0005 aa");
    EXPECT_TRUE(is_parse_error(decode(payload_type::sk, b), parse_errc::trailing_data, base + 8,
                               payload_type::sk));
}

TEST(payload_chain, skf_ends_the_chain) {
    bytes b = hex("00 00 0009 0002 0002 ee");
    auto r = decode(payload_type::skf, b);
    ASSERT_TRUE(r) << r.error().message();
    const auto& skf = std::get<skf_payload>((*r)[0].body);
    EXPECT_EQ(skf.first_inner, payload_type::none);
    EXPECT_EQ(skf.fragment_number, 2);
    EXPECT_EQ(encode(*r), b);
}

TEST(payload_chain, bounds_the_payload_count) {
    bytes b;
    for (std::size_t i = 0; i < max_payloads + 1; ++i) {
        bytes one = hex("2b 00 0004");
        b.insert(b.end(), one.begin(), one.end());
    }
    b[b.size() - 4] = 0;  // last one ends the chain
    EXPECT_TRUE(is_parse_error(decode(payload_type::vendor_id, b), parse_errc::too_many,
                               base + 4 * max_payloads, payload_type::vendor_id));

    b.resize(4 * max_payloads);
    b[b.size() - 4] = 0;
    auto r = decode(payload_type::vendor_id, b);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->size(), max_payloads);
}

TEST(generic_payload_header, round_trips) {
    bytes b = hex("23 80 0044");
    byte_reader r(b);
    // the header claims 0x40 body bytes; give the reader enough
    bytes with_body = b;
    with_body.resize(0x44);
    byte_reader r2(with_body);
    auto h = decode_generic_payload_header(payload_type::sk, r2);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->next, payload_type::idi);
    EXPECT_TRUE(h->critical);
    EXPECT_EQ(h->length, 0x44);
    byte_writer w;
    encode_generic_payload_header(*h, w);
    EXPECT_EQ(w.data(), b);
    auto short_body = decode_generic_payload_header(payload_type::sk, r);
    ASSERT_FALSE(short_body);
    EXPECT_EQ(short_body.error().code, parse_errc::truncated);
}

TEST(payload_codec, has_codec_for_every_rfc7296_type_and_skf) {
    for (auto t : {payload_type::sa, payload_type::ke, payload_type::idi, payload_type::idr,
                   payload_type::cert, payload_type::certreq, payload_type::auth,
                   payload_type::nonce, payload_type::notify, payload_type::delete_,
                   payload_type::vendor_id, payload_type::tsi, payload_type::tsr, payload_type::sk,
                   payload_type::cp, payload_type::eap, payload_type::skf}) {
        EXPECT_TRUE(has_codec(t)) << to_string(t);
    }
    EXPECT_FALSE(has_codec(payload_type::gspm));
    EXPECT_FALSE(has_codec(static_cast<payload_type>(200)));
}

}  // namespace
