#pragma once
// Request/response I/O on one NETLINK_XFRM socket: stamps sequence numbers,
// sends one or many requests per sendmsg, and matches each answer to its
// request by sequence number. Blocking, with a receive timeout; single-threaded
// by design (the daemon's one I/O thread owns it). Events use event_socket.
#include <sys/uio.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <vector>

#include "libxfrm/kernel_error.hpp"
#include "libxfrm/netlink_socket.hpp"
#include "libxfrm/nl_message.hpp"

namespace xfrm {

class netlink_channel {
  public:
    /// Opens a request socket with extended acks (NETLINK_EXT_ACK), capped
    /// acks (NETLINK_CAP_ACK: errors do not echo keys back) and a receive
    /// timeout, so a lost answer becomes ETIMEDOUT instead of a hang.
    /// Errors: socket(2)/bind(2)/setsockopt(2) failures.
    static std::expected<netlink_channel, kernel_error> open(
        std::chrono::milliseconds timeout = std::chrono::seconds(5));

    /// Sends one request that asks for an ACK and waits for it.
    /// Errors: the kernel's error for it (errno + extended-ack text), send or
    /// receive failures, ETIMEDOUT.
    std::expected<void, kernel_error> execute(nl_message request);

    /// Sends all `requests` in as few sendmsg calls as the socket buffers allow
    /// and returns one result per request, in order: an error is attributed to
    /// the request whose sequence number it carries. Every request is
    /// attempted; one failing does not stop the others.
    ///
    /// Modifications (NEW/UPD/DEL SA and policy, FLUSHSA, FLUSHPOLICY) go up to
    /// max_chunk_messages() per sendmsg with NLM_F_ACK only on the last one:
    /// the kernel handles a sendmsg's messages in order, answers each failing
    /// one with an NLMSG_ERROR carrying its sequence number, and goes on; so
    /// the answer to the last message ends the chunk, and a request with no
    /// error before it succeeded. Any other request (a GET, a dump) is sent on
    /// its own, with NLM_F_ACK (a dump ends at its NLMSG_DONE); its reply is
    /// read and dropped. If receiving fails midway (ETIMEDOUT, ENOBUFS), the
    /// requests whose outcome is unknown get that error.
    std::vector<std::expected<void, kernel_error>> execute_batch(std::vector<nl_message> requests);

    /// Sends a request that the kernel answers with one message (GETSA,
    /// GETPOLICY, ALLOCSPI) and returns that message.
    /// Errors: the kernel's NLMSG_ERROR for it, I/O failures, ETIMEDOUT.
    std::expected<nl_message, kernel_error> query(nl_message request);

    /// Runs a dump request (NLM_F_DUMP) and returns every message up to
    /// NLMSG_DONE. An interrupted dump (NLM_F_DUMP_INTR: the table changed
    /// meanwhile) is retried a few times, then reported as EAGAIN.
    std::expected<std::vector<nl_message>, kernel_error> dump(nl_message request);

    int fd() const { return sock_.fd(); }

    /// Most requests execute_batch puts in one sendmsg (256, fewer if the
    /// receive buffer could not hold an error for each of them).
    std::size_t max_chunk_messages() const { return chunk_messages_; }
    /// Most bytes execute_batch puts in one sendmsg (below SO_SNDBUF).
    std::size_t max_chunk_bytes() const { return chunk_bytes_; }

  private:
    netlink_channel(netlink_socket sock, std::size_t chunk_messages, std::size_t chunk_bytes);
    std::uint32_t reserve_seqs(std::size_t n);
    std::uint32_t stamp(nl_message& msg);
    std::expected<void, kernel_error> send(ike::bytes_view data, std::uint16_t type);
    std::expected<void, kernel_error> send_all(std::span<nl_message> msgs);
    std::expected<ike::bytes_view, kernel_error> receive_datagram();
    void wipe_received();
    std::expected<std::vector<nl_message>, kernel_error> receive();
    void send_chunk(std::span<nl_message> chunk,
                    std::span<std::expected<void, kernel_error>> results);
    std::expected<std::vector<nl_message>, kernel_error> dump_once(const nl_message& request);

    netlink_socket sock_;
    std::uint32_t next_seq_ = 1;
    std::size_t chunk_messages_;
    std::size_t chunk_bytes_;
    // One receive buffer for the channel's life; only the bytes of the last
    // datagram are ever non-zero, and they are wiped once read.
    std::vector<std::uint8_t> rx_;
    std::size_t rx_used_ = 0;
    std::vector<iovec> iov_;  // send_all's gather list, reused
};

}  // namespace xfrm
