#pragma once
// The gateway's side of EAP inside IKE_AUTH (RFC 7296 §2.16), sans I/O.
//
// An `eap_backend` makes one `eap_server` session per IKE_SA that
// authenticates its peer with EAP. The local backend (local_backend.hpp)
// runs the methods itself against an eap_user_store; a RADIUS backend
// (next) will relay the same packets to a RADIUS server and answer later,
// which is why every step may be `eap_pending`.
//
// How IKE_AUTH (libike/tasks/ike_auth with tasks/eap_auth's eap_gateway,
// responder) drives a session:
//
//  1. The initiator's first IKE_AUTH request has IDi but no AUTH: the
//     responder picks the connection, creates the session with
//     `backend.create_session(params)` and calls `start(idi_text)`.
//  2. Every step is handled the same way:
//     - eap_request: answer the IKE_AUTH request with an EAP payload whose
//       body is `packet` (the first answer also carries IDr, CERT and our
//       AUTH). If `failing` is set, log it now: the request announces a
//       failure (MSCHAPv2 E=691) and the session ends in eap_failure
//       whatever the peer answers, or never if the peer gives up.
//     - eap_success: answer with an EAP payload holding `packet`
//       (EAP-Success). Keep `msk`: the initiator's next IKE_AUTH request
//       carries AUTH computed with the MSK as shared secret (§2.15/§2.16,
//       prf(prf(MSK, "Key Pad for IKEv2"), InitiatorSignedOctets)); verify
//       it, then send our AUTH computed the same way, and the CHILD_SA.
//       `identity` is the EAP identity the peer proved, for policy, leases
//       and the log ("EAP user 'carol'").
//     - eap_failure: answer with an EAP payload holding `packet`
//       (EAP-Failure), log `error.message()`, and treat the IKE_SA as failed:
//       the EAP-Failure tells the peer, no AUTH follows, and the half-made
//       IKE_SA is dropped (no CHILD_SA is created).
//     - eap_pending: send nothing yet and remember that this request is
//       unanswered (its retransmissions are dropped, not re-processed). When
//       the daemon reports the backend's answer for `ticket`
//       (engine::eap_ready), call `resume()` and handle its step as above.
//  3. Each further IKE_AUTH request carries one EAP payload: pass its body
//     to `process()`. A request without one fails the exchange.
//
// EAP-TLS (RFC 5216, eap_tls_server.hpp) fits the same contract: its packets
// carry TLS records with the L/M/S flags and fragments, which the method
// handles inside `process()` (each fragment is one request/response round,
// the method keeping the reassembly), and the client certificate is checked
// by the method against `eap_session_params::tls_trust` at `now`; a refused
// certificate gives an eap_request_step with `failing` set (our TLS alert),
// then eap_failure. The steps above stay as they are.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/certificate.hpp"
#include "libike/eap/eap_error.hpp"
#include "libike/eap/tls_channel.hpp"

namespace ike {

class private_key;
class random_source;
class trust_store;

/// Send `packet` (an EAP Request) to the peer and wait for its response.
struct eap_request_step {
    bytes packet;
    /// Set when this request tells the peer it failed (an MSCHAPv2 Failure
    /// Request): the reason to log, since a peer may never answer it.
    std::optional<eap_error> failing;
};

/// The peer is authenticated.
struct eap_success_step {
    bytes packet;          ///< EAP-Success, to send
    secret msk;            ///< the Master Session Key (64 octets for MSCHAPv2)
    std::string identity;  ///< the EAP identity the peer proved
};

/// The peer is not authenticated.
struct eap_failure_step {
    bytes packet;  ///< EAP-Failure, to send
    eap_error error;
};

/// The backend answers later (e.g. RADIUS). The IKE task waits; the daemon
/// learns from the backend when `ticket` is ready and the task calls resume().
struct eap_pending_step {
    std::uint64_t ticket = 0;
};

using eap_step =
    std::variant<eap_request_step, eap_success_step, eap_failure_step, eap_pending_step>;

/// One EAP conversation with one peer.
class eap_server {
  public:
    virtual ~eap_server() = default;

    /// Begins the conversation. `ike_identity` is the peer's IDi as text; the
    /// session asks for the EAP identity itself (EAP-Identity) when it is
    /// configured to or when `ike_identity` is empty.
    virtual eap_step start(std::string_view ike_identity) = 0;

    /// The peer's next EAP packet (an EAP payload body). Packets that do not
    /// parse, answer a request we did not send or do not fit the state end
    /// the conversation with an eap_failure_step saying why.
    virtual eap_step process(bytes_view response) = 0;

    /// After eap_pending_step: the step the backend has produced meanwhile,
    /// or eap_pending_step again if it is still not there. A local session
    /// never pends; its resume() reports a session_state failure.
    virtual eap_step resume() = 0;
};

/// What a session needs to know about the connection it serves.
struct eap_session_params {
    /// Methods the connection allows, in our order of preference.
    std::vector<eap_type> methods{eap_type::mschapv2};
    /// Ask for the EAP identity even when IDi is set (charon's eap_id=%any).
    bool ask_identity = false;
    /// MSCHAPv2 retries after a wrong password (0: the first Failure has R=0).
    unsigned mschapv2_retries = 0;
    /// Challenges and EAP identifiers come from here (tests pin them).
    random_source* random = nullptr;

    // EAP-TLS (RFC 5216, RFC 9190): needed when `methods` picks
    // eap_type::tls. The pointers must outlive the session.
    /// Our TLS server certificate (the peer checks it names the gateway,
    /// charon: the IKE identity or aaa_identity), its intermediates, issuer
    /// first, and its key.
    const certificate* tls_certificate = nullptr;
    std::vector<certificate> tls_chain = {};
    const private_key* tls_key = nullptr;
    /// The CAs (and CRLs) client certificates must chain to.
    const trust_store* tls_trust = nullptr;
    /// Wall-clock time the client certificate is checked at: the daemon's
    /// clock when it creates the session (libike reads no clock).
    cert_time now = {};
    /// TLS versions to accept. charon 5.9.8 offers only TLS 1.2 unless its
    /// strongswan.conf sets libtls.version_max = 1.3.
    tls_version tls_min_version = tls_version::tls1_2;
    tls_version tls_max_version = tls_version::tls1_3;
    /// TLS octets per EAP-TLS request, so an IKE_AUTH response stays well
    /// under common MTUs (charon's own default is 1024).
    std::size_t tls_fragment_size = 1000;
    /// The TLS 1.3 MSK derivation: RFC 9190, or charon 5.9.x's own (see
    /// tls13_msk) for charon clients configured with TLS 1.3.
    tls13_msk tls13_key_derivation = tls13_msk::rfc9190;
};

/// Makes sessions; one backend serves the whole daemon.
class eap_backend {
  public:
    virtual ~eap_backend() = default;
    /// Errors: backend_unavailable if the backend cannot run any of the
    /// methods (e.g. MSCHAPv2 without OpenSSL's legacy provider); the text
    /// says how to fix it.
    virtual std::expected<std::unique_ptr<eap_server>, eap_error> create_session(
        const eap_session_params& params) = 0;
};

}  // namespace ike
