#include "libxfrm/netlink_channel.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <openssl/crypto.h>
#include <sys/socket.h>

#include <cerrno>
#include <map>

#include "libxfrm/netlink_ack.hpp"

namespace xfrm {

namespace {

// Acks of a chunk queue up in the receive buffer before we read any, so a
// chunk stays far below what SO_RCVBUF holds (~1 KiB of skb per ack).
constexpr std::size_t max_chunk_messages = 64;
constexpr std::size_t max_chunk_bytes = 64 * 1024;
constexpr std::size_t receive_buffer = 64 * 1024;
constexpr int dump_attempts = 3;

kernel_error errno_error(std::string what) {
    int err = errno == EAGAIN ? ETIMEDOUT : errno;
    return make_kernel_error(err, std::move(what));
}

std::expected<void, kernel_error> set_option(netlink_socket& sock, int level, int name, int value,
                                             const char* what) {
    if (setsockopt(sock.fd(), level, name, &value, sizeof value) < 0)
        return std::unexpected(errno_error(what));
    return {};
}

// Extended acks and capped acks keep errors readable and free of echoed keys;
// a bigger receive buffer keeps batched acks from overflowing (best effort:
// SO_RCVBUFFORCE needs CAP_NET_ADMIN, which the daemon has anyway).
std::expected<void, kernel_error> configure(netlink_socket& sock, std::chrono::milliseconds t) {
    if (auto ok = set_option(sock, SOL_NETLINK, NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK"); !ok)
        return ok;
    if (auto ok = set_option(sock, SOL_NETLINK, NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK"); !ok)
        return ok;
    int rcvbuf = 1 << 20;
    if (setsockopt(sock.fd(), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
        setsockopt(sock.fd(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(t.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
    if (setsockopt(sock.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
        return std::unexpected(errno_error("SO_RCVTIMEO"));
    return {};
}

}  // namespace

std::expected<netlink_channel, kernel_error> netlink_channel::open(std::chrono::milliseconds t) {
    auto sock = netlink_socket::open(0);
    if (!sock) return std::unexpected(sock.error());
    if (auto ok = configure(*sock, t); !ok) return std::unexpected(ok.error());
    return netlink_channel(std::move(*sock));
}

netlink_channel::netlink_channel(netlink_socket sock) : sock_(std::move(sock)) {}

std::uint32_t netlink_channel::stamp(nl_message& msg) {
    std::uint32_t seq = next_seq_++;
    if (next_seq_ == 0) next_seq_ = 1;
    msg.header()->nlmsg_seq = seq;
    msg.header()->nlmsg_pid = 0;
    return seq;
}

std::expected<void, kernel_error> netlink_channel::send(ike::bytes_view data, std::uint16_t type) {
    if (mnl_socket_sendto(sock_.handle(), data.data(), data.size()) < 0)
        return std::unexpected(errno_error("sending " + message_type_name(type)));
    return {};
}

// One datagram, split into messages. The receive buffer is wiped afterwards:
// GETSA replies and dumps carry keys.
std::expected<std::vector<nl_message>, kernel_error> netlink_channel::receive() {
    std::vector<std::uint8_t> buf(receive_buffer);
    ssize_t n = mnl_socket_recvfrom(sock_.handle(), buf.data(), buf.size());
    if (n < 0) {
        auto err = errno_error("receiving from NETLINK_XFRM");
        return std::unexpected(err);
    }
    std::vector<nl_message> out;
    auto parts = split_messages({buf.data(), static_cast<std::size_t>(n)});
    if (parts) {
        for (auto part : *parts) out.emplace_back(part);
    }
    OPENSSL_cleanse(buf.data(), static_cast<std::size_t>(n));
    if (!parts) return std::unexpected(make_kernel_error(EBADMSG, parts.error().what));
    return out;
}

void netlink_channel::send_chunk(std::span<nl_message> chunk,
                                 std::span<std::expected<void, kernel_error>> results) {
    std::map<std::uint32_t, std::size_t> pending;  // seq -> index in chunk
    std::vector<std::uint8_t> wire;
    for (std::size_t i = 0; i < chunk.size(); ++i) {
        pending[stamp(chunk[i])] = i;
        wire.insert(wire.end(), chunk[i].view().begin(), chunk[i].view().end());
    }
    auto sent = send(wire, chunk.front().header()->nlmsg_type);
    OPENSSL_cleanse(wire.data(), wire.size());
    if (!sent) {
        for (auto& r : results) r = std::unexpected(sent.error());
        return;
    }
    while (!pending.empty()) {
        auto msgs = receive();
        if (!msgs) {
            for (auto& [seq, i] : pending) results[i] = std::unexpected(msgs.error());
            return;
        }
        for (const auto& m : *msgs) {
            auto ack = parse_ack(m.view());
            if (!ack) continue;  // not an answer to a request of ours
            auto it = pending.find(ack->seq);
            if (it == pending.end()) continue;  // stale answer to a timed-out request
            if (ack->error != 0) results[it->second] = std::unexpected(ack->to_error());
            pending.erase(it);
        }
    }
}

std::vector<std::expected<void, kernel_error>> netlink_channel::execute_batch(
    std::vector<nl_message> requests) {
    std::vector<std::expected<void, kernel_error>> results(requests.size());
    std::size_t begin = 0;
    while (begin < requests.size()) {
        std::size_t end = begin, bytes = 0;
        while (end < requests.size() && end - begin < max_chunk_messages &&
               (end == begin || bytes + requests[end].size() <= max_chunk_bytes)) {
            bytes += requests[end].size();
            ++end;
        }
        send_chunk(std::span(requests).subspan(begin, end - begin),
                   std::span(results).subspan(begin, end - begin));
        begin = end;
    }
    return results;  // `requests` (keys included) are wiped as they go out of scope
}

std::expected<void, kernel_error> netlink_channel::execute(nl_message request) {
    std::vector<nl_message> one;
    one.push_back(std::move(request));
    return execute_batch(std::move(one)).front();
}

std::expected<nl_message, kernel_error> netlink_channel::query(nl_message request) {
    std::uint32_t seq = stamp(request);
    std::uint16_t type = request.header()->nlmsg_type;
    if (auto sent = send(request.view(), type); !sent) return std::unexpected(sent.error());
    for (;;) {
        auto msgs = receive();
        if (!msgs) return std::unexpected(msgs.error());
        for (auto& m : *msgs) {
            if (m.header()->nlmsg_seq != seq) continue;
            if (m.header()->nlmsg_type != NLMSG_ERROR) return std::move(m);
            auto ack = parse_ack(m.view());
            if (!ack) return std::unexpected(make_kernel_error(EBADMSG, ack.error().what));
            if (ack->error == 0) continue;  // a bare ACK; the reply comes separately
            return std::unexpected(ack->to_error());
        }
    }
}

std::expected<std::vector<nl_message>, kernel_error> netlink_channel::dump_once(
    const nl_message& request) {
    nl_message req = request;
    std::uint32_t seq = stamp(req);
    std::uint16_t type = req.header()->nlmsg_type;
    if (auto sent = send(req.view(), type); !sent) return std::unexpected(sent.error());
    std::vector<nl_message> out;
    bool interrupted = false;
    for (;;) {
        auto msgs = receive();
        if (!msgs) return std::unexpected(msgs.error());
        for (auto& m : *msgs) {
            if (m.header()->nlmsg_seq != seq) continue;
            if (m.header()->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
            if (m.header()->nlmsg_type == NLMSG_DONE) {
                if (interrupted)
                    return std::unexpected(make_kernel_error(EAGAIN, "dump interrupted"));
                return out;
            }
            if (m.header()->nlmsg_type == NLMSG_ERROR) {
                auto ack = parse_ack(m.view());
                if (!ack) return std::unexpected(make_kernel_error(EBADMSG, ack.error().what));
                return std::unexpected(ack->to_error());
            }
            out.push_back(std::move(m));
        }
    }
}

std::expected<std::vector<nl_message>, kernel_error> netlink_channel::dump(nl_message request) {
    std::expected<std::vector<nl_message>, kernel_error> result;
    for (int attempt = 0; attempt < dump_attempts; ++attempt) {
        result = dump_once(request);
        if (result || result.error().value() != EAGAIN) break;
    }
    return result;
}

}  // namespace xfrm
