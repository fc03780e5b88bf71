#include "libike/codec/auth_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

constexpr std::size_t base = 300;

auto decode(const bytes& b) {
    return decode_at(decode_auth_payload, b, base, consume::any);
}
bytes encode(const auth_payload& p) {
    return encode_with(encode_auth_payload, p);
}

// RFC 7427 Appendix A.1: sha256WithRSAEncryption AlgorithmIdentifier (15 bytes).
const char* const sha256_rsa = "300d06092a864886f70d01010b0500";

TEST(auth_payload, decodes_psk_and_round_trips) {
    bytes wire = hex("02 000000 00112233445566778899aabbccddeeff");
    auto a = decode(wire);
    ASSERT_TRUE(a) << a.error().message();
    EXPECT_EQ(a->method, auth_method::psk);
    EXPECT_EQ(a->data, hex("00112233445566778899aabbccddeeff"));
    EXPECT_EQ(encode(*a), wire);
}

TEST(auth_payload, reserved_bytes_ignored_and_written_zero) {
    auto a = decode(hex("01 010203 aa"));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->method, auth_method::rsa_sig);
    EXPECT_EQ(encode(*a), hex("01 000000 aa"));
}

TEST(auth_payload, rejects_truncated_header_and_empty_data) {
    for (const char* w : {"", "0e", "0e0000"}) {
        EXPECT_TRUE(is_parse_error(decode(hex(w)), parse_errc::truncated, base, payload_type::auth))
            << w;
    }
    auto a = decode(hex("0e 000000"));
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().code, parse_errc::bad_length);
    EXPECT_EQ(a.error().offset, base + 4);
}

TEST(auth_payload, digital_signature_data_splits_and_joins) {
    bytes wire = hex(std::string("0e 000000 0f") + sha256_rsa + "deadbeef");
    auto a = decode(wire);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->method, auth_method::digital_signature);
    auto s = decode_signature_auth_data(a->data);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(s->algorithm, hex(sha256_rsa));
    EXPECT_EQ(s->signature, hex("deadbeef"));
    EXPECT_EQ(encode_signature_auth_data(*s), a->data);
    EXPECT_EQ(encode_signature_auth_data({hex(sha256_rsa), hex("deadbeef")}),
              hex(std::string("0f") + sha256_rsa + "deadbeef"));
}

TEST(auth_payload, digital_signature_data_length_checks) {
    struct bad {
        std::string data;
        parse_errc code;
        std::size_t offset;
    };
    const bad cases[] = {
        {"", parse_errc::truncated, 0},
        {"00 deadbeef", parse_errc::bad_length, 0},                    // empty AlgorithmIdentifier
        {std::string("10") + sha256_rsa, parse_errc::truncated, 0},    // announces 16, has 15
        {std::string("0f") + sha256_rsa, parse_errc::bad_length, 16},  // no signature
        {std::string("ff") + sha256_rsa + "deadbeef", parse_errc::truncated, 0},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.data);
        EXPECT_TRUE(is_parse_error(decode_signature_auth_data(hex(c.data)), c.code, c.offset,
                                   payload_type::auth));
    }
}

TEST(auth_payload, digital_signature_every_truncation_is_an_error) {
    EXPECT_TRUE(
        every_prefix_fails(decode_signature_auth_data, hex(std::string("0f") + sha256_rsa + "de")));
}

}  // namespace
