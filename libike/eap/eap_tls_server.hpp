#pragma once
// EAP-TLS (RFC 5216; TLS 1.3 per RFC 9190), authenticator side: a TLS
// handshake carried in EAP rounds that authenticates the peer by its client
// certificate.
//
//   initiate ──Start──> handshake ──(client flight, maybe in fragments, each ACKed)──┐
//                          ▲  │                                                     │
//                          │  └──(our flight, fragment by fragment; peer ACKs)──────┘
//                          │
//   handshake done: TLS 1.2 — our last flight is ChangeCipherSpec+Finished;
//                   TLS 1.3 — our last flight is the 0x00 success indication
//                   (RFC 9190 §2.5); the peer's ACK to it ──> success (MSK)
//   TLS error: our alert goes out as a request marked `failing`, and whatever
//   the peer answers ends in failure with the reason.
//
// The client certificate must chain to the trust store at `now`, carry
// clientAuth if it has an EKU at all, and name the EAP identity (a
// subjectAltName or its subject DN, the identity read in strongSwan's syntax
// as for IKE identities); the success step's identity is that EAP identity.
#include <memory>
#include <optional>
#include <string>

#include "libike/eap/eap_method.hpp"
#include "libike/eap/eap_server.hpp"
#include "libike/eap/eap_tls_fragments.hpp"
#include "libike/eap/tls_channel.hpp"

namespace ike {

class eap_tls_server final : public eap_method_server {
  public:
    /// Keeps what it needs of `params` (the pointed-to certificate, key and
    /// trust store must outlive the method).
    explicit eap_tls_server(const eap_session_params& params);

    eap_type type() const override { return eap_type::tls; }
    method_step initiate(std::string_view identity) override;
    method_step process(bytes_view type_data) override;

  private:
    enum class state { idle, handshake, alert_sent, done };

    method_step on_flight(bytes flight);
    method_step send_output();
    method_step finish();
    method_step fail(eap_error why);
    std::expected<void, cert_error> check_client(const certificate& cert) const;

    const certificate* cert_;
    std::vector<certificate> chain_;
    const private_key* key_;
    const trust_store* trust_;
    cert_time now_;
    tls_version min_version_;
    tls_version max_version_;
    tls13_msk tls13_msk_;
    state state_ = state::idle;
    std::string identity_;
    std::unique_ptr<tls_channel> tls_;
    eap_tls::reassembler incoming_;
    eap_tls::fragmenter outgoing_;
    std::optional<eap_error> final_error_;
    bool finished_sent_ = false;
    unsigned max_rounds_;
    unsigned rounds_ = 0;
};

}  // namespace ike
