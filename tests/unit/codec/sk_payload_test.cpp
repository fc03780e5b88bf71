#include "libike/codec/sk_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

TEST(sk_payload, keeps_encrypted_bytes_and_first_inner_type) {
    bytes b(48);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(0xa0 + i);
    auto p = decode_at(decode_sk_payload, b, 32, consume::all, payload_type::idi);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->first_inner, payload_type::idi);
    EXPECT_EQ(p->encrypted, b);
    EXPECT_EQ(encode_with(encode_sk_payload, *p), b);
}

TEST(sk_payload, rejects_empty_body) {
    EXPECT_TRUE(
        is_parse_error(decode_at(decode_sk_payload, bytes{}, 32, consume::any, payload_type::idi),
                       parse_errc::bad_length, 32, payload_type::sk));
}

}  // namespace
