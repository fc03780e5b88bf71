#include "daemon/daemon_cli.hpp"

#include "daemon/config/config_loader.hpp"
#include "daemon/config_translate.hpp"

namespace ikev2d {
namespace {

std::unexpected<std::string> fail(std::string message) {
    return std::unexpected(std::move(message));
}

}  // namespace

std::expected<daemon_cli, std::string> parse_daemon_cli(std::span<const std::string_view> args) {
    daemon_cli cli;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto a = args[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 == args.size()) return std::nullopt;
            return std::string(args[++i]);
        };
        if (a == "--help" || a == "-h") {
            cli.help = true;
        } else if (a == "--version") {
            cli.version = true;
        } else if (a == "--config" || a == "--check-config" || a == "--control-socket") {
            const auto v = value();
            if (!v) return fail(std::string(a) + " needs a value");
            if (a == "--config") cli.config = *v;
            if (a == "--check-config") cli.check_config = *v;
            if (a == "--control-socket") cli.control_socket = *v;
        } else if (a == "--kernel-backend") {
            const auto v = value();
            if (!v) return fail("--kernel-backend needs a value");
            if (v == "netlink")
                cli.kernel_backend = kernel_backend_kind::netlink;
            else if (v == "none")
                cli.kernel_backend = kernel_backend_kind::none;
            else
                return fail("--kernel-backend takes netlink or none");
        } else {
            return fail("unknown option '" + std::string(a) + "'");
        }
    }
    return cli;
}

std::string daemon_usage() {
    return "Usage: ikev2d [--config FILE] [--control-socket PATH] [--check-config FILE]\n"
           "              [--kernel-backend netlink|none]\n"
           "IKEv2 keying daemon for Linux (RFC 7296), programming the kernel over Netlink/XFRM.\n"
           "  --config FILE          configuration (default " +
           std::string(default_config_path) +
           ")\n"
           "  --control-socket PATH  control socket (overrides daemon.control_socket)\n"
           "  --check-config FILE    validate a configuration, print its problems as\n"
           "                         file:line:column and exit 0 (valid) or 1\n"
           "  --kernel-backend none  BENCHMARKS ONLY: install nothing in the kernel (CHILD_SAs\n"
           "                         are negotiated but carry no traffic); default netlink\n"
           "  --version              print the version and exit\n"
           "  --help                 print this help and exit\n"
           "Signals: SIGTERM/SIGINT stop (deleting every SA), SIGHUP reloads the config.\n";
}

int check_config(const std::filesystem::path& path, std::FILE* out) {
    const auto cfg = config::load_config_file(path);
    if (!cfg) {
        for (const auto& e : cfg.error()) std::fprintf(out, "%s\n", e.to_string().c_str());
        return 1;
    }
    for (const auto& w : cfg->warnings) std::fprintf(out, "warning: %s\n", w.to_string().c_str());
    const auto t = translate(*cfg);
    for (const auto& e : t.errors) {
        std::fprintf(out, "%s: %s\n", path.string().c_str(), e.to_string().c_str());
    }
    if (!t.errors.empty()) return 1;
    std::fprintf(out, "%s: OK, %zu connection%s\n", path.string().c_str(), cfg->connections.size(),
                 cfg->connections.size() == 1 ? "" : "s");
    return 0;
}

}  // namespace ikev2d
