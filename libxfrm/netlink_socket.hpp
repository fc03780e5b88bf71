#pragma once
// A NETLINK_XFRM socket owned through libmnl. Opening it is the first thing the
// daemon does with the kernel; failures come back as an errno value with the
// operation that failed, never as an exception.
#include <cstdint>
#include <expected>
#include <string>
#include <system_error>

#include "libxfrm/kernel_error.hpp"

struct mnl_socket;

namespace xfrm {

class netlink_socket {
  public:
    /// Opens and binds a NETLINK_XFRM socket, joining the multicast `groups`
    /// bitmask (XFRMGRP_*; 0 for a request-only socket).
    static std::expected<netlink_socket, kernel_error> open(std::uint32_t groups = 0);

    netlink_socket(netlink_socket&& other) noexcept;
    netlink_socket& operator=(netlink_socket&& other) noexcept;
    netlink_socket(const netlink_socket&) = delete;
    netlink_socket& operator=(const netlink_socket&) = delete;
    ~netlink_socket();

    /// File descriptor for the daemon's event loop.
    int fd() const;
    /// Netlink port id the kernel assigned to this socket.
    std::uint32_t port_id() const;
    mnl_socket* handle() const { return sock_; }

  private:
    explicit netlink_socket(mnl_socket* sock) : sock_(sock) {}
    mnl_socket* sock_ = nullptr;
};

}  // namespace xfrm
