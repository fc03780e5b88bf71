// X25519 public values made in a batch (Edwards base table + one shared
// inverse) against the Montgomery ladder, and the pool that hands them out.
#include <gtest/gtest.h>

#include <vector>

#include "libike/crypto/ke_key_pool.hpp"
#include "libike/crypto/key_exchange.hpp"
#include "libike/crypto/random_source.hpp"
#include "libike/crypto/x25519_batch.hpp"

namespace {

using ike::bytes;
using ike::crypto_errc;
using ike::ke_group;
using ike::secret;

// The public value the ladder gives for `k` (ke_x25519, libsodium).
bytes ladder_public(const secret& k) {
    auto kx = ike::make_key_exchange_from_private(ke_group::curve25519, k.view());
    EXPECT_TRUE(kx.has_value());
    return kx ? (*kx)->public_value() : bytes{};
}

std::vector<secret> random_keys(std::size_t n, std::uint64_t seed) {
    ike::deterministic_random rng(seed);
    std::vector<secret> keys;
    for (std::size_t i = 0; i < n; ++i) {
        secret k(32);
        rng.fill(k.mutable_view());
        keys.push_back(std::move(k));
    }
    return keys;
}

void expect_batch_matches_ladder(const std::vector<secret>& keys) {
    std::vector<bytes> publics(keys.size());
    ASSERT_TRUE(ike::x25519_public_values(keys, publics).has_value());
    for (std::size_t i = 0; i < keys.size(); ++i)
        EXPECT_EQ(ike::to_hex(publics[i]), ike::to_hex(ladder_public(keys[i]))) << "key " << i;
}

TEST(x25519_batch, matches_the_ladder_for_batches_of_any_size) {
    for (std::size_t n : {1, 2, 3, 16, 33}) expect_batch_matches_ladder(random_keys(n, 40 + n));
}

// Keys that need clamping in every bit X25519 clamps, and the smallest and
// largest scalars clamping can give.
TEST(x25519_batch, clamps_as_x25519_does) {
    std::vector<secret> keys;
    keys.emplace_back(bytes(32, 0xff));
    keys.emplace_back(bytes(32, 0x00));
    bytes low(32, 0x00);
    low[31] = 0x40;  // 2^254, already clamped
    keys.emplace_back(low);
    bytes high(32, 0xff);
    high[0] = 0xf8;
    high[31] = 0x7f;  // 2^255 - 8, already clamped
    keys.emplace_back(high);
    expect_batch_matches_ladder(keys);
}

TEST(x25519_batch, refuses_bad_lengths) {
    std::vector<secret> keys = random_keys(2, 1);
    std::vector<bytes> one(1);
    auto r = ike::x25519_public_values(keys, one);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, crypto_errc::bad_key_length);

    keys.emplace_back(bytes(31, 0x11));
    std::vector<bytes> three(3);
    r = ike::x25519_public_values(keys, three);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, crypto_errc::bad_key_length);
}

// A pair from the pool agrees with a peer on the shared secret: its public
// value belongs to its private key.
TEST(ke_key_pool, pairs_from_the_pool_agree_with_peers) {
    ike::ke_key_pool pool(16);
    ike::deterministic_random rng(5);
    for (int i = 0; i < 40; ++i) {
        auto ours = pool.take(ke_group::curve25519, rng);
        auto peer = ike::make_key_exchange(ke_group::curve25519, rng);
        ASSERT_TRUE(ours && peer);
        auto a = (*ours)->shared_secret((*peer)->public_value());
        auto b = (*peer)->shared_secret((*ours)->public_value());
        ASSERT_TRUE(a && b);
        EXPECT_EQ(ike::to_hex(a->view()), ike::to_hex(b->view())) << "pair " << i;
    }
}

TEST(ke_key_pool, refills_a_batch_at_a_time_and_only_for_x25519) {
    ike::ke_key_pool pool(16);
    ike::deterministic_random rng(9);
    EXPECT_EQ(pool.ready(), 0u);
    ASSERT_TRUE(pool.take(ke_group::curve25519, rng));
    EXPECT_EQ(pool.ready(), 15u);
    for (int i = 0; i < 15; ++i) ASSERT_TRUE(pool.take(ke_group::curve25519, rng));
    EXPECT_EQ(pool.ready(), 0u);
    auto p256 = pool.take(ke_group::ecp256, rng);
    ASSERT_TRUE(p256.has_value());
    EXPECT_EQ((*p256)->group(), ke_group::ecp256);
    EXPECT_EQ(pool.ready(), 0u);

    ike::ke_key_pool unpooled(1);
    ASSERT_TRUE(unpooled.take(ke_group::curve25519, rng));
    EXPECT_EQ(unpooled.ready(), 0u);
}

// Same seed, same pairs, in the order the private keys were drawn: the first
// pair of a batch is the one made from the first 32 octets of the stream.
TEST(ke_key_pool, is_reproducible_with_a_deterministic_source) {
    ike::ke_key_pool a(8), b(8);
    ike::deterministic_random ra(77), rb(77);
    const std::vector<secret> keys = random_keys(8, 77);
    for (int i = 0; i < 8; ++i) {
        auto x = a.take(ke_group::curve25519, ra);
        auto y = b.take(ke_group::curve25519, rb);
        ASSERT_TRUE(x && y);
        EXPECT_EQ((*x)->public_value(), (*y)->public_value());
        EXPECT_EQ(ike::to_hex((*x)->public_value()), ike::to_hex(ladder_public(keys[i])))
            << "pair " << i;
    }
}

}  // namespace
