#include "libike/codec/ke_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

// The body starts at offset 100, so error offsets are absolute.
auto decode(const bytes& b) {
    return decode_at(decode_ke_payload, b, 100, consume::all);
}
bytes encode(const ke_payload& p) {
    return encode_with(encode_ke_payload, p);
}

TEST(ke_payload, decodes_and_encodes_rfc_layout) {
    // group 19 (ecp256), reserved 0, data aabbcc
    bytes b = hex("0013 0000 aabbcc");
    auto p = decode(b);
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p->group, ke_group::ecp256);
    EXPECT_EQ(p->data, hex("aabbcc"));
    EXPECT_EQ(encode(*p), b);
}

TEST(ke_payload, ignores_reserved_and_encodes_zero) {
    auto p = decode(hex("001f ffff 01"));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->group, ke_group::curve25519);
    EXPECT_EQ(encode(*p), hex("001f 0000 01"));
}

TEST(ke_payload, rejects_truncated_header) {
    auto p = decode(hex("001300"));
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, parse_errc::truncated);
    EXPECT_EQ(p.error().payload, payload_type::ke);
}

TEST(ke_payload, rejects_empty_data) {
    EXPECT_TRUE(
        is_parse_error(decode(hex("0013 0000")), parse_errc::bad_length, 104, payload_type::ke));
}

}  // namespace
