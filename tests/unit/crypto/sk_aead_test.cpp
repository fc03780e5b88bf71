#include "libike/crypto/sk_aead.hpp"

#include <gtest/gtest.h>

#include "tests/unit/crypto/crypto_test_support.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace {

using ike::bytes;
using ike::bytes_view;
using ike::crypto_errc;
using ike::encr_id;
using ike::test::cat;
using ike::test::fixed_random;
using ike::test::hex;
using ike::test::text;

std::unique_ptr<ike::sk_aead> make(encr_id encr, std::uint16_t bits, const bytes& key_and_salt) {
    auto c = ike::sk_aead::create(encr, bits, ike::secret(key_and_salt));
    EXPECT_TRUE(c.has_value()) << c.error().message();
    return c ? std::move(*c) : nullptr;
}

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", test cases
// 3, 4, 15, 16 (also in RFC 4106-based suites). Their 96-bit IV
// cafebabefacedbaddecaf888 is split as RFC 4106 §4 (and so RFC 5282) does: the first
// 4 bytes are the salt at the end of the key material, the last 8 the IV.
const char* const gcm_plain_64 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
const char* const gcm_aad_20 = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
const char* const gcm_iv = "facedbaddecaf888";

struct aead_kat {
    const char* name;
    encr_id encr;
    std::uint16_t bits;
    bytes key_and_salt;
    bytes iv;
    bytes aad;
    bytes plain;
    bytes cipher_and_tag;
};

void PrintTo(const aead_kat& k, std::ostream* os) {
    *os << k.name;
}

std::vector<aead_kat> aead_kats() {
    const bytes p64 = hex(gcm_plain_64);
    const bytes p60(p64.begin(), p64.begin() + 60);
    const bytes k128 = hex("feffe9928665731c6d6a8f9467308308");
    const bytes k256 = cat({k128, k128});
    const bytes salt = hex("cafebabe");
    return {
        // GCM spec test case 3: AES-128, 64-byte plaintext, no AAD.
        {"gcm_tc3",
         encr_id::aes_gcm_16,
         128,
         cat({k128, salt}),
         hex(gcm_iv),
         {},
         p64,
         hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
             "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
             "4d5c2af327cd64a62cf35abd2ba6fab4")},
        // GCM spec test case 4: AES-128, 60-byte plaintext, 20-byte AAD.
        {"gcm_tc4", encr_id::aes_gcm_16, 128, cat({k128, salt}), hex(gcm_iv), hex(gcm_aad_20), p60,
         hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
             "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
             "5bc94fbc3221a5db94fae95ae7121a47")},
        // GCM spec test case 15: AES-256, 64-byte plaintext, no AAD.
        {"gcm_tc15",
         encr_id::aes_gcm_16,
         256,
         cat({k256, salt}),
         hex(gcm_iv),
         {},
         p64,
         hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
             "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
             "b094dac5d93471bdec1a502270e3cc6c")},
        // GCM spec test case 16: AES-256, 60-byte plaintext, 20-byte AAD.
        {"gcm_tc16", encr_id::aes_gcm_16, 256, cat({k256, salt}), hex(gcm_iv), hex(gcm_aad_20), p60,
         hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
             "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
             "76fc6ece0f4e1768cddf8853bb2d551b")},
        // RFC 8439 §2.8.2: the AEAD_CHACHA20_POLY1305 example. Its nonce
        // 07000000 4041424344454647 is read as salt | IV (RFC 7634 §2).
        {"chacha_rfc8439_2_8_2", encr_id::chacha20_poly1305, 256,
         hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
             "07000000"),
         hex("4041424344454647"), hex("50515253c0c1c2c3c4c5c6c7"),
         text("Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
              "for the future, sunscreen would be it."),
         hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
             "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
             "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
             "3ff4def08e4b7a9de576d26586cec64b6116"
             "1ae10b594f09e26a7e902ecbd0600691")},
        // RFC 7634 Appendix A, the ESP example: KEYMAT = key | salt a0a1a2a3,
        // IV 1011121314151617, AAD = SPI | sequence number.
        {"chacha_rfc7634_esp", encr_id::chacha20_poly1305, 0,
         hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
             "a0a1a2a3"),
         hex("1011121314151617"), hex("0102030400000005"),
         hex("45 00 00 54 a6 f2 00 00 40 01 e7 78 c6 33 64 05"
             "c0 00 02 05 08 00 5b 7a 3a 08 00 00 55 3b ec 10"
             "00 07 36 27 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13"
             "14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23"
             "24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33"
             "34 35 36 37 01 02 02 04"),
         hex("24 03 94 28 b9 7f 41 7e 3c 13 75 3a 4f 05 08 7b"
             "67 c3 52 e6 a7 fa b1 b9 82 d4 66 ef 40 7a e5 c6"
             "14 ee 80 99 d5 28 44 eb 61 aa 95 df ab 4c 02 f7"
             "2a a7 1e 7c 4c 4f 64 c9 be fe 2f ac c6 38 e8 f3"
             "cb ec 16 3f ac 46 9b 50 27 73 f6 fb 94 e6 64 da"
             "91 65 b8 28 29 f6 41 e0"
             "76 aa a8 26 6b 7f b0 f7 b1 1b 36 99 07 e1 ad 43")},
    };
}

