#include "libxfrm/rtnl_channel.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <utility>

#include "libxfrm/netlink_ack.hpp"

namespace xfrm {

namespace {

constexpr std::size_t receive_buffer = 32768;

kernel_error errno_error(const char* what) {
    return kernel_error{std::error_code(errno, std::generic_category()), what};
}

std::expected<void, kernel_error> set_flag(mnl_socket* sock, int option, const char* name) {
    int one = 1;
    if (mnl_socket_setsockopt(sock, option, &one, sizeof one) < 0)
        return std::unexpected(errno_error(name));
    return {};
}

// The kernel's error without a message type name: the caller says what it
// was doing ("cannot add 10.3.0.1/32 to eth0"), the kernel's text follows.
kernel_error ack_error(const netlink_ack& ack) {
    return make_kernel_error(ack.error, ack.message);
}

}  // namespace

std::expected<rtnl_channel, kernel_error> rtnl_channel::open(std::chrono::milliseconds timeout) {
    mnl_socket* sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!sock) return std::unexpected(errno_error("socket(AF_NETLINK, NETLINK_ROUTE)"));
    rtnl_channel channel(sock);
    if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0)
        return std::unexpected(errno_error("bind NETLINK_ROUTE socket"));
    if (auto ok = set_flag(sock, NETLINK_EXT_ACK, "NETLINK_EXT_ACK"); !ok)
        return std::unexpected(ok.error());
    if (auto ok = set_flag(sock, NETLINK_CAP_ACK, "NETLINK_CAP_ACK"); !ok)
        return std::unexpected(ok.error());
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    if (setsockopt(mnl_socket_get_fd(sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
        return std::unexpected(errno_error("SO_RCVTIMEO"));
    return channel;
}

rtnl_channel::rtnl_channel(rtnl_channel&& other) noexcept
    : sock_(std::exchange(other.sock_, nullptr)), next_seq_(other.next_seq_) {}

rtnl_channel& rtnl_channel::operator=(rtnl_channel&& other) noexcept {
    if (this != &other) {
        if (sock_) mnl_socket_close(sock_);
        sock_ = std::exchange(other.sock_, nullptr);
        next_seq_ = other.next_seq_;
    }
    return *this;
}

rtnl_channel::~rtnl_channel() {
    if (sock_) mnl_socket_close(sock_);
}

// Sends `request` with NLM_F_ACK and collects what answers its sequence
// number up to the ACK or error (a reply message comes before the ACK).
std::expected<std::vector<nl_message>, kernel_error> rtnl_channel::exchange(nl_message& request) {
    if (next_seq_ == 0) next_seq_ = 1;
    const std::uint32_t seq = next_seq_++;
    request.header()->nlmsg_seq = seq;
    request.header()->nlmsg_flags |= NLM_F_ACK;
    if (mnl_socket_sendto(sock_, request.view().data(), request.size()) < 0)
        return std::unexpected(errno_error("sending to NETLINK_ROUTE"));
    std::vector<nl_message> replies;
    std::vector<std::uint8_t> rx(receive_buffer);
    for (;;) {
        const ssize_t n = mnl_socket_recvfrom(sock_, rx.data(), rx.size());
        if (n < 0) return std::unexpected(errno_error("receiving from NETLINK_ROUTE"));
        auto parts = split_messages({rx.data(), static_cast<std::size_t>(n)});
        if (!parts) return std::unexpected(make_kernel_error(EBADMSG, parts.error().what));
        for (const auto part : *parts) {
            const auto* h = reinterpret_cast<const nlmsghdr*>(part.data());
            if (h->nlmsg_seq != seq) continue;  // a stale answer to a timed-out request
            if (h->nlmsg_type != NLMSG_ERROR) {
                replies.emplace_back(part);
                continue;
            }
            auto ack = parse_ack(part);
            if (!ack) return std::unexpected(make_kernel_error(EBADMSG, ack.error().what));
            if (ack->error != 0) return std::unexpected(ack_error(*ack));
            return replies;
        }
    }
}

std::expected<void, kernel_error> rtnl_channel::execute(nl_message request) {
    auto replies = exchange(request);
    if (!replies) return std::unexpected(replies.error());
    return {};
}

std::expected<nl_message, kernel_error> rtnl_channel::query(nl_message request) {
    auto replies = exchange(request);
    if (!replies) return std::unexpected(replies.error());
    if (replies->empty())
        return std::unexpected(make_kernel_error(ENODATA, "empty rtnetlink reply"));
    return std::move(replies->front());
}

}  // namespace xfrm
