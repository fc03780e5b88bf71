// prf+ (RFC 7296 §2.13) against a by-hand expansion with the plain PRF:
//   T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n).
#include "libike/crypto/prf_plus.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "tests/unit/crypto/crypto_test_support.hpp"

namespace {

using ike::bytes;
using ike::prf_id;
using ike::test::cat;
using ike::test::text;

// The expansion written out from the RFC's formula, one concatenated PRF
// input per block: independent of prf_plus()'s piece list and counter.
bytes by_hand(const ike::prf& p, const bytes& s, std::size_t blocks) {
    bytes out, t;
    for (std::size_t n = 1; n <= blocks; ++n) {
        const bytes input = cat({t, s, bytes{static_cast<std::uint8_t>(n)}});
        auto block = p.compute(input);
        EXPECT_TRUE(block.has_value());
        if (!block) return {};
        t.assign(block->view().begin(), block->view().end());
        out.insert(out.end(), t.begin(), t.end());
    }
    return out;
}

class prf_plus_by_hash : public testing::TestWithParam<prf_id> {};

TEST_P(prf_plus_by_hash, first_three_blocks_match_the_formula) {
    auto p = ike::prf::create(GetParam(), text("a prf+ key"));
    ASSERT_TRUE(p.has_value());
    const bytes s = text("seed: Ni | Nr | SPIi | SPIr stands in here");
    const bytes expected = by_hand(*p, s, 3);
    ASSERT_EQ(expected.size(), 3 * p->output_size());

    auto got = ike::prf_plus(*p, {s}, expected.size());
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(ike::to_hex(got->view()), ike::to_hex(expected));

    // T1 alone is prf(K, S | 0x01): check it against a direct PRF call.
    auto t1 = p->compute(cat({s, bytes{0x01}}));
    ASSERT_TRUE(t1.has_value());
    EXPECT_EQ(ike::to_hex(got->slice(0, p->output_size()).view()), ike::to_hex(t1->view()));
}

TEST_P(prf_plus_by_hash, partial_last_block_is_a_prefix) {
    auto p = ike::prf::create(GetParam(), text("k"));
    ASSERT_TRUE(p.has_value());
    const bytes s = text("S");
    const bytes full = by_hand(*p, s, 3);
    for (std::size_t len :
         {std::size_t{1}, p->output_size() - 1, p->output_size() + 1, 2 * p->output_size() + 7}) {
        auto got = ike::prf_plus(*p, {s}, len);
        ASSERT_TRUE(got.has_value());
        ASSERT_EQ(got->size(), len);
        EXPECT_EQ(ike::to_hex(got->view()), ike::to_hex(ike::bytes_view(full).first(len)));
    }
}

TEST_P(prf_plus_by_hash, seed_pieces_equal_one_concatenated_seed) {
    auto p = ike::prf::create(GetParam(), text("k"));
    ASSERT_TRUE(p.has_value());
    const bytes ni = text("nonce-i"), nr = text("nonce-r"), spis = text("0123456789abcdef");
    auto pieces = ike::prf_plus(*p, {ni, nr, spis}, 100);
    auto whole = ike::prf_plus(*p, {cat({ni, nr, spis})}, 100);
    ASSERT_TRUE(pieces.has_value());
    ASSERT_TRUE(whole.has_value());
    EXPECT_TRUE(*pieces == *whole);
}

TEST_P(prf_plus_by_hash, exactly_255_blocks_is_allowed_256_is_not) {
    auto p = ike::prf::create(GetParam(), text("k"));
    ASSERT_TRUE(p.has_value());
    const bytes s = text("S");
    const std::size_t max = 255 * p->output_size();

    auto at_max = ike::prf_plus(*p, {s}, max);
    ASSERT_TRUE(at_max.has_value());
    ASSERT_EQ(at_max->size(), max);
    // The last block is T255 = prf(K, T254 | S | 0xff).
    const std::size_t h = p->output_size();
    auto t255 = p->compute(cat({at_max->slice(max - 2 * h, h).view(), s, bytes{0xff}}));
    ASSERT_TRUE(t255.has_value());
    EXPECT_TRUE(at_max->slice(max - h, h) == *t255);

    for (std::size_t len : {max + 1, max + h, 256 * h * 4}) {
        auto over = ike::prf_plus(*p, {s}, len);
        ASSERT_FALSE(over.has_value()) << len;
        EXPECT_EQ(over.error().code, ike::crypto_errc::bad_key_length);
    }
}

INSTANTIATE_TEST_SUITE_P(all, prf_plus_by_hash,
                         testing::Values(prf_id::hmac_sha1, prf_id::hmac_sha2_256,
                                         prf_id::hmac_sha2_384, prf_id::hmac_sha2_512));

TEST(prf_plus, zero_length_is_empty) {
    auto p = ike::prf::create(prf_id::hmac_sha2_256, text("k"));
    ASSERT_TRUE(p.has_value());
    auto out = ike::prf_plus(*p, {text("S")}, 0);
    ASSERT_TRUE(out.has_value());
    EXPECT_TRUE(out->empty());
}

TEST(prf_plus, unkeyed_prf_is_an_error) {
    auto p = ike::prf::create(prf_id::hmac_sha2_256);
    ASSERT_TRUE(p.has_value());
    auto out = ike::prf_plus(*p, {text("S")}, 10);
    ASSERT_FALSE(out.has_value());
    EXPECT_EQ(out.error().code, ike::crypto_errc::bad_key_length);
}

}  // namespace
