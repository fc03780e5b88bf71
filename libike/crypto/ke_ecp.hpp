#pragma once
// Elliptic-curve Diffie-Hellman over the RFC 5903 ECP groups 19 (NIST P-256),
// 20 (P-384) and 21 (P-521). KE data is x || y, each coordinate a fixed-length
// big-endian integer without the SEC1 0x04 prefix, and g^ir is the x
// coordinate alone (RFC 5903 §7). Reached through key_exchange.hpp.
#include <expected>
#include <memory>

#include "libike/crypto/key_exchange.hpp"

namespace ike {

/// True for the ECP groups this file implements.
bool is_ecp_group(ke_group group);

/// Key exchange data length (twice the coordinate length); 0 if not ECP.
std::size_t ecp_public_value_size(ke_group group);

/// Ephemeral key pair; the private scalar is drawn from `rng` by rejection
/// sampling into [1, n-1]. Errors: unsupported_algorithm, backend_failure.
std::expected<std::unique_ptr<key_exchange>, crypto_error> make_ecp_key_exchange(
    ke_group group, random_source& rng);

/// The private scalar make_ecp_key_exchange draws from `rng` (coordinate
/// length, big-endian, 1 <= d < n), for make_ecp_key_exchange_from_private
/// on another thread.
std::expected<secret, crypto_error> draw_ecp_private_key(ke_group group, random_source& rng);

/// Key pair from a big-endian private scalar d, 1 <= d < n, at most the
/// coordinate length. Errors: unsupported_algorithm, bad_key_length,
/// backend_failure.
std::expected<std::unique_ptr<key_exchange>, crypto_error> make_ecp_key_exchange_from_private(
    ke_group group, bytes_view private_key);

}  // namespace ike
