// Curve25519/Curve448 (IKEv2 groups 31, 32; RFC 8031) against the RFC 7748
// vectors, and the all-zero-result rejection of RFC 8031 §2.2.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string_view>

#include "libike/common/bytes.hpp"
#include "libike/crypto/key_exchange.hpp"
#include "libike/crypto/random_source.hpp"
#include "tests/unit/crypto/crypto_test_support.hpp"

namespace {

using ike::bytes;
using ike::crypto_errc;
using ike::ke_group;
using ike::test::hex;

// X25519/X448(k, u) through our API: k as our private key, u as the peer's
// KE data. Returns hex, or the error message prefixed with "error: ".
std::string scalar_mult(ke_group group, const bytes& k, const bytes& u) {
    auto kx = ike::make_key_exchange_from_private(group, k);
    if (!kx) return "error: " + kx.error().message();
    auto out = (*kx)->shared_secret(u);
    if (!out) return "error: " + out.error().message();
    return ike::to_hex(out->view());
}

// RFC 7748 §5.2, the two X25519 test vectors.
TEST(ke_ecx, rfc7748_5_2_x25519_vectors) {
    EXPECT_EQ(scalar_mult(ke_group::curve25519,
                          hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                          hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")),
              "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    // The u-coordinate here has the top bit set, which X25519 must ignore.
    EXPECT_EQ(scalar_mult(ke_group::curve25519,
                          hex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                          hex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493")),
              "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

// RFC 7748 §5.2, the two X448 test vectors.
TEST(ke_ecx, rfc7748_5_2_x448_vectors) {
    EXPECT_EQ(scalar_mult(ke_group::curve448,
                          hex("3d262fddf9ec8e88495266fea19a34d28882acef045104d0d1aae121"
                              "700a779c984c24f8cdd78fbff44943eba368f54b29259a4f1c600ad3"),
                          hex("06fce640fa3487bfda5f6cf2d5263f8aad88334cbd07437f020f08f9"
                              "814dc031ddbdc38c19c6da2583fa5429db94ada18aa7a7fb4ef8a086")),
              "ce3e4ff95a60dc6697da1db1d85e6afbdf79b50a2412d7546d5f239f"
              "e14fbaadeb445fc66a01b0779d98223961111e21766282f73dd96b6f");
    EXPECT_EQ(scalar_mult(ke_group::curve448,
                          hex("203d494428b8399352665ddca42f9de8fef600908e0d461cb021f8c5"
                              "38345dd77c3e4806e25f46d3315c44e0a5b4371282dd2c8d5be3095f"),
                          hex("0fbcc2f993cd56d3305b0b7d9e55d4c1a8fb5dbb52f8e9a1e9b6201b"
                              "165d015894e56c4d3570bee52fe205e28a78b91cdfbde71ce8d157db")),
              "884a02576239ff7a2f2f63b2db6a9ff37047ac13568e1e30fe63c4a7"
              "ad1b3ee3a5700df34321d62077e63633c575c1c954514e99da7c179d");
}

// RFC 7748 §5.2 iteration: k = u = base point, then (k, u) = (X(k, u), k).
std::vector<std::string> iterate(ke_group group, std::uint8_t base, std::size_t len,
                                 std::initializer_list<int> checkpoints) {
    bytes k(len, 0), u(len, 0);
    k[0] = u[0] = base;
    std::vector<std::string> seen;
    int done = 0;
    for (int stop : checkpoints) {
        for (; done < stop; ++done) {
            std::string next = scalar_mult(group, k, u);
            if (next.starts_with("error")) return {next};
            u = k;
            k = hex(next);
        }
        seen.push_back(ike::to_hex(k));
    }
    return seen;
}

TEST(ke_ecx, rfc7748_5_2_x25519_iterated_1_and_1000) {
    auto seen = iterate(ke_group::curve25519, 9, 32, {1, 1000});
    ASSERT_EQ(seen.size(), 2u) << seen.front();
    EXPECT_EQ(seen[0], "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
    EXPECT_EQ(seen[1], "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
}

TEST(ke_ecx, rfc7748_5_2_x448_iterated_1_and_1000) {
    auto seen = iterate(ke_group::curve448, 5, 56, {1, 1000});
    ASSERT_EQ(seen.size(), 2u) << seen.front();
    EXPECT_EQ(seen[0],
              "3f482c8a9f19b01e6c46ee9711d9dc14fd4bf67af30765c2ae2b846a"
              "4d23a8cd0db897086239492caf350b51f833868b9bc2b3bca9cf4113");
    EXPECT_EQ(seen[1],
              "aa3b4749d55b9daf1e5b00288826c467274ce3ebbdd5c17b975e09d4"
              "af6c67cf10d087202db88286e2b79fceea3ec353ef54faa26e219f38");
}

struct dh_example {
    ke_group group;
    std::string_view alice_priv, alice_pub, bob_priv, bob_pub, shared;
};

void check(const dh_example& v) {
    auto alice = ike::make_key_exchange_from_private(v.group, hex(v.alice_priv));
    auto bob = ike::make_key_exchange_from_private(v.group, hex(v.bob_priv));
    ASSERT_TRUE(alice.has_value() && bob.has_value());
    EXPECT_EQ(ike::to_hex((*alice)->public_value()), v.alice_pub);
    EXPECT_EQ(ike::to_hex((*bob)->public_value()), v.bob_pub);
    auto k_alice = (*alice)->shared_secret(hex(v.bob_pub));
    auto k_bob = (*bob)->shared_secret(hex(v.alice_pub));
    ASSERT_TRUE(k_alice.has_value() && k_bob.has_value());
    EXPECT_EQ(ike::to_hex(k_alice->view()), v.shared);
    EXPECT_EQ(ike::to_hex(k_bob->view()), v.shared);
}

// RFC 7748 §6.1, Curve25519 Diffie-Hellman example.
TEST(ke_ecx, rfc7748_6_1_x25519_alice_and_bob) {
    check({ke_group::curve25519, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
           "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
           "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
           "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
           "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"});
}

// RFC 7748 §6.2, Curve448 Diffie-Hellman example.
TEST(ke_ecx, rfc7748_6_2_x448_alice_and_bob) {
    check({ke_group::curve448,
           "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28d"
           "d9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b",
           "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c"
           "22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0",
           "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d"
           "6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d",
           "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b430"
           "27d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609",
           "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282b"
           "b60c0b56fd2464c335543936521c24403085d59a449a5037514a879d"});
}

void expect_invalid(ke_group group, std::string_view priv, const bytes& peer) {
    auto kx = ike::make_key_exchange_from_private(group, hex(priv));
    ASSERT_TRUE(kx.has_value());
    auto s = (*kx)->shared_secret(peer);
    ASSERT_FALSE(s.has_value()) << ike::to_hex(peer);
    EXPECT_EQ(s.error().code, crypto_errc::invalid_public_value) << s.error().message();
}

bytes u_coordinate(std::size_t len, std::uint8_t low) {
    bytes u(len, 0);
    u[0] = low;
    return u;
}

constexpr std::string_view alice25519 =
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
constexpr std::string_view alice448 =
    "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28d"
    "d9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b";

TEST(ke_ecx, x25519_rejects_low_order_points) {
    // RFC 8031 §2.2: the all-zero result from a point of small order.
    expect_invalid(ke_group::curve25519, alice25519, u_coordinate(32, 0));
    expect_invalid(ke_group::curve25519, alice25519, u_coordinate(32, 1));
    // The two points of order 8 on Curve25519.
    expect_invalid(ke_group::curve25519, alice25519,
                   hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"));
    expect_invalid(ke_group::curve25519, alice25519,
                   hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"));
    // p = 2^255 - 19, a non-canonical encoding of u = 0 (RFC 7748 §5).
    bytes p(32, 0xff);
    p[0] = 0xed;
    p[31] = 0x7f;
    expect_invalid(ke_group::curve25519, alice25519, p);
}

TEST(ke_ecx, x448_rejects_low_order_points) {
    expect_invalid(ke_group::curve448, alice448, u_coordinate(56, 0));
    expect_invalid(ke_group::curve448, alice448, u_coordinate(56, 1));
    // p - 1 = 2^448 - 2^224 - 2, the point of order 2 (little-endian).
    bytes p_minus_1(56, 0xff);
    p_minus_1[0] = 0xfe;
    p_minus_1[28] = 0xfe;
    expect_invalid(ke_group::curve448, alice448, p_minus_1);
}

TEST(ke_ecx, rejects_wrong_lengths) {
    auto bob25519 = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    expect_invalid(ke_group::curve25519, alice25519, {});
    expect_invalid(ke_group::curve25519, alice25519, bytes(bob25519.begin(), bob25519.end() - 1));
    bytes longer = bob25519;
    longer.push_back(0);
    expect_invalid(ke_group::curve25519, alice25519, longer);
    expect_invalid(ke_group::curve448, alice448, bob25519);  // 32 octets for a 56-octet group
    expect_invalid(ke_group::curve448, alice448, bytes(57, 0x42));
}

TEST(ke_ecx, rejects_private_keys_of_wrong_length) {
    for (auto [group, len] : {std::pair{ke_group::curve25519, 32}, {ke_group::curve448, 56}}) {
        for (std::size_t bad : {std::size_t{0}, std::size_t(len - 1), std::size_t(len + 1)}) {
            auto kx = ike::make_key_exchange_from_private(group, bytes(bad, 0x11));
            ASSERT_FALSE(kx.has_value());
            EXPECT_EQ(kx.error().code, crypto_errc::bad_key_length);
        }
    }
}

// X25519 runs on libsodium (ke_x25519.cpp), X448 on OpenSSL: for random
// private keys and peers, our public value and shared secret must be what
// OpenSSL computes, so the two libraries cannot drift apart unnoticed.
TEST(ke_ecx, x25519_agrees_with_openssl) {
    ike::deterministic_random rng(7725);
    for (int i = 0; i < 64; ++i) {
        bytes priv(32), peer_priv(32);
        rng.fill(priv);
        rng.fill(peer_priv);
        auto ours = ike::make_key_exchange_from_private(ke_group::curve25519, priv);
        auto peer = ike::make_key_exchange_from_private(ke_group::curve25519, peer_priv);
        ASSERT_TRUE(ours && peer);

        EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, priv.data(), 32);
        ASSERT_NE(key, nullptr);
        bytes expected_pub(32);
        std::size_t len = 32;
        ASSERT_EQ(EVP_PKEY_get_raw_public_key(key, expected_pub.data(), &len), 1);
        EXPECT_EQ((*ours)->public_value(), expected_pub) << "key " << i;

        EVP_PKEY* their = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr,
                                                      (*peer)->public_value().data(), 32);
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
        bytes expected_shared(32);
        len = 32;
        ASSERT_TRUE(their && ctx && EVP_PKEY_derive_init(ctx) == 1 &&
                    EVP_PKEY_derive_set_peer(ctx, their) == 1 &&
                    EVP_PKEY_derive(ctx, expected_shared.data(), &len) == 1);
        auto shared = (*ours)->shared_secret((*peer)->public_value());
        ASSERT_TRUE(shared.has_value());
        EXPECT_EQ(ike::to_hex(shared->view()), ike::to_hex(expected_shared)) << "key " << i;
        EVP_PKEY_CTX_free(ctx);
        EVP_PKEY_free(their);
        EVP_PKEY_free(key);
    }
}

}  // namespace
