#pragma once
// A private key for IKE signatures: RSA, ECDSA on P-256/P-384/P-521, or
// Ed25519, read from PEM (PKCS#8 "PRIVATE KEY", or the traditional "RSA
// PRIVATE KEY" / "EC PRIVATE KEY" forms), optionally encrypted.
//
// The PEM text is handed in as a `secret` so the caller's copy is wiped; the
// key itself lives in OpenSSL, which clears private numbers when it frees
// them (BN_clear_free, OPENSSL_clear_free). A private_key is move-only: one
// owner, so the key is freed once and in one known place.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <string_view>

#include "libike/common/secret.hpp"
#include "libike/crypto/crypto_error.hpp"
#include "libike/crypto/openssl_handle.hpp"

struct evp_pkey_st;

namespace ike {

/// The kinds of signing key IKE uses (RFC 7296 §3.8, RFC 4754, RFC 8420).
enum class key_type : std::uint8_t {
    rsa = 1,
    ecdsa_p256,
    ecdsa_p384,
    ecdsa_p521,
    ed25519,
};
std::string_view name(key_type t);

/// The type of a public or private key.
/// Errors: unsupported_algorithm for anything else (DSA, Ed448, an EC key on
/// another curve), naming what it is.
std::expected<key_type, crypto_error> key_type_of(const evp_pkey_st* key);

class private_key {
  public:
    /// Reads the first private key in `pem`. `passphrase` decrypts an
    /// encrypted PEM; it is ignored for an unencrypted one.
    /// Errors: unsupported_algorithm if the key is not one of key_type;
    /// backend_failure if the text holds no readable private key (wrong
    /// passphrase, damaged PEM, a certificate instead of a key); the detail
    /// says which.
    static std::expected<private_key, crypto_error> from_pem(const secret& pem,
                                                             const secret& passphrase = {});

    /// Takes over `key` (not null, of a supported type).
    private_key(evp_pkey_st* key, key_type type) : key_(key), type_(type) {}

    key_type type() const { return type_; }
    /// Modulus or field size in bits (2048, 256, 384, 521; 256 for Ed25519).
    std::size_t bits() const;

    /// True if `public_key` (e.g. our certificate's) is this key's public half;
    /// a daemon checks this at start-up so a wrong key/cert pair is caught
    /// before a peer sees a bad AUTH.
    bool matches(const evp_pkey_st* public_key) const;

    /// Borrowed OpenSSL key, for signature.cpp.
    evp_pkey_st* native() const { return key_.get(); }

  private:
    unique_handle<evp_pkey_st> key_;
    key_type type_{};
};

}  // namespace ike
