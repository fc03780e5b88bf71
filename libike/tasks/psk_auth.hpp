#pragma once
// Pre-shared key authentication (RFC 7296 §2.15):
//
//   AUTH = prf( prf(PSK, "Key Pad for IKEv2"), <SignedOctets> )
//
// with the signed octets of auth_octets.hpp. The PSK is looked up for the
// pair of identities (the daemon's `secrets`). EAP (§2.16) computes its AUTH
// payloads the same way with the method's MSK in place of the PSK.
#include <expected>

#include "libike/codec/auth_payload.hpp"
#include "libike/codec/id_payload.hpp"
#include "libike/common/secret.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

/// The method 2 AUTH value of the side (`of_initiator`) that sends `id`,
/// with `key` as the shared secret: the PSK, or the MSK of an EAP method.
/// Errors: an internal error when the PRF fails.
std::expected<secret, task_error> shared_key_auth(const ike_sa& sa, const secret& key,
                                                  bool of_initiator, const id_payload& id);

/// Our AUTH payload (method 2) for `our_id`, the PSK found for our identity
/// and `peer_id` (ID_NULL when the initiator does not know it yet).
/// Errors: AUTHENTICATION_FAILED when no PSK is configured for the pair;
/// an internal error when the PRF fails.
std::expected<auth_payload, task_error> build_psk_auth(const ike_sa& sa, engine_context& ctx,
                                                       const id_payload& our_id,
                                                       const id_payload& peer_id);

/// Checks the peer's AUTH payload against the PSK for its identity.
/// Errors: AUTHENTICATION_FAILED when the peer used another method, no PSK
/// is configured for the pair, or the value differs (the PSKs differ);
/// an internal error when the PRF fails.
std::expected<void, task_error> verify_psk_auth(const ike_sa& sa, engine_context& ctx,
                                                const id_payload& peer_id,
                                                const auth_payload& auth);

}  // namespace ike
