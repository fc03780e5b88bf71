// MODP groups 14-16 (RFC 3526). No standard publishes a DH vector for these
// groups, so the known answers come from arithmetic on the RFC 3526 prime:
// g = 2, so g^1 = 2, g^8 = 256, and g^2048 mod p = 2^2048 - p (p > 2^2047).
#include <gtest/gtest.h>

#include <string_view>

#include "libike/common/bytes.hpp"
#include "libike/crypto/key_exchange.hpp"
#include "libike/crypto/random_source.hpp"
#include "tests/unit/crypto/crypto_test_support.hpp"

namespace {

using ike::bytes;
using ike::crypto_errc;
using ike::ke_group;
using ike::test::from_private;
using ike::test::hex;

// RFC 3526 §3, the 2048-bit MODP group's prime.
const bytes p2048 =
    hex("FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08 8A67CC74"
        "020BBEA6 3B139B22 514A0879 8E3404DD EF9519B3 CD3A431B 302B0A6D F25F1437"
        "4FE1356D 6D51C245 E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
        "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D C2007CB8 A163BF05"
        "98DA4836 1C55D39A 69163FA8 FD24CF5F 83655D23 DCA3AD96 1C62F356 208552BB"
        "9ED52907 7096966D 670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
        "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9 DE2BCBF6 95581718"
        "3995497C EA956AE5 15D22618 98FA0510 15728E5A 8AACAA68 FFFFFFFF FFFFFFFF");

// A 256-octet big-endian number with `low` in the last octets.
bytes padded(bytes low, std::size_t len = 256) {
    bytes out(len - low.size(), 0);
    out.insert(out.end(), low.begin(), low.end());
    return out;
}

// p + delta for small |delta| that does not borrow past the last octet (p ends in 0xff).
bytes p_plus(int delta) {
    bytes v = p2048;
    v.back() = static_cast<std::uint8_t>(v.back() + delta);
    return v;
}

TEST(ke_modp, group14_public_values_of_small_exponents) {
    auto one = from_private(ke_group::modp2048, {0x01});
    auto eight = from_private(ke_group::modp2048, {0x08});
    ASSERT_TRUE(one && eight);
    // Left-padded to the prime's length (RFC 7296 §3.4).
    EXPECT_EQ(one->public_value(), padded({0x02}));
    EXPECT_EQ(eight->public_value(), padded({0x01, 0x00}));
}

TEST(ke_modp, group14_public_value_reduced_mod_rfc3526_prime) {
    // 2^2048 mod p = 2^2048 - p: the two's complement of p in 256 octets.
    bytes expected(256);
    unsigned carry = 1;
    for (std::size_t i = 256; i-- > 0;) {
        unsigned v = static_cast<std::uint8_t>(~p2048[i]) + carry;
        expected[i] = static_cast<std::uint8_t>(v);
        carry = v >> 8;
    }
    auto kx = from_private(ke_group::modp2048, {0x08, 0x00});  // x = 2048
    ASSERT_TRUE(kx);
    EXPECT_EQ(ike::to_hex(kx->public_value()), ike::to_hex(expected));
}

TEST(ke_modp, group14_shared_secret_is_left_padded) {
    // With x = 1, g^ir is the peer's value itself: y = 2 gives 255 zeros then 2.
    auto one = from_private(ke_group::modp2048, {0x01});
    ASSERT_TRUE(one);
    auto s = one->shared_secret(padded({0x02}));
    ASSERT_TRUE(s.has_value()) << s.error().message();
    EXPECT_EQ(ike::to_hex(s->view()), ike::to_hex(padded({0x02})));
    auto s256 = one->shared_secret(padded({0x01, 0x00}));
    ASSERT_TRUE(s256.has_value());
    EXPECT_EQ(ike::to_hex(s256->view()), ike::to_hex(padded({0x01, 0x00})));
}

TEST(ke_modp, group14_round_trip) {
    ike::deterministic_random rng_a(14), rng_b(41);
    auto a = ike::make_key_exchange(ke_group::modp2048, rng_a);
    auto b = ike::make_key_exchange(ke_group::modp2048, rng_b);
    ASSERT_TRUE(a.has_value() && b.has_value());
    EXPECT_EQ((*a)->public_value().size(), 256u);
    EXPECT_EQ((*b)->public_value().size(), 256u);
    auto s_a = (*a)->shared_secret((*b)->public_value());
    auto s_b = (*b)->shared_secret((*a)->public_value());
    ASSERT_TRUE(s_a.has_value() && s_b.has_value());
    EXPECT_EQ(s_a->size(), 256u);
    EXPECT_TRUE(*s_a == *s_b);
    // x = 1 sees the peer's public value as the secret: an independent check
    // that the random key pair's public value really is g^x.
    auto one = from_private(ke_group::modp2048, {0x01});
    auto s_one = (*a)->shared_secret(one->public_value());
    ASSERT_TRUE(s_one.has_value());
    EXPECT_EQ(ike::to_hex(s_one->view()), ike::to_hex((*a)->public_value()));
}

void expect_invalid(ke_group group, const bytes& peer) {
    ike::deterministic_random rng(7);
    auto kx = ike::make_key_exchange(group, rng);
    ASSERT_TRUE(kx.has_value());
    auto s = (*kx)->shared_secret(peer);
    ASSERT_FALSE(s.has_value()) << ike::to_hex(peer);
    EXPECT_EQ(s.error().code, crypto_errc::invalid_public_value) << s.error().message();
}

// RFC 7296 §5 / RFC 6989 §2.1: 1 < y < p-1.
TEST(ke_modp, group14_rejects_values_outside_range) {
    expect_invalid(ke_group::modp2048, padded({0x00}));
    expect_invalid(ke_group::modp2048, padded({0x01}));
    expect_invalid(ke_group::modp2048, p_plus(-1));
    expect_invalid(ke_group::modp2048, p2048);
    expect_invalid(ke_group::modp2048, p_plus(0));
    expect_invalid(ke_group::modp2048, bytes(256, 0xff));
}

// p-2 = -2 is not a quadratic residue (p = 7 mod 8, so 2 is one and -1 is
// not): it lies outside the subgroup g = 2 generates. RFC 6989 §2.2 permits
// the full check, and OpenSSL makes it.
TEST(ke_modp, group14_rejects_value_outside_subgroup) {
    expect_invalid(ke_group::modp2048, p_plus(-2));
}

TEST(ke_modp, rejects_wrong_lengths) {
    expect_invalid(ke_group::modp2048, {});
    expect_invalid(ke_group::modp2048, bytes(255, 0x42));
    expect_invalid(ke_group::modp2048, bytes(257, 0x42));
    expect_invalid(ke_group::modp2048, padded({0x02}, 255));  // unpadded small value
    expect_invalid(ke_group::modp3072, padded({0x02}, 256));
    expect_invalid(ke_group::modp4096, padded({0x02}, 384));
}

TEST(ke_modp, groups_15_and_16_reject_values_outside_range) {
    for (auto [group, len] : {std::pair{ke_group::modp3072, 384}, {ke_group::modp4096, 512}}) {
        expect_invalid(group, bytes(len, 0x00));
        expect_invalid(group, padded({0x01}, len));
        expect_invalid(group, bytes(len, 0xff));  // > p: every RFC 3526 prime is below 2^n - 1
    }
}

TEST(ke_modp, rejects_bad_private_exponents) {
    for (const bytes& bad : {bytes{}, bytes(257, 0x01), padded({0x00}), p_plus(-1), p2048}) {
        auto kx = ike::make_key_exchange_from_private(ke_group::modp2048, bad);
        ASSERT_FALSE(kx.has_value()) << ike::to_hex(bad);
        EXPECT_EQ(kx.error().code, crypto_errc::bad_key_length) << kx.error().message();
    }
}

}  // namespace
