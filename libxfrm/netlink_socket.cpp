#include "libxfrm/netlink_socket.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <cerrno>
#include <utility>

namespace xfrm {

namespace {
kernel_error errno_error(const char* what) {
    return kernel_error{std::error_code(errno, std::generic_category()), what};
}
}  // namespace

std::expected<netlink_socket, kernel_error> netlink_socket::open(std::uint32_t groups) {
    mnl_socket* sock = mnl_socket_open2(NETLINK_XFRM, SOCK_CLOEXEC);
    if (!sock) return std::unexpected(errno_error("socket(AF_NETLINK, NETLINK_XFRM)"));
    if (mnl_socket_bind(sock, groups, MNL_SOCKET_AUTOPID) < 0) {
        auto err = errno_error("bind NETLINK_XFRM socket");
        mnl_socket_close(sock);
        return std::unexpected(err);
    }
    return netlink_socket(sock);
}

netlink_socket::netlink_socket(netlink_socket&& other) noexcept
    : sock_(std::exchange(other.sock_, nullptr)) {}

netlink_socket& netlink_socket::operator=(netlink_socket&& other) noexcept {
    if (this != &other) {
        if (sock_) mnl_socket_close(sock_);
        sock_ = std::exchange(other.sock_, nullptr);
    }
    return *this;
}

netlink_socket::~netlink_socket() {
    if (sock_) mnl_socket_close(sock_);
}

int netlink_socket::fd() const {
    return mnl_socket_get_fd(sock_);
}
std::uint32_t netlink_socket::port_id() const {
    return mnl_socket_get_portid(sock_);
}

}  // namespace xfrm
