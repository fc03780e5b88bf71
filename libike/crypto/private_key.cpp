#include "libike/crypto/private_key.hpp"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <string>

#include "libike/crypto/ke_openssl.hpp"

namespace ike {

namespace {

using ke_detail::openssl_deleter;
using ke_detail::openssl_error;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free>>;

/// Hands OpenSSL the passphrase. Without a callback OpenSSL would prompt on
/// the terminal, which a daemon must never do; an empty passphrase makes an
/// encrypted key fail instead.
int passphrase_cb(char* buf, int size, int /*rwflag*/, void* user) {
    const auto* pass = static_cast<const secret*>(user);
    if (pass == nullptr || pass->empty() || size <= 0) return 0;
    const auto n = std::min(pass->size(), static_cast<std::size_t>(size));
    std::memcpy(buf, pass->data(), n);
    return static_cast<int>(n);
}

int curve_nid(const evp_pkey_st* key) {
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) != 1) return NID_undef;
    int nid = OBJ_sn2nid(group);
    if (nid == NID_undef) nid = EC_curve_nist2nid(group);
    return nid;
}

}  // namespace

std::string_view name(key_type t) {
    switch (t) {
        case key_type::rsa:
            return "RSA";
        case key_type::ecdsa_p256:
            return "ECDSA P-256";
        case key_type::ecdsa_p384:
            return "ECDSA P-384";
        case key_type::ecdsa_p521:
            return "ECDSA P-521";
        case key_type::ed25519:
            return "Ed25519";
    }
    return "unknown key type";
}

std::expected<key_type, crypto_error> key_type_of(const evp_pkey_st* key) {
    if (key == nullptr)
        return std::unexpected(crypto_error{crypto_errc::unsupported_algorithm, "no key"});
    switch (EVP_PKEY_get_base_id(key)) {
        case EVP_PKEY_RSA:
        case EVP_PKEY_RSA_PSS:
            return key_type::rsa;
        case EVP_PKEY_ED25519:
            return key_type::ed25519;
        case EVP_PKEY_EC:
            switch (curve_nid(key)) {
                case NID_X9_62_prime256v1:
                    return key_type::ecdsa_p256;
                case NID_secp384r1:
                    return key_type::ecdsa_p384;
                case NID_secp521r1:
                    return key_type::ecdsa_p521;
                default:
                    return std::unexpected(
                        crypto_error{crypto_errc::unsupported_algorithm,
                                     "EC key on a curve other than P-256, P-384 or P-521"});
            }
        default:
            break;
    }
    const char* type = EVP_PKEY_get0_type_name(key);
    return std::unexpected(
        crypto_error{crypto_errc::unsupported_algorithm,
                     std::string(type != nullptr ? type : "unknown") +
                         " key; IKE signatures here use RSA, ECDSA (P-256/384/521) or Ed25519"});
}

std::expected<private_key, crypto_error> private_key::from_pem(const secret& pem,
                                                               const secret& passphrase) {
    if (pem.size() > static_cast<std::size_t>(INT_MAX))
        return std::unexpected(crypto_error{crypto_errc::backend_failure, "PEM text too large"});
    ERR_clear_error();
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio)
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "BIO_new_mem_buf"));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_cb,
                                            const_cast<secret*>(&passphrase));
    if (key == nullptr)
        return std::unexpected(openssl_error(
            crypto_errc::backend_failure,
            passphrase.empty()
                ? "no readable private key in the PEM text (damaged, or encrypted and no "
                  "passphrase given)"
                : "no readable private key in the PEM text (damaged, or wrong passphrase)"));
    auto type = key_type_of(key);
    if (!type) {
        EVP_PKEY_free(key);
        return std::unexpected(std::move(type.error()));
    }
    return private_key(key, *type);
}

std::size_t private_key::bits() const {
    const int b = key_ ? EVP_PKEY_get_bits(key_.get()) : 0;
    return b > 0 ? static_cast<std::size_t>(b) : 0;
}

bool private_key::matches(const evp_pkey_st* public_key) const {
    return key_ && public_key != nullptr && EVP_PKEY_eq(key_.get(), public_key) == 1;
}

}  // namespace ike
