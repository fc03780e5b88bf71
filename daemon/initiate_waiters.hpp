#pragma once
// `initiate` requests that wait for their outcome (docs/control-protocol.md):
// each names an IKE_SA and the CHILD_SAs it is to bring up, and is answered
// once every one of them came up or failed, the IKE_SA failed, or the wait
// ran out. Fed with the engine's sa_events; no I/O, so it is tested alone.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "daemon/control_server.hpp"
#include "libike/engine/engine.hpp"

namespace ikev2d {

class initiate_waiters {
  public:
    /// Waits for `children` ("conn/child" names) on IKE_SA `ike` until `deadline`.
    void add(ike::ike_sa_id ike, std::vector<std::string> children, ike::time_point deadline,
             std::chrono::seconds wait, control::reply_fn reply);

    /// Settles the waiters this event completes.
    void on_event(const ike::sa_event& ev);

    /// Answers the waiters whose deadline passed; `state` names where their
    /// IKE_SA stands ("connecting"), for the error text.
    void expire(ike::time_point now, const std::function<std::string(ike::ike_sa_id)>& state);

    /// Answers every waiter with `why` (the daemon stops).
    void cancel_all(const std::string& why);

    std::optional<ike::time_point> next_deadline() const;
    bool empty() const { return waiters_.empty(); }

  private:
    struct waiter {
        ike::ike_sa_id ike = 0;
        std::vector<std::string> waiting;  ///< children still without an outcome
        nlohmann::json up = nlohmann::json::array();
        std::vector<std::string> failures;
        ike::time_point deadline{};
        std::chrono::seconds wait{};
        control::reply_fn reply;
    };
    /// Answers `w` when nothing is left to wait for; true if answered.
    static bool settle(waiter& w);

    std::vector<waiter> waiters_;
};

}  // namespace ikev2d
