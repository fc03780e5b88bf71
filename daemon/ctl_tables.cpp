#include "daemon/ctl_tables.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <utility>

namespace ikev2d::ctl {
namespace {

using json = nlohmann::json;

/// A member as text: strings as they are, numbers and booleans printed, "-"
/// when missing or null.
std::string text(const json& obj, const char* key) {
    if (!obj.is_object()) return "-";
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return "-";
    if (it->is_string()) return it->get<std::string>();
    if (it->is_boolean()) return it->get<bool>() ? "yes" : "no";
    return it->dump();
}

std::string joined(const json& obj, const char* key, const char* sep = ", ") {
    if (!obj.is_object() || !obj.contains(key) || !obj[key].is_array() || obj[key].empty())
        return "-";
    std::string out;
    for (const auto& item : obj[key]) {
        if (!out.empty()) out += sep;
        out += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return out;
}

const json& array_of(const json& obj, const char* key) {
    static const json empty = json::array();
    if (!obj.is_object()) return empty;
    const auto it = obj.find(key);
    return it != obj.end() && it->is_array() ? *it : empty;
}

bool flag(const json& obj, const char* key) {
    const auto it = obj.find(key);
    return it != obj.end() && it->is_boolean() && it->get<bool>();
}

std::string upper(std::string s) {
    std::ranges::transform(s, s.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

std::string ago(const json& obj, const char* key) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_number()) return "";
    return ", established " + std::to_string(it->get<std::int64_t>()) + "s ago";
}

// "rekey in 52m 10s, expires in 59m" from rekey_in/reauth_in/expires_in;
// empty when the CHILD_SA (or IKE_SA: rekey_in, reauth_in) has none.
std::string times(const json& c, const std::string& indent) {
    std::vector<std::string> parts;
    for (const auto& [key, label] :
         {std::pair{"rekey_in", "rekey in "}, std::pair{"reauth_in", "reauthentication in "},
          std::pair{"expires_in", "expires in "}}) {
        const auto it = c.find(key);
        if (it != c.end() && it->is_number_integer())
            parts.push_back(label + format_span(it->get<std::int64_t>()));
    }
    if (parts.empty()) return "";
    std::string out = indent + parts[0];
    for (std::size_t i = 1; i < parts.size(); ++i) out += ", " + parts[i];
    return out + "\n";
}

std::string format_child(const json& c) {
    std::string out = "  " + text(c, "name") + ": #" + text(c, "id") + ", " +
                      upper(text(c, "state")) + ", " + upper(text(c, "mode")) +
                      (flag(c, "udp_encap") ? ", ESP in UDP" : ", ESP") + ", " +
                      text(c, "proposal") + ago(c, "established") + "\n";
    out += times(c, "    ");
    out += format_table({}, {{"    in", text(c, "spi_in"), text(c, "bytes_in") + " bytes",
                              text(c, "packets_in") + " packets"},
                             {"    out", text(c, "spi_out"), text(c, "bytes_out") + " bytes",
                              text(c, "packets_out") + " packets"}});
    out += "    local  " + joined(c, "local_ts") + "\n";
    out += "    remote " + joined(c, "remote_ts") + "\n";
    return out;
}

std::string format_sa(const json& sa) {
    const bool init = flag(sa, "initiator");
    std::string out = text(sa, "conn") + ": #" + text(sa, "id") + ", " + upper(text(sa, "state")) +
                      ", " + (init ? "initiator" : "responder") + ", " + text(sa, "spi_i") + "_i" +
                      (init ? "*" : "") + " " + text(sa, "spi_r") + "_r" + (init ? "" : "*") + "\n";
    out += "  local  '" + text(sa, "local_id") + "' @ " + text(sa, "local") +
           (flag(sa, "nat_local") ? " (behind NAT)" : "") + "\n";
    out += "  remote '" + text(sa, "remote_id") + "' @ " + text(sa, "remote") +
           (flag(sa, "nat_remote") ? " (behind NAT)" : "") + "\n";
    // Road warriors authenticated by EAP: the user, often not the IKE identity.
    if (const auto eap = text(sa, "remote_eap_id"); eap != "-" && !eap.empty())
        out += "  remote EAP identity '" + eap + "'\n";
    out += "  " + text(sa, "proposal") + ago(sa, "established") + "\n";
    if (!array_of(sa, "virtual_ips").empty()) {
        out += "  virtual IP " + joined(sa, "virtual_ips");
        if (!array_of(sa, "dns").empty()) out += ", DNS " + joined(sa, "dns");
        if (!array_of(sa, "dns_domains").empty()) out += ", search " + joined(sa, "dns_domains");
        out += "\n";
    }
    out += times(sa, "  ");
    for (const auto& c : array_of(sa, "children")) out += format_child(c);
    return out;
}

std::string format_children(const json& conn) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : array_of(conn, "children")) {
        rows.push_back({"  " + text(c, "name"), text(c, "mode"), text(c, "start_action"),
                        joined(c, "local_ts"), "===", joined(c, "remote_ts"),
                        joined(c, "esp_proposals")});
    }
    return format_table({}, rows);
}

}  // namespace

