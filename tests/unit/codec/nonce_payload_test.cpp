#include "libike/codec/nonce_payload.hpp"

#include <gtest/gtest.h>

namespace {

using namespace ike;

TEST(nonce_payload, accepts_16_to_256_bytes_and_round_trips) {
    for (std::size_t n : {16u, 32u, 255u, 256u}) {
        bytes b(n);
        for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 7);
        byte_reader r(b);
        auto p = decode_nonce_payload(r);
        ASSERT_TRUE(p) << n;
        EXPECT_TRUE(r.empty());
        EXPECT_EQ(p->nonce, b);
        byte_writer w;
        encode_nonce_payload(*p, w);
        EXPECT_EQ(w.data(), b);
    }
}

TEST(nonce_payload, rejects_sizes_outside_rfc_range) {
    for (std::size_t n : {0u, 1u, 15u, 257u, 1000u}) {
        bytes b(n, 0x5a);
        byte_reader r(b, 32);
        auto p = decode_nonce_payload(r);
        ASSERT_FALSE(p) << n;
        EXPECT_EQ(p.error().code, parse_errc::bad_length);
        EXPECT_EQ(p.error().offset, 32u);
        EXPECT_EQ(p.error().payload, payload_type::nonce);
    }
}

}  // namespace
