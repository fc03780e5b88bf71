#pragma once
// The control socket's wire protocol: versioned JSON lines (see
// docs/control-protocol.md). One request object per line from the client,
// one response object per line from the daemon:
//
//   → {"v":1,"cmd":"initiate","conn":"a-to-b","child":"net"}
//   ← {"v":1,"ok":true,"ike":3}
//   ← {"v":1,"ok":false,"error":"no connection named 'a-to-x'"}
//
// Parsing is pure and total: a line that is not a valid request comes back as
// a protocol_error whose text goes into the error response.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ikev2d::control {

/// The protocol version this build speaks (the "v" member).
inline constexpr int protocol_version = 1;

/// Requests longer than this (without the newline) are refused.
inline constexpr std::size_t max_line_length = 64 * 1024;
/// Responses may be far longer: list-sas of 100,000 IKE_SAs is tens of MB.
/// The client refuses more than this.
inline constexpr std::size_t max_response_length = 512 * 1024 * 1024;

enum class command : std::uint8_t {
    status,
    list_conns,
    list_sas,
    initiate,
    terminate,
    reload,
    log_level,
    list_pools,
};

/// "list-sas" for command::list_sas, and so on.
std::string_view command_name(command cmd);

/// The command named `name`, or nullopt.
std::optional<command> parse_command_name(std::string_view name);

/// One request, its arguments typed. Which members are used depends on `cmd`:
///   initiate   conn (required), child (optional)
///   terminate  exactly one of conn, ike_id, child_id
///   log-level  subsystem, level (both required)
/// The longest an initiate may wait for its result.
inline constexpr std::uint32_t max_wait_seconds = 3600;

struct request {
    command cmd = command::status;
    std::string conn;
    std::string child;
    std::optional<std::uint32_t> ike_id;
    std::optional<std::uint32_t> child_id;
    /// initiate: answer when the IKE_SA and its CHILD_SAs are up or failed,
    /// at most this many seconds later; 0 answers at once.
    std::uint32_t wait_seconds = 0;
    std::string subsystem;
    std::string level;
    friend bool operator==(const request&, const request&) = default;
};

/// Why a request line was refused; `message` is sent back to the client.
struct protocol_error {
    std::string message;
};

/// Parses one request line (without the trailing newline).
/// Errors: not JSON, not an object, missing or unsupported "v", missing or
/// unknown "cmd", a missing required or wrongly typed argument, an argument
/// the command does not take, terminate with not exactly one target.
std::expected<request, protocol_error> parse_request(std::string_view line);

/// The request as one JSON line without the newline (what ikev2ctl sends).
std::string format_request(const request& req);

/// A success response: `body`'s members (an object, possibly empty) plus
/// "v" and "ok":true, as one line without the newline.
std::string format_ok(const nlohmann::json& body);

/// An error response {"v":1,"ok":false,"error":message}, one line.
std::string format_error(std::string_view message);

/// A parsed response: ok with its whole object, or the daemon's error text.
struct response {
    bool ok = false;
    std::string error;    ///< when !ok
    nlohmann::json body;  ///< the whole response object
};

/// Parses a response line. Errors (for the client to report as "bad
/// response"): not JSON, not an object, missing "v"/"ok", unsupported "v",
/// ok:false without an "error" string.
std::expected<response, protocol_error> parse_response(std::string_view line);

}  // namespace ikev2d::control
