// Private keys from PEM: each supported type, encrypted keys, and the
// refusals (unsupported key types, damaged text, a certificate instead).
#include "libike/crypto/private_key.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <string>

#include "tests/unit/crypto/cert_test_support.hpp"

namespace {

using ike::crypto_errc;
using ike::key_type;
using ike::private_key;
using ike::secret;
using ike::test::key_pem;
using ike::test::make_key;

secret as_secret(const std::string& s) {
    return secret(ike::as_view(s));
}

std::string encrypted_pem(EVP_PKEY* key, const std::string& pass) {
    BIO* bio = BIO_new(BIO_s_mem());
    EXPECT_EQ(PEM_write_bio_PKCS8PrivateKey(bio, key, EVP_aes_256_cbc(), pass.data(),
                                            static_cast<int>(pass.size()), nullptr, nullptr),
              1);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    return out;
}

TEST(private_key, each_type_from_pem) {
    struct want {
        key_type type;
        std::size_t bits;
    };
    for (auto w : {want{key_type::rsa, 2048}, want{key_type::ecdsa_p256, 256},
                   want{key_type::ecdsa_p384, 384}, want{key_type::ecdsa_p521, 521},
                   want{key_type::ed25519, 256}}) {
        auto raw = make_key(w.type);
        auto k = private_key::from_pem(key_pem(raw.get()));
        ASSERT_TRUE(k.has_value()) << name(w.type) << ": " << k.error().message();
        EXPECT_EQ(k->type(), w.type);
        EXPECT_EQ(k->bits(), w.bits) << name(w.type);
        EXPECT_TRUE(k->matches(raw.get()));
    }
}

TEST(private_key, traditional_ec_pem) {
    auto raw = make_key(key_type::ecdsa_p384);
    BIO* bio = BIO_new(BIO_s_mem());
    ASSERT_EQ(
        PEM_write_bio_PrivateKey_traditional(bio, raw.get(), nullptr, nullptr, 0, nullptr, nullptr),
        1);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    EXPECT_NE(pem.find("BEGIN EC PRIVATE KEY"), std::string::npos);
    auto k = private_key::from_pem(as_secret(pem));
    ASSERT_TRUE(k.has_value()) << k.error().message();
    EXPECT_EQ(k->type(), key_type::ecdsa_p384);
}

TEST(private_key, matches_only_its_own_public_key) {
    auto a = make_key(key_type::ecdsa_p256);
    auto b = make_key(key_type::ecdsa_p256);
    auto k = private_key::from_pem(key_pem(a.get()));
    ASSERT_TRUE(k.has_value());
    EXPECT_TRUE(k->matches(a.get()));
    EXPECT_FALSE(k->matches(b.get()));
    EXPECT_FALSE(k->matches(nullptr));
}

TEST(private_key, encrypted_pem_needs_the_right_passphrase) {
    auto raw = make_key(key_type::ed25519);
    const std::string pem = encrypted_pem(raw.get(), "correct horse");
    auto ok = private_key::from_pem(as_secret(pem), as_secret("correct horse"));
    ASSERT_TRUE(ok.has_value()) << ok.error().message();
    EXPECT_EQ(ok->type(), key_type::ed25519);

    auto wrong = private_key::from_pem(as_secret(pem), as_secret("battery staple"));
    ASSERT_FALSE(wrong.has_value());
    EXPECT_NE(wrong.error().detail.find("wrong passphrase"), std::string::npos)
        << wrong.error().detail;

    // No passphrase: fails rather than prompting on a terminal.
    auto none = private_key::from_pem(as_secret(pem));
    ASSERT_FALSE(none.has_value());
    EXPECT_NE(none.error().detail.find("no passphrase"), std::string::npos) << none.error().detail;
}

TEST(private_key, unsupported_types_are_named) {
    EVP_PKEY* x = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
    ASSERT_NE(x, nullptr);
    auto k = private_key::from_pem(key_pem(x));
    EVP_PKEY_free(x);
    ASSERT_FALSE(k.has_value());
    EXPECT_EQ(k.error().code, crypto_errc::unsupported_algorithm);
    EXPECT_NE(k.error().detail.find("X25519"), std::string::npos) << k.error().detail;

    EVP_PKEY* k1 = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1");
    ASSERT_NE(k1, nullptr);
    auto secp = private_key::from_pem(key_pem(k1));
    EVP_PKEY_free(k1);
    ASSERT_FALSE(secp.has_value());
    EXPECT_EQ(secp.error().code, crypto_errc::unsupported_algorithm);
}

TEST(private_key, garbage_and_certificates_are_refused) {
    EXPECT_FALSE(private_key::from_pem(as_secret("")).has_value());
    EXPECT_FALSE(private_key::from_pem(as_secret("-----BEGIN PRIVATE KEY-----\nAAAA\n"
                                                 "-----END PRIVATE KEY-----\n"))
                     .has_value());
    auto self = ike::test::issue({.cn = "x", .ca = true}, nullptr);
    auto k = private_key::from_pem(as_secret(ike::test::cert_pem(self.cert)));
    ASSERT_FALSE(k.has_value());
    EXPECT_EQ(k.error().code, crypto_errc::backend_failure);
}

TEST(private_key, moves_own_the_key) {
    auto raw = make_key(key_type::ecdsa_p256);
    auto k = private_key::from_pem(key_pem(raw.get()));
    ASSERT_TRUE(k.has_value());
    private_key moved = std::move(*k);
    EXPECT_TRUE(moved.matches(raw.get()));
    private_key other = ike::test::load_key(make_key(key_type::ed25519).get());
    other = std::move(moved);
    EXPECT_EQ(other.type(), key_type::ecdsa_p256);
    EXPECT_TRUE(other.matches(raw.get()));
}

}  // namespace
