#include "daemon/control_server.hpp"

#include <sys/stat.h>
#include <sys/types.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace ikev2d::control {
namespace {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

std::unexpected<std::string> fail(const std::filesystem::path& path, const std::string& what) {
    return std::unexpected("control socket " + path.string() + ": " + what);
}

/// Creates the parent directory 0700 when it is missing; an existing one is
/// left as the administrator (or systemd's RuntimeDirectory=) made it.
std::expected<void, std::string> ensure_parent(const std::filesystem::path& path) {
    const auto dir = path.parent_path();
    if (dir.empty() || std::filesystem::exists(dir)) return {};
    std::error_code ec;
    std::filesystem::create_directories(dir.parent_path(), ec);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        return fail(path, "cannot create " + dir.string() + ": " + std::strerror(errno));
    }
    return {};
}

/// Removes a socket file left by a daemon that is gone; refuses when a live
/// daemon answers on it or when the path is something else than a socket.
std::expected<void, std::string> remove_stale(asio::io_context& io,
                                              const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::symlink_status(path, ec);
    if (ec || !std::filesystem::exists(status)) return {};
    if (status.type() != std::filesystem::file_type::socket)
        return fail(path, "exists and is not a socket");
    local::socket probe(io);
    boost::system::error_code bec;
    probe.connect(local::endpoint(path.string()), bec);
    if (!bec) return fail(path, "another ikev2d is listening on it");
    std::filesystem::remove(path, ec);
    return {};
}

}  // namespace

/// One client connection: reads lines, answers each, until EOF or error.
class control_server::session : public std::enable_shared_from_this<session> {
  public:
    session(local::socket socket, std::shared_ptr<const request_handler> handler,
            std::shared_ptr<std::size_t> count)
        : socket_(std::move(socket)), handler_(handler), count_(std::move(count)) {
        ++*count_;
    }
    ~session() { --*count_; }

    /// Starts the read → answer → write cycle.
    void start() { read_line(); }

  private:
    void read_line() {
        asio::async_read_until(
            socket_, asio::dynamic_buffer(in_, max_line_length + 1), '\n',
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                self->on_read(ec, n);
            });
    }

    void on_read(boost::system::error_code ec, std::size_t n) {
        if (ec == asio::error::not_found) {  // no newline within the limit
            write_line(format_error("request line too long"), false);
            return;
        }
        if (ec) return;  // EOF or reset: the session ends with the last reference
        std::string line = in_.substr(0, n - 1);
        in_.erase(0, n);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) return read_line();
        answer_line(line, *handler_, [self = shared_from_this()](std::string out) {
            self->write_line(std::move(out), true);
        });
    }

    void write_line(std::string line, bool keep_going) {
        out_ = std::move(line);
        out_.push_back('\n');
        asio::async_write(
            socket_, asio::buffer(out_),
            [self = shared_from_this(), keep_going](boost::system::error_code ec, std::size_t) {
                if (!ec && keep_going) self->read_line();
            });
    }

    local::socket socket_;
    std::shared_ptr<const request_handler> handler_;
    std::shared_ptr<std::size_t> count_;
    std::string in_, out_;
};

void answer_line(std::string_view line, const request_handler& handler,
                 std::function<void(std::string)> done) {
    auto req = parse_request(line);
    if (!req) return done(format_error(req.error().message));
    handler(*req, [done = std::move(done)](handler_result result) {
        done(result ? format_ok(*result) : format_error(result.error()));
    });
}

control_server::control_server(asio::io_context& io, std::filesystem::path path,
                               request_handler handler)
    : acceptor_(io),
      path_(std::move(path)),
      handler_(std::make_shared<const request_handler>(std::move(handler))) {}

std::expected<std::unique_ptr<control_server>, std::string> control_server::open(
    asio::io_context& io, const std::filesystem::path& path, request_handler handler) {
    if (auto ok = ensure_parent(path); !ok) return std::unexpected(ok.error());
    if (auto ok = remove_stale(io, path); !ok) return std::unexpected(ok.error());
    std::unique_ptr<control_server> server(new control_server(io, path, std::move(handler)));
    boost::system::error_code ec;
    server->acceptor_.open(local(), ec);
    // umask first, so the socket never exists with wider permissions.
    const mode_t old_mask = ::umask(0177);
    if (!ec) server->acceptor_.bind(local::endpoint(path.string()), ec);
    ::umask(old_mask);
    if (ec) return fail(path, "bind: " + ec.message());
    if (::chmod(path.c_str(), 0600) != 0)
        return fail(path, std::string("chmod: ") + std::strerror(errno));
    server->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return fail(path, "listen: " + ec.message());
    server->accept_next();
    return server;
}

control_server::~control_server() {
    boost::system::error_code ec;
    acceptor_.close(ec);
    std::error_code fec;
    std::filesystem::remove(path_, fec);
}

void control_server::accept_next() {
    acceptor_.async_accept([this](boost::system::error_code ec, local::socket socket) {
        if (ec == asio::error::operation_aborted) return;  // closed: `this` may be gone
        if (!ec && *clients_ < max_clients) {
            std::make_shared<session>(std::move(socket), handler_, clients_)->start();
        }
        accept_next();
    });
}

}  // namespace ikev2d::control
