// The CA key hash of CERTREQ payloads (RFC 7296 §3.7): SHA-1 over the whole
// DER SubjectPublicKeyInfo.
#include "libike/crypto/cert_key_hash.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>

#include "tests/unit/crypto/cert_test_support.hpp"

namespace ike::test {
namespace {

// The SubjectPublicKeyInfo found in the certificate's own DER: the
// tbsCertificate field whose bytes are the public key's DER encoding
// (i2d_PUBKEY), located by search rather than re-encoded by the code under test.
bytes spki_in_certificate(const certificate& c, EVP_PKEY* key) {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key, &der);
    EXPECT_GT(len, 0);
    bytes spki(der, der + len);
    OPENSSL_free(der);
    const bytes cert = c.der();
    EXPECT_NE(std::search(cert.begin(), cert.end(), spki.begin(), spki.end()), cert.end())
        << "SubjectPublicKeyInfo not found in the certificate";
    return spki;
}

TEST(cert_key_hash, IsSha1OfTheSubjectPublicKeyInfo) {
    for (key_type t : {key_type::ecdsa_p256, key_type::rsa, key_type::ed25519}) {
        issued ca = issue({.cn = "CA", .ca = true}, nullptr, t);
        const bytes spki = spki_in_certificate(ca.cert, ca.key.get());
        std::array<std::uint8_t, 20> want{};
        unsigned int n = 0;
        ASSERT_EQ(EVP_Digest(spki.data(), spki.size(), want.data(), &n, EVP_sha1(), nullptr), 1);
        auto got = subject_public_key_sha1(ca.cert);
        ASSERT_TRUE(got) << got.error().message();
        EXPECT_EQ(*got, want) << name(t);
    }
}

TEST(cert_key_hash, NamesTheKeyNotTheCertificate) {
    // A CA and the certificate it issued hold different keys: different hashes.
    issued ca = issue({.cn = "CA", .ca = true}, nullptr);
    issued leaf = issue({.cn = "leaf"}, &ca);
    auto a = subject_public_key_sha1(ca.cert), b = subject_public_key_sha1(leaf.cert);
    ASSERT_TRUE(a && b);
    EXPECT_NE(*a, *b);
    // Only the key bits (what X509_pubkey_digest hashes) would be a different value.
    unsigned char bits[20];
    unsigned int n = 0;
    ASSERT_EQ(X509_pubkey_digest(ca.cert.native(), EVP_sha1(), bits, &n), 1);
    EXPECT_FALSE(std::equal(a->begin(), a->end(), bits));
}

}  // namespace
}  // namespace ike::test
