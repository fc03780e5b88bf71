// The key-exchange factory: which groups exist, their KE data sizes, and a
// two-party round trip in every supported group.
#include "libike/crypto/key_exchange.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "libike/crypto/random_source.hpp"

namespace {

using ike::crypto_errc;
using ike::ke_group;

TEST(key_exchange, supported_groups) {
    std::vector<ke_group> groups(ike::supported_ke_groups().begin(),
                                 ike::supported_ke_groups().end());
    std::ranges::sort(groups);
    EXPECT_EQ(groups,
              (std::vector<ke_group>{ke_group::modp2048, ke_group::modp3072, ke_group::modp4096,
                                     ke_group::ecp256, ke_group::ecp384, ke_group::ecp521,
                                     ke_group::curve25519, ke_group::curve448}));
    for (ke_group g : groups) EXPECT_TRUE(ike::is_supported(g)) << ike::to_string(g);
}

// Sizes from RFC 3526 (prime length), RFC 5903 §7 (2 x coordinate length)
// and RFC 8031 §2 (RFC 7748 encodings).
TEST(key_exchange, public_value_sizes) {
    EXPECT_EQ(ike::public_value_size(ke_group::modp2048), 256u);
    EXPECT_EQ(ike::public_value_size(ke_group::modp3072), 384u);
    EXPECT_EQ(ike::public_value_size(ke_group::modp4096), 512u);
    EXPECT_EQ(ike::public_value_size(ke_group::ecp256), 64u);
    EXPECT_EQ(ike::public_value_size(ke_group::ecp384), 96u);
    EXPECT_EQ(ike::public_value_size(ke_group::ecp521), 132u);
    EXPECT_EQ(ike::public_value_size(ke_group::curve25519), 32u);
    EXPECT_EQ(ike::public_value_size(ke_group::curve448), 56u);
}

const ke_group unsupported_groups[] = {
    ke_group::none,     ke_group::modp768,      ke_group::modp1024,
    ke_group::modp1536, ke_group::modp8192,     ke_group::modp2048_256,
    ke_group::ecp192,   ke_group::brainpool256, static_cast<ke_group>(9999),
};

TEST(key_exchange, unsupported_groups_are_refused) {
    ike::deterministic_random rng(1);
    for (ke_group g : unsupported_groups) {
        EXPECT_FALSE(ike::is_supported(g)) << ike::to_string(g);
        EXPECT_EQ(ike::public_value_size(g), 0u);
        auto fresh = ike::make_key_exchange(g, rng);
        ASSERT_FALSE(fresh.has_value());
        EXPECT_EQ(fresh.error().code, crypto_errc::unsupported_algorithm);
        auto fixed = ike::make_key_exchange_from_private(g, ike::bytes(32, 0x01));
        ASSERT_FALSE(fixed.has_value());
        EXPECT_EQ(fixed.error().code, crypto_errc::unsupported_algorithm);
    }
}

class key_exchange_round_trip : public ::testing::TestWithParam<ke_group> {
  protected:
    void agree(ike::random_source& rng_a, ike::random_source& rng_b) {
        auto a = ike::make_key_exchange(GetParam(), rng_a);
        auto b = ike::make_key_exchange(GetParam(), rng_b);
        ASSERT_TRUE(a.has_value()) << a.error().message();
        ASSERT_TRUE(b.has_value()) << b.error().message();
        EXPECT_EQ((*a)->group(), GetParam());
        EXPECT_EQ((*a)->public_value().size(), ike::public_value_size(GetParam()));
        EXPECT_NE((*a)->public_value(), (*b)->public_value());
        auto s_a = (*a)->shared_secret((*b)->public_value());
        auto s_b = (*b)->shared_secret((*a)->public_value());
        ASSERT_TRUE(s_a.has_value()) << s_a.error().message();
        ASSERT_TRUE(s_b.has_value()) << s_b.error().message();
        EXPECT_TRUE(*s_a == *s_b);
        EXPECT_FALSE(s_a->empty());
    }
};

TEST_P(key_exchange_round_trip, deterministic_random) {
    ike::deterministic_random rng_a(0x1234), rng_b(0x5678);
    agree(rng_a, rng_b);
}

TEST_P(key_exchange_round_trip, openssl_random) {
    ike::openssl_random rng;
    agree(rng, rng);
}

TEST_P(key_exchange_round_trip, deterministic_random_is_reproducible) {
    ike::deterministic_random first(99), second(99), other(100);
    auto a = ike::make_key_exchange(GetParam(), first);
    auto b = ike::make_key_exchange(GetParam(), second);
    auto c = ike::make_key_exchange(GetParam(), other);
    ASSERT_TRUE(a.has_value() && b.has_value() && c.has_value());
    EXPECT_EQ((*a)->public_value(), (*b)->public_value());
    EXPECT_NE((*a)->public_value(), (*c)->public_value());
}

INSTANTIATE_TEST_SUITE_P(groups, key_exchange_round_trip,
                         ::testing::ValuesIn(ike::supported_ke_groups().begin(),
                                             ike::supported_ke_groups().end()),
                         [](const auto& info) { return ike::to_string(info.param); });

}  // namespace
