// Liveness checks driven by IKE and ESP activity, and the dpd_action plan
// (RFC 7296 §2.4; see liveness.hpp for the state diagram).
#include "libike/engine/liveness.hpp"

#include <algorithm>

#include "libike/engine/ike_sa.hpp"
#include "libike/tasks/ike_dpd.hpp"

namespace ike {

namespace {

void send_check(ike_sa& sa, engine_context& ctx) {
    if (!sa.tasks.has_queued(task_kind::ike_dpd)) {
        sa.tasks.queue(std::make_unique<ike_dpd>(sa, true));
        ++ctx.stats.liveness_checks;
    }
    sa.tasks.initiate(ctx);
}

// What a request of `kind` was, in the operator's words.
std::string_view request_name(task_kind kind) {
    switch (kind) {
        case task_kind::ike_init:
            return "the IKE_SA_INIT request";
        case task_kind::ike_natd:
            return "the IKE_SA_INIT request";
        case task_kind::ike_auth:
        case task_kind::ike_config:
            return "the IKE_AUTH request";
        case task_kind::child_create:
            return "the CREATE_CHILD_SA request";
        case task_kind::ike_rekey:
            return "the IKE_SA rekey request";
        case task_kind::ike_delete:
            return "the IKE_SA's Delete";
        case task_kind::child_delete:
            return "a CHILD_SA's Delete";
        case task_kind::ike_dpd:
            return "the liveness check";
    }
    return "a request";
}

// "7.1 s": tenths are enough for an operator comparing with the settings.
std::string seconds_text(duration d) {
    const auto ms = d.count();
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

// When the traffic that grew a counter since `since` came: the kernel's
// last-use time when it is credible (after `since`, less the second the
// kernel rounds down; not in the future), else `now`.
time_point traffic_time(const inbound_usage& u, time_point since, time_point now) {
    if (!u.last_used || *u.last_used > now || *u.last_used + std::chrono::seconds(1) < since)
        return now;
    return *u.last_used;
}

const child_sa_config* configured_child(const ike_sa_config& conn, const std::string& name) {
    for (const auto& c : conn.children)
        if (conn.name + "/" + c.name == name) return &c;
    return nullptr;
}

std::string joined(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
}

}  // namespace

std::optional<time_point> liveness_due(const ike_sa& sa) {
    const duration delay = sa.config->dpd_delay;
    if (sa.state() != ike_sa_state::established || delay.count() <= 0 || !sa.tasks.idle())
        return std::nullopt;
    if (sa.liveness.asked) return *sa.liveness.asked + delay;
    return std::max({sa.tasks.last_inbound(), sa.established_at, sa.liveness.traffic_seen}) + delay;
}

void liveness_expired(ike_sa& sa, engine_context& ctx) {
    const auto due = liveness_due(sa);
    if (!due || ctx.now < *due) return;
    auto& l = sa.liveness;
    if (!l.asked) {
        query_child_usage q{sa.id, {}};
        for (const auto& c : sa.children)
            if (c.state != child_sa_state::installing) q.children.push_back(c.id);
        if (!q.children.empty()) {
            l.asked = ctx.now;
            ++ctx.stats.usage_queries;
            ctx.out.emplace_back(std::move(q));
            return;
        }
    }
    // Nothing to ask about, or the daemon never answered: ask the peer.
    l.asked.reset();
    send_check(sa, ctx);
}

void liveness_usage(ike_sa& sa, std::span<const inbound_usage> usage, engine_context& ctx) {
    auto& l = sa.liveness;
    if (!l.asked || sa.state() != ike_sa_state::established) return;
    l.asked.reset();
    const time_point since = std::max(l.answered, sa.established_at);
    l.answered = ctx.now;
    // A CHILD_SA not in the last answer (new, or rekeyed) started at 0 bytes.
    std::optional<time_point> seen;
    for (const auto& u : usage) {
        const auto before = std::ranges::find(l.last, u.child, &inbound_usage::child);
        if (u.bytes <= (before == l.last.end() ? 0 : before->bytes)) continue;
        seen = std::max(seen.value_or(time_point{}), traffic_time(u, since, ctx.now));
    }
    l.last.assign(usage.begin(), usage.end());
    if (seen) {
        // The next look comes dpd_delay after the traffic, not after this
        // answer; if that is already past, at once (and then the check).
        l.traffic_seen = std::max(l.traffic_seen, *seen);
        return;
    }
    send_check(sa, ctx);
}

dead_peer_plan plan_for_dead_peer(
    const ike_sa& sa, const std::vector<std::shared_ptr<const ike_sa_config>>& connections) {
    dead_peer_plan p;
    p.local = sa.local;
    p.remote = sa.remote;
    const auto conn =
        std::ranges::find(connections, sa.config->name, [](const auto& c) { return c->name; });
    if (conn == connections.end()) {
        p.summary = "connection " + sa.config->name + " is no longer configured: nothing follows";
        return p;
    }
    p.config = *conn;
    std::vector<std::string> seen, cleared, trapped, restarted, untrappable;
    for (const auto& c : sa.children) {
        // A rekey's old and new CHILD_SA share the name: one action each.
        if (std::ranges::find(seen, c.name) != seen.end()) continue;
        seen.push_back(c.name);
        const child_sa_config* cfg = configured_child(*p.config, c.name);
        if (!cfg) continue;  // removed by a reload
        switch (cfg->dpd_action) {
            case peer_dead_action::clear:
                cleared.push_back(c.name);
                break;
            case peer_dead_action::restart:
                p.restart.push_back(cfg);
                restarted.push_back(c.name);
                break;
            case peer_dead_action::trap:
                // The trap's ACQUIRE initiates, which needs an address to go to.
                if (p.config->remote_addrs.empty()) {
                    untrappable.push_back(c.name);
                    break;
                }
                p.traps.push_back(install_trap{sa.id, p.config->name, cfg->name, sa.local.ip,
                                               sa.remote.ip, cfg->local_ts, cfg->remote_ts,
                                               cfg->mode});
                trapped.push_back(c.name);
                break;
        }
    }
    std::vector<std::string> parts;
    if (!restarted.empty())
        parts.push_back("dpd_action=restart: re-initiating " + joined(restarted));
    if (!trapped.empty())
        parts.push_back("dpd_action=trap: trap policies for " + joined(trapped) +
                        " re-initiate on traffic");
    if (!untrappable.empty())
        parts.push_back("dpd_action=trap for " + joined(untrappable) +
                        " needs remote_addrs to initiate to: cleared");
    if (!cleared.empty()) parts.push_back("dpd_action=clear: " + joined(cleared) + " stays down");
    if (parts.empty()) parts.push_back("no CHILD_SA: nothing follows");
    for (const auto& part : parts) p.summary += (p.summary.empty() ? "" : "; ") + part;
    return p;
}

std::string give_up_reason(const ike_sa& sa, const give_up& g, const dead_peer_plan* plan) {
    const std::string what = std::string(request_name(g.kind));
    const std::string tries = std::to_string(g.retransmits) + " retransmission" +
                              (g.retransmits == 1 ? "" : "s") + " of " + what + " over " +
                              seconds_text(g.waited);
    if (!plan) return "peer not responding: no answer to " + tries;
    return "peer " + to_string(sa.remote.ip) + " did not answer " + tries + ": declared dead; " +
           plan->summary;
}

}  // namespace ike
