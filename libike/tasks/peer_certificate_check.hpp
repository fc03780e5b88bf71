#pragma once
// Authenticating a peer by certificate (remote auth pubkey; RFC 7296 §2.15,
// §3.6, RFC 4945 §3): its end-entity certificate, from its first X.509 CERT
// payload, must chain to one of the connection's trusted CAs through the
// intermediates it sent (valid now by the wall clock, not revoked), must
// name the identity in its ID payload, must carry the extended key usage
// the connection asks for, and its key must verify the AUTH signature over
// the peer's signed octets.
//
// Every rejection is AUTHENTICATION_FAILED with a reason that names the
// certificate (subject, serial) and says what is wrong and what to do.
#include <expected>
#include <string>

#include "libike/codec/auth_payload.hpp"
#include "libike/codec/id_payload.hpp"
#include "libike/crypto/certificate.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

/// What authenticated the peer, for the log line of an established IKE_SA.
struct peer_cert_auth {
    certificate cert;
    std::string scheme;  ///< "RSA-PSS with SHA2-256 (method 14)"
    /// "certificate 'O=x, CN=y' (serial 0A, issuer 'O=x, CN=CA') and an RSA-PSS
    /// with SHA2-256 (method 14) signature"
    std::string description() const;
};

/// Checks the peer's certificates in `m` and its AUTH payload `auth`, sent
/// with `peer_id`, against IKE_SA `sa`'s connection. CERT payloads of other
/// encodings are passed over with a notice event.
/// Errors: AUTHENTICATION_FAILED when the peer used a PSK (or another
/// non-signature method), sent no certificate, a malformed one, one that
/// does not validate (expired, not yet valid, unknown CA, revoked, bad chain;
/// or no wall clock is set), does not name `peer_id`, lacks the EKU, or
/// whose key does not verify the signature.
std::expected<peer_cert_auth, task_error> verify_peer_certificate(const ike_sa& sa,
                                                                  engine_context& ctx,
                                                                  const inbound_message& m,
                                                                  const id_payload& peer_id,
                                                                  const auth_payload& auth);

}  // namespace ike
