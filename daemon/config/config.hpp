#pragma once
// The daemon's configuration as validated structs. The YAML vocabulary is
// swanctl.conf's (connections.<conn>.children.<child>...); defaults follow
// charon's and are written next to each field. config_loader.hpp fills these
// in; nothing here touches files.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "daemon/config/address.hpp"
#include "daemon/config/config_error.hpp"
#include "daemon/config/identity.hpp"
#include "daemon/config/mark.hpp"
#include "daemon/config/traffic_selector.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/cert_validation.hpp"
#include "libike/crypto/certificate.hpp"
#include "libike/crypto/private_key.hpp"
#include "libike/proposal/proposal.hpp"

namespace ikev2d::config {

using std::chrono::seconds;

// ---- daemon ---------------------------------------------------------------

enum class log_level : std::uint8_t { silent, error, warning, info, debug, trace };

/// daemon.log: `default` plus per-subsystem levels, with charon's subsystem
/// names (dmn, mgr, ike, chd, job, cfg, knl, net, asn, enc, lib, esp, tls).
struct log_config {
    log_level default_level = log_level::info;
    std::map<std::string, log_level> subsystems;  ///< only those configured
};

struct daemon_config {
    std::vector<ip_address> listen;  ///< default: 0.0.0.0 and ::
    std::uint16_t ike_port = 500;    ///< daemon.ports.ike
    std::uint16_t natt_port = 4500;  ///< daemon.ports.natt
    std::filesystem::path control_socket = "/run/ikev2d/ikev2d.sock";
    log_config log;
    /// daemon.reqid_range: the reqids ikev2d allocates and owns (its kernel
    /// state; at start it removes stale SAs and policies in this range). The
    /// default ("KE" in the high half) stays clear of strongSwan's and
    /// libreswan's, which count up from small numbers. 1 <= min <= max.
    std::uint32_t reqid_min = 0x4b450001;
    std::uint32_t reqid_max = 0x4b45ffff;
    /// daemon.nat_keepalive: interval of the NAT keepalives sent to peers while
    /// we are behind a NAT (RFC 3948 §2.3; charon.keep_alive). 0 = none.
    seconds nat_keepalive{20};
    /// daemon.fragment_size: the largest IP packet an IKE message may fill
    /// before it goes out in RFC 7383 fragments (charon.fragment_size), when
    /// the connection and the peer allow fragmentation. 256..65535.
    std::uint32_t fragment_size = 1280;
    /// daemon.retransmit_timeout, retransmit_base, retransmit_tries (charon's
    /// settings of the same names): the n-th retransmission of a request goes
    /// out timeout * base^(n-1) after the previous send; one more such wait
    /// after the last, the exchange gives up, and on an established IKE_SA the
    /// peer is declared dead (dpd_action). 4 s, 1.8, 5 tries: ~165 s.
    std::chrono::milliseconds retransmit_timeout{4000};  ///< 0.1 s .. 1 h
    double retransmit_base = 1.8;                        ///< 1 .. 10
    std::uint32_t retransmit_tries = 5;                  ///< 0 .. 100
    /// daemon.crypto_threads: the worker threads that compute a responder's
    /// IKE_SA_INIT key exchange off the event loop (issue 7); 0 = on the
    /// loop, no workers. Unset: one per online CPU but one, at least 1
    /// (daemon/crypto_pool.hpp, default_crypto_threads). 0 .. 256.
    std::optional<std::uint32_t> crypto_threads;
    /// daemon.vip_interface: the interface a virtual IP from a gateway goes
    /// on; empty (the default, as charon): the interface of the route to
    /// that gateway.
    std::string vip_interface;
    /// daemon.routing_table, routing_table_prio (charon's names): the table
    /// of the routes that send our traffic to a gateway's networks from the
    /// virtual IP it gave us, and the priority of the rule that consults it
    /// before the main table. 0 = no routes (the operator routes).
    std::uint32_t routing_table = 220;       ///< 0, or 1 .. 252, 256 .. 2^31-1
    std::uint32_t routing_table_prio = 220;  ///< 1 .. 32765 (before the main table's rule)
};

// ---- secrets ----------------------------------------------------------------

/// One entry of `secrets`: a PSK and the identities it belongs to. The key
/// given by `psk` (text, 0x hex, 0s base64) or read from `psk_file`.
struct shared_secret {
    std::vector<identity> ids;  ///< empty: applies to every identity
    ike::secret psk;
    std::string origin;        ///< "file:line" of the entry, for logs (never the key)
    std::size_t position = 0;  ///< index among all `secrets` entries
};

/// An entry of `secrets` with `eap` (or `eap_file`) instead of `psk`: the
/// password of EAP users (EAP-MSCHAPv2), as swanctl's eap secrets. The
/// gateway checks road warriors against these; as a client, the daemon
/// answers with the one for its own EAP identity.
struct eap_secret {
    /// The EAP identities (user names), exactly as the peer sends them;
    /// never empty.
    std::vector<std::string> ids;
    ike::secret password;      ///< the same forms as psk: text, 0x hex, 0s base64
    std::string origin;        ///< "file:line", for logs (never the password)
    std::size_t position = 0;  ///< index among all `secrets` entries
};

// ---- authorities ------------------------------------------------------------

/// One entry of `authorities`: CA certificates we trust for peers'
/// certificates, with the CRLs to check them against.
struct authority_config {
    std::string name;
    std::vector<ike::certificate> cacerts;   ///< from `cacert` (a PEM file, maybe several)
    std::vector<ike::revocation_list> crls;  ///< from `crls` (files, PEM or DER)
};

// ---- connections ----------------------------------------------------------

/// local.auth / remote.auth. EAP-MSCHAPv2 is for the gateway's remote side
/// (and a client's local side); eap-tls is recognised so the loader can say
/// "not supported yet".
enum class auth_class : std::uint8_t { psk, pubkey, eap_mschapv2, eap_tls };

inline bool is_eap(auth_class a) {
    return a == auth_class::eap_mschapv2 || a == auth_class::eap_tls;
}

struct auth_config {
    auth_class auth = auth_class::pubkey;  ///< charon's default
    /// Default for local: with pubkey the subject DN of our certificate;
    /// otherwise the first IP literal in local_addrs, else %any (the daemon
    /// then uses the IKE address). Default for remote: %any.
    identity id = identity::make_any();
    bool id_configured = false;  ///< false when `id` is the default above
    /// `eap_id` (EAP auth only). remote: the EAP identity the client must
    /// prove; "%any" makes the gateway ask for it with EAP-Identity; empty:
    /// the client's IKE identity (IDi) is used. local: our EAP user name;
    /// empty: our IKE identity.
    std::string eap_id;
    /// local, EAP auth: our EAP user name (eap_id, else the IKE identity).
    const std::string& eap_user() const { return eap_id.empty() ? id.text : eap_id; }
    // local, auth: pubkey
    /// `certs`: PEM files; the first certificate is ours, every further one
    /// an intermediate sent after it.
    std::vector<ike::certificate> certs;
    std::shared_ptr<const ike::private_key> key;  ///< `key`: PEM file
    bool rsa_pss = false;  ///< `rsa_pss`: sign RFC 7427 RSA signatures with PSS
    // remote, auth: pubkey
    /// `cacerts`: names of `authorities` the peer's certificate must chain
    /// to; empty: any of them.
    std::vector<std::string> cacerts;
    /// `require_eku`: serverAuth / clientAuth the peer's certificate must
    /// carry (a certificate without the extension is not restricted).
    ike::eku_requirement eku = ike::eku_requirement::none;
    /// `revocation: strict` rejects a certificate whose CA has no CRL loaded
    /// (swanctl's revocation; relaxed and ifuri check the CRLs there are).
    bool strict_revocation = false;
};

/// send_cert, as swanctl spells it (but defaulting to always: iOS and macOS
/// send no CERTREQ and still need our certificate).
enum class send_cert_mode : std::uint8_t { always, ifasked, never };

enum class fragmentation_mode : std::uint8_t { yes, no, accept, force };
enum class unique_policy : std::uint8_t { no, never, keep, replace };
enum class ipsec_mode : std::uint8_t { tunnel, transport };
enum class child_action : std::uint8_t { none, trap, start };  ///< start_action, close_action
enum class peer_dead_action : std::uint8_t { clear, trap, restart };  ///< dpd_action

struct child_config {
    std::string name;
    std::vector<traffic_selector> local_ts;    ///< default: [dynamic]
    std::vector<traffic_selector> remote_ts;   ///< default: [dynamic]
    std::vector<ike::proposal> esp_proposals;  ///< default: the `default` set
    ipsec_mode mode = ipsec_mode::tunnel;
    seconds rekey_time{3600};         ///< 1h; 0 disables time-based rekeying
    seconds life_time{3960};          ///< default rekey_time + 10%
    seconds rand_time{360};           ///< default life_time - rekey_time
    std::uint64_t rekey_bytes = 0;    ///< 0 = off
    std::uint64_t life_bytes = 0;     ///< default rekey_bytes + 10%
    std::uint64_t rand_bytes = 0;     ///< default life_bytes - rekey_bytes
    std::uint64_t rekey_packets = 0;  ///< 0 = off
    std::uint64_t life_packets = 0;   ///< default rekey_packets + 10%
    std::uint64_t rand_packets = 0;   ///< default life_packets - rekey_packets
    child_action start_action = child_action::none;
    child_action close_action = child_action::none;
    peer_dead_action dpd_action = peer_dead_action::clear;
    bool ipcomp = false;  ///< only `no` is supported
    std::uint32_t replay_window = 32;
    mark mark_in;
    mark mark_out;
    interface_id if_id_in;
    interface_id if_id_out;
    bool hw_offload = false;  ///< only `no` is supported
};

struct connection_config {
    std::string name;
    int version = 2;                         ///< only IKEv2; 0 ("any") is accepted and means 2
    std::vector<peer_address> local_addrs;   ///< default: [%any]
    std::vector<peer_address> remote_addrs;  ///< default: [%any]
    /// True when remote_addrs has no IP literal or DNS name to initiate to
    /// (only %any or prefixes): the connection only answers.
    bool responder_only = true;
    std::uint16_t local_port = 500;
    std::uint16_t remote_port = 500;
    std::vector<ike::proposal> proposals;  ///< default: the `default` set
    auth_config local;
    auth_config remote;
    seconds dpd_delay{0};           ///< 0 = no liveness checks
    seconds dpd_timeout{0};         ///< IKEv1 only in charon; accepted, with a warning
    seconds rekey_time{14400};      ///< 4h; 0 = no IKE rekeying
    seconds reauth_time{0};         ///< 0 = no reauthentication
    seconds over_time{1440};        ///< default 10% of max(rekey_time, reauth_time)
    seconds rand_time{1440};        ///< default over_time
    std::uint32_t keyingtries = 1;  ///< 0 = forever
    fragmentation_mode fragmentation = fragmentation_mode::yes;
    unique_policy unique = unique_policy::no;
    bool mobike = true;
    bool encap = false;  ///< force UDP encapsulation
    send_cert_mode send_cert = send_cert_mode::always;
    bool send_certreq = true;            ///< name our CAs in CERTREQ when remote auth is pubkey
    std::vector<child_config> children;  ///< in file order
    /// Responder: `pools` to lend virtual IPs from, tried in order
    /// (pool_loader.hpp); every name must be a configured pool.
    std::vector<std::string> pools;
    /// Initiator: `vips` to ask for, one per family; 0.0.0.0 / :: for any.
    std::vector<ip_address> vips;
};

// ---- pools --------------------------------------------------------------------

/// One entry of `pools` (swanctl's pools section): the virtual IPs a gateway
/// lends its road warriors, and the attributes sent with them.
struct pool_definition {
    std::string name;
    /// `addrs`: base/prefix_length ("10.3.0.0/24"; the network and last
    /// address are not lent) or, with `range`, base to last
    /// ("10.3.0.10-10.3.0.50").
    ip_address base;
    std::uint8_t prefix_length = 0;
    bool range = false;
    ip_address last;
    std::vector<ip_address> dns;           ///< `dns`: INTERNAL_IP4/IP6_DNS
    std::vector<std::string> dns_domains;  ///< `dns_domains`: INTERNAL_DNS_DOMAIN (RFC 8598)
};

/// What a connection's translation reads besides the connection itself.
struct credentials {
    std::span<const authority_config> authorities;
    std::span<const eap_secret> eap_secrets;
};

/// A loaded configuration. `warnings` are problems that did not stop the
/// load (weak keys, masked host bits, ...): log them at start-up.
struct config {
    daemon_config daemon;
    std::vector<shared_secret> secrets;          ///< in file order
    std::vector<eap_secret> eap_secrets;         ///< in file order
    std::vector<authority_config> authorities;   ///< in file order
    std::vector<connection_config> connections;  ///< in file order
    std::vector<pool_definition> pools;          ///< in file order
    config_errors warnings;
    std::filesystem::path source;  ///< the file loaded, or the display name
};

inline credentials credentials_of(const config& cfg) {
    return {cfg.authorities, cfg.eap_secrets};
}

}  // namespace ikev2d::config
