#pragma once
// The local EAP backend: the gateway runs the EAP methods itself, with users
// from an eap_user_store. Each session asks for the EAP identity when told to
// (RFC 3748 §5.1), then runs the connection's first method
// that is implemented here: EAP-MSCHAPv2 (users from the store) or EAP-TLS
// (client certificates against the params' trust store).
//
//   start ──(ask_identity or no IDi)──> Identity Req ──> wait_identity ──┐
//     └────────────────────────────────────────────────────────────────┴──> method ──> done
//
// Identifiers: the first request's is random, each further request's is the
// previous one plus one; a response must carry the identifier of the request
// it answers, and EAP-Success/Failure carry that same identifier
// (RFC 3748 §4.2).
#include <memory>

#include "libike/eap/eap_server.hpp"
#include "libike/eap/eap_user_store.hpp"

namespace ike {

class local_backend final : public eap_backend {
  public:
    /// `users` must outlive the backend and its sessions.
    explicit local_backend(const eap_user_store& users) : users_(users) {}

    /// Errors: backend_unavailable if `params.random` is null, if no method
    /// in `params.methods` is implemented here, if MSCHAPv2 is chosen and
    /// OpenSSL's legacy provider cannot be loaded (the text says how to
    /// install it), or if EAP-TLS is chosen without tls_certificate, tls_key,
    /// tls_trust or `now` (the text names what is missing).
    std::expected<std::unique_ptr<eap_server>, eap_error> create_session(
        const eap_session_params& params) override;

  private:
    const eap_user_store& users_;
};

}  // namespace ike
