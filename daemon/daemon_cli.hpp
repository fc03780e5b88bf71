#pragma once
// ikev2d's command line and its one-shot mode, --check-config.
#include <cstdint>
#include <cstdio>
#include <expected>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ikev2d {

inline constexpr std::string_view default_config_path = "/etc/ikev2d/ikev2d.yaml";

/// Where CHILD_SAs go. `none` installs nothing: benchmarks only
/// (bench/ikev2-establish), never a gateway, never a test of SA installation.
enum class kernel_backend_kind : std::uint8_t { netlink, none };

struct daemon_cli {
    std::filesystem::path config{std::string(default_config_path)};
    std::optional<std::filesystem::path> check_config;                  ///< --check-config FILE
    std::optional<std::filesystem::path> control_socket;                ///< --control-socket PATH
    kernel_backend_kind kernel_backend = kernel_backend_kind::netlink;  ///< --kernel-backend
    bool help = false;
    bool version = false;
};

/// Parses argv[1..]. Errors: an unknown option or a missing value, as one line.
std::expected<daemon_cli, std::string> parse_daemon_cli(std::span<const std::string_view> args);

/// The --help text.
std::string daemon_usage();

/// --check-config: loads `path`, prints every warning and error as
/// "file:line:column: key: message" (and connections the engine cannot take
/// yet as "file: connections.NAME: message") to `out`, and returns the exit
/// code: 0 when the file would be accepted, 1 otherwise.
int check_config(const std::filesystem::path& path, std::FILE* out);

}  // namespace ikev2d
