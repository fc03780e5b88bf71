#pragma once
// ikev2ctl's command line: global options, the command words and their
// arguments, turned into a control request; and the exit codes scripts rely on.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "daemon/control_protocol.hpp"

namespace ikev2d::ctl {

/// ikev2ctl's exit codes (also printed by --help).
enum class exit_code : int {
    ok = 0,           ///< the daemon carried out the command
    failed = 1,       ///< the daemon refused or failed the command
    usage = 2,        ///< bad command line
    unreachable = 3,  ///< no daemon on the socket, or no valid answer
};

/// The default control socket, as in conf/ikev2d.yaml.
inline constexpr std::string_view default_socket = "/run/ikev2d/ikev2d.sock";
/// Seconds `ikev2ctl initiate` waits for the outcome unless --timeout says otherwise.
inline constexpr std::uint32_t default_initiate_wait = 30;

/// A parsed command line.
struct invocation {
    std::filesystem::path socket{std::string(default_socket)};
    bool json = false;
    bool help = false;
    bool version = false;
    control::request request;
};

/// Parses argv[1..] (`args` without the program name): [--socket PATH]
/// [--json] COMMAND ARGS..., or --help / --version alone.
/// Errors: the usage problem as one line (unknown option or command, missing
/// or extra arguments, a non-numeric SA id, an unknown subsystem or level).
std::expected<invocation, std::string> parse_command_line(std::span<const std::string_view> args);

/// The --help text, listing commands and exit codes.
std::string usage_text();

}  // namespace ikev2d::ctl
