#include "libxfrm/netlink_channel.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <openssl/crypto.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "libxfrm/netlink_ack.hpp"

namespace xfrm {

namespace {

// Requests per sendmsg. With NLM_F_ACK only on the last one, a chunk that
// succeeds costs one answer; a chunk where every request fails costs one
// NLMSG_ERROR each, all queued in the receive buffer before we read any (the
// kernel handles the whole sendmsg inside the call). A capped error with an
// extended-ack text is well under 1 KiB of skb (truesize); the budget per
// answer below leaves twice that, and the chunk shrinks if SO_RCVBUF is small.
constexpr std::size_t chunk_messages_limit = 256;
constexpr std::size_t receive_budget_per_answer = 2048;
// A sendmsg larger than SO_SNDBUF - 32 fails with EMSGSIZE; use half of it.
constexpr std::size_t chunk_bytes_limit = 256 * 1024;
constexpr std::size_t min_chunk_bytes = 16 * 1024;
constexpr int wanted_rcvbuf = 1 << 20;  // the kernel doubles both
constexpr int wanted_sndbuf = 512 * 1024;
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

// Best effort: the FORCE variants need CAP_NET_ADMIN (the daemon has it);
// without it the kernel caps the size at net.core.rmem_max / wmem_max.
void set_buffer(netlink_socket& sock, int force_name, int name, int value) {
    if (setsockopt(sock.fd(), SOL_SOCKET, force_name, &value, sizeof value) < 0)
        setsockopt(sock.fd(), SOL_SOCKET, name, &value, sizeof value);
}

std::expected<std::size_t, kernel_error> get_buffer(netlink_socket& sock, int name,
                                                    const char* what) {
    int value = 0;
    socklen_t len = sizeof value;
    if (getsockopt(sock.fd(), SOL_SOCKET, name, &value, &len) < 0)
        return std::unexpected(errno_error(what));
    return static_cast<std::size_t>(value > 0 ? value : 0);
}

// Extended acks and capped acks keep errors readable and free of echoed keys
// (and small, which the chunk size relies on); bigger socket buffers allow
// bigger chunks.
std::expected<void, kernel_error> configure(netlink_socket& sock, std::chrono::milliseconds t) {
    if (auto ok = set_option(sock, SOL_NETLINK, NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK"); !ok)
        return ok;
    if (auto ok = set_option(sock, SOL_NETLINK, NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK"); !ok)
        return ok;
    set_buffer(sock, SO_RCVBUFFORCE, SO_RCVBUF, wanted_rcvbuf);
    set_buffer(sock, SO_SNDBUFFORCE, SO_SNDBUF, wanted_sndbuf);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(t.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
    if (setsockopt(sock.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
        return std::unexpected(errno_error("SO_RCVTIMEO"));
    return {};
}

// Requests answered only by an ACK or an error, which may share one ACK per
// chunk. Everything else (GETs, ALLOCSPI, dumps) has replies of its own.
bool is_modification(const nl_message& msg) {
    switch (msg.header()->nlmsg_type) {
        case XFRM_MSG_NEWSA:
        case XFRM_MSG_UPDSA:
        case XFRM_MSG_DELSA:
        case XFRM_MSG_NEWPOLICY:
        case XFRM_MSG_UPDPOLICY:
        case XFRM_MSG_DELPOLICY:
        case XFRM_MSG_FLUSHSA:
        case XFRM_MSG_FLUSHPOLICY:
            return true;
        default:
            return false;
    }
}

bool is_dump(const nl_message& msg) {
    const nlmsghdr* h = msg.header();
    bool get = h->nlmsg_type == XFRM_MSG_GETSA || h->nlmsg_type == XFRM_MSG_GETPOLICY;
    return get && (h->nlmsg_flags & NLM_F_DUMP) != 0;
}

std::size_t wire_size(const nl_message& msg) {
    return NLMSG_ALIGN(msg.size());
}

}  // namespace

std::expected<netlink_channel, kernel_error> netlink_channel::open(std::chrono::milliseconds t) {
    auto sock = netlink_socket::open(0);
    if (!sock) return std::unexpected(sock.error());
    if (auto ok = configure(*sock, t); !ok) return std::unexpected(ok.error());
    auto rcvbuf = get_buffer(*sock, SO_RCVBUF, "SO_RCVBUF");
    if (!rcvbuf) return std::unexpected(rcvbuf.error());
    auto sndbuf = get_buffer(*sock, SO_SNDBUF, "SO_SNDBUF");
    if (!sndbuf) return std::unexpected(sndbuf.error());
    std::size_t messages =
        std::clamp<std::size_t>(*rcvbuf / receive_budget_per_answer, 1, chunk_messages_limit);
    std::size_t bytes = std::clamp<std::size_t>(*sndbuf / 2, min_chunk_bytes, chunk_bytes_limit);
    return netlink_channel(std::move(*sock), messages, bytes);
}

netlink_channel::netlink_channel(netlink_socket sock, std::size_t chunk_messages,
                                 std::size_t chunk_bytes)
    : sock_(std::move(sock)),
      chunk_messages_(chunk_messages),
      chunk_bytes_(chunk_bytes),
      rx_(receive_buffer) {}

// `n` consecutive sequence numbers, never 0 and never wrapping inside the
// range, so an answer maps to its request by subtraction.
std::uint32_t netlink_channel::reserve_seqs(std::size_t n) {
    if (next_seq_ == 0 || n > std::numeric_limits<std::uint32_t>::max() - next_seq_) next_seq_ = 1;
    std::uint32_t first = next_seq_;
    next_seq_ = static_cast<std::uint32_t>(next_seq_ + n);
    return first;
}

std::uint32_t netlink_channel::stamp(nl_message& msg) {
    std::uint32_t seq = reserve_seqs(1);
    msg.header()->nlmsg_seq = seq;
    msg.header()->nlmsg_pid = 0;
    return seq;
}

std::expected<void, kernel_error> netlink_channel::send(ike::bytes_view data, std::uint16_t type) {
    if (mnl_socket_sendto(sock_.handle(), data.data(), data.size()) < 0)
        return std::unexpected(errno_error("sending " + message_type_name(type)));
    return {};
}

// One sendmsg gathering the messages straight from their own buffers: no
// copy of the keys into a staging buffer.
std::expected<void, kernel_error> netlink_channel::send_all(std::span<nl_message> msgs) {
    static constexpr std::uint8_t padding[NLMSG_ALIGNTO] = {};
    iov_.clear();
    for (auto& m : msgs) {
        iov_.push_back({const_cast<std::uint8_t*>(m.view().data()), m.size()});
        if (std::size_t pad = wire_size(m) - m.size(); pad != 0)
            iov_.push_back({const_cast<std::uint8_t*>(padding), pad});
    }
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    msghdr mh{};
    mh.msg_name = &kernel;
    mh.msg_namelen = sizeof kernel;
    mh.msg_iov = iov_.data();
    mh.msg_iovlen = iov_.size();
    if (sendmsg(sock_.fd(), &mh, 0) < 0)
        return std::unexpected(
            errno_error("sending " + message_type_name(msgs.front().header()->nlmsg_type)));
    return {};
}

// One datagram into the channel's buffer. The view is valid until
// wipe_received(), which the caller runs as soon as it is done with it: GETSA
// replies and dumps carry keys.
std::expected<ike::bytes_view, kernel_error> netlink_channel::receive_datagram() {
    wipe_received();
    ssize_t n = mnl_socket_recvfrom(sock_.handle(), rx_.data(), rx_.size());
    if (n < 0) return std::unexpected(errno_error("receiving from NETLINK_XFRM"));
    rx_used_ = static_cast<std::size_t>(n);
    return ike::bytes_view{rx_.data(), rx_used_};
}

void netlink_channel::wipe_received() {
    if (rx_used_ != 0) OPENSSL_cleanse(rx_.data(), rx_used_);
    rx_used_ = 0;
}

// One datagram, split into messages (copies, which wipe themselves).
std::expected<std::vector<nl_message>, kernel_error> netlink_channel::receive() {
    auto datagram = receive_datagram();
    if (!datagram) return std::unexpected(datagram.error());
    std::vector<nl_message> out;
    auto parts = split_messages(*datagram);
    if (parts) {
        for (auto part : *parts) out.emplace_back(part);
    }
    wipe_received();
    if (!parts) return std::unexpected(make_kernel_error(EBADMSG, parts.error().what));
    return out;
}

// A chunk is either modifications only (NLM_F_ACK on the last) or one other
// request (NLM_F_ACK unless it is a dump). Its last request's answer (an
// NLMSG_ERROR, or a dump's NLMSG_DONE) ends it; by then the kernel has sent
// every earlier answer of the chunk, since it handles the sendmsg in order.
void netlink_channel::send_chunk(std::span<nl_message> chunk,
                                 std::span<std::expected<void, kernel_error>> results) {
    const std::size_t n = chunk.size();
    const std::uint32_t first = reserve_seqs(n);
    for (std::size_t i = 0; i < n; ++i) {
        nlmsghdr* h = chunk[i].header();
        h->nlmsg_seq = static_cast<std::uint32_t>(first + i);
        h->nlmsg_pid = 0;
        bool ack = i + 1 == n && !is_dump(chunk[i]);
        if (ack)
            h->nlmsg_flags |= NLM_F_ACK;
        else
            h->nlmsg_flags &= static_cast<std::uint16_t>(~NLM_F_ACK);
    }
    if (auto sent = send_all(chunk); !sent) {
        for (auto& r : results) r = std::unexpected(sent.error());
        return;
    }
    // Requests before `settled` have had their answer or are known to have
    // succeeded (a later request was answered and no error came for them).
    std::size_t settled = 0;
    auto fail_unsettled = [&](const kernel_error& err) {
        if (err.value() == ENOBUFS) settled = 0;  // an error may have been dropped
        for (std::size_t i = settled; i < n; ++i)
            if (results[i]) results[i] = std::unexpected(err);
    };
    bool done = false;
    while (!done) {
        auto datagram = receive_datagram();
        if (!datagram) {
            fail_unsettled(datagram.error());
            return;
        }
        auto parts = split_messages(*datagram);
        if (!parts) {
            wipe_received();
            fail_unsettled(make_kernel_error(EBADMSG, parts.error().what));
            return;
        }
        for (auto part : *parts) {
            const auto* h = reinterpret_cast<const nlmsghdr*>(part.data());
            std::size_t i = static_cast<std::uint32_t>(h->nlmsg_seq - first);
            if (i >= n) continue;               // stale answer to an earlier, timed-out request
            if (h->nlmsg_type == NLMSG_DONE) {  // end of a dump
                int err = 0;
                if (part.size() >= NLMSG_HDRLEN + sizeof err)
                    std::memcpy(&err, part.data() + NLMSG_HDRLEN, sizeof err);
                if (err < 0)
                    results[i] = std::unexpected(make_kernel_error(
                        -err, message_type_name(chunk[i].header()->nlmsg_type) + " dump"));
            } else if (h->nlmsg_type == NLMSG_ERROR) {
                auto ack = parse_ack(part);
                if (!ack) continue;
                if (ack->error != 0) results[i] = std::unexpected(ack->to_error());
            } else {
                continue;  // a GET's reply or a dump's message
            }
            settled = std::max(settled, i + 1);
            if (i + 1 == n) done = true;
        }
        wipe_received();
    }
}

std::vector<std::expected<void, kernel_error>> netlink_channel::execute_batch(
    std::vector<nl_message> requests) {
    std::vector<std::expected<void, kernel_error>> results(requests.size());
    std::size_t begin = 0;
    while (begin < requests.size()) {
        std::size_t end = begin + 1, bytes = wire_size(requests[begin]);
        if (is_modification(requests[begin])) {
            while (end < requests.size() && end - begin < chunk_messages_ &&
                   is_modification(requests[end]) &&
                   bytes + wire_size(requests[end]) <= chunk_bytes_) {
                bytes += wire_size(requests[end]);
                ++end;
            }
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
