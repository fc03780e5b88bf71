#pragma once
// X25519 public values for many private keys at once, ~40 % cheaper per key
// than one Montgomery-ladder multiplication each (docs/performance.md).
//
// How: [k]B is computed on the twisted Edwards form of Curve25519 with
// libsodium's fixed-base table (crypto_scalarmult_ed25519_base_noclamp,
// constant time in k), and its y coordinate is mapped to the Montgomery u
// coordinate that X25519 publishes, u = (1 + y) / (1 - y) mod 2^255 - 19
// (RFC 7748 §4.1). The divisions of a whole batch share one modular inverse
// (Montgomery's trick). Only the scalar multiplication touches the private
// key; y and u are the public value in two encodings, so the BIGNUM
// arithmetic on them need not be constant time.
#include <expected>
#include <span>

#include "libike/common/bytes.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/crypto_error.hpp"

namespace ike {

/// publics[i] = X25519(privates[i], 9), each 32 octets. Every private key is
/// 32 octets and is clamped as X25519 does (RFC 7748 §5) before use; the
/// caller's copy is not changed.
/// Errors: bad_key_length (a private key not of 32 octets, or spans of
/// different sizes); backend_failure (libsodium or OpenSSL refused).
std::expected<void, crypto_error> x25519_public_values(std::span<const secret> privates,
                                                       std::span<bytes> publics);

}  // namespace ike
