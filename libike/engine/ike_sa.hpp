#pragma once
// One IKE_SA and its CHILD_SAs, as the engine keeps them.
//
// IKE_SA lifecycle (transition() enforces it; anything else is an error):
//
//   connecting --authenticated--> established --delete_started--> deleting
//                                     |                              ^
//                                  rekeyed                    delete_started
//                                     v                              |
//                                  rekeyed --------------------------+
//
//   deleted: deleting or rekeyed --> gone;  failed: any state but gone --> gone
//
// rekeyed (RFC 7296 §1.3.2, tasks/ike_rekey): its CHILD_SAs have moved to the
// new IKE_SA (`rekeyed_to`); it only waits for the Delete that ends it, sent
// by the initiator of the rekey.
//
// CHILD_SA lifecycle: installing --kernel confirmed--> installed
//                    --delete_started--> deleting --> (erased).
#include <chrono>
#include <cstdint>
#include <deque>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "libike/codec/id_payload.hpp"
#include "libike/codec/message.hpp"
#include "libike/crypto/cert_cache.hpp"
#include "libike/crypto/ke_key_pool.hpp"
#include "libike/crypto/prf.hpp"
#include "libike/crypto/random_source.hpp"
#include "libike/crypto/sk_cipher.hpp"
#include "libike/engine/engine.hpp"
#include "libike/engine/fragment_reassembly.hpp"
#include "libike/engine/liveness.hpp"
#include "libike/engine/outputs.hpp"
#include "libike/engine/pool_set.hpp"
#include "libike/engine/sa_config.hpp"
#include "libike/engine/task_manager.hpp"
#include "libike/proposal/proposal.hpp"

namespace ike {

class ike_sa;

/// The engine's table of IKE_SAs, for the task that makes a new IKE_SA out
/// of an old one (IKE rekey, tasks/ike_rekey). The engine files an IKE_SA
/// created here in its indexes after the current call.
class ike_sa_registry {
  public:
    virtual ~ike_sa_registry() = default;
    /// A random IKE SPI that none of our IKE_SAs uses.
    virtual std::uint64_t new_spi() = 0;
    /// A new IKE_SA of `config` with our SPI `spi`; nullptr when an IKE_SA
    /// took that SPI meanwhile (the caller gives up that rekey).
    virtual ike_sa* create(bool initiator, std::shared_ptr<const ike_sa_config> config,
                           std::uint64_t spi, time_point now) = 0;
    virtual ike_sa* find(ike_sa_id id) = 0;
    /// The other live IKE_SAs of `sa`'s connection and authenticated peer
    /// identity (sa.peer_id must be set).
    virtual std::vector<ike_sa*> same_peer(const ike_sa& sa) = 0;
};

/// Which IKE_SA holds each CHILD_SA, for finding a CHILD_SA by its number
/// without a walk over every IKE_SA (ike_sa::add_child and erase_child keep
/// it current).
using child_directory = std::unordered_map<child_sa_id, ike_sa*>;

/// Which IKE_SA waits for each pending EAP backend answer (eap_pending_step's
/// ticket), for engine::eap_ready.
using eap_ticket_directory = std::unordered_map<std::uint64_t, ike_sa_id>;

/// What every task and the task manager may use: the injected services of the
/// engine and the current time. Built per engine call.
struct engine_context {
    time_point now;
    random_source& rng;
    const psk_store& psks;
    const engine_settings& settings;
    std::deque<output>& out;
    engine::stats& stats;
    child_sa_id& next_child_id;
    child_directory& child_owners;
    /// The configured connections, for a responder that learns in IKE_AUTH
    /// which of them the peer's identity belongs to.
    const std::vector<std::shared_ptr<const ike_sa_config>>& connections;
    ike_sa_registry& registry;
    /// The virtual IP pools (engine::set_pools), for tasks/ike_config.
    const pool_set& pools;
    /// Pending EAP backend answers (tasks/eap_auth registers them).
    eap_ticket_directory& eap_tickets;
    /// Our ephemeral key pairs (X25519 made ahead in batches).
    ke_key_pool& keys;
    /// Peer certificates parsed and validated before.
    cert_cache& certs;
};

/// A virtual IP we lent the peer from one of our pools; given back with
/// ike_sa::release_leases when the IKE_SA goes.
struct vip_lease {
    std::string pool;
    std::shared_ptr<address_pool> from;
    ip_addr address;
};

enum class ike_sa_state : std::uint8_t { connecting, established, rekeyed, deleting, gone };
enum class ike_sa_event : std::uint8_t { authenticated, rekeyed, delete_started, deleted, failed };
std::string_view to_string(ike_sa_state s);

/// `rekeying`: we started a rekey of it (it still carries the traffic).
enum class child_sa_state : std::uint8_t { installing, installed, rekeying, deleting };

struct child_sa {
    child_sa_id id = 0;
    std::string name;  ///< connection/child
    child_sa_state state = child_sa_state::installing;
    std::uint32_t spi_in = 0, spi_out = 0;
    proposal negotiated;
    ipsec_mode mode = ipsec_mode::tunnel;
    std::vector<ts_range> local_ts, remote_ts;
    time_point established{};
    std::optional<time_point> rekey_at, expire_at;  ///< the kernel's soft and hard time limits
    /// Rekeyed (§1.3.3): the CHILD_SA that replaces this one; it stays until
    /// the Delete of the rekey's initiator removes it.
    child_sa_id rekeyed_by = 0;
    /// Rekey responder: our outbound SA waits until the old one is deleted
    /// (make-before-break, see install_child_sa::outbound_later).
    bool outbound_pending = false;
    /// Made by a rekey: the lower nonce of that CREATE_CHILD_SA exchange,
    /// which decides a rekey collision (§2.8.1).
    bytes rekey_nonce;
    /// Reauthentication responder: the CHILD_SA (on the peer's new IKE_SA)
    /// that duplicates this one and holds its outbound SA back until this
    /// one is removed (hand_over), so that we never send on an SA the peer
    /// cannot have installed yet.
    child_sa_id handover_to = 0;
    /// Its rekey was refused for a while (TEMPORARY_FAILURE): tried again at
    /// the IKE_SA's child_retry_at.
    bool retry_rekey = false;
    /// Made by the losing exchange of a rekey collision (§2.8.1): its removal
    /// is no sign that the peer switched to the surviving CHILD_SA (only the
    /// Delete of the old one is), so it moves no outbound SA.
    bool redundant = false;
};

/// "installing", "installed", "rekeying", "rekeyed", "deleting".
std::string_view to_string(const child_sa& c);

/// The IKE SA's keys once IKE_SA_INIT is done (§2.14).
struct ike_keymat {
    proposal negotiated;
    std::optional<prf> sk_d;  ///< keyed with SK_d, for CHILD_SA KEYMAT (§2.17)
    std::unique_ptr<sk_cipher> out, in;
    secret sk_pi, sk_pr;
    prf_id prf_alg{};
};

class ike_sa {
  public:
    ike_sa(ike_sa_id id, bool initiator, std::shared_ptr<const ike_sa_config> config);

