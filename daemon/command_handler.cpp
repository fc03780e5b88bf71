#include "daemon/command_handler.hpp"

#include <algorithm>

#include "daemon/event_loop.hpp"
#include "daemon/logging.hpp"
#include "daemon/sa_json.hpp"

namespace ikev2d {
namespace {

using json = nlohmann::json;
using control::handler_result;

std::unexpected<std::string> fail(std::string message) {
    return std::unexpected(std::move(message));
}

handler_result list_conns(event_loop& loop) {
    json conns = json::array();
    for (const auto& c : loop.current_config().connections) conns.push_back(conn_to_json(c));
    return json{{"conns", std::move(conns)}};
}

// Each virtual IP pool with its size and its online and offline leases.
handler_result list_pools(event_loop& loop) {
    json pools = json::array();
    for (const auto& p : loop.engine().list_pools())
        pools.push_back({{"name", p.name},
                         {"addrs", p.addresses},
                         {"size", p.size},
                         {"online", p.online},
                         {"offline", p.offline}});
    return json{{"pools", std::move(pools)}};
}

handler_result list_sas(event_loop& loop) {
    const auto now = ike::clock::now();
    const usage_lookup usage = [&loop](ike::child_sa_id id) { return loop.kernel().usage(id); };
    json sas = json::array();
    for (const auto& sa : loop.engine().list_sas()) sas.push_back(sa_to_json(sa, now, usage));
    return json{{"sas", std::move(sas)}};
}

handler_result check_initiate(event_loop& loop, const control::request& req) {
    const auto& conns = loop.current_config().connections;
    const auto conn = std::ranges::find(conns, req.conn, &config::connection_config::name);
    if (conn == conns.end()) return fail("no connection named '" + req.conn + "'");
    if (!req.child.empty() &&
        std::ranges::find(conn->children, req.child, &config::child_config::name) ==
            conn->children.end()) {
        return fail("connection '" + req.conn + "' has no child named '" + req.child + "'");
    }
    return json{};
}

// Answers at once, or (wait_seconds) when the outcome is known.
void initiate(event_loop& loop, const control::request& req, const control::reply_fn& reply) {
    if (auto ok = check_initiate(loop, req); !ok) return reply(ok);
    if (req.wait_seconds == 0) {
        auto id = loop.initiate(req.conn, req.child);
        return reply(id ? handler_result(json{{"ike", *id}}) : fail(id.error()));
    }
    auto id = loop.initiate(req.conn, req.child, std::chrono::seconds(req.wait_seconds), reply);
    if (!id) reply(fail(id.error()));
}

/// The IKE_SAs a terminate request names.
std::expected<std::vector<ike::ike_sa_id>, std::string> terminate_targets(
    event_loop& loop, const control::request& req) {
    std::vector<ike::ike_sa_id> ids;
    for (const auto& sa : loop.engine().list_sas()) {
        if ((!req.conn.empty() && sa.connection == req.conn) ||
            (req.ike_id && sa.id == *req.ike_id)) {
            ids.push_back(sa.id);
        }
    }
    if (!ids.empty()) return ids;
    if (!req.conn.empty()) return fail("no IKE_SA of connection '" + req.conn + "'");
    return fail("no IKE_SA #" + std::to_string(req.ike_id.value_or(0)));
}

handler_result terminate(event_loop& loop, const control::request& req) {
    if (req.child_id) {
        // One CHILD_SA; its IKE_SA stays.
        auto ike = loop.terminate_child(*req.child_id);
        if (!ike) return fail(ike.error());
        return json{{"child", *req.child_id}, {"ike", *ike}};
    }
    auto ids = terminate_targets(loop, req);
    if (!ids) return fail(ids.error());
    for (const auto id : *ids) {
        if (auto ok = loop.terminate(id); !ok) return fail(ok.error());
    }
    return json{{"terminated", *ids}};
}

handler_result reload(event_loop& loop) {
    auto plan = loop.reload();
    if (!plan) return fail(plan.error());
    return json{{"added", plan->added},
                {"removed", plan->removed},
                {"changed", plan->changed},
                {"unchanged", plan->unchanged}};
}

handler_result log_level(const control::request& req) {
    const auto level = logging::parse_level(req.level);
    if (!level)
        return fail("unknown level '" + req.level +
                    "' (silent, error, warning, info, debug, trace)");
    if (req.subsystem == "all") {
        for (const auto* s : {"dmn", "ike", "chd", "knl", "net", "cfg"}) {
            logging::set_level(*logging::parse_subsystem(s), *level);
        }
    } else {
        const auto sub = logging::parse_subsystem(req.subsystem);
        if (!sub)
            return fail("unknown subsystem '" + req.subsystem +
                        "' (dmn, ike, chd, knl, net, cfg, all)");
        logging::set_level(*sub, *level);
    }
    return json{{"subsystem", req.subsystem}, {"level", req.level}};
}

handler_result dispatch(event_loop& loop, const control::request& req) {
    using control::command;
    switch (req.cmd) {
        case command::status:
            return loop.status();
        case command::list_conns:
            return list_conns(loop);
        case command::list_sas:
            return list_sas(loop);
        case command::initiate:
            return fail("initiate is answered by initiate()");
        case command::terminate:
            return terminate(loop, req);
        case command::reload:
            return reload(loop);
        case command::log_level:
            return log_level(req);
        case command::list_pools:
            return list_pools(loop);
    }
    return fail("unknown command");
}

}  // namespace

control::request_handler make_command_handler(event_loop& loop) {
    return [&loop](const control::request& req, control::reply_fn reply) {
        logging::get(logging::subsystem::dmn).debug("control: {}", control::format_request(req));
        if (req.cmd == control::command::initiate) return initiate(loop, req, reply);
        reply(dispatch(loop, req));
    };
}

}  // namespace ikev2d
