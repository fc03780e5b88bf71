#pragma once
// X25519 and X448 key exchange for IKEv2 groups 31 (Curve25519) and 32
// (Curve448), RFC 8031. KE data and g^ir are the raw 32/56-octet RFC 7748
// encodings. X448 goes through OpenSSL here; X25519 is handed to
// ke_x25519 (libsodium), see there why. Reached through key_exchange.hpp.
#include <expected>
#include <memory>

#include "libike/crypto/key_exchange.hpp"

namespace ike {

/// True for groups 31 and 32.
bool is_ecx_group(ke_group group);

/// Key exchange data length (32 or 56); 0 for other groups.
std::size_t ecx_public_value_size(ke_group group);

/// Ephemeral key pair; the 32/56 private octets are drawn from `rng`
/// (RFC 8031 §2: random bytes, clamped by the scalar multiplication).
/// Errors: unsupported_algorithm, backend_failure.
std::expected<std::unique_ptr<key_exchange>, crypto_error> make_ecx_key_exchange(
    ke_group group, random_source& rng);

/// The 32/56 private octets make_ecx_key_exchange would draw from `rng`,
/// for make_ecx_key_exchange_from_private on another thread.
/// Errors: unsupported_algorithm.
std::expected<secret, crypto_error> draw_ecx_private_key(ke_group group, random_source& rng);

/// Key pair from the raw 32/56-octet private key.
/// Errors: unsupported_algorithm, bad_key_length, backend_failure.
std::expected<std::unique_ptr<key_exchange>, crypto_error> make_ecx_key_exchange_from_private(
    ke_group group, bytes_view private_key);

}  // namespace ike
