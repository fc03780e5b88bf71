#pragma once
// Our AUTH payload as a signature (RFC 7296 §2.15, RFC 7427, RFC 8420) with
// the connection's private key over the signed octets (auth_octets.hpp).
//
// The method: 14 (Digital Signature) with the scheme choose_signature_scheme
// picks from the hashes the peer announced in SIGNATURE_HASH_ALGORITHMS; a
// peer that announced none (or none our key can use) gets the legacy method
// of the key (1 for RSA with SHA-1, 9/10/11 for ECDSA). Ed25519 exists only
// as method 14, so such a peer cannot be answered with an Ed25519 key.
#include <expected>
#include <span>
#include <string>

#include "libike/codec/auth_payload.hpp"
#include "libike/common/iana.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

struct engine_settings;

/// The hashes we announce in SIGNATURE_HASH_ALGORITHMS (IKE_SA_INIT, both
/// roles) and accept in the peer's method 14 signatures: SHA2-256, -384,
/// -512 and Identity (Ed25519); empty when settings turn the announcement off.
std::span<const hash_algorithm> our_signature_hashes(const engine_settings& settings);

/// Our AUTH payload and how it was made, for the log.
struct signature_auth {
    auth_payload auth;
    std::string scheme;  ///< "ECDSA with SHA2-256 (method 14)"
};

/// Signs `octets` (ours, from signed_octets) with the connection's key.
/// Errors: AUTHENTICATION_FAILED when the connection has no certificate and
/// key, when no method fits the key and the peer's announcement (Ed25519
/// to a peer without SIGNATURE_HASH_ALGORITHMS), or signing fails.
std::expected<signature_auth, task_error> build_signature_auth(const ike_sa& sa, bytes_view octets);

}  // namespace ike
