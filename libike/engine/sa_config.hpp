#pragma once
// What the engine needs to know about a connection: the daemon translates its
// YAML configuration (daemon/config) into these. Plain data, no behaviour.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libike/common/iana.hpp"
#include "libike/common/secret.hpp"
#include "libike/common/socket_address.hpp"
#include "libike/crypto/cert_validation.hpp"
#include "libike/crypto/certificate.hpp"
#include "libike/crypto/private_key.hpp"
#include "libike/proposal/proposal.hpp"
#include "libike/sa/identity.hpp"
#include "libike/sa/traffic_selector.hpp"

namespace ike {

using duration = std::chrono::milliseconds;
/// Wall-clock seconds, for certificate validity (cert_validation.hpp).
using wall_time = cert_time;

enum class ipsec_mode : std::uint8_t { tunnel, transport };
/// How one side proves itself in IKE_AUTH (swanctl's local/remote `auth`):
/// psk: pre-shared key (§2.15); pubkey: a certificate and a signature
/// (methods 1, 9-11, 14); eap: the client runs EAP, the gateway checks it
/// (§2.16): remote auth of a gateway (responder), local auth of a client
/// (initiator).
enum class auth_kind : std::uint8_t { psk, pubkey, eap };

/// Our certificate for pubkey authentication, loaded by the daemon from the
/// connection's local `cert` (a PEM file whose first certificate is ours,
/// the rest intermediates) and `key`. Shared by every IKE_SA of the
/// connection; never changed once built.
struct local_certificate {
    certificate cert;                        ///< end entity, the first CERT payload
    std::vector<certificate> intermediates;  ///< sent after it, in file order
    std::shared_ptr<const private_key> key;  ///< signs our AUTH; matches cert
};

/// The CAs (and CRLs) that may vouch for a peer's certificate: the daemon's
/// global `authorities`, or a connection's remote `cacerts` narrowing them.
struct trust_anchors {
    trust_store store;
    /// The same CA certificates, for CERTREQ (SHA-1 of each one's
    /// SubjectPublicKeyInfo, §3.7) and for log lines naming them.
    std::vector<certificate> cas;
};

/// When our CERT payloads go out (swanctl's send_cert): always: in every
/// IKE_AUTH we send with pubkey auth (iOS/macOS send no CERTREQ yet expect
/// the certificate); ifasked: only after the peer sent a CERTREQ; never.
enum class send_cert_policy : std::uint8_t { always, ifasked, never };

/// IKE fragmentation (RFC 7383) for a connection, as swanctl spells it:
/// yes: announce it, reassemble, and fragment large messages when the peer
/// announced it too; accept: announce and reassemble, but never fragment
/// what we send; no: neither (fragments are dropped).
enum class fragmentation_policy : std::uint8_t { yes, accept, no };

/// dpd_action: what follows when the peer is declared dead (no answer to a
/// request after every retransmission): clear: nothing; trap: trap policies
/// that re-initiate on traffic; restart: re-initiate at once.
enum class peer_dead_action : std::uint8_t { clear, trap, restart };

struct child_sa_config {
    std::string name;
    std::vector<ts_range> local_ts;   ///< empty: the local IKE address (charon's "dynamic")
    std::vector<ts_range> remote_ts;  ///< empty: the remote IKE address
    std::vector<proposal> esp_proposals;
    ipsec_mode mode = ipsec_mode::tunnel;
    duration rekey_time = std::chrono::hours(1);
    duration life_time = std::chrono::minutes(66);
    /// The rekey happens at rekey_time minus a random part of up to
    /// rand_time, so two peers with the same config don't rekey at once.
    duration rand_time = std::chrono::minutes(6);
    std::uint64_t rekey_bytes = 0, life_bytes = 0, rekey_packets = 0, life_packets = 0;
    /// The soft byte (packet) limit is rekey_bytes (rekey_packets) less a
    /// random part of up to rand_bytes (rand_packets), as with rand_time.
    std::uint64_t rand_bytes = 0, rand_packets = 0;
    std::uint32_t replay_window = 32;
    peer_dead_action dpd_action = peer_dead_action::clear;
};

/// remote_auth == eap (we are the gateway): how we run EAP with the client
/// (RFC 7296 §2.16; the methods run in the engine's eap_backend).
struct eap_responder_config {
    std::vector<eap_type> methods{eap_type::mschapv2};  ///< in our order of preference
    bool ask_identity =
        false;             ///< swanctl remote.eap_id = %any: send EAP-Identity even when IDi is set
    std::string identity;  ///< non-empty: the EAP identity the client must prove (else anyone in
                           ///< the backend)
};

struct ike_sa_config {
    std::string name;
    std::vector<ip_addr> local_addrs;   ///< empty: any
    std::vector<ip_addr> remote_addrs;  ///< empty: responder-only template
    std::uint16_t remote_port = 500;
    /// The port an initiated IKE_SA sends from (NAT detection hashes it, so
    /// it must be the port the daemon really sends from).
    std::uint16_t local_port = 500;
    std::vector<proposal> proposals;
    identity local_id;
    identity remote_id;  ///< %any accepts every peer that proves a configured PSK
    auth_kind local_auth = auth_kind::psk;
    auth_kind remote_auth = auth_kind::psk;
    /// local_auth == pubkey: our certificate and key (required then).
    std::shared_ptr<const local_certificate> local_cert;
    /// remote_auth == pubkey: whom we trust for the peer's certificate
    /// (required then); the peer's identity must be named by its
    /// certificate (SAN, or the subject DN for a DN identity).
    std::shared_ptr<const trust_anchors> trust;
    send_cert_policy send_cert = send_cert_policy::always;
    /// Send CERTREQ payloads naming our trusted CAs (IKE_SA_INIT response or
    /// IKE_AUTH request) when remote_auth is pubkey.
    bool send_certreq = true;
    /// The extended key usage the peer's certificate must carry: a road
    /// warrior checks its gateway for serverAuth, as Windows does.
    eku_requirement remote_eku = eku_requirement::none;
    /// With an RSA key and RFC 7427 signatures, sign with RSA-PSS rather than
    /// PKCS#1 v1.5 (swanctl's rsa/pss choice).
    bool rsa_pss = false;
    duration dpd_delay{0};  ///< 0: no liveness checks
    /// The IKE_SA is rekeyed (RFC 7296 §1.3.2) at rekey_time less a random
    /// part of up to rand_time; 0: never.
    duration rekey_time = std::chrono::hours(4);
    duration rand_time = std::chrono::minutes(24);
    /// Reauthentication (RFC 7296 §2.8.3), make-before-break: at
    /// reauth_time less a random part of up to rand_time, a fresh IKE_SA
    /// authenticates again and carries new CHILD_SAs for every child; then
    /// the old IKE_SA is deleted with its CHILD_SAs. 0: never.
    duration reauth_time{0};
    fragmentation_policy fragmentation = fragmentation_policy::yes;
    /// A peer's INITIAL_CONTACT (§2.4) replaces its other IKE_SAs of this
    /// connection; false with swanctl's unique = never (many clients behind
    /// one identity, load generators).
    bool honour_initial_contact = true;
    std::vector<child_sa_config> children;
    /// Responder: names of the pools (engine::set_pools) whose addresses
    /// are lent to a client that asks for a virtual IP in IKE_AUTH, tried in
    /// order; an IPv4 and an IPv6 pool can both answer one client
    /// (swanctl's `pools`).
    std::vector<std::string> pools;
    /// Initiator: the virtual IPs we ask the gateway for in IKE_AUTH, one
    /// per family; 0.0.0.0 / :: asks for any (swanctl's `vips`). Our dynamic
    /// local traffic selectors become the address we get.
    std::vector<ip_addr> vips;
    /// remote_auth == eap (we are the gateway): how we run EAP with the client.
    eap_responder_config remote_eap;
    /// local_auth == eap (we are the client): our EAP identity (empty: our
    /// IDi as text) and password.
    std::string local_eap_identity;
    std::shared_ptr<const secret> local_eap_password;
};

/// A pool of virtual IPs and the attributes that go with them (the daemon's
/// `pools:`; RFC 7296 §3.15.1, RFC 8598).
struct pool_config {
    std::string name;
    /// The addresses: `base`/`prefix_length` (the network address and the
    /// last address excluded, see libike/sa/address_pool.hpp), or with
    /// `range` every address from `base` to `last`.
    ip_addr base;
    unsigned prefix_length = 0;
    bool range = false;
    ip_addr last;
    /// DNS servers (INTERNAL_IP4_DNS / INTERNAL_IP6_DNS, both families may
    /// be mixed) and search domains (INTERNAL_DNS_DOMAIN, RFC 8598 §4).
    std::vector<ip_addr> dns;
    std::vector<std::string> dns_domains;
    friend bool operator==(const pool_config&, const pool_config&) = default;
};

/// Looks up the PSK for a pair of identities (the daemon's `secrets`).
/// Returns nullptr when none is configured.
class psk_store {
  public:
    virtual ~psk_store() = default;
    virtual const secret* find(const identity& local, const id_payload& remote) const = 0;
};

}  // namespace ike
