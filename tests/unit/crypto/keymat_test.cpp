// IKEv2 key derivation (RFC 7296 §2.14, §2.17, §2.18) checked against the
// formulas written out with the plain PRF and hand-made concatenations, so
// that key order, seed layout and SPI encoding are tested independently of
// keymat.cpp. The NIST ACVP vectors in acvp_ikev2_kdf_test.cpp pin the same
// functions to published answers.
#include "libike/crypto/keymat.hpp"

#include <gtest/gtest.h>

#include "libike/crypto/prf_plus.hpp"
#include "tests/unit/crypto/crypto_test_support.hpp"

namespace {

using ike::bytes;
using ike::prf_id;
using ike::secret;
using ike::test::cat;
using ike::test::text;

bytes to_bytes(const secret& s) {
    return bytes(s.view().begin(), s.view().end());
}

// The RFC's prf+ over one concatenated seed, written out block by block.
bytes expand(prf_id id, ike::bytes_view key, const bytes& seed, std::size_t len) {
    auto p = ike::prf::create(id, key);
    EXPECT_TRUE(p.has_value());
    bytes out, t;
    for (std::uint8_t n = 1; out.size() < len; ++n) {
        auto block = p->compute(cat({t, seed, bytes{n}}));
        EXPECT_TRUE(block.has_value());
        t = to_bytes(*block);
        out.insert(out.end(), t.begin(), t.end());
    }
    out.resize(len);
    return out;
}

bytes hmac(prf_id id, ike::bytes_view key, const bytes& data) {
    auto p = ike::prf::create(id, key);
    EXPECT_TRUE(p.has_value());
    auto out = p->compute(data);
    EXPECT_TRUE(out.has_value());
    return to_bytes(*out);
}

const bytes ni = text("initiator nonce, 32 bytes long..");
const bytes nr = text("responder nonce, longer: 40 bytes long..");
const secret g_ir(text("shared Diffie-Hellman secret g^ir"));
const secret g_ir_new(text("a fresh shared secret for PFS/rekey"));
constexpr std::uint64_t spi_i = 0x0011223344556677;
constexpr std::uint64_t spi_r = 0x8899aabbccddeeff;
const bytes spi_i_wire{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
const bytes spi_r_wire{0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

class keymat_by_prf : public testing::TestWithParam<prf_id> {};

TEST_P(keymat_by_prf, skeyseed_is_prf_of_nonces_over_g_ir) {
    const prf_id id = GetParam();
    auto got = ike::derive_skeyseed(id, ni, nr, g_ir);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(to_bytes(*got), hmac(id, cat({ni, nr}), to_bytes(g_ir)));
}

TEST_P(keymat_by_prf, ike_sa_keys_are_cut_in_rfc_order) {
    const prf_id id = GetParam();
    const secret skeyseed(text("SKEYSEED stand-in"));
    const ike::sa_key_lengths lengths{.encr = 16, .integ = 32};  // AES-128-CBC, SHA2-256-128
    auto keys = ike::derive_ike_sa_keys(id, skeyseed, ni, nr, spi_i, spi_r, lengths);
    ASSERT_TRUE(keys.has_value());

    const std::size_t h = ike::prf::create(id)->output_size();
    const bytes stream =
        expand(id, skeyseed.view(), cat({ni, nr, spi_i_wire, spi_r_wire}), 3 * h + 2 * 32 + 2 * 16);
    std::size_t at = 0;
    auto next = [&](std::size_t len) {
        bytes out(stream.begin() + at, stream.begin() + at + len);
        at += len;
        return out;
    };
    EXPECT_EQ(to_bytes(keys->sk_d), next(h));
    EXPECT_EQ(to_bytes(keys->sk_ai), next(32));
    EXPECT_EQ(to_bytes(keys->sk_ar), next(32));
    EXPECT_EQ(to_bytes(keys->sk_ei), next(16));
    EXPECT_EQ(to_bytes(keys->sk_er), next(16));
    EXPECT_EQ(to_bytes(keys->sk_pi), next(h));
    EXPECT_EQ(to_bytes(keys->sk_pr), next(h));
    EXPECT_EQ(at, stream.size());
}

TEST_P(keymat_by_prf, aead_ike_sa_has_empty_integrity_keys) {
    const prf_id id = GetParam();
    const secret skeyseed(text("SKEYSEED stand-in"));
    // AES-256-GCM-16: 32 bytes of key + 4 of salt (RFC 5282 §7.1), no INTEG.
    auto keys = ike::derive_ike_sa_keys(id, skeyseed, ni, nr, spi_i, spi_r, {.encr = 36});
    ASSERT_TRUE(keys.has_value());
    const std::size_t h = ike::prf::create(id)->output_size();
    EXPECT_TRUE(keys->sk_ai.empty());
    EXPECT_TRUE(keys->sk_ar.empty());
    const bytes stream =
        expand(id, skeyseed.view(), cat({ni, nr, spi_i_wire, spi_r_wire}), 3 * h + 2 * 36);
    EXPECT_EQ(to_bytes(keys->sk_ei), bytes(stream.begin() + h, stream.begin() + h + 36));
    EXPECT_EQ(to_bytes(keys->sk_er), bytes(stream.begin() + h + 36, stream.begin() + h + 72));
    EXPECT_EQ(to_bytes(keys->sk_pr), bytes(stream.end() - h, stream.end()));
}

TEST_P(keymat_by_prf, child_keys_without_pfs) {
    const prf_id id = GetParam();
    const secret sk_d(text("SK_d of the IKE SA"));
    auto sk_d_prf = ike::prf::create(id, sk_d.view());
    ASSERT_TRUE(sk_d_prf.has_value());
    const ike::sa_key_lengths lengths{.encr = 32, .integ = 20};
    auto keys = ike::derive_child_sa_keys(*sk_d_prf, ni, nr, lengths);
    ASSERT_TRUE(keys.has_value());
    const bytes stream = expand(id, sk_d.view(), cat({ni, nr}), 2 * (32 + 20));
    EXPECT_EQ(to_bytes(keys->encr_i), bytes(stream.begin(), stream.begin() + 32));
    EXPECT_EQ(to_bytes(keys->integ_i), bytes(stream.begin() + 32, stream.begin() + 52));
    EXPECT_EQ(to_bytes(keys->encr_r), bytes(stream.begin() + 52, stream.begin() + 84));
    EXPECT_EQ(to_bytes(keys->integ_r), bytes(stream.begin() + 84, stream.end()));
}

TEST_P(keymat_by_prf, child_keys_with_pfs_put_g_ir_first) {
    const prf_id id = GetParam();
    const secret sk_d(text("SK_d of the IKE SA"));
    auto sk_d_prf = ike::prf::create(id, sk_d.view());
    ASSERT_TRUE(sk_d_prf.has_value());
    // ChaCha20-Poly1305: 32 bytes of key + 4 of salt (RFC 7634 §2), no INTEG.
    auto keys = ike::derive_child_sa_keys(*sk_d_prf, g_ir_new, ni, nr, {.encr = 36});
    ASSERT_TRUE(keys.has_value());
    const bytes stream = expand(id, sk_d.view(), cat({to_bytes(g_ir_new), ni, nr}), 72);
    EXPECT_EQ(to_bytes(keys->encr_i), bytes(stream.begin(), stream.begin() + 36));
    EXPECT_TRUE(keys->integ_i.empty());
    EXPECT_EQ(to_bytes(keys->encr_r), bytes(stream.begin() + 36, stream.end()));
    EXPECT_TRUE(keys->integ_r.empty());
}

TEST_P(keymat_by_prf, rekey_skeyseed_is_prf_of_old_sk_d) {
    const prf_id id = GetParam();
    const secret old_sk_d(text("SK_d of the old IKE SA"));
    auto old_prf = ike::prf::create(id, old_sk_d.view());
    ASSERT_TRUE(old_prf.has_value());
    auto got = ike::derive_rekey_skeyseed(*old_prf, g_ir_new, ni, nr);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(to_bytes(*got), hmac(id, old_sk_d.view(), cat({to_bytes(g_ir_new), ni, nr})));
}

INSTANTIATE_TEST_SUITE_P(all, keymat_by_prf,
                         testing::Values(prf_id::hmac_sha1, prf_id::hmac_sha2_256,
                                         prf_id::hmac_sha2_384, prf_id::hmac_sha2_512));

TEST(keymat, rekey_may_change_the_prf) {
    // RFC 7296 §2.18: the old SA (here HMAC-SHA1) computes SKEYSEED, the new
    // SA's PRF (HMAC-SHA2-512) expands it and sizes SK_d, SK_pi, SK_pr.
    const secret old_sk_d(text("old SK_d, 20 bytes.."));
    auto old_prf = ike::prf::create(prf_id::hmac_sha1, old_sk_d.view());
    ASSERT_TRUE(old_prf.has_value());
    auto skeyseed = ike::derive_rekey_skeyseed(*old_prf, g_ir_new, ni, nr);
    ASSERT_TRUE(skeyseed.has_value());
    EXPECT_EQ(skeyseed->size(), 20u);

    auto keys = ike::derive_ike_sa_keys(prf_id::hmac_sha2_512, *skeyseed, ni, nr, spi_i, spi_r,
                                        {.encr = 32, .integ = 64});
    ASSERT_TRUE(keys.has_value());
    EXPECT_EQ(keys->sk_d.size(), 64u);
    EXPECT_EQ(keys->sk_pi.size(), 64u);
    const bytes sha1_seed =
        hmac(prf_id::hmac_sha1, old_sk_d.view(), cat({to_bytes(g_ir_new), ni, nr}));
    const bytes stream =
        expand(prf_id::hmac_sha2_512, sha1_seed, cat({ni, nr, spi_i_wire, spi_r_wire}), 64);
    EXPECT_EQ(to_bytes(keys->sk_d), stream);
}

TEST(keymat, too_much_keying_material_is_an_error) {
    // HMAC-SHA1 gives at most 255 * 20 = 5100 bytes.
    const secret skeyseed(text("s"));
    auto keys = ike::derive_ike_sa_keys(prf_id::hmac_sha1, skeyseed, ni, nr, spi_i, spi_r,
                                        {.encr = 2000, .integ = 600});
    ASSERT_FALSE(keys.has_value());
    EXPECT_EQ(keys.error().code, ike::crypto_errc::bad_key_length);
}

TEST(keymat, unsupported_prf_is_reported) {
    auto seed = ike::derive_skeyseed(prf_id::aes128_xcbc, ni, nr, g_ir);
    ASSERT_FALSE(seed.has_value());
    EXPECT_EQ(seed.error().code, ike::crypto_errc::unsupported_algorithm);
    auto keys = ike::derive_ike_sa_keys(prf_id::hmac_md5, secret(text("s")), ni, nr, spi_i, spi_r,
                                        {.encr = 16, .integ = 16});
    ASSERT_FALSE(keys.has_value());
    EXPECT_EQ(keys.error().code, ike::crypto_errc::unsupported_algorithm);
}

}  // namespace
