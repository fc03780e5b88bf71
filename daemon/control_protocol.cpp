#include "daemon/control_protocol.hpp"

#include <array>
#include <limits>
#include <utility>

namespace ikev2d::control {
namespace {

using json = nlohmann::json;

constexpr std::array<std::pair<command, std::string_view>, 8> command_names{{
    {command::status, "status"},
    {command::list_conns, "list-conns"},
    {command::list_sas, "list-sas"},
    {command::initiate, "initiate"},
    {command::terminate, "terminate"},
    {command::reload, "reload"},
    {command::log_level, "log-level"},
    {command::list_pools, "list-pools"},
}};

/// Argument members each command accepts (besides "v" and "cmd").
bool takes_argument(command cmd, std::string_view key) {
    switch (cmd) {
        case command::initiate:
            return key == "conn" || key == "child" || key == "wait";
        case command::terminate:
            return key == "conn" || key == "ike" || key == "child";
        case command::log_level:
            return key == "subsystem" || key == "level";
        default:
            return false;
    }
}

std::unexpected<protocol_error> fail(std::string message) {
    return std::unexpected(protocol_error{std::move(message)});
}

std::expected<int, protocol_error> check_version(const json& obj) {
    const auto v = obj.find("v");
    if (v == obj.end()) return fail("missing \"v\" (protocol version)");
    if (!v->is_number_integer()) return fail("\"v\" must be an integer");
    if (v->get<int>() != protocol_version) {
        return fail("unsupported protocol version " + v->dump() + " (this daemon speaks " +
                    std::to_string(protocol_version) + ")");
    }
    return protocol_version;
}

std::expected<std::string, protocol_error> string_arg(const json& obj, const char* key,
                                                      bool required) {
    const auto it = obj.find(key);
    if (it == obj.end()) {
        if (required) return fail(std::string("missing \"") + key + "\"");
        return std::string{};
    }
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
        return fail(std::string("\"") + key + "\" must be a non-empty string");
    }
    return it->get<std::string>();
}

std::expected<std::optional<std::uint32_t>, protocol_error> id_arg(const json& obj,
                                                                   const char* key) {
    const auto it = obj.find(key);
    if (it == obj.end()) return std::optional<std::uint32_t>{};
    if (!it->is_number_unsigned() ||
        it->get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max()) {
        return fail(std::string("\"") + key + "\" must be an SA number (unsigned integer)");
    }
    return std::optional<std::uint32_t>{it->get<std::uint32_t>()};
}

std::expected<void, protocol_error> check_members(const json& obj, command cmd) {
    for (const auto& [key, value] : obj.items()) {
        if (key == "v" || key == "cmd" || takes_argument(cmd, key)) continue;
        return fail("command \"" + std::string(command_name(cmd)) + "\" takes no \"" + key + "\"");
    }
    return {};
}

std::expected<void, protocol_error> fill_arguments(const json& obj, request& req) {
    switch (req.cmd) {
        case command::initiate: {
            auto conn = string_arg(obj, "conn", true);
            if (!conn) return std::unexpected(conn.error());
            auto child = string_arg(obj, "child", false);
            if (!child) return std::unexpected(child.error());
            req.conn = std::move(*conn), req.child = std::move(*child);
            const auto wait = obj.find("wait");
            if (wait != obj.end()) {
                if (!wait->is_number_unsigned() || wait->get<std::uint64_t>() > max_wait_seconds)
                    return fail("\"wait\" must be seconds from 0 to " +
                                std::to_string(max_wait_seconds));
                req.wait_seconds = wait->get<std::uint32_t>();
            }
            return {};
        }
        case command::terminate: {
            auto conn = string_arg(obj, "conn", false);
            if (!conn) return std::unexpected(conn.error());
            auto ike = id_arg(obj, "ike");
            if (!ike) return std::unexpected(ike.error());
            auto child = id_arg(obj, "child");
            if (!child) return std::unexpected(child.error());
            req.conn = std::move(*conn), req.ike_id = *ike, req.child_id = *child;
            const int targets =
                !req.conn.empty() + req.ike_id.has_value() + req.child_id.has_value();
            if (targets != 1)
                return fail("terminate needs exactly one of \"conn\", \"ike\", \"child\"");
            return {};
        }
        case command::log_level: {
            auto subsystem = string_arg(obj, "subsystem", true);
            if (!subsystem) return std::unexpected(subsystem.error());
            auto level = string_arg(obj, "level", true);
            if (!level) return std::unexpected(level.error());
            req.subsystem = std::move(*subsystem), req.level = std::move(*level);
            return {};
        }
        default:
            return {};
    }
}

}  // namespace

