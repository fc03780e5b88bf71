#include "daemon/initiate_waiters.hpp"

#include <algorithm>

namespace ikev2d {

namespace {

std::string joined(const std::vector<std::string>& parts, std::string_view sep) {
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : std::string(sep)) + p;
    return s;
}

}  // namespace

void initiate_waiters::add(ike::ike_sa_id ike, std::vector<std::string> children,
                           ike::time_point deadline, std::chrono::seconds wait,
                           control::reply_fn reply) {
    waiter w;
    w.ike = ike;
    w.waiting = std::move(children);
    w.deadline = deadline;
    w.wait = wait;
    w.reply = std::move(reply);
    if (!settle(w)) waiters_.push_back(std::move(w));
}

bool initiate_waiters::settle(waiter& w) {
    if (!w.waiting.empty()) return false;
    if (w.failures.empty()) {
        w.reply(nlohmann::json{{"ike", w.ike}, {"children", w.up}});
    } else {
        std::string up;
        for (const auto& c : w.up) up += (up.empty() ? "" : ", ") + c["name"].get<std::string>();
        w.reply(
            std::unexpected(joined(w.failures, "; ") + (up.empty() ? "" : " (up: " + up + ")")));
    }
    return true;
}

void initiate_waiters::on_event(const ike::sa_event& ev) {
    using kind = ike::sa_event::kind;
    // An IKE rekey moved the CHILD_SAs: wait on the new IKE_SA (the old
    // one's ike_down that follows is no failure of ours).
    if (ev.what == kind::ike_rekeyed)
        for (auto& w : waiters_)
            if (w.ike == ev.old_ike) w.ike = ev.ike;
    std::erase_if(waiters_, [&](waiter& w) {
        if (w.ike != ev.ike) return false;
        if (ev.what == kind::failed || ev.what == kind::ike_down) {
            w.reply(std::unexpected(
                "IKE_SA #" + std::to_string(w.ike) +
                (ev.what == kind::failed ? " failed: " + ev.reason : std::string(" was deleted"))));
            return true;
        }
        const auto it = std::ranges::find(w.waiting, ev.child_name);
        if (it == w.waiting.end()) return false;
        if (ev.what == kind::child_up) {
            w.up.push_back({{"id", ev.child}, {"name", ev.child_name}});
        } else if (ev.what == kind::child_failed || ev.what == kind::child_down) {
            w.failures.push_back(ev.reason.empty() ? ev.child_name + " went down" : ev.reason);
        } else {
            return false;
        }
        w.waiting.erase(it);
        return settle(w);
    });
}

void initiate_waiters::expire(ike::time_point now,
                              const std::function<std::string(ike::ike_sa_id)>& state) {
    std::erase_if(waiters_, [&](waiter& w) {
        if (now < w.deadline) return false;
        w.reply(std::unexpected("no outcome within " + std::to_string(w.wait.count()) +
                                " s: IKE_SA #" + std::to_string(w.ike) + " is " + state(w.ike) +
                                ", waiting for " + joined(w.waiting, ", ")));
        return true;
    });
}

void initiate_waiters::cancel_all(const std::string& why) {
    for (auto& w : waiters_) w.reply(std::unexpected(why));
    waiters_.clear();
}

std::optional<ike::time_point> initiate_waiters::next_deadline() const {
    std::optional<ike::time_point> best;
    for (const auto& w : waiters_)
        if (!best || w.deadline < *best) best = w.deadline;
    return best;
}

}  // namespace ikev2d
