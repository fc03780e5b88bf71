#include "libike/codec/ke_payload.hpp"

#include <gtest/gtest.h>

namespace {

using namespace ike;

bytes hex(std::string_view s) {
    bool ok = false;
    bytes b = from_hex(s, &ok);
    EXPECT_TRUE(ok) << s;
    return b;
}

TEST(ke_payload, decodes_and_encodes_rfc_layout) {
    // group 19 (ecp256), reserved 0, data aabbcc
    bytes b = hex("0013 0000 aabbcc");
    byte_reader r(b, 100);
    auto p = decode_ke_payload(r);
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(p->group, ke_group::ecp256);
    EXPECT_EQ(p->data, hex("aabbcc"));
    byte_writer w;
    encode_ke_payload(*p, w);
    EXPECT_EQ(w.data(), b);
}

TEST(ke_payload, ignores_reserved_and_encodes_zero) {
    bytes b = hex("001f ffff 01");
    byte_reader r(b);
    auto p = decode_ke_payload(r);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->group, ke_group::curve25519);
    byte_writer w;
    encode_ke_payload(*p, w);
    EXPECT_EQ(w.data(), hex("001f 0000 01"));
}

TEST(ke_payload, rejects_truncated_header) {
    bytes b = hex("001300");
    byte_reader r(b, 100);
    auto p = decode_ke_payload(r);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, parse_errc::truncated);
    EXPECT_EQ(p.error().payload, payload_type::ke);
}

TEST(ke_payload, rejects_empty_data) {
    bytes b = hex("0013 0000");
    byte_reader r(b, 100);
    auto p = decode_ke_payload(r);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, parse_errc::bad_length);
    EXPECT_EQ(p.error().offset, 104u);
    EXPECT_EQ(p.error().payload, payload_type::ke);
}

}  // namespace