std::string_view command_name(command cmd) {
    for (const auto& [c, name] : command_names) {
        if (c == cmd) return name;
    }
    return "?";
}

std::optional<command> parse_command_name(std::string_view name) {
    for (const auto& [c, n] : command_names) {
        if (n == name) return c;
    }
    return std::nullopt;
}

std::expected<request, protocol_error> parse_request(std::string_view line) {
    if (line.size() > max_line_length) return fail("request line too long");
    const json obj = json::parse(line, nullptr, false);
    if (obj.is_discarded()) return fail("request is not valid JSON");
    if (!obj.is_object()) return fail("request must be a JSON object");
    if (auto v = check_version(obj); !v) return std::unexpected(v.error());
    const auto cmd = obj.find("cmd");
    if (cmd == obj.end() || !cmd->is_string()) return fail("missing \"cmd\"");
    const auto parsed = parse_command_name(cmd->get_ref<const std::string&>());
    if (!parsed) return fail("unknown command \"" + cmd->get<std::string>() + "\"");
    request req;
    req.cmd = *parsed;
    if (auto ok = check_members(obj, req.cmd); !ok) return std::unexpected(ok.error());
    if (auto ok = fill_arguments(obj, req); !ok) return std::unexpected(ok.error());
    return req;
}

std::string format_request(const request& req) {
    json obj = {{"v", protocol_version}, {"cmd", std::string(command_name(req.cmd))}};
    if (!req.conn.empty()) obj["conn"] = req.conn;
    if (!req.child.empty()) obj["child"] = req.child;
    if (req.wait_seconds != 0) obj["wait"] = req.wait_seconds;
    if (req.ike_id) obj["ike"] = *req.ike_id;
    if (req.child_id) obj["child"] = *req.child_id;
    if (!req.subsystem.empty()) obj["subsystem"] = req.subsystem;
    if (!req.level.empty()) obj["level"] = req.level;
    return obj.dump();
}

std::string format_ok(const nlohmann::json& body) {
    json obj = {{"v", protocol_version}, {"ok", true}};
    if (body.is_object()) {
        for (const auto& [key, value] : body.items()) {
            if (key != "v" && key != "ok") obj[key] = value;
        }
    }
    return obj.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string format_error(std::string_view message) {
    const json obj = {{"v", protocol_version}, {"ok", false}, {"error", std::string(message)}};
    return obj.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::expected<response, protocol_error> parse_response(std::string_view line) {
    json obj = json::parse(line, nullptr, false);
    if (obj.is_discarded()) return fail("response is not valid JSON");
    if (!obj.is_object()) return fail("response must be a JSON object");
    if (auto v = check_version(obj); !v) return std::unexpected(v.error());
    const auto ok = obj.find("ok");
    if (ok == obj.end() || !ok->is_boolean()) return fail("response without \"ok\"");
    response resp;
    resp.ok = ok->get<bool>();
    if (!resp.ok) {
        const auto err = obj.find("error");
        if (err == obj.end() || !err->is_string()) return fail("error response without \"error\"");
        resp.error = err->get<std::string>();
    }
    resp.body = std::move(obj);
    return resp;
}

}  // namespace ikev2d::control
