#include "daemon/control_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace ikev2d::control {
namespace {

class fd_guard {
  public:
    explicit fd_guard(int fd) : fd_(fd) {}
    ~fd_guard() {
        if (fd_ >= 0) ::close(fd_);
    }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

std::unexpected<client_error> fail(client_error::kind k, std::string message) {
    return std::unexpected(client_error{k, std::move(message)});
}

std::expected<void, client_error> connect_to(int fd, const std::filesystem::path& path) {
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    const std::string p = path.string();
    if (p.size() >= sizeof sun.sun_path)
        return fail(client_error::kind::unreachable, p + ": path too long");
    std::memcpy(sun.sun_path, p.c_str(), p.size() + 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) {
        return fail(
            client_error::kind::unreachable,
            "cannot connect to " + p + ": " + std::strerror(errno) + " (is ikev2d running?)");
    }
    return {};
}

std::expected<void, client_error> write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            return fail(client_error::kind::io, std::string("send: ") + std::strerror(errno));
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

std::expected<std::string, client_error> read_line(int fd, std::chrono::milliseconds timeout) {
    std::string line;
    std::vector<char> buf(64 * 1024);
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) return fail(client_error::kind::io, "no answer from ikev2d (timeout)");
        const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail(client_error::kind::io, "ikev2d closed the connection");
        // Only the new bytes are searched: a long answer stays linear.
        const std::size_t old_size = line.size();
        line.append(buf.data(), static_cast<std::size_t>(n));
        if (const auto nl = line.find('\n', old_size); nl != std::string::npos) {
            line.resize(nl);
            return line;
        }
        if (line.size() > max_response_length) {
            return fail(client_error::kind::bad_response, "response line too long");
        }
    }
}

}  // namespace

std::expected<response, client_error> call(const std::filesystem::path& socket, const request& req,
                                           std::chrono::milliseconds timeout) {
    fd_guard fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) return fail(client_error::kind::unreachable, std::strerror(errno));
    if (auto ok = connect_to(fd.get(), socket); !ok) return std::unexpected(ok.error());
    if (auto ok = write_all(fd.get(), format_request(req) + "\n"); !ok) {
        return std::unexpected(ok.error());
    }
    auto line = read_line(fd.get(), timeout);
    if (!line) return std::unexpected(line.error());
    auto resp = parse_response(*line);
    if (!resp)
        return fail(client_error::kind::bad_response, "bad response: " + resp.error().message);
    return std::move(*resp);
}

}  // namespace ikev2d::control
