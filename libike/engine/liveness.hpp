#pragma once
// Liveness (RFC 7296 §2.4) and what follows when the peer is found dead.
//
// A liveness check (an empty INFORMATIONAL) goes out only when neither an
// IKE message nor ESP traffic came from the peer for dpd_delay. IKE messages
// are seen by the task manager (last_inbound); ESP only the kernel sees, so
// when the wait runs out the engine first asks the daemon for the inbound
// byte counters of the IKE_SA's CHILD_SAs and compares them with the last
// answer; a counter that grew proves ESP since then. When the kernel also
// reports the SA's last use, the next look comes dpd_delay after that packet
// rather than after the look (without it, a packet just after one look is
// seen at the next, up to dpd_delay late):
//
//   waiting --dpd_delay without IKE or ESP--> asked --a counter grew--> waiting
//      ^                                        |
//      |                                        +--unchanged, or no answer
//      |                                        |  within dpd_delay--> check sent
//      +----- any authenticated answer ---------------------------------+
//   (an IKE_SA without installed CHILD_SA sends the check without asking)
//
// The check's request is retransmitted like any other; when it (or any
// other request on an established IKE_SA) gets no answer after the last
// retransmission, the peer is declared dead: the IKE_SA and its CHILD_SAs are
// removed, and each CHILD_SA's dpd_action says what follows (clear: nothing;
// trap: install_trap for the daemon; restart: a new IKE_SA at once).
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libike/engine/engine.hpp"
#include "libike/engine/outputs.hpp"
#include "libike/engine/sa_config.hpp"
#include "libike/engine/task_manager.hpp"

namespace ike {

class ike_sa;
struct engine_context;

/// The liveness bookkeeping of one IKE_SA.
struct liveness_state {
    /// When inbound ESP was last seen: the kernel's last-use time of an SA
    /// whose counter grew, or the time of that answer.
    time_point traffic_seen{};
    /// When the last usage answer came.
    time_point answered{};
    /// Since when a query_child_usage is unanswered; unset when none is.
    std::optional<time_point> asked;
    /// The counters of the last answer, to compare the next one with.
    std::vector<inbound_usage> last;
};

/// When `sa` must next be looked at for liveness; nullopt when no check
/// applies (not established, dpd_delay 0, or a request of ours is out: its
/// retransmissions watch the peer then).
std::optional<time_point> liveness_due(const ike_sa& sa);

/// liveness_due came: asks for the usage counters (query_child_usage), or
/// queues the liveness check when there is nothing to ask about or the
/// question went unanswered for dpd_delay.
void liveness_expired(ike_sa& sa, engine_context& ctx);

/// The daemon's answer to the query (see engine::on_child_usage). Ignored
/// when `sa` did not ask.
void liveness_usage(ike_sa& sa, std::span<const inbound_usage> usage, engine_context& ctx);

/// What follows the death of a peer, per the dpd_action of the CHILD_SAs the
/// IKE_SA carried (as the connection is configured now).
struct dead_peer_plan {
    /// The connection as configured now; null when a reload removed it.
    std::shared_ptr<const ike_sa_config> config;
    socket_address local, remote;  ///< of the dead IKE_SA
    std::vector<const child_sa_config*> restart;
    std::vector<install_trap> traps;
    /// For the log: "dpd_action=restart: re-initiating site/net".
    std::string summary;
};

/// The plan for `sa`, whose peer did not answer; `connections` is the
/// engine's current connection set.
dead_peer_plan plan_for_dead_peer(
    const ike_sa& sa, const std::vector<std::shared_ptr<const ike_sa_config>>& connections);

/// Why `sa` failed after `g`, for the operator: who did not answer what,
/// how often and how long, and (for an established IKE_SA) what follows.
std::string give_up_reason(const ike_sa& sa, const give_up& g, const dead_peer_plan* plan);

}  // namespace ike
