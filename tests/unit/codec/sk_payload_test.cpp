#include "libike/codec/sk_payload.hpp"

#include <gtest/gtest.h>

namespace {

using namespace ike;

TEST(sk_payload, keeps_encrypted_bytes_and_first_inner_type) {
    bytes b(48);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(0xa0 + i);
    byte_reader r(b, 32);
    auto p = decode_sk_payload(r, payload_type::idi);
    ASSERT_TRUE(p);
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(p->first_inner, payload_type::idi);
    EXPECT_EQ(p->encrypted, b);
    byte_writer w;
    encode_sk_payload(*p, w);
    EXPECT_EQ(w.data(), b);
}

TEST(sk_payload, rejects_empty_body) {
    bytes b;
    byte_reader r(b, 32);
    auto p = decode_sk_payload(r, payload_type::idi);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, parse_errc::bad_length);
    EXPECT_EQ(p.error().offset, 32u);
    EXPECT_EQ(p.error().payload, payload_type::sk);
}

}  // namespace
