#pragma once
// The control socket: a Unix stream socket on the event loop's io_context
// speaking control_protocol. Accepting, reading and writing are asynchronous,
// so a slow or stuck client never blocks the loop; each request is answered
// by calling the handler on the loop thread, which may therefore touch the
// engine directly.
#include <cstddef>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <nlohmann/json.hpp>

#include "daemon/control_protocol.hpp"

namespace ikev2d::control {

/// The answer to one request: the members of a success response, or the
/// error text of a failure response.
using handler_result = std::expected<nlohmann::json, std::string>;
/// Delivers the answer; called exactly once, now or later (an initiate that
/// waits for its IKE_SA). The session reads no further request until then.
using reply_fn = std::function<void(handler_result)>;
using request_handler = std::function<void(const request&, reply_fn)>;

/// At most this many clients are served at once; more are closed at accept.
inline constexpr std::size_t max_clients = 16;

class control_server {
  public:
    /// Binds `path` (mode 0600; a missing parent directory is created 0700)
    /// and starts accepting. A leftover socket file from a crashed daemon is
    /// replaced; one a live daemon still answers on is not.
    /// Errors (start-up failures, as text): the parent cannot be created,
    /// another daemon listens on `path`, `path` exists and is not a socket,
    /// bind/listen/chmod failures.
    static std::expected<std::unique_ptr<control_server>, std::string> open(
        boost::asio::io_context& io, const std::filesystem::path& path, request_handler handler);

    /// Stops accepting, closes every client and removes the socket file.
    ~control_server();

    control_server(const control_server&) = delete;
    control_server& operator=(const control_server&) = delete;

    const std::filesystem::path& path() const { return path_; }

    class session;

  private:
    control_server(boost::asio::io_context& io, std::filesystem::path path,
                   request_handler handler);
    void accept_next();

    boost::asio::local::stream_protocol::acceptor acceptor_;
    std::filesystem::path path_;
    std::shared_ptr<const request_handler> handler_;
    std::shared_ptr<std::size_t> clients_ = std::make_shared<std::size_t>(0);
};

/// Answers one request line: parses it, calls `handler`, and hands the
/// formatted response line (without the newline) to `done`, at once or when
/// the handler replies. Pure apart from the handler; the server uses it for
/// every line.
void answer_line(std::string_view line, const request_handler& handler,
                 std::function<void(std::string)> done);

}  // namespace ikev2d::control
