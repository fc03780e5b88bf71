#pragma once
// EAP inside IKE_AUTH (RFC 7296 §2.16), the rounds ike_auth runs when a
// client authenticates with EAP to a gateway that proves itself with a
// certificate (or a PSK):
//
//   client (initiator)                         gateway (responder)
//   IDi, [CERTREQ], SA, TSi, TSr, [CP]   -->
//                                        <--   IDr, [CERT], AUTH, EAP(Request)
//   EAP(Response)                        -->
//                                        <--   EAP(Request | Success | Failure)
//   ...                                        (one round per EAP packet)
//   AUTH(MSK)                            -->
//                                        <--   AUTH(MSK), SA, TSi, TSr, [CP]
//
// Both AUTH payloads of the last round are computed as with a PSK
// (psk_auth.hpp) with the method's MSK as the shared key, or with SK_pi /
// SK_pr when the method makes none (§2.16). The gateway drives an
// eap_server session of the engine's eap_backend as eap_server.hpp
// describes; the client runs eap_peer. The task manager keeps ike_auth alone
// in the EAP rounds; the CHILD_SA and the configuration payload are answered
// in the last round.
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "libike/codec/auth_payload.hpp"
#include "libike/codec/id_payload.hpp"
#include "libike/common/secret.hpp"
#include "libike/eap/eap_peer.hpp"
#include "libike/eap/eap_server.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

/// The text EAP sees for an IKE identity: the bytes of an FQDN or RFC 822
/// identity as they are, the address of an IP identity, else its hex form.
std::string eap_identity_text(const id_payload& id);

/// The gateway's side of one EAP conversation inside an IKE_SA.
class eap_gateway {
  public:
    /// A session of the engine's backend with the connection's EAP settings.
    /// Errors: AUTHENTICATION_FAILED when no backend is configured or it
    /// cannot run the connection's methods (the reason says what to fix).
    static std::expected<std::unique_ptr<eap_gateway>, task_error> create(ike_sa& sa,
                                                                          engine_context& ctx);

    /// Begins with the peer's IDi: need_more (an answer is ready for
    /// add_answer) or waiting (the backend pends).
    task_result start(const id_payload& idi, engine_context& ctx);
    /// The EAP payload of a further IKE_AUTH request, as start().
    /// Errors: INVALID_SYNTAX when the request has no EAP payload.
    task_result process(const inbound_message& m, engine_context& ctx);
    /// The backend answered the pending step (engine::eap_ready).
    task_result resume(engine_context& ctx);

    /// The EAP payload answering the peer; after an EAP-Failure the
    /// builder's then_fail says why the IKE_SA ends.
    void add_answer(message_builder& m) const;

    /// EAP-Success was sent: the peer's next request carries AUTH.
    bool succeeded() const { return key_.has_value(); }
    /// Checks the peer's AUTH of the last round (method 2 with the MSK).
    /// Errors: AUTHENTICATION_FAILED when it does not verify.
    std::expected<void, task_error> verify(const id_payload& peer_id,
                                           const auth_payload& auth) const;
    /// Our AUTH of the last round.
    std::expected<auth_payload, task_error> our_auth(const id_payload& our_id) const;
    /// How the peer proved itself, for ike_up: "EAP-MSCHAPv2 as 'carol'".
    std::string description() const;

  private:
    eap_gateway(ike_sa& sa, std::unique_ptr<eap_server> session)
        : sa_(sa), session_(std::move(session)) {}
    task_result on_step(eap_step step, engine_context& ctx);
    /// Notes the EAP identity and method the peer's packet shows.
    void observe_response(bytes_view packet, engine_context& ctx);
    void fail(bytes packet, std::string reason);

    ike_sa& sa_;
    std::unique_ptr<eap_server> session_;
    bytes answer_;
    std::optional<std::string> failure_;
    std::optional<secret> key_;       ///< the MSK once EAP succeeded (may be empty)
    std::string identity_;            ///< the EAP identity the peer gave, printable
    std::optional<eap_type> method_;  ///< of our last method request
};

/// The client's side of one EAP conversation inside an IKE_SA.
class eap_client {
  public:
    /// Errors: AUTHENTICATION_FAILED (no notify) when the connection has no
    /// EAP password.
    static std::expected<std::unique_ptr<eap_client>, task_error> create(ike_sa& sa,
                                                                         engine_context& ctx);

    /// The gateway's EAP payload: need_more (add_request has our answer,
    /// or our AUTH after EAP-Success). Errors: the gateway's EAP-Failure,
    /// or a response without an EAP payload.
    task_result process(const inbound_message& m, engine_context& ctx);
    /// Our next request's payloads: the EAP response, or AUTH after success.
    std::expected<void, task_error> add_request(message_builder& m, const id_payload& our_id);
    /// EAP succeeded and our AUTH went out: the response carries the
    /// gateway's AUTH.
    bool auth_sent() const { return auth_sent_; }
    /// Checks the gateway's AUTH of the last round.
    std::expected<void, task_error> verify(const id_payload& peer_id,
                                           const auth_payload& auth) const;

    eap_client(ike_sa& sa, std::string identity, const secret& password, random_source& random)
        : sa_(sa), identity_(identity), peer_(std::move(identity), password, random) {}

  private:
    ike_sa& sa_;
    std::string identity_;
    eap_peer peer_;
    bytes answer_;
    std::optional<secret> key_;
    bool auth_sent_ = false;
};

}  // namespace ike
