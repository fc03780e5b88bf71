#include "libxfrm/event_socket.hpp"

#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>

namespace xfrm {

std::expected<event_socket, kernel_error> event_socket::open() {
    auto sock = netlink_socket::open(0);
    if (!sock) return std::unexpected(sock.error());
    for (std::uint32_t group : event_groups()) {
        if (setsockopt(sock->fd(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0)
            return std::unexpected(make_kernel_error(errno, "joining XFRM multicast group"));
    }
    int flags = fcntl(sock->fd(), F_GETFL);
    if (flags < 0 || fcntl(sock->fd(), F_SETFL, flags | O_NONBLOCK) < 0)
        return std::unexpected(make_kernel_error(errno, "O_NONBLOCK on event socket"));
    return event_socket(std::move(*sock));
}

std::expected<event_batch, kernel_error> event_socket::read_pending() {
    event_batch out;
    std::vector<std::uint8_t> buf(64 * 1024);
    for (;;) {
        ssize_t n = recv(fd(), buf.data(), buf.size(), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == ENOBUFS) {
            out.overflowed = true;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return out;
        if (n < 0) return std::unexpected(make_kernel_error(errno, "reading XFRM events"));
        auto parts = split_messages({buf.data(), static_cast<std::size_t>(n)});
        if (!parts) {
            ++malformed_;
            continue;
        }
        for (auto part : *parts) {
            auto ev = parse_event(part);
            if (!ev)
                ++malformed_;
            else if (*ev)
                out.events.push_back(std::move(**ev));
        }
    }
}

}  // namespace xfrm
