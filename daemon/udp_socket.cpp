#include "daemon/udp_socket.hpp"

#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "daemon/address_conv.hpp"
#include "daemon/nat_t_marker.hpp"

#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

namespace ikev2d {
namespace {

namespace asio = boost::asio;

/// Largest datagram we read; IKE messages above 64 KiB cannot exist.
constexpr std::size_t max_datagram = 65536;

/// Datagrams read per readiness event, so a flood on one socket cannot
/// starve the timer, the other sockets or the control socket.
constexpr int max_batch = 64;

std::unexpected<std::string> fail(const ike::socket_address& where, const char* what, int err) {
    return std::unexpected("UDP socket " + ike::to_string(where) + ": " + what + ": " +
                           std::strerror(err));
}

bool set_int(int fd, int level, int option, int value) {
    return ::setsockopt(fd, level, option, &value, sizeof value) == 0;
}

/// Lets IKE datagrams of this socket bypass IPsec both ways (a per-socket
/// XFRM_POLICY_ALLOW, as charon does): a CHILD_SA between the IKE addresses
/// themselves (host-to-host, transport mode, traps) must not carry, drop or
/// ACQUIRE on IKE traffic, which has to keep flowing while SAs come and go.
bool bypass_ipsec(int fd, bool ipv6) {
    xfrm_userpolicy_info policy{};
    policy.action = XFRM_POLICY_ALLOW;
    policy.sel.family = ipv6 ? AF_INET6 : AF_INET;
    const int level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
    const int option = ipv6 ? IPV6_XFRM_POLICY : IP_XFRM_POLICY;
    for (const auto dir : {XFRM_POLICY_IN, XFRM_POLICY_OUT}) {
        policy.dir = static_cast<std::uint8_t>(dir);
        if (::setsockopt(fd, level, option, &policy, sizeof policy) != 0) return false;
    }
    return true;
}

/// The destination address of a received datagram, from its pktinfo cmsg.
std::optional<ike::ip_addr> local_address(msghdr& msg) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            ike::ip_addr a;
            std::memcpy(a.bytes.data(), &info.ipi_addr, 4);
            return a;
        }
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            ike::ip_addr a;
            a.ipv6 = true;
            std::memcpy(a.bytes.data(), &info.ipi6_addr, 16);
            return a;
        }
    }
    return std::nullopt;
}

/// Adds a pktinfo cmsg choosing the source address; `control` must hold
/// CMSG_SPACE(sizeof(in6_pktinfo)).
void add_source(msghdr& msg, const ike::ip_addr& source, char* control, std::size_t size) {
    std::memset(control, 0, size);
    msg.msg_control = control;
    cmsghdr* c = nullptr;
    if (source.ipv6) {
        msg.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
        c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = IPPROTO_IPV6, c->cmsg_type = IPV6_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
        in6_pktinfo info{};
        std::memcpy(&info.ipi6_addr, source.bytes.data(), 16);
        std::memcpy(CMSG_DATA(c), &info, sizeof info);
    } else {
        msg.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
        c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = IPPROTO_IP, c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo info{};
        std::memcpy(&info.ipi_spec_dst, source.bytes.data(), 4);
        std::memcpy(CMSG_DATA(c), &info, sizeof info);
    }
}

}  // namespace

udp_socket::udp_socket(asio::io_context& io, const ike::socket_address& bound, port_kind kind,
                       receive_handler handler)
    : socket_(io),
      bound_(bound),
      kind_(kind),
      handler_(std::move(handler)),
      buffer_(max_datagram) {}

std::expected<std::unique_ptr<udp_socket>, std::string> udp_socket::open(
    asio::io_context& io, const ike::ip_addr& address, std::uint16_t port, port_kind kind,
    receive_handler handler) {
    const ike::socket_address bound{address, port};
    std::unique_ptr<udp_socket> s(new udp_socket(io, bound, kind, std::move(handler)));
    boost::system::error_code ec;
    s->socket_.open(address.ipv6 ? asio::ip::udp::v6() : asio::ip::udp::v4(), ec);
    if (ec) return std::unexpected("UDP socket " + ike::to_string(bound) + ": " + ec.message());
    if (auto ok = s->configure(); !ok) return std::unexpected(ok.error());
    sockaddr_storage sa{};
    const socklen_t len = to_sockaddr(bound, sa);
    if (::bind(s->socket_.native_handle(), reinterpret_cast<sockaddr*>(&sa), len) != 0) {
        return fail(bound, "bind", errno);
    }
    s->socket_.non_blocking(true, ec);
    s->wait_readable();
    return s;
}

