#pragma once
// Finite-field Diffie-Hellman over the RFC 3526 MODP groups 14 (2048-bit),
// 15 (3072-bit) and 16 (4096-bit), through OpenSSL's named FFC groups
// "modp_2048", "modp_3072", "modp_4096". Reached through key_exchange.hpp.
#include <expected>
#include <memory>

#include "libike/crypto/key_exchange.hpp"

namespace ike {

/// True for the MODP groups this file implements.
bool is_modp_group(ke_group group);

/// Key exchange data length (the prime's length in octets); 0 if not MODP.
std::size_t modp_public_value_size(ke_group group);

/// Ephemeral key pair; the private exponent is drawn from `rng`.
/// Errors: unsupported_algorithm, backend_failure.
std::expected<std::unique_ptr<key_exchange>, crypto_error> make_modp_key_exchange(
    ke_group group, random_source& rng);

/// The private exponent make_modp_key_exchange would draw from `rng` (the
/// same bytes), for make_modp_key_exchange_from_private on another thread.
std::expected<secret, crypto_error> draw_modp_private_key(ke_group group, random_source& rng);

/// Key pair from a big-endian private exponent x, 1 <= x < p-1.
/// Errors: unsupported_algorithm, bad_key_length, backend_failure.
std::expected<std::unique_ptr<key_exchange>, crypto_error> make_modp_key_exchange_from_private(
    ke_group group, bytes_view private_key);

}  // namespace ike
