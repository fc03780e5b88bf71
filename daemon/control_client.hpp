#pragma once
// ikev2ctl's side of the control socket: connect, send one request line,
// read one response line. Blocking with a timeout; ikev2ctl has nothing else
// to do meanwhile.
#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>

#include "daemon/control_protocol.hpp"

namespace ikev2d::control {

struct client_error {
    enum class kind : std::uint8_t {
        unreachable,   ///< no daemon: connect failed (ENOENT, ECONNREFUSED, EACCES)
        io,            ///< the connection broke, or the daemon did not answer in time
        bad_response,  ///< the answer is not a valid response line
    };
    kind what = kind::unreachable;
    std::string message;
};

/// Sends `req` to the daemon at `socket` and returns its response (ok or
/// not). Errors: client_error as above, with a message for the operator.
std::expected<response, client_error> call(
    const std::filesystem::path& socket, const request& req,
    std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace ikev2d::control
