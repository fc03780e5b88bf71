#pragma once
// EAP-TLS, peer (client) side: answers EAP-Identity, runs the TLS handshake
// the server's Start opens, with fragmentation both ways, sends our client
// certificate, and checks the server's against our trust store. It trusts
// an EAP-Success only once the server has accepted us: under TLS 1.2 its
// Finished says so, under TLS 1.3 the 0x00 success indication (RFC 9190
// §2.5). The tests drive the server with it; ikev2d as a road-warrior
// client can too.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libike/crypto/certificate.hpp"
#include "libike/eap/eap_peer.hpp"
#include "libike/eap/eap_tls_fragments.hpp"
#include "libike/eap/tls_channel.hpp"

namespace ike {

struct eap_tls_peer_config {
    std::string identity;  ///< our EAP identity; the certificate must name it
    /// Our certificate, intermediates (issuer first) and key; the pointers
    /// must outlive the peer. Without them we send no certificate (and the
    /// server refuses us).
    const certificate* cert = nullptr;
    std::vector<certificate> chain = {};
    const private_key* key = nullptr;
    /// What the server's certificate must chain to. Required.
    const trust_store* trust = nullptr;
    cert_time now = {};
    /// When not empty, the server's certificate must name this identity
    /// (strongSwan's syntax, e.g. "vpn.example.com").
    std::string server_identity = {};
    tls_version min_version = tls_version::tls1_2;
    tls_version max_version = tls_version::tls1_3;
    std::size_t fragment_size = 1000;
    tls13_msk tls13_key_derivation = tls13_msk::rfc9190;
};

class eap_tls_peer {
  public:
    explicit eap_tls_peer(eap_tls_peer_config config);

    /// The server's next packet (an EAP payload body). Errors come back as
    /// peer_failure: malformed packets, a server certificate that does not
    /// validate (certificate_rejected; our alert was sent first), an
    /// EAP-Success before the server accepted us (server_not_verified), an
    /// EAP-Failure (rejected_by_server, or the TLS reason we saw).
    peer_step process(bytes_view packet);

    /// The negotiated version, once the handshake finished.
    std::optional<tls_version> version() const { return tls_ ? tls_->version() : std::nullopt; }

  private:
    peer_step on_tls(std::uint8_t identifier, bytes_view type_data);
    peer_step on_flight(std::uint8_t identifier, bytes flight);
    peer_step send(std::uint8_t identifier, bytes flight);
    peer_step fail(eap_error why);

    eap_tls_peer_config config_;
    std::unique_ptr<tls_channel> tls_;
    eap_tls::reassembler incoming_;
    eap_tls::fragmenter outgoing_;
    bool accepted_ = false;
    secret msk_;
    std::optional<eap_error> last_error_;
};

}  // namespace ike
