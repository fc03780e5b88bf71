#pragma once
// The sans-I/O IKEv2 engine: bytes, time and kernel results in; datagrams,
// kernel requests and deadlines out (modelled on ngtcp2's read_pkt /
// write_pkt / get_expiry). One engine owns a set of IKE_SAs and must only be
// used from one thread. Randomness is injected; time is passed to every call.
//
//   daemon                      engine
//   ------                      ------
//   datagram arrives  ------->  receive(now, local, remote, bytes)
//   timer fires       ------->  on_timer(now)
//   operator/trap     ------->  initiate(now, connection)
//   kernel answered   ------->  on_kernel_result(now, child, ok, error)
//   kernel EXPIRE     ------->  on_child_expire(now, child, hard)
//   usage counters    ------->  on_child_usage(now, sa, usage)   (answers query_child_usage)
//   crypto job ran    ------->  crypto_done(now, job)            (answers crypto_job)
//                     <-------  poll_output(): send_datagram / install_child_sa / ...
//                     <-------  next_deadline(): arm one timer for it
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libike/common/socket_address.hpp"
#include "libike/crypto/random_source.hpp"
#include "libike/engine/outputs.hpp"
#include "libike/engine/pool_set.hpp"
#include "libike/engine/sa_config.hpp"

namespace ike {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

class eap_backend;

struct engine_settings {
    /// Retransmission as charon does it: the n-th retransmission (n = 1..tries)
    /// goes out timeout * base^(n-1) after the previous send, and the exchange
    /// gives up one further wait after the last (4 s, 1.8, 5 tries: ~165 s).
    duration retransmit_timeout = std::chrono::seconds(4);
    double retransmit_base = 1.8;
    unsigned retransmit_tries = 5;
    /// Half-open IKE_SAs above which the responder demands a COOKIE (§2.6).
    unsigned cookie_threshold = 1000;
    /// Half-open IKE_SAs are dropped after this long.
    duration half_open_timeout = std::chrono::seconds(30);
    std::uint16_t natt_port = 4500;
    /// Largest IP packet an IKE message may fill before it is sent in RFC 7383
    /// fragments (charon's fragment_size; 1280 fits every IPv6 path).
    std::size_t fragment_size = 1280;
    /// The wall clock, for certificate validity only (the steady `now` of
    /// each call drives everything else). The daemon passes the system
    /// clock; tests pass a fixed time. Empty: every peer certificate is
    /// refused ("no wall clock").
    std::function<wall_time()> wall_clock;
    /// Announce SIGNATURE_HASH_ALGORITHMS in IKE_SA_INIT (RFC 7427 §4), so
    /// that peers sign with method 14 (charon's signature_authentication).
    /// Off: peers must use the legacy methods 1 and 9-11 with us, and we
    /// accept no method 14 signature (the RFC forbids it then).
    bool announce_signature_hashes = true;
    /// Responder: the key exchange of IKE_SA_INIT (our key pair and g^ir,
    /// most of a responder's CPU per IKE_SA) leaves the engine as a
    /// crypto_job output for other threads, and the response goes out when
    /// crypto_done brings it back. Off: computed inline, as the initiator
    /// side, rekeys and signatures always are.
    bool offload_key_exchange = false;
    /// Runs EAP with clients of connections whose remote auth is eap
    /// (RFC 7296 §2.16). Null: such clients are refused with
    /// AUTHENTICATION_FAILED and a log line saying no backend is configured.
    std::shared_ptr<ike::eap_backend> eap_backend;  // qualified: the member has its name
    /// X25519 key pairs are made this many at a time, sharing one modular
    /// inverse (ke_key_pool.hpp); 1 makes each when it is needed.
    std::size_t x25519_batch = 16;
    /// Peer certificates kept parsed, and chain validations kept while they
    /// hold (cert_cache.hpp); 0 parses and validates every time.
    std::size_t cert_cache_size = 512;
};

struct child_sa_info {
    child_sa_id id = 0;
    std::string name;
    std::uint32_t spi_in = 0, spi_out = 0;
    std::string esp_proposal;  ///< negotiated, in keyword form ("aes256gcm16-esn")
    ipsec_mode mode = ipsec_mode::tunnel;
    bool udp_encap = false;
    std::vector<ts_range> local_ts, remote_ts;
    time_point established{};
    /// When the CHILD_SA will be rekeyed (the kernel's soft time limit, with
    /// jitter) and when it expires (hard limit); unset when there is none.
    std::optional<time_point> rekey_at, expire_at;
    std::string state;  ///< "installing", "installed", "rekeying", "rekeyed", "deleting"
};

struct ike_sa_info {
    ike_sa_id id = 0;
    std::string connection;
    std::string state;  ///< "connecting", "established", "rekeyed", "deleting"
    bool initiator = false;
    std::uint64_t spi_i = 0, spi_r = 0;
    socket_address local, remote;
    std::string local_id, remote_id;
    /// The EAP identity the peer proved (we are its EAP gateway); empty
    /// when it did not authenticate with EAP.
    std::string remote_eap_identity;
    std::string ike_proposal;  ///< negotiated, in keyword form
    bool nat_local = false, nat_remote = false;
    time_point established{};
    /// When the IKE_SA will be rekeyed (rekey_time with jitter, or the retry
    /// of a refused rekey); unset when it will not.
    std::optional<time_point> rekey_at;
    /// When a fresh IKE_SA will reauthenticate it (reauth_time with jitter);
    /// unset when it will not.
    std::optional<time_point> reauth_at;
    /// Virtual IPs (RFC 7296 §2.19): as responder those lent to the peer,
    /// as initiator those the gateway gave us; with the DNS servers and
    /// search domains it sent (initiator only).
    std::vector<ip_addr> virtual_ips;
    std::vector<ip_addr> dns;
    std::vector<std::string> dns_domains;
    std::vector<child_sa_info> children;
};

/// The kernel's inbound counters of one CHILD_SA (query_child_usage).
struct inbound_usage {
    child_sa_id child = 0;
    std::uint64_t bytes = 0;
    /// When the kernel last counted a packet on the inbound SA, on the
    /// engine's clock (the kernel keeps whole seconds: up to 1 s early);
    /// unset when unknown.
    std::optional<time_point> last_used;
};

/// Where one NAT keepalive goes (RFC 3948 §2.3): from our address and port
/// of an IKE_SA to its peer's.
struct nat_keepalive_target {
    socket_address local, remote;
};

/// Why a call was refused (operator input, not the network).
struct engine_error {
    std::string message;
};

class engine {
  public:
    engine(engine_settings settings, random_source& rng, const psk_store& psks);
    ~engine();
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;

