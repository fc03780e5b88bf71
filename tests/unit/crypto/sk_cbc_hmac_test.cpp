#include "libike/crypto/sk_cbc_hmac.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "tests/unit/crypto/crypto_test_support.hpp"

#include <string>

namespace {

using ike::bytes;
using ike::bytes_view;
using ike::crypto_errc;
using ike::integ_id;
using ike::test::cat;
using ike::test::fixed_random;
using ike::test::hex;

// Independent oracle for the ICV: OpenSSL's one-shot HMAC, truncated.
bytes hmac_sha256_128(const bytes& key, const bytes& data) {
    bytes full(32);
    std::size_t len = 0;
    EXPECT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                        data.data(), data.size(), full.data(), full.size(), &len),
              nullptr);
    full.resize(16);
    return full;
}

// Independent AES-CBC without padding, to build bodies the way a peer might.
bytes raw_cbc_encrypt(const bytes& key, const bytes& iv, const bytes& plain) {
    const char* name = key.size() == 16 ? "AES-128-CBC" : "AES-256-CBC";
    EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, name, nullptr);
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    bytes out(plain.size());
    int n1 = 0, n2 = 0;
    EXPECT_EQ(EVP_EncryptInit_ex2(ctx, cipher, key.data(), iv.data(), nullptr), 1);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    EXPECT_EQ(EVP_EncryptUpdate(ctx, out.data(), &n1, plain.data(), static_cast<int>(plain.size())),
              1);
    EXPECT_EQ(EVP_EncryptFinal_ex(ctx, out.data() + n1, &n2), 1);
    EXPECT_EQ(static_cast<std::size_t>(n1 + n2), plain.size());
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);
    return out;
}

const bytes integ_key = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
const bytes aad = hex("11111111111111112222222222222222 2e202400 00000001 00000000 29000000");

std::unique_ptr<ike::sk_cbc_hmac> make(const bytes& encr_key,
                                       integ_id integ = integ_id::hmac_sha2_256_128,
                                       const bytes& ikey = integ_key) {
    auto c = ike::sk_cbc_hmac::create(static_cast<std::uint16_t>(encr_key.size() * 8),
                                      ike::secret(encr_key), integ, ike::secret(ikey));
    EXPECT_TRUE(c.has_value()) << c.error().message();
    return c ? std::move(*c) : nullptr;
}

// An SK body as a peer would send it: IV | ciphertext | ICV, the ICV from the
// oracle over `aad` | IV | ciphertext (RFC 7296 §3.14).
bytes with_icv(const bytes& iv, const bytes& ciphertext) {
    bytes signed_part = cat({iv, ciphertext});
    return cat({signed_part, hmac_sha256_128(integ_key, cat({aad, signed_part}))});
}

// RFC 3602 §4, Case #1: AES-128-CBC, one block.
const bytes case1_key = hex("06a9214036b8a15b512e03d534120006");
const bytes case1_iv = hex("3dafba429d9eb430b422da802c9fac41");
const bytes case1_plain = hex("53696e676c6520626c6f636b206d7367");  // "Single block msg"
const bytes case1_cipher = hex("e353779c1079aeb82708942dbe77181a");

// RFC 3602 §4, Case #2: AES-128-CBC, two blocks.
const bytes case2_key = hex("c286696d887c9aa0611bbb3e2025a45a");
const bytes case2_iv = hex("562e17996d093d28ddb3ba695a2e6f58");
const bytes case2_plain = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
const bytes case2_cipher = hex("d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1");

TEST(sk_cbc_hmac, seal_encrypts_rfc3602_case1_and_macs_header_iv_and_ciphertext) {
    auto c = make(case1_key);
    ASSERT_NE(c, nullptr);
    // 16 bytes of payload need a whole extra block for the Pad Length byte.
    ASSERT_EQ(c->sealed_size(case1_plain.size()), 16u + 32 + 16);
    fixed_random rng(case1_iv);
    bytes body(c->sealed_size(case1_plain.size()));
    auto r = c->seal(aad, case1_plain, rng, body);
    ASSERT_TRUE(r.has_value()) << r.error().message();
    bytes_view v(body);
    EXPECT_EQ(ike::to_hex(v.first(16)), ike::to_hex(case1_iv));
    EXPECT_EQ(ike::to_hex(v.subspan(16, 16)), ike::to_hex(case1_cipher));
    // RFC 7296 §3.14: ICV over the IKE header .. end of ciphertext.
    bytes covered = cat({aad, bytes(v.begin(), v.begin() + 48)});
    EXPECT_EQ(ike::to_hex(v.last(16)), ike::to_hex(hmac_sha256_128(integ_key, covered)));

    auto opened = c->open(aad, body);
    ASSERT_TRUE(opened.has_value()) << opened.error().message();
    EXPECT_EQ(*opened, case1_plain);
}