class sk_aead_kat : public ::testing::TestWithParam<aead_kat> {};

TEST_P(sk_aead_kat, encrypts_to_the_published_ciphertext_and_tag) {
    const aead_kat& k = GetParam();
    auto c = make(k.encr, k.bits, k.key_and_salt);
    ASSERT_NE(c, nullptr);
    bytes out(k.plain.size() + ike::sk_aead::tag_size);
    auto r = c->encrypt_with_iv(k.iv, k.aad, k.plain, out);
    ASSERT_TRUE(r.has_value()) << r.error().message();
    EXPECT_EQ(ike::to_hex(out), ike::to_hex(k.cipher_and_tag));
}

TEST_P(sk_aead_kat, decrypts_the_published_ciphertext) {
    const aead_kat& k = GetParam();
    auto c = make(k.encr, k.bits, k.key_and_salt);
    ASSERT_NE(c, nullptr);
    auto plain = c->decrypt_with_iv(k.iv, k.aad, k.cipher_and_tag);
    ASSERT_TRUE(plain.has_value()) << plain.error().message();
    EXPECT_EQ(*plain, k.plain);
    // Same context, second message: the reused context must be reset fully.
    plain = c->decrypt_with_iv(k.iv, k.aad, k.cipher_and_tag);
    ASSERT_TRUE(plain.has_value());
    EXPECT_EQ(*plain, k.plain);
}

TEST_P(sk_aead_kat, rejects_a_changed_tag_salt_or_aad) {
    const aead_kat& k = GetParam();
    auto c = make(k.encr, k.bits, k.key_and_salt);
    ASSERT_NE(c, nullptr);
    bytes bad = k.cipher_and_tag;
    bad.back() ^= 1;
    EXPECT_EQ(c->decrypt_with_iv(k.iv, k.aad, bad).error().code,
              crypto_errc::integrity_check_failed);
    bytes aad = k.aad;
    aad.push_back(0);
    EXPECT_EQ(c->decrypt_with_iv(k.iv, aad, k.cipher_and_tag).error().code,
              crypto_errc::integrity_check_failed);
    // A different salt is a different nonce: the salt really is used.
    bytes other_salt = k.key_and_salt;
    other_salt.back() ^= 1;
    auto c2 = make(k.encr, k.bits, other_salt);
    ASSERT_NE(c2, nullptr);
    EXPECT_EQ(c2->decrypt_with_iv(k.iv, k.aad, k.cipher_and_tag).error().code,
              crypto_errc::integrity_check_failed);
}

INSTANTIATE_TEST_SUITE_P(published, sk_aead_kat, ::testing::ValuesIn(aead_kats()),
                         [](const auto& info) { return std::string(info.param.name); });

