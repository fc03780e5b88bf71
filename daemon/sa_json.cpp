#include "daemon/sa_json.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "libike/proposal/proposal_string.hpp"
#include "libike/sa/traffic_selector.hpp"

namespace ikev2d {
namespace {

using json = nlohmann::json;

std::string hex(std::uint64_t v, int digits) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(v));
    return buf;
}

json seconds_since(ike::time_point t, ike::time_point now) {
    if (t == ike::time_point{}) return nullptr;
    return std::chrono::duration_cast<std::chrono::seconds>(now - t).count();
}

// Seconds from `now` until `t`, 0 once it is past (the rekey is due), null
// when there is no such time.
json seconds_until(const std::optional<ike::time_point>& t, ike::time_point now) {
    if (!t) return nullptr;
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(*t - now).count();
    return std::max<std::int64_t>(left, 0);
}

json ts_list(const std::vector<ike::ts_range>& list) {
    json out = json::array();
    for (const auto& ts : list) out.push_back(ike::to_string(ts));
    return out;
}

json child_to_json(const ike::child_sa_info& c, ike::time_point now, const usage_lookup& usage) {
    json out = {
        {"id", c.id},
        {"name", c.name},
        {"state", c.state.empty() ? json(nullptr) : json(c.state)},
        {"spi_in", hex(c.spi_in, 8)},
        {"spi_out", hex(c.spi_out, 8)},
        {"proposal", c.esp_proposal},
        {"mode", c.mode == ike::ipsec_mode::tunnel ? "tunnel" : "transport"},
        {"udp_encap", c.udp_encap},
        {"local_ts", ts_list(c.local_ts)},
        {"remote_ts", ts_list(c.remote_ts)},
        {"established", seconds_since(c.established, now)},
        {"rekey_in", seconds_until(c.rekey_at, now)},
        {"expires_in", seconds_until(c.expire_at, now)},
    };
    const auto u = usage ? usage(c.id) : std::nullopt;
    out["bytes_in"] = u ? json(u->bytes_in) : json(nullptr);
    out["packets_in"] = u ? json(u->packets_in) : json(nullptr);
    out["bytes_out"] = u ? json(u->bytes_out) : json(nullptr);
    out["packets_out"] = u ? json(u->packets_out) : json(nullptr);
    return out;
}

json addrs(const std::vector<config::peer_address>& list) {
    json out = json::array();
    for (const auto& a : list) out.push_back(config::to_string(a));
    return out;
}

json selectors(const std::vector<config::traffic_selector>& list) {
    json out = json::array();
    for (const auto& ts : list) out.push_back(ts.dynamic ? "dynamic" : ts.to_string());
    return out;
}

json proposals(const std::vector<ike::proposal>& list) {
    json out = json::array();
    for (const auto& p : list) out.push_back(ike::to_string(p));
    return out;
}

json child_conf_to_json(const config::child_config& c) {
    return {{"name", c.name},
            {"mode", c.mode == config::ipsec_mode::tunnel ? "tunnel" : "transport"},
            {"start_action", action_name(c.start_action)},
            {"local_ts", selectors(c.local_ts)},
            {"remote_ts", selectors(c.remote_ts)},
            {"esp_proposals", proposals(c.esp_proposals)}};
}

// Virtual IPs and DNS servers, as text.
json addresses(const std::vector<ike::ip_addr>& list) {
    json out = json::array();
    for (const auto& a : list) out.push_back(ike::to_string(a));
    return out;
}

}  // namespace

const char* action_name(config::child_action action) {
    switch (action) {
        case config::child_action::start:
            return "start";
        case config::child_action::trap:
            return "trap";
        case config::child_action::none:
            return "none";
    }
    return "none";
}

json sa_to_json(const ike::ike_sa_info& sa, ike::time_point now, const usage_lookup& usage) {
    json children = json::array();
    for (const auto& c : sa.children) children.push_back(child_to_json(c, now, usage));
    return {{"id", sa.id},
            {"conn", sa.connection},
            {"state", sa.state},
            {"initiator", sa.initiator},
            {"spi_i", hex(sa.spi_i, 16)},
            {"spi_r", hex(sa.spi_r, 16)},
            {"local", ike::to_string(sa.local)},
            {"remote", ike::to_string(sa.remote)},
            {"local_id", sa.local_id},
            {"remote_id", sa.remote_id},
            {"remote_eap_id", sa.remote_eap_identity},
            {"proposal", sa.ike_proposal},
            {"nat_local", sa.nat_local},
            {"nat_remote", sa.nat_remote},
            {"established", seconds_since(sa.established, now)},
            {"rekey_in", seconds_until(sa.rekey_at, now)},
            {"reauth_in", seconds_until(sa.reauth_at, now)},
            {"virtual_ips", addresses(sa.virtual_ips)},
            {"dns", addresses(sa.dns)},
            {"dns_domains", sa.dns_domains},
            {"children", std::move(children)}};
}

json conn_to_json(const config::connection_config& conn) {
    json children = json::array();
    for (const auto& c : conn.children) children.push_back(child_conf_to_json(c));
    return {{"name", conn.name},
            {"local_addrs", addrs(conn.local_addrs)},
            {"remote_addrs", addrs(conn.remote_addrs)},
            {"local_id", conn.local.id.text.empty() ? "%any" : conn.local.id.text},
            {"remote_id", conn.remote.id.text.empty() ? "%any" : conn.remote.id.text},
            {"proposals", proposals(conn.proposals)},
            {"children", std::move(children)}};
}

}  // namespace ikev2d