TEST(sk_cbc_hmac, seal_encrypts_rfc3602_case2) {
    auto c = make(case2_key);
    ASSERT_NE(c, nullptr);
    fixed_random rng(case2_iv);
    bytes body(c->sealed_size(case2_plain.size()));
    ASSERT_EQ(body.size(), 16u + 48 + 16);
    ASSERT_TRUE(c->seal(aad, case2_plain, rng, body).has_value());
    EXPECT_EQ(ike::to_hex(bytes_view(body).subspan(16, 32)), ike::to_hex(case2_cipher));
}

TEST(sk_cbc_hmac, open_decrypts_rfc3602_case2_as_pad_only) {
    // Case #2's last plaintext byte is 0x1f = 31: read as an SK payload, all
    // 32 bytes are padding and Pad Length, leaving no inner payloads.
    auto c = make(case2_key);
    ASSERT_NE(c, nullptr);
    bytes body = with_icv(case2_iv, case2_cipher);
    auto opened = c->open(aad, body);
    ASSERT_TRUE(opened.has_value()) << opened.error().message();
    EXPECT_TRUE(opened->empty());
}

TEST(sk_cbc_hmac, open_rejects_rfc3602_case1_pad_length_after_the_icv_passes) {
    // Case #1's last byte is 'g' = 103, more than the 15 bytes before it.
    auto c = make(case1_key);
    ASSERT_NE(c, nullptr);
    bytes body = with_icv(case1_iv, case1_cipher);
    auto opened = c->open(aad, body);
    ASSERT_FALSE(opened.has_value());
    EXPECT_EQ(opened.error().code, crypto_errc::bad_ciphertext);
    // The same body with a forged ICV fails the ICV first.
    body.back() ^= 1;
    EXPECT_EQ(c->open(aad, body).error().code, crypto_errc::integrity_check_failed);
}

TEST(sk_cbc_hmac, seal_encrypts_sp800_38a_aes256_cbc) {
    // NIST SP 800-38A F.2.5 (CBC-AES256.Encrypt), blocks 1 and 2.
    auto c = make(hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"));
    ASSERT_NE(c, nullptr);
    fixed_random rng(hex("000102030405060708090a0b0c0d0e0f"));
    bytes plain = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
    bytes body(c->sealed_size(plain.size()));
    ASSERT_TRUE(c->seal(aad, plain, rng, body).has_value());
    EXPECT_EQ(ike::to_hex(bytes_view(body).subspan(16, 32)),
              "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d");
}

TEST(sk_cbc_hmac, open_ignores_padding_contents_and_accepts_long_padding) {
    // A peer may pad with anything and with more than one block (RFC 7296
    // §3.14): "abc", 28 bytes of junk, Pad Length 28.
    const bytes key = hex("00112233445566778899aabbccddeeff");
    const bytes iv = hex("0f0e0d0c0b0a09080706050403020100");
    bytes inner = hex("616263");
    for (int i = 0; i < 28; ++i) inner.push_back(static_cast<std::uint8_t>(0xa0 + i));
    inner.push_back(28);
    ASSERT_EQ(inner.size(), 32u);
    bytes body = with_icv(iv, raw_cbc_encrypt(key, iv, inner));
    auto c = make(key);
    ASSERT_NE(c, nullptr);
    auto opened = c->open(aad, body);
    ASSERT_TRUE(opened.has_value()) << opened.error().message();
    EXPECT_EQ(*opened, hex("616263"));
}

TEST(sk_cbc_hmac, sealed_size_pads_to_whole_blocks) {
    auto c = make(bytes(16, 1), integ_id::hmac_sha1_96, bytes(20, 2));
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->iv_size(), 16u);
    EXPECT_EQ(c->icv_size(), 12u);
    EXPECT_EQ(c->sealed_size(0), 16u + 16 + 12);
    EXPECT_EQ(c->sealed_size(14), 16u + 16 + 12);
    EXPECT_EQ(c->sealed_size(15), 16u + 16 + 12);
    EXPECT_EQ(c->sealed_size(16), 16u + 32 + 12);
    EXPECT_EQ(c->sealed_size(31), 16u + 32 + 12);
    EXPECT_EQ(c->sealed_size(32), 16u + 48 + 12);
}

