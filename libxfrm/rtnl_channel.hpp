#pragma once
// Request/response I/O on one NETLINK_ROUTE socket, for the few rtnetlink
// requests ikev2d makes as a road-warrior client (addresses, routes, rules,
// route lookups). One request at a time, blocking with a receive timeout, on
// the daemon's I/O thread. XFRM has its own channel (netlink_channel): the
// two families number their message types alike, so they do not share one.
#include <chrono>
#include <cstdint>
#include <expected>
#include <vector>

#include "libxfrm/kernel_error.hpp"
#include "libxfrm/nl_message.hpp"

struct mnl_socket;

namespace xfrm {

class rtnl_channel {
  public:
    /// Opens a NETLINK_ROUTE socket with extended and capped acks and a
    /// receive timeout. Errors: socket(2)/bind(2)/setsockopt(2) failures.
    static std::expected<rtnl_channel, kernel_error> open(
        std::chrono::milliseconds timeout = std::chrono::seconds(5));

    rtnl_channel(rtnl_channel&& other) noexcept;
    rtnl_channel& operator=(rtnl_channel&& other) noexcept;
    rtnl_channel(const rtnl_channel&) = delete;
    rtnl_channel& operator=(const rtnl_channel&) = delete;
    ~rtnl_channel();

    /// Sends one modification with NLM_F_ACK and waits for the answer.
    /// Errors: the kernel's errno (and extended-ack text), I/O, ETIMEDOUT.
    std::expected<void, kernel_error> execute(nl_message request);

    /// Sends a request the kernel answers with one message (RTM_GETROUTE)
    /// and returns it. Errors: the kernel's errno, I/O, ETIMEDOUT.
    std::expected<nl_message, kernel_error> query(nl_message request);

  private:
    explicit rtnl_channel(mnl_socket* sock) : sock_(sock) {}
    std::expected<std::vector<nl_message>, kernel_error> exchange(nl_message& request);

    mnl_socket* sock_ = nullptr;
    std::uint32_t next_seq_ = 1;
};

}  // namespace xfrm
