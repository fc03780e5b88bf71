#pragma once
// A certificate per IKE_SA for ikev2-load's --client-ca: fresh ECDSA-P256
// keys, each certified by a CA whose key the benchmark holds, so every
// IKE_SA presents a certificate the responder has never seen (a first
// contact: it must parse and check each). Made before the run, in memory.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "libike/crypto/certificate.hpp"
#include "libike/crypto/private_key.hpp"
#include "libike/engine/sa_config.hpp"

namespace bench {

using client_cert = std::shared_ptr<const ike::local_certificate>;

// One certificate for `name` (CN and subjectAltName dNSName), valid from an
// hour ago for a day, serial `serial`, signed by `ca` with `ca_key`.
inline std::expected<client_cert, std::string> issue_client_cert(const std::string& name,
                                                                 long serial, X509* ca,
                                                                 EVP_PKEY* ca_key) {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    X509* x = X509_new();
    if (!key || !x) {
        EVP_PKEY_free(key);
        X509_free(x);
        return std::unexpected("key or certificate allocation");
    }
    ike::private_key ours(key, ike::key_type::ecdsa_p256);
    ike::certificate cert(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(ca));
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, ca, x, nullptr, nullptr, 0);
    X509_EXTENSION* san =
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, ("DNS:" + name).c_str());
    if (!san || X509_add_ext(x, san, -1) != 1) return std::unexpected("subjectAltName");
    X509_EXTENSION_free(san);
    if (X509_sign(x, ca_key, EVP_sha256()) <= 0) return std::unexpected("signing " + name);
    return std::make_shared<const ike::local_certificate>(ike::local_certificate{
        std::move(cert), {}, std::make_shared<const ike::private_key>(std::move(ours))});
}

// `count` certificates for <prefix>-<i>.bench, i = 0..count-1.
inline std::expected<std::vector<client_cert>, std::string> issue_client_certs(
    const std::string& ca_file, const std::string& ca_key_file, const std::string& prefix,
    unsigned count) {
    FILE* f = std::fopen(ca_file.c_str(), "r");
    X509* ca = f ? PEM_read_X509(f, nullptr, nullptr, nullptr) : nullptr;
    if (f) std::fclose(f);
    f = std::fopen(ca_key_file.c_str(), "r");
    EVP_PKEY* ca_key = f ? PEM_read_PrivateKey(f, nullptr, nullptr, nullptr) : nullptr;
    if (f) std::fclose(f);
    std::vector<client_cert> out;
    std::string error;
    if (!ca || !ca_key) error = "cannot read the CA certificate or key";
    for (unsigned i = 0; error.empty() && i < count; ++i) {
        auto c =
            issue_client_cert(prefix + "-" + std::to_string(i) + ".bench", 1000 + i, ca, ca_key);
        if (c)
            out.push_back(std::move(*c));
        else
            error = c.error();
    }
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    if (!error.empty()) return std::unexpected(error);
    return out;
}

}  // namespace bench
