#pragma once
// IKE_AUTH identities and authentication (RFC 7296 §1.2, §2.15).
//
//   initiator:  IDi, [CERT...], [CERTREQ], AUTH, [INITIAL_CONTACT]  -->
//          <--  IDr, [CERT...], AUTH                               :responder
//
// Each side proves itself as its connection's local auth says: a PSK
// (psk_auth.hpp) or a certificate and a signature (signature_auth.hpp,
// cert_payloads.hpp), and checks the peer as the remote auth says (PSK, or
// peer_certificate_check.hpp); the two need not be the same kind. The
// responder first picks the connection from the peer's identity and how it
// authenticates (peer_connection.hpp). The peer's identity must match the
// configured remote identity (identity.hpp); any failure is
// AUTHENTICATION_FAILED (§2.21.2), reported in plain words. On success the
// IKE_SA is established (ike_up, whose reason says how each side proved
// itself).
//
// A client that authenticates with EAP (§2.16) sends no AUTH in its first
// request; the exchange then runs several rounds (eap_auth.hpp), each
// process/build pair returning need_more until the last, and a gateway
// whose EAP backend pends answers progress::waiting until resume().
#include <memory>
#include <string>

#include "libike/codec/id_payload.hpp"
#include "libike/tasks/eap_auth.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

class ike_auth final : public task {
  public:
    using task::task;
    task_kind kind() const override { return task_kind::ike_auth; }
    task_result build(message_builder& m, engine_context& ctx) override;
    task_result process(const inbound_message& m, engine_context& ctx) override;
    task_result resume(engine_context& ctx) override;

  private:
    task_result build_request(message_builder& m, engine_context& ctx);
    task_result build_response(message_builder& m, engine_context& ctx);
    task_result process_response(const inbound_message& m, engine_context& ctx);
    task_result process_request(const inbound_message& m, engine_context& ctx);
    /// The IKE_SA is authenticated both ways: established, ike_up.
    task_result established(engine_context& ctx, std::optional<notify_type> notify);
    /// Responder: the first request has no AUTH; EAP starts.
    task_result start_eap(const inbound_message& m, const id_payload& idi, engine_context& ctx);
    /// Responder: a later request of the EAP rounds, and our answer to it.
    task_result process_eap_request(const inbound_message& m, engine_context& ctx);
    task_result build_eap_response(message_builder& m, engine_context& ctx);
    /// Initiator: a response of the EAP rounds.
    task_result process_eap_response(const inbound_message& m, engine_context& ctx);

    std::string our_proof_, peer_proof_;    ///< how each side proved itself, for ike_up
    std::unique_ptr<eap_gateway> gateway_;  ///< responder, remote auth eap
    std::unique_ptr<eap_client> client_;    ///< initiator, local auth eap
    bool first_answer_sent_ = false;        ///< gateway: IDr, CERT, AUTH went out
    bool eap_verified_ = false;             ///< gateway: the peer's MSK AUTH verified
};

}  // namespace ike
