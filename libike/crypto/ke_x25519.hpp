#pragma once
// X25519 (IKEv2 group 31, RFC 8031) through libsodium rather than OpenSSL.
//
// Why a second library for one group: OpenSSL 3.0 makes an EVP_PKEY for our
// key pair and another for the peer's value, and each costs a key-manager
// lookup and name walks on top of the scalar multiplication. On the
// benchmark host that made our key pair 72 µs and the derivation ~75 µs per
// IKE_SA, where libsodium's bare scalar multiplications take 58 and 64 µs
// (docs/performance.md). X25519 is the default group of every proposal, so
// this is the responder's largest single cost. X448 stays on OpenSSL.
// Reached through key_exchange.hpp.
#include <expected>
#include <memory>

#include "libike/crypto/key_exchange.hpp"

namespace ike {

/// Initialises libsodium once per process (sodium_init picks the fastest
/// implementation for this CPU; thread-safe); false if it cannot be.
bool libsodium_ready();

/// Key pair from the raw 32-octet private key.
/// Errors: bad_key_length, backend_failure.
std::expected<std::unique_ptr<key_exchange>, crypto_error> make_x25519_key_exchange_from_private(
    bytes_view private_key);

/// A key pair whose public value was computed elsewhere (x25519_batch, for
/// ke_key_pool). `pub` must be X25519(`priv`, 9): nothing checks it here.
/// Errors: bad_key_length, backend_failure.
std::expected<std::unique_ptr<key_exchange>, crypto_error> make_x25519_key_exchange_from_pair(
    secret priv, bytes pub);

}  // namespace ike