// RFC 7634 Appendix B: an IKEv2 INFORMATIONAL message protected with
// ChaCha20-Poly1305. AAD = IKE header (SPIs c0..c7 / d0..d7, next payload SK,
// version 2.0, exchange 37, Message ID 9, length 69) | SK header (next payload
// Notify, length 41). Plaintext = a 12-byte Notify payload; the sender added
// no padding, only the Pad Length byte 00.
TEST(sk_aead, seals_the_rfc7634_ikev2_example) {
    auto c = make(encr_id::chacha20_poly1305, 256,
                  hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
                      "a0a1a2a3"));
    ASSERT_NE(c, nullptr);
    const bytes aad =
        hex("c0 c1 c2 c3 c4 c5 c6 c7 d0 d1 d2 d3 d4 d5 d6 d7"
            "2e 20 25 00 00 00 00 09 00 00 00 45 29 00 00 29");
    const bytes notify = hex("00 00 00 0c 00 00 40 01 00 00 00 0a");
    const bytes expected_body =
        hex("10 11 12 13 14 15 16 17"                              // IV
            "61 03 94 70 1f 8d 01 7f 7c 12 92 48 89"               // ciphertext
            "6b 71 bf e2 52 36 ef d7 cd c6 70 66 90 63 15 b2");    // tag
    ASSERT_EQ(aad.size() + c->sealed_size(notify.size()), 0x45u);  // the header's length field

    fixed_random rng(hex("1011121314151617"));  // pins the IV counter's start
    bytes body(c->sealed_size(notify.size()));
    auto r = c->seal(aad, notify, rng, body);
    ASSERT_TRUE(r.has_value()) << r.error().message();
    EXPECT_EQ(ike::to_hex(body), ike::to_hex(expected_body));

    auto opened = c->open(aad, expected_body);
    ASSERT_TRUE(opened.has_value()) << opened.error().message();
    EXPECT_EQ(*opened, notify);
}

TEST(sk_aead, gcm_seal_matches_the_gcm_spec_keystream) {
    // Sealing through the IKE path with the test case 4 key, salt and IV: the
    // ciphertext of plaintext | 00 starts with test case 4's ciphertext (GCM is
    // a counter mode; only the tag covers the extra Pad Length byte).
    const bytes p64 = hex(gcm_plain_64);
    const bytes p60(p64.begin(), p64.begin() + 60);
    auto c = make(encr_id::aes_gcm_16, 128, hex("feffe9928665731c6d6a8f9467308308cafebabe"));
    ASSERT_NE(c, nullptr);
    fixed_random rng(hex(gcm_iv));
    bytes body(c->sealed_size(p60.size()));
    ASSERT_TRUE(c->seal(hex(gcm_aad_20), p60, rng, body).has_value());
    EXPECT_EQ(ike::to_hex(bytes_view(body).first(8)), gcm_iv);
    EXPECT_EQ(ike::to_hex(bytes_view(body).subspan(8, 60)),
              "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
              "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091");
    auto opened = c->open(hex(gcm_aad_20), body);
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(*opened, p60);
}

TEST(sk_aead, iv_is_a_counter_from_a_random_start) {
    auto c = make(encr_id::aes_gcm_16, 256, bytes(36, 0x42));
    ASSERT_NE(c, nullptr);
    fixed_random rng(hex("00000000fffffffe"));  // only 8 bytes: later seals must not draw
    bytes plain{1, 2, 3};
    std::vector<std::string> ivs;
    for (int i = 0; i < 4; ++i) {
        bytes body(c->sealed_size(plain.size()));
        ASSERT_TRUE(c->seal({}, plain, rng, body).has_value());
        ivs.push_back(ike::to_hex(bytes_view(body).first(8)));
    }
    EXPECT_EQ(ivs, (std::vector<std::string>{"00000000fffffffe", "00000000ffffffff",
                                             "0000000100000000", "0000000100000001"}));
}

TEST(sk_aead, sealed_size_is_iv_plain_pad_length_and_tag) {
    auto c = make(encr_id::chacha20_poly1305, 0, bytes(36, 1));
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->iv_size(), 8u);
    EXPECT_EQ(c->icv_size(), 16u);
    EXPECT_EQ(c->sealed_size(0), 8u + 1 + 16);
    EXPECT_EQ(c->sealed_size(100), 8u + 100 + 1 + 16);
}

