#include "libike/codec/nonce_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

TEST(nonce_payload, accepts_16_to_256_bytes_and_round_trips) {
    for (std::size_t n : {16u, 32u, 255u, 256u}) {
        bytes b(n);
        for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 7);
        auto p = decode_at(decode_nonce_payload, b, 0, consume::all);
        ASSERT_TRUE(p) << n;
        EXPECT_EQ(p->nonce, b);
        EXPECT_EQ(encode_with(encode_nonce_payload, *p), b);
    }
}

TEST(nonce_payload, rejects_sizes_outside_rfc_range) {
    for (std::size_t n : {0u, 1u, 15u, 257u, 1000u}) {
        bytes b(n, 0x5a);
        EXPECT_TRUE(is_parse_error(decode_at(decode_nonce_payload, b, 32, consume::any),
                                   parse_errc::bad_length, 32, payload_type::nonce))
            << n;
    }
}

}  // namespace
