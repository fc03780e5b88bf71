#include "libike/crypto/sk_cipher.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using ike::bytes;
using ike::bytes_view;
using ike::crypto_errc;
using ike::encr_id;
using ike::integ_id;

struct combo {
    const char* name;
    ike::sk_algorithms algs;
    // Independent expectations from the RFCs, not from the code under test.
    std::size_t encr_key, integ_key, iv, icv;
};

void PrintTo(const combo& c, std::ostream* os) {
    *os << c.name;
}

std::vector<combo> combos() {
    return {
        // RFC 3602 (AES-CBC, 16-byte IV) with RFC 2404 / RFC 4868 HMACs.
        {"cbc128_sha1", {encr_id::aes_cbc, 128, integ_id::hmac_sha1_96}, 16, 20, 16, 12},
        {"cbc128_sha256", {encr_id::aes_cbc, 128, integ_id::hmac_sha2_256_128}, 16, 32, 16, 16},
        {"cbc128_sha384", {encr_id::aes_cbc, 128, integ_id::hmac_sha2_384_192}, 16, 48, 16, 24},
        {"cbc128_sha512", {encr_id::aes_cbc, 128, integ_id::hmac_sha2_512_256}, 16, 64, 16, 32},
        {"cbc256_sha1", {encr_id::aes_cbc, 256, integ_id::hmac_sha1_96}, 32, 20, 16, 12},
        {"cbc256_sha256", {encr_id::aes_cbc, 256, integ_id::hmac_sha2_256_128}, 32, 32, 16, 16},
        {"cbc256_sha384", {encr_id::aes_cbc, 256, integ_id::hmac_sha2_384_192}, 32, 48, 16, 24},
        {"cbc256_sha512", {encr_id::aes_cbc, 256, integ_id::hmac_sha2_512_256}, 32, 64, 16, 32},
        // RFC 5282: key | 4-byte salt, 8-byte IV, 16-byte ICV.
        {"gcm16_128", {encr_id::aes_gcm_16, 128, integ_id::none}, 20, 0, 8, 16},
        {"gcm16_256", {encr_id::aes_gcm_16, 256, integ_id::none}, 36, 0, 8, 16},
        // RFC 7634: 32-byte key | 4-byte salt, 8-byte IV, 16-byte tag.
        {"chacha20_poly1305", {encr_id::chacha20_poly1305, 256, integ_id::none}, 36, 0, 8, 16},
        {"chacha20_poly1305_no_key_length",
         {encr_id::chacha20_poly1305, 0, integ_id::none},
         36,
         0,
         8,
         16},
    };
}

ike::secret random_key(std::size_t n, std::uint64_t seed) {
    ike::secret s(n);
    ike::deterministic_random rng(seed);
    rng.fill(s.mutable_view());
    return s;
}

// An IKE header and SK generic header, as the engine would pass them.
const bytes header = [] {
    bool ok = false;
    return ike::from_hex("0123456789abcdef fedcba9876543210 2e202408 00000003 000000ff 25000088",
                         &ok);
}();

class sk_cipher_combo : public ::testing::TestWithParam<combo> {
  protected:
    void SetUp() override {
        const combo& c = GetParam();
        encr_key_ = random_key(c.encr_key, 1);
        integ_key_ = random_key(c.integ_key, 2);
        auto s = ike::make_sk_cipher(c.algs, encr_key_, integ_key_);
        auto r = ike::make_sk_cipher(c.algs, encr_key_, integ_key_);
        ASSERT_TRUE(s.has_value()) << s.error().message();
        ASSERT_TRUE(r.has_value());
        sender_ = std::move(*s);
        receiver_ = std::move(*r);
    }

    bytes seal(const bytes& plain) {
        bytes out(sender_->sealed_size(plain.size()));
        auto r = sender_->seal(header, plain, rng_, out);
        EXPECT_TRUE(r.has_value()) << r.error().message();
        return out;
    }

    ike::secret encr_key_, integ_key_;
    std::unique_ptr<ike::sk_cipher> sender_, receiver_;
    ike::deterministic_random rng_{42};
};

TEST_P(sk_cipher_combo, key_sizes_match_the_rfcs) {
    const combo& c = GetParam();
    auto sizes = ike::sk_key_sizes_for(c.algs);
    ASSERT_TRUE(sizes.has_value());
    EXPECT_EQ(sizes->encr, c.encr_key);
    EXPECT_EQ(sizes->integ, c.integ_key);
    EXPECT_EQ(sender_->iv_size(), c.iv);
    EXPECT_EQ(sender_->icv_size(), c.icv);
}

TEST_P(sk_cipher_combo, round_trips_every_length) {
    const combo& c = GetParam();
    std::vector<std::size_t> lengths;
    for (std::size_t n = 0; n <= 40; ++n) lengths.push_back(n);
    lengths.push_back(1000);
    for (std::size_t n : lengths) {
        bytes plain(n);
        for (std::size_t i = 0; i < n; ++i) plain[i] = static_cast<std::uint8_t>(i * 7 + 3);
        bytes body = seal(plain);
        ASSERT_EQ(body.size(), sender_->sealed_size(n));
        // IV | at least plaintext + Pad Length | ICV.
        ASSERT_GE(body.size(), c.iv + n + 1 + c.icv);
        if (c.iv == 16) {
            EXPECT_EQ((body.size() - c.iv - c.icv) % 16, 0u) << n;
        } else {
            EXPECT_EQ(body.size(), c.iv + n + 1 + c.icv) << n;
        }
        auto opened = receiver_->open(header, body);
        ASSERT_TRUE(opened.has_value()) << n << ": " << opened.error().message();
        EXPECT_EQ(*opened, plain) << n;
    }
}