TEST(sk_aead, open_accepts_peer_padding_and_rejects_oversized_pad_length) {
    auto c = make(encr_id::aes_gcm_16, 128, bytes(20, 9));
    ASSERT_NE(c, nullptr);
    const bytes aad = hex("0102030405060708");
    const bytes iv = hex("0000000000000007");
    auto seal_raw = [&](const bytes& inner) {
        bytes ct(inner.size() + 16);
        EXPECT_TRUE(c->encrypt_with_iv(iv, aad, inner, ct).has_value());
        return cat({iv, ct});
    };
    // "abc", three bytes of padding of the sender's choosing, Pad Length 3.
    auto opened = c->open(aad, seal_raw(hex("616263 ffeedd 03")));
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(*opened, hex("616263"));
    // Only padding: an empty payload list.
    opened = c->open(aad, seal_raw(hex("000002")));
    ASSERT_TRUE(opened.has_value());
    EXPECT_TRUE(opened->empty());
    // Pad Length 4 with only 3 bytes before it: authentic but malformed.
    EXPECT_EQ(c->open(aad, seal_raw(hex("61626304"))).error().code, crypto_errc::bad_ciphertext);
    EXPECT_EQ(c->open(aad, seal_raw(hex("ff"))).error().code, crypto_errc::bad_ciphertext);
}

TEST(sk_aead, key_sizes_and_errors) {
    EXPECT_EQ(ike::sk_aead::key_and_salt_size(encr_id::aes_gcm_16, 128).value(), 20u);
    EXPECT_EQ(ike::sk_aead::key_and_salt_size(encr_id::aes_gcm_16, 256).value(), 36u);
    EXPECT_EQ(ike::sk_aead::key_and_salt_size(encr_id::chacha20_poly1305, 256).value(), 36u);
    EXPECT_EQ(ike::sk_aead::key_and_salt_size(encr_id::chacha20_poly1305, 0).value(), 36u);
    for (auto [encr, bits] :
         {std::pair{encr_id::aes_gcm_16, 192}, std::pair{encr_id::aes_gcm_16, 0},
          std::pair{encr_id::chacha20_poly1305, 128}, std::pair{encr_id::aes_gcm_8, 128},
          std::pair{encr_id::aes_cbc, 128}}) {
        auto c =
            ike::sk_aead::create(encr, static_cast<std::uint16_t>(bits), ike::secret(bytes(36, 1)));
        ASSERT_FALSE(c.has_value());
        EXPECT_EQ(c.error().code, crypto_errc::unsupported_algorithm);
    }
    // The salt is not optional: a bare 16/32-byte key is the wrong length.
    for (std::size_t len : {0u, 16u, 19u, 21u, 32u}) {
        auto c = ike::sk_aead::create(encr_id::aes_gcm_16, 128, ike::secret(bytes(len, 1)));
        ASSERT_FALSE(c.has_value());
        EXPECT_EQ(c.error().code, crypto_errc::bad_key_length) << len;
    }
    auto c = ike::sk_aead::create(encr_id::chacha20_poly1305, 256, ike::secret(bytes(32, 1)));
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, crypto_errc::bad_key_length);
}

TEST(sk_aead, raw_interface_checks_sizes) {
    auto c = make(encr_id::aes_gcm_16, 128, bytes(20, 9));
    ASSERT_NE(c, nullptr);
    bytes out(16 + 3);
    bytes plain{1, 2, 3};
    EXPECT_FALSE(c->encrypt_with_iv(bytes(7), {}, plain, out).has_value());
    bytes short_out(18);
    EXPECT_FALSE(c->encrypt_with_iv(bytes(8), {}, plain, short_out).has_value());
    EXPECT_EQ(c->decrypt_with_iv(bytes(8), {}, bytes(15)).error().code,
              crypto_errc::bad_ciphertext);
    EXPECT_EQ(c->decrypt_with_iv(bytes(9), {}, bytes(40)).error().code,
              crypto_errc::bad_ciphertext);
}

}  // namespace
