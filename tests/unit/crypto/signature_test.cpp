// AUTH signatures (RFC 7296 §2.15, RFC 4754, RFC 7427, RFC 8420): the method
// 14 AlgorithmIdentifiers against their published DER, sign/verify round trips
// for every method and key type, and the failures: tampered data or
// signature, the wrong key, a method that does not fit the key, a hash we
// did not announce, malformed AUTH data.
#include "libike/crypto/signature.hpp"

#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <array>
#include <map>
#include <tuple>
#include <vector>

#include "tests/unit/crypto/cert_test_support.hpp"
#include "tests/unit/crypto/crypto_test_support.hpp"

namespace {

using ike::auth_method;
using ike::bytes;
using ike::crypto_errc;
using ike::hash_algorithm;
using ike::key_type;
using ike::private_key;
using ike::signature_algorithm;
using ike::signature_scheme;
using ike::test::hex;
using ike::test::text;

constexpr std::array all_hashes{hash_algorithm::sha2_256, hash_algorithm::sha2_384,
                                hash_algorithm::sha2_512, hash_algorithm::identity};

// ---- AlgorithmIdentifier (RFC 7427 Appendix A, RFC 8420 §2) ----

struct known_id {
    signature_scheme scheme;
    const char* der;
};

// The DER objects published in RFC 7427 Appendix A (A.1 PKCS#1 v1.5, A.3
// ECDSA, A.4 RSASSA-PSS) and RFC 8420 §2 (Ed25519).
const std::vector<known_id> published = {
    {{signature_algorithm::rsa_pkcs1, hash_algorithm::sha1}, "300d06092a864886f70d0101050500"},
    {{signature_algorithm::rsa_pkcs1, hash_algorithm::sha2_256}, "300d06092a864886f70d01010b0500"},
    {{signature_algorithm::rsa_pkcs1, hash_algorithm::sha2_384}, "300d06092a864886f70d01010c0500"},
    {{signature_algorithm::rsa_pkcs1, hash_algorithm::sha2_512}, "300d06092a864886f70d01010d0500"},
    {{signature_algorithm::ecdsa, hash_algorithm::sha1}, "300906072a8648ce3d0401"},
    {{signature_algorithm::ecdsa, hash_algorithm::sha2_256}, "300a06082a8648ce3d040302"},
    {{signature_algorithm::ecdsa, hash_algorithm::sha2_384}, "300a06082a8648ce3d040303"},
    {{signature_algorithm::ecdsa, hash_algorithm::sha2_512}, "300a06082a8648ce3d040304"},
    {{signature_algorithm::ed25519, hash_algorithm::identity}, "300506032b6570"},
};

TEST(algorithm_identifier, encodes_the_published_der) {
    for (const auto& k : published) {
        auto der = ike::encode_algorithm_identifier(k.scheme);
        ASSERT_TRUE(der.has_value()) << to_string(k.scheme);
        EXPECT_EQ(ike::to_hex(*der), k.der) << to_string(k.scheme);
        auto back = ike::decode_algorithm_identifier(hex(k.der));
        ASSERT_TRUE(back.has_value()) << to_string(k.scheme) << ": " << back.error().message();
        EXPECT_EQ(*back, k.scheme);
    }
}

// RSASSA-PSS with SHA-256 as RFC 7427 A.4.3 prints it, with the DEFAULT
// trailerField [3] 1 written out; peers send it like that.
TEST(algorithm_identifier, decodes_pss_with_explicit_trailer_field) {
    const bytes der =
        hex("304606092a864886f70d01010a3039a00f300d06096086480165030402010500a11c301a06092a864886f7"
            "0d010108300d06096086480165030402010500a203020120a303020101");
    auto s = ike::decode_algorithm_identifier(der);
    ASSERT_TRUE(s.has_value()) << s.error().message();
    EXPECT_EQ(*s, (signature_scheme{signature_algorithm::rsa_pss, hash_algorithm::sha2_256}));
}

// Our PSS identifiers are DER: OpenSSL parses and re-encodes them byte for
// byte, and reads the parameters we meant.
TEST(algorithm_identifier, pss_identifiers_are_canonical_der) {
    for (auto h : {hash_algorithm::sha2_256, hash_algorithm::sha2_384, hash_algorithm::sha2_512}) {
        const signature_scheme s{signature_algorithm::rsa_pss, h};
        auto der = ike::encode_algorithm_identifier(s);
        ASSERT_TRUE(der.has_value());
        const unsigned char* p = der->data();
        X509_ALGOR* alg = d2i_X509_ALGOR(nullptr, &p, static_cast<long>(der->size()));
        ASSERT_NE(alg, nullptr);
        EXPECT_EQ(p, der->data() + der->size());
        unsigned char* out = nullptr;
        const int len = i2d_X509_ALGOR(alg, &out);
        ASSERT_GT(len, 0);
        EXPECT_EQ(bytes(out, out + len), *der) << to_string(s);
        OPENSSL_free(out);
        X509_ALGOR_free(alg);
        auto back = ike::decode_algorithm_identifier(*der);
        ASSERT_TRUE(back.has_value()) << back.error().message();
        EXPECT_EQ(*back, s);
    }
}

TEST(algorithm_identifier, refusals) {
    // md5WithRSAEncryption: named by its OID.
    auto md5 = ike::decode_algorithm_identifier(hex("300d06092a864886f70d0101040500"));
    ASSERT_FALSE(md5.has_value());
    EXPECT_EQ(md5.error().code, crypto_errc::unsupported_algorithm);
    EXPECT_NE(md5.error().detail.find("1.2.840.113549.1.1.4"), std::string::npos)
        << md5.error().detail;
    // PSS with a 20-octet salt for SHA-256.
    auto salt = ike::decode_algorithm_identifier(
        hex("304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a8648"
            "86f70d010108300d06096086480165030402010500a203020114"));
    ASSERT_FALSE(salt.has_value());
    EXPECT_NE(salt.error().detail.find("20-octet salt"), std::string::npos) << salt.error().detail;
    // PSS with MGF1-SHA-384 under SHA-256.
    auto mgf = ike::decode_algorithm_identifier(
        hex("304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a8648"
            "86f70d010108300d06096086480165030402020500a203020120"));
    ASSERT_FALSE(mgf.has_value());
    EXPECT_EQ(mgf.error().code, crypto_errc::unsupported_algorithm);
    // Not DER, truncated, trailing bytes, Ed25519 with parameters.
    for (const char* junk :
         {"", "00", "300a06082a8648ce3d0403", "300a06082a8648ce3d04030200", "300706032b65700500"}) {
        auto r = ike::decode_algorithm_identifier(hex(junk));
        EXPECT_FALSE(r.has_value()) << junk;
    }
    // No identifier exists for these pairings.
    EXPECT_FALSE(
        ike::encode_algorithm_identifier({signature_algorithm::ed25519, hash_algorithm::sha2_256})
            .has_value());
    EXPECT_FALSE(
        ike::encode_algorithm_identifier({signature_algorithm::rsa_pss, hash_algorithm::sha1})
            .has_value());
}

// ---- signing and verifying ----

class signature_test : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        keys_ = new std::map<key_type, ike::test::pkey_ptr>;
        others_ = new std::map<key_type, ike::test::pkey_ptr>;
        for (auto t : {key_type::rsa, key_type::ecdsa_p256, key_type::ecdsa_p384,
                       key_type::ecdsa_p521, key_type::ed25519}) {
            (*keys_)[t] = ike::test::make_key(t);
            (*others_)[t] = ike::test::make_key(t);
        }
    }
    static void TearDownTestSuite() {
        delete keys_;
        delete others_;
    }
    static private_key priv(key_type t) { return ike::test::load_key((*keys_)[t].get()); }
    static EVP_PKEY* pub(key_type t) { return (*keys_)[t].get(); }
    static EVP_PKEY* other(key_type t) { return (*others_)[t].get(); }

    static std::map<key_type, ike::test::pkey_ptr>* keys_;
    static std::map<key_type, ike::test::pkey_ptr>* others_;
    const bytes octets = text("IKE_SA_INIT message | Nr | prf(SK_pi, IDi')");
};
std::map<key_type, ike::test::pkey_ptr>* signature_test::keys_ = nullptr;
std::map<key_type, ike::test::pkey_ptr>* signature_test::others_ = nullptr;

