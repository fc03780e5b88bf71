#pragma once
// A tiny certificate authority for the certificate tests: keys of each type,
// CA / intermediate / end-entity certificates with chosen names,
// subjectAltNames, extended key usage and validity, and CRLs — all made with
// OpenSSL's API in the test, so no fixture files go stale.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <string>

#include "libike/common/secret.hpp"
#include "libike/crypto/cert_validation.hpp"
#include "libike/crypto/certificate.hpp"
#include "libike/crypto/private_key.hpp"

namespace ike::test {

struct pkey_free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

/// Midnight UTC of a date, as a cert_time.
inline cert_time utc(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return cert_time{sys_days{year{y} / month{m} / day{d}}};
}

/// A fresh key of `type` (RSA of `rsa_bits`).
inline pkey_ptr make_key(key_type type, std::size_t rsa_bits = 2048) {
    EVP_PKEY* k = nullptr;
    switch (type) {
        case key_type::rsa:
            k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", rsa_bits);
            break;
        case key_type::ecdsa_p256:
            k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
            break;
        case key_type::ecdsa_p384:
            k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
            break;
        case key_type::ecdsa_p521:
            k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
            break;
        case key_type::ed25519:
            k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
            break;
    }
    EXPECT_NE(k, nullptr) << "keygen " << name(type);
    return pkey_ptr(k);
}

/// The unencrypted PKCS#8 PEM of `key`.
inline secret key_pem(EVP_PKEY* key) {
    BIO* bio = BIO_new(BIO_s_mem());
    EXPECT_EQ(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    secret out(
        bytes_view(reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(len)));
    BIO_free(bio);
    return out;
}

/// `key` as our private_key (through PEM, as a daemon would load it).
inline private_key load_key(EVP_PKEY* key) {
    auto k = private_key::from_pem(key_pem(key));
    EXPECT_TRUE(k.has_value()) << (k ? "" : k.error().message());
    return std::move(*k);
}

/// What to put in a certificate. `san` and `eku` use OpenSSL's config
/// syntax ("DNS:vpn.example.com,IP:192.0.2.1,email:a@b", "serverAuth").
struct cert_spec {
    std::string cn = {};
    std::string san = {};
    std::string eku = {};
    bool ca = false;
    cert_time not_before = utc(2026, 1, 1);
    cert_time not_after = utc(2027, 1, 1);
    long serial = 1;
};

/// A certificate with its private key.
struct issued {
    pkey_ptr key;
    certificate cert;
};

inline void add_ext(X509* x, X509V3_CTX* ctx, int nid, const std::string& value) {
    X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
    ASSERT_NE(e, nullptr) << "extension " << nid << " = " << value;
    X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
}

/// Issues a certificate for `spec` with a new key of `type` (RSA of
/// `rsa_bits`), signed by `issuer` (self-signed if null).
inline issued issue(const cert_spec& spec, const issued* issuer,
                    key_type type = key_type::ecdsa_p256, std::size_t rsa_bits = 2048) {
    pkey_ptr key = make_key(type, rsa_bits);
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), spec.serial);
    X509_NAME* subject = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("ikev2d tests"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(spec.cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->cert.native()) : subject);
    ASN1_TIME_set(X509_getm_notBefore(x), spec.not_before.time_since_epoch().count());
    ASN1_TIME_set(X509_getm_notAfter(x), spec.not_after.time_since_epoch().count());
    X509_set_pubkey(x, key.get());

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer->cert.native() : x, x, nullptr, nullptr, 0);
    add_ext(x, &ctx, NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    add_ext(x, &ctx, NID_key_usage,
            spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
    add_ext(x, &ctx, NID_subject_key_identifier, "hash");
    if (issuer) add_ext(x, &ctx, NID_authority_key_identifier, "keyid");
    if (!spec.san.empty()) add_ext(x, &ctx, NID_subject_alt_name, spec.san);
    if (!spec.eku.empty()) add_ext(x, &ctx, NID_ext_key_usage, spec.eku);

    EVP_PKEY* signer = issuer ? issuer->key.get() : key.get();
    const EVP_MD* md = EVP_PKEY_get_base_id(signer) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
    EXPECT_GT(X509_sign(x, signer, md), 0) << "signing " << spec.cn;
    return issued{std::move(key), certificate(x)};
}

/// A CRL from `ca` revoking `serials`, valid from `this_update` to `next_update`.
inline revocation_list make_crl(const issued& ca, std::initializer_list<long> serials,
                                cert_time this_update, cert_time next_update) {
    X509_CRL* crl = X509_CRL_new();
    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca.cert.native()));
    ASN1_TIME* last = ASN1_TIME_set(nullptr, this_update.time_since_epoch().count());
    ASN1_TIME* next = ASN1_TIME_set(nullptr, next_update.time_since_epoch().count());
    X509_CRL_set1_lastUpdate(crl, last);
    X509_CRL_set1_nextUpdate(crl, next);
    for (long serial : serials) {
        X509_REVOKED* r = X509_REVOKED_new();
        ASN1_INTEGER* s = ASN1_INTEGER_new();
        ASN1_INTEGER_set(s, serial);
        X509_REVOKED_set_serialNumber(r, s);
        X509_REVOKED_set_revocationDate(r, last);
        X509_CRL_add0_revoked(crl, r);
        ASN1_INTEGER_free(s);
    }
    X509_CRL_sort(crl);
    EXPECT_GT(X509_CRL_sign(crl, ca.key.get(), EVP_sha256()), 0);
    ASN1_TIME_free(last);
    ASN1_TIME_free(next);
    return revocation_list(crl);
}

/// PEM text of a certificate.
inline std::string cert_pem(const certificate& c) {
    BIO* bio = BIO_new(BIO_s_mem());
    EXPECT_EQ(PEM_write_bio_X509(bio, c.native()), 1);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    return out;
}

}  // namespace ike::test
