#pragma once
// What every AUTH payload covers (RFC 7296 §2.15), whatever the method:
//
//   initiator: InitiatorSignedOctets = IKE_SA_INIT request  | Nr | prf(SK_pi, IDi')
//   responder: ResponderSignedOctets = IKE_SA_INIT response | Ni | prf(SK_pr, IDr')
//
// IDx' is the ID payload body (type, reserved bytes, data). A PSK AUTH is a
// PRF over these octets, a signature AUTH signs them; and the failure both
// report is AUTHENTICATION_FAILED (§2.21.2).
#include <expected>
#include <string>

#include "libike/codec/id_payload.hpp"
#include "libike/common/bytes.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

/// The octets the AUTH of the IKE_SA's original initiator (`of_initiator`)
/// or responder covers, with `id` the ID payload that side sends.
/// Precondition: sa.keys is set (IKE_SA_INIT is done).
/// Errors: a reason when the PRF fails (an internal error, not the peer's).
std::expected<bytes, std::string> signed_octets(const ike_sa& sa, bool of_initiator,
                                                const id_payload& id);

/// An AUTHENTICATION_FAILED task_error with `reason` for the operator.
task_error auth_failed(std::string reason);

/// A failure of our own computation (no notify: it is not the peer's fault).
task_error auth_internal(std::string reason);

}  // namespace ike