struct round_trip_case {
    key_type key;
    auth_method method;
    signature_scheme scheme;  // method 14 only
};

const std::vector<round_trip_case> round_trips = {
    {key_type::rsa, auth_method::rsa_sig, {}},
    {key_type::ecdsa_p256, auth_method::ecdsa_sha256_p256, {}},
    {key_type::ecdsa_p384, auth_method::ecdsa_sha384_p384, {}},
    {key_type::ecdsa_p521, auth_method::ecdsa_sha512_p521, {}},
    {key_type::rsa,
     auth_method::digital_signature,
     {signature_algorithm::rsa_pkcs1, hash_algorithm::sha2_256}},
    {key_type::rsa,
     auth_method::digital_signature,
     {signature_algorithm::rsa_pkcs1, hash_algorithm::sha2_384}},
    {key_type::rsa,
     auth_method::digital_signature,
     {signature_algorithm::rsa_pkcs1, hash_algorithm::sha2_512}},
    {key_type::rsa,
     auth_method::digital_signature,
     {signature_algorithm::rsa_pss, hash_algorithm::sha2_256}},
    {key_type::rsa,
     auth_method::digital_signature,
     {signature_algorithm::rsa_pss, hash_algorithm::sha2_384}},
    {key_type::rsa,
     auth_method::digital_signature,
     {signature_algorithm::rsa_pss, hash_algorithm::sha2_512}},
    {key_type::ecdsa_p256,
     auth_method::digital_signature,
     {signature_algorithm::ecdsa, hash_algorithm::sha2_256}},
    {key_type::ecdsa_p384,
     auth_method::digital_signature,
     {signature_algorithm::ecdsa, hash_algorithm::sha2_384}},
    {key_type::ecdsa_p521,
     auth_method::digital_signature,
     {signature_algorithm::ecdsa, hash_algorithm::sha2_512}},
    {key_type::ecdsa_p256,
     auth_method::digital_signature,
     {signature_algorithm::ecdsa, hash_algorithm::sha2_512}},
    {key_type::ed25519,
     auth_method::digital_signature,
     {signature_algorithm::ed25519, hash_algorithm::identity}},
};