    /// Replaces the connection set. Existing IKE_SAs keep the config they were
    /// created with (shared_ptr); new ones use the new set.
    void set_connections(std::vector<std::shared_ptr<const ike_sa_config>> connections);

    /// Replaces the virtual IP pools that connections name in `pools`. A
    /// pool whose name and addresses are unchanged keeps its leases; the
    /// IKE_SAs holding leases of a removed or changed pool keep them until
    /// they go. Errors (nothing changes then): a pool with invalid
    /// addresses or a name used twice, in words naming the pool.
    std::expected<void, engine_error> set_pools(std::vector<pool_config> pools);
    /// Each pool's size and its online and offline leases (ikev2ctl list-pools).
    std::vector<pool_info> list_pools() const;

    /// A datagram arrived on `local` from `remote` (the non-ESP marker already
    /// stripped). Malformed or unauthenticated input is dropped and counted,
    /// never thrown.
    void receive(time_point now, const socket_address& local, const socket_address& remote,
                 bytes_view datagram);

    /// Deadlines (retransmissions, liveness checks, half-open expiry, IKE_SA
    /// rekeys) due at or before `now` are handled.
    void on_timer(time_point now);

    /// Brings up `child` of `connection` (every child when empty): on the
    /// connection's IKE_SA by CREATE_CHILD_SA when one is up or coming up;
    /// otherwise on a new IKE_SA to its first remote address, the first child
    /// in IKE_AUTH and the others by CREATE_CHILD_SA. Returns the IKE_SA.
    /// Errors: unknown connection or child, no remote address, already up.
    std::expected<ike_sa_id, engine_error> initiate(time_point now, std::string_view connection,
                                                    std::string_view child = {});

