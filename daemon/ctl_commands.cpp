#include "daemon/ctl_commands.hpp"

#include <charconv>
#include <limits>
#include <optional>

namespace ikev2d::ctl {
namespace {

using control::command;
using args_t = std::span<const std::string_view>;

std::unexpected<std::string> fail(std::string message) {
    return std::unexpected(std::move(message));
}

std::optional<std::uint32_t> parse_id(std::string_view text) {
    std::uint32_t value = 0;
    if (!text.empty() && text.front() == '#') text.remove_prefix(1);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

std::expected<void, std::string> expect_count(std::string_view cmd, args_t args, std::size_t n) {
    if (args.size() == n) return {};
    return fail(std::string(cmd) + ": expected " + std::to_string(n) + " argument" +
                (n == 1 ? "" : "s") + ", got " + std::to_string(args.size()));
}

std::expected<void, std::string> parse_initiate(args_t args, control::request& req) {
    // Scripts get the outcome in the exit code: wait for it unless told not to.
    req.wait_seconds = default_initiate_wait;
    if (args.size() == 3 && args[1] == "--timeout") {
        const auto s = parse_id(args[2]);
        if (!s || *s > control::max_wait_seconds)
            return fail("initiate: --timeout takes seconds from 0 to " +
                        std::to_string(control::max_wait_seconds));
        req.wait_seconds = *s;
        args = args.first(1);
    }
    if (auto ok = expect_count("initiate", args, 1); !ok) return ok;
    const auto slash = args[0].find('/');
    req.conn = std::string(args[0].substr(0, slash));
    if (slash != std::string_view::npos) req.child = std::string(args[0].substr(slash + 1));
    if (req.conn.empty() || (slash != std::string_view::npos && req.child.empty())) {
        return fail("initiate: expected CONN or CONN/CHILD");
    }
    return {};
}

std::expected<void, std::string> parse_terminate(args_t args, control::request& req) {
    if (args.size() == 1 && !args[0].starts_with("--")) {
        req.conn = std::string(args[0]);
        return {};
    }
    if (args.size() != 2 || (args[0] != "--ike" && args[0] != "--child")) {
        return fail("terminate: expected CONN, --ike ID or --child ID");
    }
    const auto id = parse_id(args[1]);
    if (!id) return fail("terminate: '" + std::string(args[1]) + "' is not an SA number");
    (args[0] == "--ike" ? req.ike_id : req.child_id) = *id;
    return {};
}

std::expected<void, std::string> parse_log_level(args_t args, control::request& req) {
    if (auto ok = expect_count("log-level", args, 2); !ok) return ok;
    req.subsystem = std::string(args[0]);
    req.level = std::string(args[1]);
    return {};
}

std::expected<control::request, std::string> parse_command(args_t words) {
    control::request req;
    const auto cmd = control::parse_command_name(words[0]);
    if (!cmd) return fail("unknown command '" + std::string(words[0]) + "'");
    req.cmd = *cmd;
    const args_t args = words.subspan(1);
    std::expected<void, std::string> ok;
    switch (*cmd) {
        case command::initiate:
            ok = parse_initiate(args, req);
            break;
        case command::terminate:
            ok = parse_terminate(args, req);
            break;
        case command::log_level:
            ok = parse_log_level(args, req);
            break;
        default:
            ok = expect_count(words[0], args, 0);
            break;
    }
    if (!ok) return std::unexpected(ok.error());
    return req;
}

}  // namespace

std::expected<invocation, std::string> parse_command_line(args_t args) {
    invocation inv;
    std::size_t i = 0;
    for (; i < args.size() && args[i].starts_with("-"); ++i) {
        const auto a = args[i];
        if (a == "--help" || a == "-h") {
            inv.help = true;
        } else if (a == "--version") {
            inv.version = true;
        } else if (a == "--json") {
            inv.json = true;
        } else if (a == "--socket" || a == "-s") {
            if (++i == args.size()) return fail("--socket needs a path");
            inv.socket = std::string(args[i]);
        } else {
            return fail("unknown option '" + std::string(a) + "'");
        }
    }
    if (inv.help || inv.version) return inv;
    if (i == args.size()) return fail("no command given");
    auto req = parse_command(args.subspan(i));
    if (!req) return std::unexpected(req.error());
    inv.request = std::move(*req);
    return inv;
}

std::string usage_text() {
    return "Usage: ikev2ctl [--socket PATH] [--json] COMMAND [ARGS]\n"
           "Controls and inspects a running ikev2d over its control socket.\n"
           "\n"
           "Commands:\n"
           "  status                       daemon version, uptime, SA counts, counters\n"
           "  list-conns                   configured connections and their children\n"
           "  list-sas                     IKE_SAs and CHILD_SAs with traffic counters\n"
           "  list-pools                   virtual IP pools: size, online and offline leases\n"
           "  initiate CONN[/CHILD] [--timeout S]\n"
           "                               bring up a connection (every child, or one) and\n"
           "                               wait up to S seconds (default 30, 0: do not\n"
           "                               wait) until it is up or failed\n"
           "  terminate CONN               delete every IKE_SA of a connection\n"
           "  terminate --ike ID           delete one IKE_SA (the #N of list-sas)\n"
           "  terminate --child ID         delete one CHILD_SA\n"
           "  reload                       re-read the configuration file\n"
           "  log-level SUBSYS LEVEL       set a subsystem's log level (dmn, ike, chd,\n"
           "                               knl, net, cfg or all; silent, error,\n"
           "                               warning, info, debug, trace)\n"
           "\n"
           "Options:\n"
           "  --socket PATH  control socket (default " +
           std::string(default_socket) +
           ")\n"
           "  --json         print the daemon's JSON response as it is\n"
           "  --help         print this help;  --version  print the version\n"
           "\n"
           "Exit codes:\n"
           "  0  the command succeeded\n"
           "  1  the daemon refused or failed the command (the reason is printed)\n"
           "  2  usage error\n"
           "  3  the daemon is not reachable (not running, no permission on the socket)\n"
           "     or gave no valid answer\n";
}

}  // namespace ikev2d::ctl