std::string label(const round_trip_case& c) {
    return std::string(name(c.key)) + " method " + std::to_string(static_cast<int>(c.method)) +
           (c.method == auth_method::digital_signature ? " " + to_string(c.scheme) : "");
}

TEST_F(signature_test, round_trip_tamper_and_wrong_key) {
    for (const auto& c : round_trips) {
        SCOPED_TRACE(label(c));
        const private_key key = priv(c.key);
        auto data = ike::build_auth_signature(key, c.method, c.scheme, octets);
        ASSERT_TRUE(data.has_value()) << data.error().message();

        auto ok = ike::verify_auth_signature(pub(c.key), c.method, *data, octets, all_hashes);
        ASSERT_TRUE(ok.has_value()) << ok.error().message();
        if (c.method == auth_method::digital_signature) {
            EXPECT_EQ(*ok, c.scheme);
        }

        bytes other_octets = octets;
        other_octets[5] ^= 0x01;
        auto bad_data =
            ike::verify_auth_signature(pub(c.key), c.method, *data, other_octets, all_hashes);
        ASSERT_FALSE(bad_data.has_value());
        EXPECT_EQ(bad_data.error().code, crypto_errc::integrity_check_failed);

        bytes tampered = *data;
        tampered[tampered.size() - 3] ^= 0x40;
        auto bad_sig =
            ike::verify_auth_signature(pub(c.key), c.method, tampered, octets, all_hashes);
        ASSERT_FALSE(bad_sig.has_value());
        EXPECT_EQ(bad_sig.error().code, crypto_errc::integrity_check_failed);

        auto wrong_key =
            ike::verify_auth_signature(other(c.key), c.method, *data, octets, all_hashes);
        ASSERT_FALSE(wrong_key.has_value());
        EXPECT_EQ(wrong_key.error().code, crypto_errc::integrity_check_failed);
    }
}

