#pragma once
// IKEv2 key exchange (Diffie-Hellman) groups: RFC 3526 MODP groups 14-16,
// RFC 5903 ECP groups 19-21, RFC 8031 Curve25519/Curve448 (groups 31, 32).
//
// One `key_exchange` object is one ephemeral key pair of one group. It hands
// out our KE payload data and turns the peer's KE payload data into the
// shared secret g^ir that goes into SKEYSEED (RFC 7296 §2.14). The peer's data
// comes from the network, so every check on it fails with a value, never with
// an exception or a crash.
#include <cstddef>
#include <expected>
#include <memory>
#include <span>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/crypto_error.hpp"
#include "libike/crypto/random_source.hpp"

namespace ike {

class key_exchange {
  public:
    virtual ~key_exchange() = default;

    /// The group this key pair belongs to.
    virtual ke_group group() const = 0;

    /// Our public value exactly as it goes into the KE payload's Key Exchange
    /// Data (RFC 7296 §3.4): g^x left-padded to the prime's length for MODP,
    /// x || y without the 0x04 prefix for ECP (RFC 5903 §7), the raw 32/56
    /// octet u-coordinate for Curve25519/Curve448 (RFC 8031 §2). Always
    /// public_value_size(group()) octets.
    virtual const bytes& public_value() const = 0;

    /// Validates the peer's KE data and computes g^ir in the form IKEv2 feeds
    /// into SKEYSEED: MODP, the big-endian value left-padded to the prime's
    /// length (RFC 7296 §2.14); ECP, the x coordinate only (RFC 5903 §7);
    /// Curve25519/448, the raw X25519/X448 output (RFC 8031 §2).
    /// Errors:
    ///  - invalid_public_value: wrong length; MODP value not in 1 < y < p-1
    ///    or outside the prime-order subgroup (RFC 6989 §2); ECP point not on
    ///    the curve (RFC 6989 §2.3); Curve25519/448 result all zero (RFC 8031
    ///    §2.2). The caller fails the exchange (the peer sent garbage).
    ///  - backend_failure: OpenSSL refused an operation on valid input.
    /// The object can be used again after an error.
    virtual std::expected<secret, crypto_error> shared_secret(bytes_view peer_public) const = 0;
};

/// The groups we implement, in no particular order.
std::span<const ke_group> supported_ke_groups();

/// True if `group` is one of supported_ke_groups().
bool is_supported(ke_group group);

/// Length of the KE payload's Key Exchange Data for `group` (256 for group 14,
/// 64 for group 19, 32 for group 31, ...); 0 if the group is not supported.
std::size_t public_value_size(ke_group group);

/// A fresh ephemeral key pair whose private key is drawn from `rng`, so a
/// deterministic source gives a reproducible key pair.
/// Errors: unsupported_algorithm for groups we do not implement;
/// backend_failure if OpenSSL refuses to build the key.
std::expected<std::unique_ptr<key_exchange>, crypto_error> make_key_exchange(ke_group group,
                                                                             random_source& rng);

/// The private key make_key_exchange(group, rng) would build its key pair
/// from, drawn from `rng` with the same bytes and checks, in the form
/// make_key_exchange_from_private takes. Cheap (no scalar multiplication):
/// the engine draws it on its own thread and leaves the key pair to a job
/// (ke_job.hpp). Errors: those of make_key_exchange.
std::expected<secret, crypto_error> draw_private_key(ke_group group, random_source& rng);

/// A key pair from a given private key, for known-answer tests and for
/// reproducing a peer's computation. The private key is a big-endian integer
/// for MODP (1 <= x < p-1, at most the prime's length) and ECP (1 <= d < n, at
/// most the coordinate length), and the raw 32/56 octets for Curve25519/448
/// (RFC 7748 §5: clamping is applied by the scalar multiplication).
/// Errors: unsupported_algorithm; bad_key_length for a private key of the
/// wrong size or out of range; backend_failure.
std::expected<std::unique_ptr<key_exchange>, crypto_error> make_key_exchange_from_private(
    ke_group group, bytes_view private_key);

}  // namespace ike
