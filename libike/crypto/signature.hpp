#pragma once
// Signatures over the AUTH octets (RFC 7296 §2.15): the data of an AUTH
// payload for the signature methods, built and checked here.
//
//   method 1  RSA Digital Signature: RSASSA-PKCS1-v1_5 with SHA-1 (RFC 7296
//             §3.8; the hash is fixed, RFC 7427 §1).
//   method 9  ECDSA P-256 with SHA-256   \  RFC 4754: the signature is r | s,
//   method 10 ECDSA P-384 with SHA-384    > each left-padded to the curve's
//   method 11 ECDSA P-521 with SHA-512   /  size (32/48/66 octets), not DER.
//   method 14 Digital Signature (RFC 7427 §3):
//
//     +---------------+-----------------------------------+--------------+
//     | ASN.1 length  | AlgorithmIdentifier (DER, that    | signature    |
//     | (1 octet)     | many octets)                      | value        |
//     +---------------+-----------------------------------+--------------+
//
//             with RSASSA-PKCS1-v1_5 or RSASSA-PSS (SHA-256/384/512, MGF1
//             with the same hash, salt as long as the hash), ECDSA with a
//             DER Ecdsa-Sig-Value, or Ed25519 over the octets themselves
//             (RFC 8420; hash "Identity").
//
// The hash for method 14 is picked from the peer's SIGNATURE_HASH_ALGORITHMS
// notify (RFC 7427 §4). ECDSA and RSA-PSS signatures take their randomness
// from OpenSSL's DRBG: OpenSSL 3.0 offers no way to inject it, and a
// predictable nonce would leak the key, so tests check round trips rather
// than fixed signature bytes.
#include <cstdint>
#include <expected>
#include <span>
#include <string>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/crypto/crypto_error.hpp"
#include "libike/crypto/private_key.hpp"

struct evp_pkey_st;

namespace ike {

enum class signature_algorithm : std::uint8_t {
    rsa_pkcs1 = 1,  ///< RSASSA-PKCS1-v1_5
    rsa_pss,        ///< RSASSA-PSS, MGF1 with the same hash, salt = hash length
    ecdsa,          ///< ECDSA (curve from the key)
    ed25519,        ///< PureEdDSA, hash "identity"
};

/// A signature algorithm with its hash: what a method 14 AlgorithmIdentifier
/// names. Ed25519 always pairs with hash_algorithm::identity.
struct signature_scheme {
    signature_algorithm algorithm{};
    hash_algorithm hash{};
    friend bool operator==(const signature_scheme&, const signature_scheme&) = default;
};

/// "RSA-PSS with SHA2-256", for logs and errors.
std::string to_string(signature_scheme s);

/// The DER AlgorithmIdentifier for `s` (RFC 7427 Appendix A; RFC 8420 for
/// Ed25519). RSA PKCS#1 carries NULL parameters, ECDSA and Ed25519 none, PSS
/// its full RSASSA-PSS-params.
/// Errors: unsupported_algorithm for a pairing with no identifier (ECDSA or
/// RSA with identity, Ed25519 with a hash, RSA-PSS with SHA-1).
std::expected<bytes, crypto_error> encode_algorithm_identifier(signature_scheme s);

/// The scheme a DER AlgorithmIdentifier names. Accepts what peers send:
/// PKCS#1 with NULL or absent parameters, RSA-PSS with or without the
/// default trailerField, as long as the MGF1 hash equals the message hash and
/// the salt is as long as the hash.
/// Errors: unsupported_algorithm for an identifier we do not implement (named
/// by its OID) or PSS parameters other than those; bad_ciphertext if `der` is
/// not one DER AlgorithmIdentifier.
std::expected<signature_scheme, crypto_error> decode_algorithm_identifier(bytes_view der);

/// Signs `data` with `key` under `s` (the ECDSA value DER-encoded).
/// Errors: unsupported_algorithm if `s` does not fit the key type (e.g. PSS
/// with an EC key, Ed25519 with a hash); backend_failure if OpenSSL fails.
std::expected<bytes, crypto_error> sign(const private_key& key, signature_scheme s,
                                        bytes_view data);

/// Checks `sig` over `data` with `public_key` under `s`.
/// Errors: integrity_check_failed if the signature does not verify (tampered
/// data, wrong key, garbage); unsupported_algorithm if `s` does not fit the
/// key type; backend_failure if OpenSSL fails.
std::expected<void, crypto_error> verify(const evp_pkey_st* public_key, signature_scheme s,
                                         bytes_view data, bytes_view sig);

/// The method 14 scheme for `key` given the hashes the peer announced in
/// SIGNATURE_HASH_ALGORITHMS (`peer_hashes`, in its order): Ed25519 needs
/// identity; ECDSA prefers the hash matching its curve (P-256/SHA2-256,
/// P-384/SHA2-384, P-521/SHA2-512), then SHA2-256, -384, -512; RSA takes
/// SHA2-256, -384, -512 in that order, with PSS if `rsa_pss`. SHA-1 is never
/// chosen.
/// Errors: unsupported_algorithm if no announced hash fits the key; the
/// detail lists what the peer announced. An empty list means the peer did not
/// send the notify: RFC 7427 §4 then forbids method 14, use auth_method_for().
std::expected<signature_scheme, crypto_error> choose_signature_scheme(
    key_type key, std::span<const hash_algorithm> peer_hashes, bool rsa_pss = false);

/// The legacy AUTH method for a key when method 14 is not available: 1 for
/// RSA, 9/10/11 for P-256/384/521.
/// Errors: unsupported_algorithm for Ed25519 (only method 14 carries it).
std::expected<auth_method, crypto_error> auth_method_for(key_type key);

/// The AUTH payload's Authentication Data for `method` over `octets` (the
/// InitiatorSignedOctets/ResponderSignedOctets of RFC 7296 §2.15). `scheme`
/// is used for method 14 only (choose it with choose_signature_scheme); for
/// 1/9/10/11 the method fixes it and the key must fit.
/// Errors: unsupported_algorithm if the method is not a signature method or
/// does not fit the key (method 9 with a P-384 key, method 1 with ECDSA);
/// backend_failure if OpenSSL fails.
std::expected<bytes, crypto_error> build_auth_signature(const private_key& key, auth_method method,
                                                        signature_scheme scheme, bytes_view octets);

/// Checks a peer's AUTH data for `method` over `octets` with the public key
/// of its (validated) certificate. For method 14 the scheme comes from the
/// data; its hash must be one we announced (`our_hashes`), otherwise the
/// peer ignored our SIGNATURE_HASH_ALGORITHMS. Returns the scheme used, for
/// the log.
/// Errors: integrity_check_failed if the signature does not verify;
/// unsupported_algorithm if the method, scheme or hash is not acceptable or
/// does not fit the key; bad_ciphertext if the AUTH data is malformed (an
/// ECDSA r|s of the wrong length, a method 14 prefix that does not parse).
std::expected<signature_scheme, crypto_error> verify_auth_signature(
    const evp_pkey_st* public_key, auth_method method, bytes_view auth_data, bytes_view octets,
    std::span<const hash_algorithm> our_hashes);

}  // namespace ike