// RFC 4754 §7: r and s, each exactly as long as the curve's order.
TEST_F(signature_test, legacy_ecdsa_is_raw_r_s) {
    const std::vector<std::pair<key_type, auth_method>> cases = {
        {key_type::ecdsa_p256, auth_method::ecdsa_sha256_p256},
        {key_type::ecdsa_p384, auth_method::ecdsa_sha384_p384},
        {key_type::ecdsa_p521, auth_method::ecdsa_sha512_p521}};
    const std::map<key_type, std::size_t> sizes = {
        {key_type::ecdsa_p256, 64}, {key_type::ecdsa_p384, 96}, {key_type::ecdsa_p521, 132}};
    for (auto [t, m] : cases) {
        // Many signatures, so some have a short r or s that needs padding.
        for (int i = 0; i < 20; ++i) {
            auto data = ike::build_auth_signature(priv(t), m, {}, octets);
            ASSERT_TRUE(data.has_value());
            ASSERT_EQ(data->size(), sizes.at(t)) << name(t);
            // The same r|s as DER, checked by OpenSSL directly.
            const std::size_t half = data->size() / 2;
            ECDSA_SIG* sig = ECDSA_SIG_new();
            ECDSA_SIG_set0(sig, BN_bin2bn(data->data(), static_cast<int>(half), nullptr),
                           BN_bin2bn(data->data() + half, static_cast<int>(half), nullptr));
            unsigned char* der = nullptr;
            const int der_len = i2d_ECDSA_SIG(sig, &der);
            ECDSA_SIG_free(sig);
            const signature_scheme s{signature_algorithm::ecdsa,
                                     t == key_type::ecdsa_p256   ? hash_algorithm::sha2_256
                                     : t == key_type::ecdsa_p384 ? hash_algorithm::sha2_384
                                                                 : hash_algorithm::sha2_512};
            EXPECT_TRUE(ike::verify(pub(t), s, octets, bytes(der, der + der_len)).has_value());
            OPENSSL_free(der);
        }
        auto wrong_len =
            ike::verify_auth_signature(pub(t), m, bytes(sizes.at(t) - 1, 1), octets, all_hashes);
        ASSERT_FALSE(wrong_len.has_value());
        EXPECT_EQ(wrong_len.error().code, crypto_errc::bad_ciphertext);
    }
}

TEST_F(signature_test, method_14_layout) {
    const signature_scheme s{signature_algorithm::ecdsa, hash_algorithm::sha2_256};
    auto data = ike::build_auth_signature(priv(key_type::ecdsa_p256),
                                          auth_method::digital_signature, s, octets);
    ASSERT_TRUE(data.has_value());
    ASSERT_GT(data->size(), 13u);
    EXPECT_EQ((*data)[0], 12);  // length of the AlgorithmIdentifier that follows
    EXPECT_EQ(ike::to_hex(ike::bytes_view(*data).subspan(1, 12)), "300a06082a8648ce3d040302");
    // ECDSA under method 14 is a DER Ecdsa-Sig-Value (RFC 7427 §3).
    const unsigned char* p = data->data() + 13;
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(data->size() - 13));
    ASSERT_NE(sig, nullptr);
    EXPECT_EQ(p, data->data() + data->size());
    ECDSA_SIG_free(sig);
}

// PKCS#1 v1.5 is deterministic: method 1 must equal RSASSA-PKCS1-v1_5 with
// SHA-1 made by OpenSSL's lower-level EVP_PKEY_sign over the digest.
TEST_F(signature_test, method_1_is_pkcs1_sha1) {
    auto data = ike::build_auth_signature(priv(key_type::rsa), auth_method::rsa_sig, {}, octets);
    ASSERT_TRUE(data.has_value());
    unsigned char digest[20];
    unsigned int dlen = 0;
    ASSERT_EQ(EVP_Digest(octets.data(), octets.size(), digest, &dlen, EVP_sha1(), nullptr), 1);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(pub(key_type::rsa), nullptr);
    ASSERT_EQ(EVP_PKEY_sign_init(ctx), 1);
    ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
    ASSERT_EQ(EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha1()), 1);
    std::size_t len = 0;
    ASSERT_EQ(EVP_PKEY_sign(ctx, nullptr, &len, digest, dlen), 1);
    bytes expected(len);
    ASSERT_EQ(EVP_PKEY_sign(ctx, expected.data(), &len, digest, dlen), 1);
    EVP_PKEY_CTX_free(ctx);
    expected.resize(len);
    EXPECT_EQ(*data, expected);
}

