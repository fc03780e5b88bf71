// The UDP sockets on loopback: pktinfo gives the local address, the NAT-T
// socket strips the non-ESP marker on receive and adds it on send.
#include "daemon/udp_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace ikev2d {
namespace {

struct received {
    ike::socket_address local, remote;
    ike::bytes data;
};

/// A plain UDP socket on 127.0.0.1 standing in for the peer.
class peer_socket {
  public:
    peer_socket() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
        socklen_t len = sizeof sin;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sin), &len);
        port_ = ntohs(sin.sin_port);
    }
    ~peer_socket() { ::close(fd_); }
    void send_to(std::uint16_t port, const ike::bytes& data) {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(port);
        ::sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    }
    ike::bytes receive() {
        ike::bytes buf(2048);
        const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
        buf.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        return buf;
    }
    std::uint16_t port() const { return port_; }

  private:
    int fd_;
    std::uint16_t port_ = 0;
};

/// A free UDP port on loopback (bound and released).
std::uint16_t free_port() {
    peer_socket probe;
    return probe.port();
}

std::optional<received> receive_one(boost::asio::io_context& io, std::optional<received>& slot) {
    for (int i = 0; i < 200 && !slot; ++i) io.run_for(std::chrono::milliseconds(10));
    return slot;
}

TEST(udp_socket, ike_port_reports_local_address) {
    boost::asio::io_context io;
    std::optional<received> got;
    const auto port = free_port();
    auto s = udp_socket::open(io, ike::ip_addr{}, port, port_kind::ike,
                              [&](const auto& l, const auto& r, ike::bytes_view m) {
                                  got = received{l, r, ike::bytes(m.begin(), m.end())};
                              });
    ASSERT_TRUE(s) << s.error();
    peer_socket peer;
    peer.send_to(port, {1, 2, 3});
    ASSERT_TRUE(receive_one(io, got));
    EXPECT_EQ(ike::to_string(got->local), "127.0.0.1[" + std::to_string(port) + "]");
    EXPECT_EQ(got->remote.port, peer.port());
    EXPECT_EQ(got->data, (ike::bytes{1, 2, 3}));
    // The reply leaves from the address the datagram came to.
    ASSERT_TRUE((*s)->send(got->local, got->remote, ike::bytes{9, 8}));
    EXPECT_EQ(peer.receive(), (ike::bytes{9, 8}));
}

TEST(udp_socket, natt_port_strips_and_adds_the_marker) {
    boost::asio::io_context io;
    std::optional<received> got;
    const auto port = free_port();
    auto s = udp_socket::open(io, ike::ip_addr::v4(127, 0, 0, 1), port, port_kind::natt,
                              [&](const auto& l, const auto& r, ike::bytes_view m) {
                                  got = received{l, r, ike::bytes(m.begin(), m.end())};
                              });
    ASSERT_TRUE(s) << s.error();
    peer_socket peer;
    peer.send_to(port, {0, 0, 0, 0, 0x21, 0x22});
    ASSERT_TRUE(receive_one(io, got));
    EXPECT_EQ(got->data, (ike::bytes{0x21, 0x22}));
    ASSERT_TRUE((*s)->send(got->local, got->remote, ike::bytes{0x33}));
    EXPECT_EQ(peer.receive(), (ike::bytes{0, 0, 0, 0, 0x33}));
    EXPECT_EQ((*s)->counters().received, 1u);
    EXPECT_EQ((*s)->counters().sent, 1u);
}

TEST(udp_socket, second_bind_on_same_port_fails_with_a_message) {
    boost::asio::io_context io;
    const auto port = free_port();
    auto noop = [](const auto&, const auto&, ike::bytes_view) {};
    auto a = udp_socket::open(io, ike::ip_addr::v4(127, 0, 0, 1), port, port_kind::ike, noop);
    ASSERT_TRUE(a);
    auto b = udp_socket::open(io, ike::ip_addr::v4(127, 0, 0, 1), port, port_kind::ike, noop);
    // No SO_REUSEADDR: a second daemon must not share the port.
    ASSERT_FALSE(b);
    EXPECT_NE(b.error().find("bind: Address already in use"), std::string::npos) << b.error();
}

TEST(udp_socket, ipv6_any_is_v6only_and_reports_local_address) {
    boost::asio::io_context io;
    std::optional<received> got;
    const auto port = free_port();
    auto noop = [](const auto&, const auto&, ike::bytes_view) {};
    auto v4 = udp_socket::open(io, ike::ip_addr{}, port, port_kind::ike, noop);
    ASSERT_TRUE(v4) << v4.error();
    ike::ip_addr any6;
    any6.ipv6 = true;
    auto v6 = udp_socket::open(io, any6, port, port_kind::ike,
                               [&](const auto& l, const auto& r, ike::bytes_view m) {
                                   got = received{l, r, ike::bytes(m.begin(), m.end())};
                               });
    if (!v6 && v6.error().find("Address family not supported") != std::string::npos) {
        GTEST_SKIP() << "no IPv6 here";
    }
    ASSERT_TRUE(v6) << v6.error();  // "::" beside "0.0.0.0" on one port: IPV6_V6ONLY
    const int fd = ::socket(AF_INET6, SOCK_DGRAM, 0);
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    to.sin6_addr = in6addr_loopback;
    to.sin6_port = htons(port);
    const std::uint8_t byte = 7;
    if (::sendto(fd, &byte, 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) != 1) {
        ::close(fd);
        GTEST_SKIP() << "no IPv6 loopback here";
    }
    ::close(fd);
    ASSERT_TRUE(receive_one(io, got));
    EXPECT_EQ(ike::to_string(got->local.ip), "::1");
    EXPECT_TRUE(got->remote.ip.ipv6);
}

TEST(udp_socket, ike_bypasses_ipsec_and_opens_without_the_right_to) {
    // The per-socket bypass policy needs CAP_NET_ADMIN; without it the
    // socket still opens and says why it has none.
    boost::asio::io_context io;
    auto noop = [](const auto&, const auto&, ike::bytes_view) {};
    auto s =
        udp_socket::open(io, ike::ip_addr::v4(127, 0, 0, 1), free_port(), port_kind::ike, noop);
    ASSERT_TRUE(s) << s.error();
    if (::geteuid() != 0) {
        EXPECT_FALSE((*s)->bypass_error().empty());
        GTEST_SKIP() << "not root: " << (*s)->bypass_error();
    }
    EXPECT_EQ((*s)->bypass_error(), "");
}

}  // namespace
}  // namespace ikev2d