TEST(sk_cbc_hmac, every_seal_draws_a_fresh_iv) {
    auto c = make(bytes(32, 1));
    ASSERT_NE(c, nullptr);
    ike::deterministic_random rng(7);
    bytes plain{1, 2, 3};
    bytes a(c->sealed_size(3)), b(c->sealed_size(3));
    ASSERT_TRUE(c->seal(aad, plain, rng, a).has_value());
    ASSERT_TRUE(c->seal(aad, plain, rng, b).has_value());
    EXPECT_NE(bytes(a.begin(), a.begin() + 16), bytes(b.begin(), b.begin() + 16));
    EXPECT_NE(a, b);
}

TEST(sk_cbc_hmac, open_rejects_bad_structure_before_any_crypto) {
    auto c = make(bytes(16, 1));
    ASSERT_NE(c, nullptr);
    // Shorter than IV + one block + ICV.
    EXPECT_EQ(c->open(aad, bytes(16 + 15 + 16)).error().code, crypto_errc::bad_ciphertext);
    EXPECT_EQ(c->open(aad, bytes{}).error().code, crypto_errc::bad_ciphertext);
    // Ciphertext not a multiple of the block size.
    EXPECT_EQ(c->open(aad, bytes(16 + 17 + 16)).error().code, crypto_errc::bad_ciphertext);
    EXPECT_EQ(c->open(aad, bytes(16 + 31 + 16)).error().code, crypto_errc::bad_ciphertext);
    // Well-formed lengths with garbage contents: the ICV fails.
    EXPECT_EQ(c->open(aad, bytes(16 + 32 + 16)).error().code, crypto_errc::integrity_check_failed);
}

TEST(sk_cbc_hmac, key_errors) {
    auto bad_bits = ike::sk_cbc_hmac::create(192, ike::secret(bytes(24, 1)),
                                             integ_id::hmac_sha2_256_128, ike::secret(integ_key));
    ASSERT_FALSE(bad_bits.has_value());
    EXPECT_EQ(bad_bits.error().code, crypto_errc::unsupported_algorithm);

    for (std::size_t len : {0u, 15u, 17u, 24u, 32u}) {
        auto c = ike::sk_cbc_hmac::create(128, ike::secret(bytes(len, 1)),
                                          integ_id::hmac_sha2_256_128, ike::secret(integ_key));
        ASSERT_FALSE(c.has_value());
        EXPECT_EQ(c.error().code, crypto_errc::bad_key_length) << len;
    }
    auto short_integ = ike::sk_cbc_hmac::create(
        256, ike::secret(bytes(32, 1)), integ_id::hmac_sha2_256_128, ike::secret(bytes(20, 1)));
    ASSERT_FALSE(short_integ.has_value());
    EXPECT_EQ(short_integ.error().code, crypto_errc::bad_key_length);

    auto no_integ = ike::sk_cbc_hmac::create(128, ike::secret(bytes(16, 1)), integ_id::none,
                                             ike::secret(bytes{}));
    ASSERT_FALSE(no_integ.has_value());
    EXPECT_EQ(no_integ.error().code, crypto_errc::unsupported_algorithm);
}

TEST(sk_cbc_hmac, seal_refuses_a_wrong_size_buffer) {
    auto c = make(bytes(16, 1));
    ASSERT_NE(c, nullptr);
    ike::deterministic_random rng(1);
    bytes plain(5, 0x55);
    bytes small(c->sealed_size(5) - 1), big(c->sealed_size(5) + 1);
    EXPECT_FALSE(c->seal(aad, plain, rng, small).has_value());
    EXPECT_FALSE(c->seal(aad, plain, rng, big).has_value());
}

}  // namespace
