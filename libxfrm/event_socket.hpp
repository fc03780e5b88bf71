#pragma once
// The kernel's XFRM events for the daemon's event loop: a non-blocking
// NETLINK_XFRM socket joined to the event groups. The loop polls fd() for
// readability and calls read_pending(); nothing here blocks or spawns threads.
#include <cstddef>
#include <expected>
#include <vector>

#include "libxfrm/kernel_error.hpp"
#include "libxfrm/netlink_socket.hpp"
#include "libxfrm/xfrm_events.hpp"

namespace xfrm {

/// What one read_pending() call found.
struct event_batch {
    std::vector<event> events;  ///< in arrival order
    /// The kernel dropped events because the socket buffer overflowed
    /// (ENOBUFS): the caller must resynchronise (dump SAs and policies; larval
    /// SAs in the dump stand for lost acquires).
    bool overflowed = false;
};

class event_socket {
  public:
    /// Opens a socket joined to XFRMNLGRP_ACQUIRE, _EXPIRE (SA and policy
    /// expiry) and _MAPPING. Needs CAP_NET_ADMIN.
    /// Errors: socket/bind/setsockopt failures.
    static std::expected<event_socket, kernel_error> open();

    /// File descriptor to poll for readability.
    int fd() const { return sock_.fd(); }

    /// Reads every datagram queued now and returns its events; empty if
    /// nothing is pending. Malformed event messages are skipped and counted
    /// in malformed(). An overflow is reported in the batch, not as an error.
    /// Errors: socket failures other than EAGAIN/EINTR/ENOBUFS.
    std::expected<event_batch, kernel_error> read_pending();

    /// Number of event messages that failed to parse so far.
    std::size_t malformed() const { return malformed_; }

  private:
    explicit event_socket(netlink_socket sock) : sock_(std::move(sock)) {}
    netlink_socket sock_;
    std::size_t malformed_ = 0;
};

}  // namespace xfrm
