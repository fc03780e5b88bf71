#include "libike/codec/cert_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

constexpr std::size_t base = 200;

auto decode(const bytes& b) {
    return decode_at(decode_cert_payload, b, base, consume::any);
}
bytes encode(const cert_payload& p) {
    return encode_with(encode_cert_payload, p);
}

TEST(cert_payload, decodes_x509_and_round_trips) {
    // Encoding 4 (X.509 Certificate - Signature), then the start of a DER certificate.
    bytes wire = hex("04 30820122 3081c9");
    auto c = decode(wire);
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_EQ(c->encoding, cert_encoding::x509_sig);
    EXPECT_EQ(c->data, hex("30820122 3081c9"));
    EXPECT_EQ(encode(*c), wire);
}

TEST(cert_payload, keeps_unknown_encodings) {
    auto c = decode(hex("c8 01"));
    ASSERT_TRUE(c);
    EXPECT_EQ(static_cast<int>(c->encoding), 200);
}

TEST(cert_payload, rejects_empty_body_and_empty_data) {
    auto none = decode({});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(),
              (parse_error{parse_errc::truncated, base, payload_type::cert, none.error().detail}));
    auto empty = decode(hex("04"));
    EXPECT_TRUE(is_parse_error(empty, parse_errc::bad_length, base + 1, payload_type::cert));
}

}  // namespace