    /// Deletes an IKE_SA with its CHILD_SAs (INFORMATIONAL Delete to the peer).
    std::expected<void, engine_error> terminate(time_point now, ike_sa_id sa);

    /// Deletes one CHILD_SA (INFORMATIONAL Delete); its IKE_SA stays.
    /// Returns the IKE_SA it belonged to.
    std::expected<ike_sa_id, engine_error> terminate_child(time_point now, child_sa_id child);

    /// The daemon reports whether an install_child_sa succeeded (child_up
    /// follows success); on failure
    /// the engine deletes the CHILD_SA with the peer and reports it.
    void on_kernel_result(time_point now, ike_sa_id sa, child_sa_id child, bool ok,
                          std::string_view error);

    /// The kernel's EXPIRE for an SA of CHILD_SA `child` (either direction):
    /// soft starts a rekey (RFC 7296 §1.3.3) unless one runs already; hard
    /// means the SA is gone from the kernel: the CHILD_SA is deleted with the
    /// peer. Unknown children are ignored (e.g. one removed meanwhile).
    void on_child_expire(time_point now, child_sa_id child, bool hard);

    /// The answer to query_child_usage for IKE_SA `sa`: when a counter grew
    /// since the last answer, ESP from the peer proves it alive and the next
    /// look comes dpd_delay from now; otherwise a liveness check goes out.
    /// An answer for an IKE_SA that is gone or did not ask is ignored.
    void on_child_usage(time_point now, ike_sa_id sa, std::span<const inbound_usage> usage);

    /// The EAP backend has the answer for `ticket` (an eap_pending_step it
    /// returned, e.g. a RADIUS server replied): the IKE_SA waiting for it
    /// goes on with its IKE_AUTH exchange. Until then that IKE_AUTH request
    /// is unanswered and its retransmissions are dropped. A ticket no
    /// IKE_SA waits for (it timed out meanwhile) is ignored.
    void eap_ready(time_point now, std::uint64_t ticket);

    /// A crypto_job output after job.run(): the IKE_SA that waits for it
    /// answers its IKE_SA_INIT now (or fails it, when the peer's KE data was
    /// unusable). Until then that IKE_SA counts as half open and a
    /// retransmitted IKE_SA_INIT is dropped. A job whose IKE_SA is gone
    /// (half-open timeout, deleted) or does not wait for it is dropped, its
    /// secrets wiped.
    void crypto_done(time_point now, crypto_job job);

    /// Next output to carry out, or nullopt when there is none.
    std::optional<output> poll_output();

    /// When on_timer must next be called; nullopt when nothing is pending.
    std::optional<time_point> next_deadline() const;

    /// A snapshot of every IKE_SA and its CHILD_SAs, for ikev2ctl list-sas.
    std::vector<ike_sa_info> list_sas() const;
    /// The same for one IKE_SA, found in O(1); nullopt when there is none.
    std::optional<ike_sa_info> find_sa(ike_sa_id id) const;

    /// The established IKE_SAs behind whose NAT we are (we detected a NAT in
    /// front of us): the daemon sends each peer a keepalive every interval.
    /// Kept as an index, so the cost is proportional to these IKE_SAs, not
    /// to all of them.
    std::vector<nat_keepalive_target> nat_keepalive_targets() const;

    /// Counters for ikev2ctl status and tests.
    struct stats {
        std::uint64_t dropped_malformed = 0, dropped_unknown_spi = 0, dropped_integrity = 0;
        std::uint64_t retransmits = 0, ike_sas = 0, half_open = 0;
        /// RFC 7383: fragments sent and received (authenticated), messages
        /// reassembled from them.
        std::uint64_t fragments_sent = 0, fragments_received = 0, reassembled = 0;
        /// IKE_SAs on_timer has looked at: only those whose deadline had
        /// come, never a walk over all (tests check the count, not the time).
        std::uint64_t timer_visits = 0;
        /// Liveness (RFC 7296 §2.4): usage queries asked, liveness checks
        /// sent, peers declared dead (an exchange gave up).
        std::uint64_t usage_queries = 0, liveness_checks = 0, dead_peers = 0;
    };
    const stats& counters() const;

    class impl;

  private:
    std::unique_ptr<impl> impl_;
};

}  // namespace ike