std::string format_span(std::int64_t seconds) {
    static constexpr std::pair<std::int64_t, const char*> units[] = {
        {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
    if (seconds <= 0) return "0s";
    std::size_t i = 0;
    while (seconds < units[i].first) ++i;
    std::string out = std::to_string(seconds / units[i].first) + units[i].second;
    if (i + 1 == std::size(units)) return out;
    const auto next = seconds % units[i].first / units[i + 1].first;
    if (next > 0) out += " " + std::to_string(next) + units[i + 1].second;
    return out;
}

std::string format_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths(header.size());
    for (const auto& r : rows) widths.resize(std::max(widths.size(), r.size()));
    auto measure = [&](const std::vector<std::string>& r) {
        for (std::size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], r[i].size());
    };
    measure(header);
    std::ranges::for_each(rows, measure);
    auto line = [&](const std::vector<std::string>& r) {
        std::string out;
        for (std::size_t i = 0; i < widths.size(); ++i) {
            const std::string cell = i < r.size() ? r[i] : "";
            out += cell + std::string(widths[i] - cell.size() + 2, ' ');
        }
        out.erase(out.find_last_not_of(' ') + 1);
        return out + "\n";
    };
    std::string out = header.empty() ? "" : line(header);
    for (const auto& r : rows) out += line(r);
    return out;
}

std::string format_status(const json& body) {
    std::vector<std::vector<std::string>> rows{
        {"version:", text(body, "version")},
        {"pid:", text(body, "pid")},
        {"uptime:", text(body, "uptime") + "s"},
        {"config:", text(body, "config")},
        {"listening:", joined(body, "listen")},
        {"IKE_SAs:", text(body, "ike_sas") + " (" + text(body, "half_open") + " half-open)"},
    };
    // Absent from daemons older than daemon.crypto_threads.
    if (body.contains("crypto_threads"))
        rows.push_back({"crypto threads:", text(body, "crypto_threads")});
    if (body.contains("counters") && body["counters"].is_object()) {
        for (const auto& [key, value] : body["counters"].items())
            rows.push_back({key + ":", value.dump()});
    }
    return format_table({}, rows);
}

std::string format_conns(const json& body) {
    const auto& conns = array_of(body, "conns");
    if (conns.empty()) return "no connections configured\n";
    std::string out;
    for (const auto& c : conns) {
        out += format_table({"NAME", "LOCAL", "REMOTE", "LOCAL ID", "REMOTE ID", "IKE PROPOSALS"},
                            {{text(c, "name"), joined(c, "local_addrs"), joined(c, "remote_addrs"),
                              text(c, "local_id"), text(c, "remote_id"), joined(c, "proposals")}});
        out += format_children(c);
    }
    return out;
}

std::string format_sas(const json& body) {
    const auto& sas = array_of(body, "sas");
    if (sas.empty()) return "no IKE_SAs\n";
    std::string out;
    for (const auto& sa : sas) out += format_sa(sa);
    return out;
}

std::string format_pools(const json& body) {
    const auto& pools = array_of(body, "pools");
    if (pools.empty()) return "no pools configured\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : pools)
        rows.push_back({text(p, "name"), text(p, "addrs"), text(p, "size"), text(p, "online"),
                        text(p, "offline")});
    return format_table({"NAME", "ADDRESSES", "SIZE", "ONLINE", "OFFLINE"}, rows);
}

// "initiated IKE_SA #3", or with the waited-for result the CHILD_SAs that came up.
static std::string format_initiated(const json& body) {
    if (!body.contains("children")) return "initiated IKE_SA #" + text(body, "ike") + "\n";
    std::string s = "IKE_SA #" + text(body, "ike") + " established";
    const auto& children = body["children"];
    for (std::size_t i = 0; i < children.size(); ++i)
        s += (i == 0 ? ", CHILD_SA " : ", ") + text(children[i], "name") + " #" +
             text(children[i], "id");
    return s + "\n";
}

std::string format_response(control::command cmd, const json& body) {
    switch (cmd) {
        case control::command::status:
            return format_status(body);
        case control::command::list_conns:
            return format_conns(body);
        case control::command::list_sas:
            return format_sas(body);
        case control::command::initiate:
            return format_initiated(body);
        case control::command::terminate:
            if (body.contains("child"))
                return "terminating CHILD_SA #" + text(body, "child") + " of IKE_SA #" +
                       text(body, "ike") + "\n";
            return "terminating IKE_SA " + joined(body, "terminated") + "\n";
        case control::command::reload:
            return "reloaded: added " + joined(body, "added") + "; removed " +
                   joined(body, "removed") + "; changed " + joined(body, "changed") +
                   "; unchanged " + joined(body, "unchanged") + "\n";
        case control::command::log_level:
            return text(body, "subsystem") + " logs at " + text(body, "level") + "\n";
        case control::command::list_pools:
            return format_pools(body);
    }
    return body.dump() + "\n";
}

}  // namespace ikev2d::ctl