    // --- identity and addressing
    ike_sa_id id;
    bool initiator;  ///< original initiator of the IKE_SA
    std::shared_ptr<const ike_sa_config> config;
    std::uint64_t spi_i = 0, spi_r = 0;
    socket_address local, remote;
    bool nat_local = false, nat_remote = false;
    bool send_initial_contact = false;      ///< initiator: no other IKE_SA with this peer (§2.4)
    bool initial_contact_received = false;  ///< responder: the peer restarted; drop its old SAs
    bool peer_childless = false;  ///< the peer announced CHILDLESS_IKEV2_SUPPORTED (RFC 6023)
    /// Both announced IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383 §2.3).
    bool fragmentation = false;
    /// Hash algorithms the peer verifies signatures with (RFC 7427 §4).
    std::vector<std::uint16_t> peer_signature_hashes;
    /// The peer sent CERTREQ payloads (RFC 7296 §3.7: in its IKE_SA_INIT
    /// response or IKE_AUTH request), for send_cert ifasked, and the CAs
    /// their X.509 lists name (SHA-1 of each CA's SubjectPublicKeyInfo), so
    /// that an intermediate the peer holds already is not sent.
    bool peer_sent_certreq = false;
    std::vector<ca_key_hash> peer_certreq_cas;

    std::uint64_t our_spi() const { return initiator ? spi_i : spi_r; }

    // --- IKE_SA_INIT results
    bytes ni, nr;
    bytes init_request, init_response;  ///< raw IKE_SA_INIT messages (signed octets, §2.15)
    std::optional<ike_keymat> keys;
    std::optional<id_payload> peer_id;
    /// Gateway: the EAP identity the peer proved (§2.16), for the log,
    /// list-sas and its virtual IP lease; empty without EAP.
    std::string eap_identity;
    /// Frees ni, nr, init_request, init_response and SK_pi/SK_pr once the
    /// IKE_SA is no longer connecting: they only feed the AUTH payloads
    /// (§2.15, any method, EAP included) and the first CHILD_SA's KEYMAT
    /// (§2.17), all inside IKE_AUTH, and later exchanges bring their own
    /// nonces. The engine calls it after the call in which the SA left
    /// `connecting` (settle), so every task of that IKE_AUTH exchange has
    /// run. ~600 bytes per IKE_SA (issue 7).
    void drop_authentication_inputs();

