#include "daemon/reload_plan.hpp"

#include <algorithm>
#include <cstdio>

#include "daemon/sa_json.hpp"

namespace ikev2d {
namespace {

const config::connection_config* find(const config::config& cfg, const std::string& name) {
    const auto it = std::ranges::find(cfg.connections, name, &config::connection_config::name);
    return it == cfg.connections.end() ? nullptr : &*it;
}

std::string child_fingerprint(const config::child_config& c) {
    auto n = [](auto v) { return std::to_string(static_cast<long long>(v)); };
    return c.name + "|" + n(c.rekey_time.count()) + "|" + n(c.life_time.count()) + "|" +
           n(c.rand_time.count()) + "|" + n(c.rekey_bytes) + "|" + n(c.life_bytes) + "|" +
           n(c.rekey_packets) + "|" + n(c.life_packets) + "|" + n(c.close_action) + "|" +
           n(c.dpd_action) + "|" + n(c.replay_window) + "|" + n(c.mark_in.value) + "|" +
           n(c.mark_out.value) + "|" + n(c.if_id_in.value) + "|" + n(c.if_id_out.value) + "|" +
           n(c.ipcomp) + n(c.hw_offload);
}

}  // namespace

std::string connection_fingerprint(const config::connection_config& conn) {
    auto n = [](auto v) { return std::to_string(static_cast<long long>(v)); };
    // The JSON of list-conns covers addresses, ids, proposals, selectors,
    // modes and start actions; the rest is appended field by field.
    std::string fp = conn_to_json(conn).dump();
    fp += "|" + n(conn.local_port) + n(conn.remote_port) + "|" + n(conn.local.auth) +
          n(conn.remote.auth) + "|" + n(conn.dpd_delay.count()) + "|" + n(conn.rekey_time.count()) +
          "|" + n(conn.reauth_time.count()) + "|" + n(conn.over_time.count()) + "|" +
          n(conn.rand_time.count()) + "|" + n(conn.keyingtries) + "|" + n(conn.fragmentation) +
          n(conn.unique) + n(conn.mobike) + n(conn.encap);
    for (const auto& c : conn.children) fp += "|" + child_fingerprint(c);
    return fp;
}

namespace {

std::string reqid_range_text(const config::daemon_config& d) {
    char text[32];
    std::snprintf(text, sizeof text, "0x%08x-0x%08x", d.reqid_min, d.reqid_max);
    return text;
}

}  // namespace

std::vector<std::string> restart_only_changes(const config::daemon_config& running,
                                              const config::daemon_config& next) {
    std::vector<std::string> out;
    const auto note = [&](bool changed, const char* key) {
        if (changed)
            out.push_back(std::string("daemon.") + key + " changed: takes effect on restart");
    };
    note(running.listen != next.listen, "listen");
    note(running.ike_port != next.ike_port || running.natt_port != next.natt_port, "ports");
    note(running.control_socket != next.control_socket, "control_socket");
    note(running.fragment_size != next.fragment_size, "fragment_size");
    note(running.retransmit_timeout != next.retransmit_timeout, "retransmit_timeout");
    note(running.retransmit_base != next.retransmit_base, "retransmit_base");
    note(running.retransmit_tries != next.retransmit_tries, "retransmit_tries");
    note(running.crypto_threads != next.crypto_threads, "crypto_threads");
    if (running.reqid_min != next.reqid_min || running.reqid_max != next.reqid_max) {
        out.push_back("daemon.reqid_range changed to " + reqid_range_text(next) +
                      ": takes effect on restart; until then ikev2d keeps using and owning " +
                      reqid_range_text(running) +
                      " (its SAs, policies and traps carry those reqids)");
    }
    return out;
}

reload_plan plan_reload(const config::config& old_cfg, const config::config& new_cfg) {
    reload_plan plan;
    for (const auto& conn : new_cfg.connections) {
        const auto* old = find(old_cfg, conn.name);
        if (old == nullptr) {
            plan.added.push_back(conn.name);
        } else if (connection_fingerprint(*old) == connection_fingerprint(conn)) {
            plan.unchanged.push_back(conn.name);
        } else {
            plan.changed.push_back(conn.name);
        }
    }
    for (const auto& conn : old_cfg.connections) {
        if (find(new_cfg, conn.name) == nullptr) plan.removed.push_back(conn.name);
    }
    return plan;
}

}  // namespace ikev2d
