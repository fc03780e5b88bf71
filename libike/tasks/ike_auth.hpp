#pragma once
// IKE_AUTH identities and PSK authentication (RFC 7296 §1.2, §2.15).
//
//   AUTH = prf( prf(PSK, "Key Pad for IKEv2"), <SignedOctets> )
//   initiator: SignedOctets = IKE_SA_INIT request  | Nr | prf(SK_pi, IDi')
//   responder: SignedOctets = IKE_SA_INIT response | Ni | prf(SK_pr, IDr')
//
// IDx' is the ID payload body (type, reserved bytes, data). The peer's
// identity must match the configured remote identity (identity.hpp) and a PSK
// must exist for the pair; any failure is AUTHENTICATION_FAILED (§2.21.2),
// reported in plain words. On success the IKE_SA is established (ike_up).
#include "libike/codec/id_payload.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

class ike_auth final : public task {
  public:
    using task::task;
    task_kind kind() const override { return task_kind::ike_auth; }
    task_result build(message_builder& m, engine_context& ctx) override;
    task_result process(const inbound_message& m, engine_context& ctx) override;
};

}  // namespace ike