TEST_P(sk_cipher_combo, every_single_byte_tamper_is_detected) {
    bytes plain(37, 0x5a);
    bytes body = seal(plain);
    for (std::size_t i = 0; i < body.size(); ++i) {
        for (std::uint8_t flip : {0x01, 0x80}) {
            bytes bad = body;
            bad[i] ^= flip;
            auto r = receiver_->open(header, bad);
            ASSERT_FALSE(r.has_value()) << "body byte " << i;
            EXPECT_EQ(r.error().code, crypto_errc::integrity_check_failed) << "body byte " << i;
        }
    }
    for (std::size_t i = 0; i < header.size(); ++i) {
        bytes bad = header;
        bad[i] ^= 0x01;
        auto r = receiver_->open(bad, body);
        ASSERT_FALSE(r.has_value()) << "header byte " << i;
        EXPECT_EQ(r.error().code, crypto_errc::integrity_check_failed) << "header byte " << i;
    }
    // The untouched message still opens: the failures left no state behind.
    auto opened = receiver_->open(header, body);
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(*opened, plain);
}

TEST_P(sk_cipher_combo, truncated_or_extended_bodies_are_errors) {
    bytes body = seal(bytes(21, 0x33));
    for (std::size_t len = 0; len < body.size(); ++len) {
        // A fresh, exactly sized copy so ASan sees any read past the end.
        bytes cut(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(len));
        auto r = receiver_->open(header, cut);
        EXPECT_FALSE(r.has_value()) << "length " << len;
    }
    bytes longer = body;
    longer.push_back(0);
    EXPECT_FALSE(receiver_->open(header, longer).has_value());
    bytes shorter_header(header.begin(), header.end() - 1);
    EXPECT_FALSE(receiver_->open(shorter_header, body).has_value());
}

TEST_P(sk_cipher_combo, a_different_key_cannot_open) {
    const combo& c = GetParam();
    // Both keys differ, as they do between SK_ei/SK_ai and SK_er/SK_ar.
    auto other = ike::make_sk_cipher(c.algs, random_key(c.encr_key, 3), random_key(c.integ_key, 4));
    ASSERT_TRUE(other.has_value());
    bytes body = seal(bytes(10, 1));
    auto r = (*other)->open(header, body);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, crypto_errc::integrity_check_failed);
}

TEST_P(sk_cipher_combo, the_same_message_never_seals_twice_alike) {
    bytes plain(16, 0);
    EXPECT_NE(seal(plain), seal(plain));
}

TEST_P(sk_cipher_combo, wrong_key_sizes_are_refused) {
    const combo& c = GetParam();
    for (std::size_t len : {c.encr_key - 1, c.encr_key + 1, std::size_t{0}}) {
        auto r = ike::make_sk_cipher(c.algs, random_key(len, 1), integ_key_);
        ASSERT_FALSE(r.has_value()) << len;
        EXPECT_EQ(r.error().code, crypto_errc::bad_key_length) << len;
    }
    for (std::size_t len : {c.integ_key + 1, c.integ_key == 0 ? 16 : c.integ_key - 1}) {
        auto r = ike::make_sk_cipher(c.algs, encr_key_, random_key(len, 2));
        ASSERT_FALSE(r.has_value()) << len;
        EXPECT_EQ(r.error().code, crypto_errc::bad_key_length) << len;
    }
}

TEST_P(sk_cipher_combo, seal_refuses_a_wrong_size_buffer) {
    bytes plain(9, 9);
    bytes small(sender_->sealed_size(9) - 1);
    EXPECT_FALSE(sender_->seal(header, plain, rng_, small).has_value());
}

INSTANTIATE_TEST_SUITE_P(all, sk_cipher_combo, ::testing::ValuesIn(combos()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(sk_cipher, unsupported_combinations_are_refused) {
    const ike::sk_algorithms bad[] = {
        {encr_id::aes_cbc, 192, integ_id::hmac_sha2_256_128},  // AES-192 not offered
        {encr_id::aes_cbc, 0, integ_id::hmac_sha2_256_128},
        {encr_id::aes_cbc, 128, integ_id::none},  // CBC needs integrity
        {encr_id::aes_cbc, 128, integ_id::hmac_md5_96},
        {encr_id::aes_cbc, 128, integ_id::aes_xcbc_96},
        {encr_id::aes_gcm_16, 128, integ_id::hmac_sha2_256_128},  // AEAD with integrity
        {encr_id::aes_gcm_16, 192, integ_id::none},
        {encr_id::aes_gcm_8, 128, integ_id::none},
        {encr_id::aes_ctr, 128, integ_id::hmac_sha2_256_128},
        {encr_id::des3, 0, integ_id::hmac_sha1_96},
        {encr_id::null, 0, integ_id::hmac_sha1_96},
        {encr_id::chacha20_poly1305, 128, integ_id::none},
    };
    for (const auto& algs : bad) {
        auto sizes = ike::sk_key_sizes_for(algs);
        ASSERT_FALSE(sizes.has_value()) << ike::to_string(algs.encr);
        EXPECT_EQ(sizes.error().code, crypto_errc::unsupported_algorithm);
        auto c = ike::make_sk_cipher(algs, random_key(32, 1), random_key(32, 2));
        ASSERT_FALSE(c.has_value());
        EXPECT_EQ(c.error().code, crypto_errc::unsupported_algorithm);
    }
}

TEST(sk_cipher, aead_refuses_an_integrity_key) {
    auto c = ike::make_sk_cipher({encr_id::aes_gcm_16, 256, integ_id::none}, random_key(36, 1),
                                 random_key(32, 2));
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, crypto_errc::bad_key_length);
}

}  // namespace
