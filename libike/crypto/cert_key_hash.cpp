#include "libike/crypto/cert_key_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

namespace ike {

std::expected<public_key_sha1, cert_error> subject_public_key_sha1(const certificate& cert) {
    // i2d of the X509_PUBKEY is the SubjectPublicKeyInfo exactly as the
    // certificate carries it; X509_pubkey_digest would hash only the key bits.
    unsigned char* der = nullptr;
    const int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.native()), &der);
    if (len <= 0)
        return std::unexpected(cert_error{
            cert_errc::backend_failure,
            "cannot encode the public key of '" + cert.subject() + "' for its SHA-1 hash"});
    public_key_sha1 out{};
    unsigned int out_len = 0;
    const int ok =
        EVP_Digest(der, static_cast<std::size_t>(len), out.data(), &out_len, EVP_sha1(), nullptr);
    OPENSSL_free(der);
    if (ok != 1 || out_len != out.size())
        return std::unexpected(cert_error{cert_errc::backend_failure,
                                          "SHA-1 is not available in OpenSSL (needed to name "
                                          "CAs in CERTREQ payloads)"});
    return out;
}

}  // namespace ike