    // --- lifecycle
    ike_sa_state state() const { return state_; }
    /// Applies `ev`; an event the current state does not allow is an error
    /// naming both, and leaves the state unchanged.
    std::expected<void, std::string> transition(ike_sa_event ev);
    time_point created{};
    time_point established_at{};
    /// When we rekey this IKE_SA (rekey_time less jitter, or a retry after
    /// a refused rekey); unset: never.
    std::optional<time_point> rekey_at;
    /// Made by an IKE rekey: the lower nonce of that exchange, which decides
    /// a rekey collision (§2.8.2).
    bytes rekey_nonce;
    /// Rekeyed: the IKE_SA that holds our CHILD_SAs now.
    ike_sa_id rekeyed_to = 0;
    /// Made by an IKE rekey: the IKE_SA it replaces.
    ike_sa_id rekeyed_from = 0;
    /// Rekeyed and redundant after a rekey collision (§2.8.2), for the peer to
    /// delete: closed then if the peer never does (its rekey may have died
    /// with the old IKE_SA when our Delete overtook its answer).
    std::optional<time_point> drop_at;
    /// When a fresh IKE_SA reauthenticates this one (§2.8.3); unset: never.
    /// An IKE rekey keeps it: the peer has not proved itself again.
    std::optional<time_point> reauth_at;
    /// Reauthenticated by (the old IKE_SA) / reauthenticates (the new one):
    /// until the new IKE_SA carries every child, both exist.
    ike_sa_id reauth_by = 0, reauth_of = 0;
    /// A CHILD_SA rekey refused with TEMPORARY_FAILURE (§2.25) is tried
    /// again then; the CHILD_SAs to retry carry retry_rekey.
    std::optional<time_point> child_retry_at;

    // --- virtual IPs (tasks/ike_config, RFC 7296 §2.19)
    /// Responder: the addresses lent to the peer (its CHILD_SAs' dynamic
    /// remote selectors). Initiator: the addresses the gateway gave us (our
    /// dynamic local selectors). An IKE rekey moves them to the new IKE_SA.
    std::vector<ip_addr> virtual_ips;
    /// Responder: where virtual_ips came from; released when the IKE_SA is
    /// gone (deleted, failed, expired), not when it is rekeyed.
    std::vector<vip_lease> leases;
    /// Initiator: the DNS servers and search domains the gateway sent.
    std::vector<ip_addr> dns;
    std::vector<std::string> dns_domains;
    /// Initiator: the addresses to ask for instead of the config's vips (a
    /// reauthentication asks for those it has).
    std::vector<ip_addr> requested_vips;
    /// Responder: the peer asked for an address and none was free
    /// (INTERNAL_ADDRESS_FAILURE): the CHILD_SA of IKE_AUTH is not created.
    bool address_failure = false;
    /// Gives every lease back to its pool (each goes offline, reserved for
    /// the peer's identity). Idempotent.
    void release_leases();

    /// Changed only through add_child and erase_child (and remove_children),
    /// which keep ctx.child_owners current.
    std::vector<child_sa> children;
    child_sa* find_child(child_sa_id child);
    child_sa* find_child_by_spi_out(std::uint32_t spi);
    /// The configured child a CHILD_SA named "connection/child" was made
    /// from, or nullptr when a reload removed it.
    const child_sa_config* child_config(const std::string& name) const;
    void add_child(engine_context& ctx, child_sa child);
    void erase_child(engine_context& ctx, std::vector<child_sa>::const_iterator it);

    task_manager tasks;
    liveness_state liveness;  ///< liveness.hpp

    /// Derives SKEYSEED and the SK_* keys from the negotiated IKE proposal.
    /// Errors: a plain-words reason (unsupported algorithm, backend failure).
    std::expected<void, std::string> derive_keys(const proposal& negotiated, const secret& g_ir);
    /// The keys of an IKE_SA made by rekeying (§2.18): SKEYSEED =
    /// prf(SK_d (old), g^ir (new) | Ni | Nr) with the old SA's PRF, then the
    /// SK_* keys as in derive_keys with this SA's nonces (ni, nr) and SPIs.
    /// Errors: as derive_keys.
    std::expected<void, std::string> derive_rekeyed_keys(const prf& old_sk_d,
                                                         const proposal& negotiated,
                                                         const secret& g_ir);

