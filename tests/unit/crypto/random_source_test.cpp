#include "libike/crypto/random_source.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

namespace {

using bytes = std::vector<std::uint8_t>;

bytes draw(ike::random_source& rng, std::size_t n) {
    bytes out(n, 0);
    rng.fill(out);
    return out;
}

// The pool hands out each byte once: 8-byte draws across several refills
// (512 / 8 = 64 per pool) never repeat. With independent random values a
// repeat among 1,000 64-bit draws has probability ~2^-45.
TEST(openssl_random, draws_across_pool_refills_do_not_repeat) {
    ike::openssl_random rng;
    std::set<bytes> seen;
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(draw(rng, 8)).second) << "draw " << i;
}

// Sizes that straddle the end of the pool, fill it exactly, or exceed it are
// filled completely (an all-zero 32-byte block has probability 2^-256).
TEST(openssl_random, every_size_is_filled) {
    ike::openssl_random rng;
    for (std::size_t n :
         {std::size_t{1}, std::size_t{500}, std::size_t{32}, ike::openssl_random::pool_size,
          ike::openssl_random::pool_size + 1, std::size_t{4096}, std::size_t{300}}) {
        const bytes out = draw(rng, n);
        ASSERT_EQ(out.size(), n);
        for (std::size_t at = 0; at + 32 <= n; at += 32)
            EXPECT_TRUE(std::any_of(out.begin() + at, out.begin() + at + 32,
                                    [](std::uint8_t b) { return b != 0; }))
                << n << " bytes, block at " << at;
    }
}

TEST(openssl_random, two_sources_differ) {
    ike::openssl_random a, b;
    EXPECT_NE(draw(a, 32), draw(b, 32));
}

}  // namespace