std::expected<void, std::string> udp_socket::configure() {
    const int fd = socket_.native_handle();
    // No SO_REUSEADDR: on UDP it would let a second daemon share the port.
    if (bound_.ip.ipv6) {
        if (!set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1)) return fail(bound_, "IPV6_V6ONLY", errno);
        if (!set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)) {
            return fail(bound_, "IPV6_RECVPKTINFO", errno);
        }
    } else if (!set_int(fd, IPPROTO_IP, IP_PKTINFO, 1)) {
        return fail(bound_, "IP_PKTINFO", errno);
    }
    if (!bypass_ipsec(fd, bound_.ip.ipv6)) bypass_error_ = std::strerror(errno);  // not fatal
    if (kind_ == port_kind::natt && !set_int(fd, IPPROTO_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP)) {
        return fail(bound_, "UDP_ENCAP_ESPINUDP", errno);
    }
    return {};
}

void udp_socket::wait_readable() {
    socket_.async_wait(asio::ip::udp::socket::wait_read, [this](boost::system::error_code ec) {
        if (ec) return;  // closed
        drain();
        wait_readable();
    });
}

void udp_socket::drain() {
    for (int i = 0; i < max_batch; ++i) {
        sockaddr_storage from{};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo)) + 64];
        iovec iov{buffer_.data(), buffer_.size()};
        msghdr msg{};
        msg.msg_name = &from, msg.msg_namelen = sizeof from;
        msg.msg_iov = &iov, msg.msg_iovlen = 1;
        msg.msg_control = control, msg.msg_controllen = sizeof control;
        const ssize_t n = ::recvmsg(socket_.native_handle(), &msg, MSG_DONTWAIT);
        if (n < 0) return;  // EAGAIN: drained; other errors: retry on next readiness
        const auto remote = from_sockaddr(reinterpret_cast<sockaddr*>(&from), msg.msg_namelen);
        const auto local = local_address(msg);
        if (!remote || !local || (msg.msg_flags & MSG_TRUNC)) {
            ++counters_.malformed;
            continue;
        }
        deliver({*local, bound_.port}, *remote, {buffer_.data(), static_cast<std::size_t>(n)});
    }
}

void udp_socket::deliver(const ike::socket_address& local, const ike::socket_address& remote,
                         ike::bytes_view datagram) {
    if (kind_ == port_kind::ike) {
        ++counters_.received;
        handler_(local, remote, datagram);
        return;
    }
    const auto d = classify_natt_datagram(datagram);
    switch (d.kind) {
        case natt_kind::ike:
            ++counters_.received;
            handler_(local, remote, d.ike);
            return;
        case natt_kind::esp:
            ++counters_.esp_dropped;
            return;
        case natt_kind::keepalive:
            ++counters_.keepalives;
            return;
        case natt_kind::malformed:
            ++counters_.malformed;
            return;
    }
}

bool udp_socket::send(const ike::socket_address& local, const ike::socket_address& remote,
                      ike::bytes_view message) {
    if (kind_ == port_kind::natt) return send_raw(local, remote, add_non_esp_marker(message));
    return send_raw(local, remote, message);
}

bool udp_socket::send_raw(const ike::socket_address& local, const ike::socket_address& remote,
                          ike::bytes_view datagram) {
    sockaddr_storage to{};
    iovec iov{const_cast<std::uint8_t*>(datagram.data()), datagram.size()};
    msghdr msg{};
    msg.msg_name = &to, msg.msg_namelen = to_sockaddr(remote, to);
    msg.msg_iov = &iov, msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))];
    if (!is_unspecified(local.ip) && local.ip.ipv6 == bound_.ip.ipv6) {
        add_source(msg, local.ip, control, sizeof control);
    }
    if (::sendmsg(socket_.native_handle(), &msg, MSG_DONTWAIT) < 0) {
        ++counters_.send_errors;
        return false;
    }
    ++counters_.sent;
    return true;
}

}  // namespace ikev2d