    /// Sets rekey_at (and reauth_at) from the config's rekey_time (and
    /// reauth_time) less a random part of up to rand_time (unset when 0).
    void schedule_rekey(engine_context& ctx);
    /// Moves every CHILD_SA to `to` (same numbers; the child directory
    /// follows) and remembers `to` as our successor. Nothing goes to the
    /// kernel: the SAs stay as they are.
    void move_children(engine_context& ctx, ike_sa& to);

    /// Encodes (and, once keys exist, encrypts) a message of this SA.
    /// Errors: a reason when sealing fails.
    std::expected<bytes, std::string> encode(exchange_type exchange, bool response,
                                             std::uint32_t message_id,
                                             const std::vector<payload>& payloads,
                                             random_source& rng);

    /// encode(), or RFC 7383 fragments when fragmentation was negotiated, our
    /// policy sends fragments and the datagram would not fit an IP packet of
    /// `settings.fragment_size` bytes. `fragments` counts those sent.
    std::expected<std::vector<bytes>, std::string> encode_datagrams(
        exchange_type exchange, bool response, std::uint32_t message_id,
        const std::vector<payload>& payloads, engine_context& ctx);

    /// Decrypts the SK payload of `m` (raw bytes `raw`) into its inner payloads;
    /// unprotected messages (IKE_SA_INIT) come back as they are.
    /// Errors: `integrity` true when the ICV failed (drop silently, count).
    using open_error = message_open_error;
    std::expected<std::vector<payload>, open_error> open(const message& m, bytes_view raw) const;

    /// Authenticates and decrypts one SKF fragment of `m` (RFC 7383 §2.6).
    /// Errors: `integrity` when the ICV failed, else a malformed fragment.
    std::expected<fragment_reassembly::fragment, open_error> open_fragment(const message& m,
                                                                           bytes_view raw) const;

    /// Decodes decrypted inner payloads (of SK, or reassembled SKFs).
    static std::expected<std::vector<payload>, open_error> decode_inner(payload_type first_inner,
                                                                        bytes_view plaintext);

    /// Before CHILD_SA `c` leaves the kernel: the duplicate waiting for it
    /// (handover_to) installs its outbound SA now (install_outbound_sa).
    static void hand_over(engine_context& ctx, const child_sa& c);
    /// Emits remove_child_sa (and child_down) for each child and erases them.
    void remove_children(engine_context& ctx, bool report);
    /// Fails the SA: removes children, emits sa_event failed with `reason`.
    void fail(engine_context& ctx, std::string reason, bool report = true);
    /// Normal end after a Delete: removes children, emits ike_down (for a
    /// rekeyed IKE_SA it names the successor; it has no CHILD_SAs left).
    void close(engine_context& ctx);

    /// `name`: the child's "connection/child" when `child` is not (yet) one of ours.
    void emit(engine_context& ctx, sa_event::kind what, child_sa_id child = 0,
              std::string reason = {}, std::string name = {}) const;

    // --- where the engine's indexes filed this SA, to find it there again
    // when its deadline, state, connection or peer identity changes
    // (engine.cpp settle()); owned by those indexes.
    std::uint32_t deadline_slot = 0;                ///< deadline_index: position + 1, 0: none
    std::optional<std::uint64_t> peer_filed;        ///< peer_index key
    std::optional<std::uint64_t> connection_filed;  ///< connection_index key
    bool connection_filed_usable = false;           ///< filed among the usable SAs

  private:
    /// The SK_* keys and SK ciphers from SKEYSEED (§2.14), with ni, nr, SPIs.
    std::expected<void, std::string> install_keys(const proposal& negotiated,
                                                  const secret& skeyseed);
    /// The IKE header of a message of ours (flags from our role).
    ike_header header(exchange_type exchange, bool response, std::uint32_t message_id) const;

    ike_sa_state state_ = ike_sa_state::connecting;
};

/// Host selector for an address (charon's "dynamic" traffic selector).
ts_range host_ts(const ip_addr& a);

/// The four ESP key lengths of a negotiated ESP proposal.
/// Errors: an encryption or integrity algorithm we cannot size.
std::expected<std::pair<std::size_t, std::size_t>, std::string> esp_key_lengths(
    const proposal& esp);

/// A random CHILD_SA SPI in 0xc0000000-0xcfffffff.
std::uint32_t random_esp_spi(random_source& rng);

}  // namespace ike