// RSA-PSS as RFC 7427 and our AlgorithmIdentifier promise: checked by the
// test's own OpenSSL call with MGF1 over the same hash and a salt exactly as
// long as the hash, and refused with a 20-octet salt.
TEST_F(signature_test, pss_uses_mgf1_same_hash_and_hash_long_salt) {
    for (auto [h, md, salt] : {std::tuple{hash_algorithm::sha2_256, "SHA256", 32},
                               std::tuple{hash_algorithm::sha2_384, "SHA384", 48},
                               std::tuple{hash_algorithm::sha2_512, "SHA512", 64}}) {
        auto sig = ike::sign(priv(key_type::rsa), {signature_algorithm::rsa_pss, h}, octets);
        ASSERT_TRUE(sig.has_value());
        auto check = [&](int salt_len) {
            EVP_MD_CTX* ctx = EVP_MD_CTX_new();
            EVP_PKEY_CTX* pctx = nullptr;
            EXPECT_EQ(EVP_DigestVerifyInit_ex(ctx, &pctx, md, nullptr, nullptr, pub(key_type::rsa),
                                              nullptr),
                      1);
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt_len);
            EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, md, nullptr);
            const int rc =
                EVP_DigestVerify(ctx, sig->data(), sig->size(), octets.data(), octets.size());
            EVP_MD_CTX_free(ctx);
            ERR_clear_error();
            return rc == 1;
        };
        EXPECT_TRUE(check(salt)) << md;
        EXPECT_FALSE(check(20)) << md;
    }
}

// RFC 8032 §7.1 TEST 1 (empty message), through method 14 (RFC 8420).
TEST(signature, ed25519_rfc8032_test_1) {
    const bytes sk = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    EVP_PKEY* raw = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, sk.data(), sk.size());
    ASSERT_NE(raw, nullptr);
    unsigned char pk[32];
    std::size_t pk_len = sizeof pk;
    ASSERT_EQ(EVP_PKEY_get_raw_public_key(raw, pk, &pk_len), 1);
    EXPECT_EQ(ike::to_hex(ike::bytes_view(pk, pk_len)),
              "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const private_key key = ike::test::load_key(raw);
    auto data =
        ike::build_auth_signature(key, auth_method::digital_signature,
                                  {signature_algorithm::ed25519, hash_algorithm::identity}, {});
    ASSERT_TRUE(data.has_value()) << data.error().message();
    EXPECT_EQ(ike::to_hex(*data),
              "07300506032b6570"
              "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
              "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    EXPECT_TRUE(
        ike::verify_auth_signature(raw, auth_method::digital_signature, *data, {}, all_hashes)
            .has_value());
    EVP_PKEY_free(raw);
}

TEST_F(signature_test, method_must_fit_the_key) {
    // Method 9 is P-256 only; method 1 is RSA only; Ed25519 has no legacy method.
    auto p384 = ike::build_auth_signature(priv(key_type::ecdsa_p384),
                                          auth_method::ecdsa_sha256_p256, {}, octets);
    ASSERT_FALSE(p384.has_value());
    EXPECT_EQ(p384.error().code, crypto_errc::unsupported_algorithm);
    EXPECT_NE(p384.error().detail.find("ECDSA P-256"), std::string::npos) << p384.error().detail;
    EXPECT_FALSE(
        ike::build_auth_signature(priv(key_type::ecdsa_p256), auth_method::rsa_sig, {}, octets)
            .has_value());
    EXPECT_FALSE(
        ike::build_auth_signature(priv(key_type::rsa), auth_method::psk, {}, octets).has_value());
    EXPECT_FALSE(
        ike::build_auth_signature(priv(key_type::ecdsa_p256), auth_method::digital_signature,
                                  {signature_algorithm::rsa_pss, hash_algorithm::sha2_256}, octets)
            .has_value());

    // A P-256 signature under method 9, presented with a P-384 certificate key.
    auto sig = ike::build_auth_signature(priv(key_type::ecdsa_p256), auth_method::ecdsa_sha256_p256,
                                         {}, octets);
    ASSERT_TRUE(sig.has_value());
    auto mismatch = ike::verify_auth_signature(
        pub(key_type::ecdsa_p384), auth_method::ecdsa_sha256_p256, *sig, octets, all_hashes);
    ASSERT_FALSE(mismatch.has_value());
    EXPECT_EQ(mismatch.error().code, crypto_errc::unsupported_algorithm);

    // An RSA method-14 signature checked with an EC key.
    auto rsa = ike::build_auth_signature(priv(key_type::rsa), auth_method::digital_signature,
                                         {signature_algorithm::rsa_pkcs1, hash_algorithm::sha2_256},
                                         octets);
    ASSERT_TRUE(rsa.has_value());
    auto cross = ike::verify_auth_signature(
        pub(key_type::ecdsa_p256), auth_method::digital_signature, *rsa, octets, all_hashes);
    ASSERT_FALSE(cross.has_value());
    EXPECT_EQ(cross.error().code, crypto_errc::unsupported_algorithm);
}

