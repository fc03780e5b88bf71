#include "libike/codec/cert_payload.hpp"

#include <gtest/gtest.h>

namespace {

using namespace ike;

constexpr std::size_t base = 200;

bytes hex(std::string_view s) {
    bool ok = false;
    bytes b = from_hex(s, &ok);
    EXPECT_TRUE(ok) << s;
    return b;
}

std::expected<cert_payload, parse_error> decode(const bytes& b) {
    byte_reader r(b, base);
    return decode_cert_payload(r);
}

TEST(cert_payload, decodes_x509_and_round_trips) {
    // Encoding 4 (X.509 Certificate - Signature), then the start of a DER certificate.
    bytes wire = hex("04 30820122 3081c9");
    auto c = decode(wire);
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_EQ(c->encoding, cert_encoding::x509_sig);
    EXPECT_EQ(c->data, hex("30820122 3081c9"));
    byte_writer w;
    encode_cert_payload(*c, w);
    EXPECT_EQ(w.data(), wire);
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
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, parse_errc::bad_length);
    EXPECT_EQ(empty.error().offset, base + 1);
    EXPECT_EQ(empty.error().payload, payload_type::cert);
}

}  // namespace
