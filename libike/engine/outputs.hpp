#pragma once
// What the engine asks the daemon to do. The engine never performs I/O; after
// each input the daemon drains these with engine::poll_output() and carries
// them out in order.
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/common/secret.hpp"
#include "libike/common/socket_address.hpp"
#include "libike/crypto/ke_job.hpp"
#include "libike/engine/sa_config.hpp"
#include "libike/sa/traffic_selector.hpp"

namespace ike {

/// Identifies an IKE_SA for the daemon and operators: a small counter (the
/// "#3" in log lines), unique for the engine's lifetime.
using ike_sa_id = std::uint32_t;
using child_sa_id = std::uint32_t;

/// Send a datagram. On the NAT-T port the daemon prepends the 4-byte non-ESP
/// marker (RFC 3948 §2.2); `data` is the IKE message itself.
struct send_datagram {
    socket_address local;
    socket_address remote;
    bytes data;
};

/// ESP algorithms and keys of one direction pair, as negotiated.
struct esp_keys {
    encr_id encr{};
    std::uint16_t encr_key_bits = 0;
    integ_id integ = integ_id::none;
    bool esn = false;
    secret encr_in, integ_in;    ///< keys of the SA we receive on
    secret encr_out, integ_out;  ///< keys of the SA we send on
};

/// Install both SAs and the policies of a CHILD_SA. The inbound SA must be
/// installed before the outbound one (make-before-break for rekeys).
struct install_child_sa {
    ike_sa_id ike = 0;
    child_sa_id child = 0;
    std::string name;           ///< connection/child, for logs and ikev2ctl
    std::uint32_t spi_in = 0;   ///< ours, host order
    std::uint32_t spi_out = 0;  ///< the peer's
    ipsec_mode mode = ipsec_mode::tunnel;
    socket_address local, remote;  ///< outer addresses (ports matter with UDP encapsulation)
    bool udp_encap = false;        ///< NAT detected: ESP in UDP on the NAT-T port
    std::vector<ts_range> local_ts, remote_ts;  ///< narrowed
    esp_keys keys;
    std::uint32_t replay_window = 32;
    std::uint64_t soft_bytes = 0, hard_bytes = 0, soft_packets = 0, hard_packets = 0;
    std::chrono::seconds soft_time{0}, hard_time{0};
    /// Rekey (RFC 7296 §1.3.3): the CHILD_SA this one replaces (0 for a new
    /// one). It has the same name and selectors, so it shares the old one's
    /// reqid and policies; the old one is removed later by remove_child_sa.
    child_sa_id rekey_of = 0;
    /// Make-before-break on the rekey responder: install the inbound SA (and
    /// policies, if not there yet) only; the outbound SA follows with
    /// install_outbound_sa once the initiator has switched to the new SA, so
    /// that we never send on an SA the peer cannot receive yet.
    bool outbound_later = false;
};

/// Install the outbound SA that install_child_sa held back (outbound_later).
/// The daemon reports the result with on_kernel_result like an install.
struct install_outbound_sa {
    ike_sa_id ike = 0;
    child_sa_id child = 0;
};

/// Remove both SAs and the policies of a CHILD_SA.
struct remove_child_sa {
    ike_sa_id ike = 0;
    child_sa_id child = 0;
    std::uint32_t spi_in = 0, spi_out = 0;
    socket_address local, remote;
};

/// Liveness (RFC 7296 §2.4): dpd_delay passed without an IKE message from the
/// peer; before a liveness check goes out the engine asks whether ESP came in
/// meanwhile. The daemon reads the kernel's inbound byte counters of these
/// CHILD_SAs and answers at once with engine::on_child_usage (leaving out a
/// CHILD_SA it cannot read; an empty answer when it can read none).
struct query_child_usage {
    ike_sa_id ike = 0;
    std::vector<child_sa_id> children;
};

/// The peer of IKE_SA `ike` was declared dead and its CHILD_SA `connection`/
/// `child` has dpd_action trap: install trap policies for it (as for
/// start_action trap) so that the next packet re-initiates it. Selectors as
/// configured (empty: the address of that side); endpoints those the dead
/// IKE_SA used.
struct install_trap {
    ike_sa_id ike = 0;
    std::string connection, child;
    ip_addr local, remote;
    std::vector<ts_range> local_ts, remote_ts;
    ipsec_mode mode = ipsec_mode::tunnel;
};

/// Initiator: the gateway gave IKE_SA `ike` these virtual IPs (RFC 7296
/// §2.19) with DNS servers and search domains (RFC 8598). The daemon logs
/// them; it is also where it would install the addresses on the host.
struct virtual_ip_assigned {
    ike_sa_id ike = 0;
    std::vector<ip_addr> addresses, dns;
    std::vector<std::string> dns_domains;
};
/// A state change operators and ikev2ctl care about.
struct sa_event {
    enum class kind : std::uint8_t {
        ike_up,
        ike_down,
        child_up,
        child_down,
        failed,        ///< the IKE_SA is gone (or never came to be)
        child_failed,  ///< a CHILD_SA was refused or could not be installed; the IKE_SA stays
        warning,       ///< worth an operator's attention; nothing went down
        notice,        ///< a step of a negotiation worth logging (e.g. INVALID_KE_PAYLOAD)
        /// IKE rekey (RFC 7296 §1.3.2): the CHILD_SAs of IKE_SA `old_ike` are now
        /// carried by IKE_SA `ike` (same CHILD_SA numbers); `old_ike` stays until
        /// its Delete (ike_down) and carries nothing any more.
        ike_rekeyed,
    };
    kind what{};
    ike_sa_id ike = 0;
    child_sa_id child = 0;
    std::string reason;      ///< for failures: what did not match, in plain words
    std::string child_name;  ///< "connection/child" of child events, else empty
    std::string connection;  ///< the IKE_SA's connection, for log context
    socket_address remote;   ///< the peer, for log context
    ike_sa_id old_ike = 0;   ///< ike_rekeyed: the IKE_SA the CHILD_SAs left
};

/// Responder with engine_settings::offload_key_exchange: the key exchange of
/// IKE_SA `ike`'s IKE_SA_INIT, to run on any thread (work->run(); the job
/// owns its inputs). The daemon hands it back with engine::crypto_done; the
/// IKE_SA_INIT response goes out then. Dropping a job leaves the IKE_SA
/// half open until half_open_timeout.
struct crypto_job {
    ike_sa_id ike = 0;
    std::unique_ptr<ke_job> work;

    void run() const { work->run(); }
};

using output =
    std::variant<send_datagram, install_child_sa, install_outbound_sa, remove_child_sa, sa_event,
                 query_child_usage, install_trap, virtual_ip_assigned, crypto_job>;

}  // namespace ike