TEST_F(signature_test, peer_must_use_an_announced_hash) {
    auto data =
        ike::build_auth_signature(priv(key_type::rsa), auth_method::digital_signature,
                                  {signature_algorithm::rsa_pkcs1, hash_algorithm::sha1}, octets);
    ASSERT_TRUE(data.has_value());
    auto r = ike::verify_auth_signature(pub(key_type::rsa), auth_method::digital_signature, *data,
                                        octets, all_hashes);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, crypto_errc::unsupported_algorithm);
    EXPECT_NE(r.error().detail.find("did not announce"), std::string::npos) << r.error().detail;
    const std::array with_sha1{hash_algorithm::sha1};
    EXPECT_TRUE(ike::verify_auth_signature(pub(key_type::rsa), auth_method::digital_signature,
                                           *data, octets, with_sha1)
                    .has_value());
}

TEST_F(signature_test, malformed_method_14_data) {
    for (const char* junk :
         {"", "00", "0c300a06082a8648ce3d040302", "ff300a", "0b300a06082a8648ce3d04030200"}) {
        auto r =
            ike::verify_auth_signature(pub(key_type::ecdsa_p256), auth_method::digital_signature,
                                       hex(junk), octets, all_hashes);
        EXPECT_FALSE(r.has_value()) << junk;
    }
}

TEST(choose_signature_scheme, follows_the_peer_list) {
    using h = hash_algorithm;
    using sa = signature_algorithm;
    const std::vector<h> strongswan{h::sha2_256, h::sha2_384, h::sha2_512, h::identity};
    EXPECT_EQ(*ike::choose_signature_scheme(key_type::rsa, strongswan),
              (signature_scheme{sa::rsa_pkcs1, h::sha2_256}));
    EXPECT_EQ(*ike::choose_signature_scheme(key_type::rsa, strongswan, true),
              (signature_scheme{sa::rsa_pss, h::sha2_256}));
    EXPECT_EQ(*ike::choose_signature_scheme(key_type::ecdsa_p384, strongswan),
              (signature_scheme{sa::ecdsa, h::sha2_384}));
    EXPECT_EQ(*ike::choose_signature_scheme(key_type::ecdsa_p521, strongswan),
              (signature_scheme{sa::ecdsa, h::sha2_512}));
    EXPECT_EQ(*ike::choose_signature_scheme(key_type::ed25519, strongswan),
              (signature_scheme{sa::ed25519, h::identity}));
    const std::vector<h> only_512{h::sha2_512};
    EXPECT_EQ(*ike::choose_signature_scheme(key_type::ecdsa_p256, only_512),
              (signature_scheme{sa::ecdsa, h::sha2_512}));

    auto ed = ike::choose_signature_scheme(key_type::ed25519, only_512);
    ASSERT_FALSE(ed.has_value());
    EXPECT_NE(ed.error().detail.find("IDENTITY"), std::string::npos) << ed.error().detail;
    const std::vector<h> sha1_only{h::sha1};
    EXPECT_FALSE(ike::choose_signature_scheme(key_type::rsa, sha1_only).has_value());
    auto none = ike::choose_signature_scheme(key_type::rsa, {});
    ASSERT_FALSE(none.has_value());
    EXPECT_NE(none.error().detail.find("no SIGNATURE_HASH_ALGORITHMS"), std::string::npos);
}

TEST(auth_method_for, legacy_methods) {
    EXPECT_EQ(*ike::auth_method_for(key_type::rsa), auth_method::rsa_sig);
    EXPECT_EQ(*ike::auth_method_for(key_type::ecdsa_p256), auth_method::ecdsa_sha256_p256);
    EXPECT_EQ(*ike::auth_method_for(key_type::ecdsa_p384), auth_method::ecdsa_sha384_p384);
    EXPECT_EQ(*ike::auth_method_for(key_type::ecdsa_p521), auth_method::ecdsa_sha512_p521);
    EXPECT_FALSE(ike::auth_method_for(key_type::ed25519).has_value());
}

}  // namespace
