#pragma once
// One UDP socket of the daemon: the IKE port (500) or the NAT-T port (4500)
// on one listen address. The local address of each datagram comes from
// IP_PKTINFO / IPV6_PKTINFO, so a socket bound to 0.0.0.0 or :: still tells
// the engine which of a multi-homed host's addresses the peer used, and
// replies leave from that address. On the NAT-T port the socket has
// UDP_ENCAP_ESPINUDP set (the kernel takes ESP off it) and the non-ESP marker
// is stripped on receive and prepended on send (nat_t_marker.hpp).
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "libike/common/bytes.hpp"
#include "libike/common/socket_address.hpp"

namespace ikev2d {

enum class port_kind : std::uint8_t { ike, natt };

/// Per-socket counters for ikev2ctl status.
struct udp_counters {
    std::uint64_t received = 0;  ///< IKE messages handed to the engine
    std::uint64_t sent = 0;
    std::uint64_t esp_dropped = 0;  ///< ESP that reached user space on 4500
    std::uint64_t keepalives = 0;   ///< NAT keepalives received
    std::uint64_t malformed = 0;    ///< too short for the marker, or no pktinfo
    std::uint64_t send_errors = 0;
};

class udp_socket {
  public:
    /// Called for each IKE message (marker already stripped), on the loop thread.
    using receive_handler =
        std::function<void(const ike::socket_address& local, const ike::socket_address& remote,
                           ike::bytes_view message)>;

    /// Opens, configures and binds a socket on `address`:`port` and starts
    /// receiving. IPv6 sockets are IPV6_V6ONLY (so "::" and "0.0.0.0" can
    /// both be bound). Errors (start-up failures, as text naming the address):
    /// socket, setsockopt or bind failures (EADDRINUSE, EACCES without
    /// CAP_NET_BIND_SERVICE, ENOPROTOOPT for UDP_ENCAP on a kernel without it).
    static std::expected<std::unique_ptr<udp_socket>, std::string> open(boost::asio::io_context& io,
                                                                        const ike::ip_addr& address,
                                                                        std::uint16_t port,
                                                                        port_kind kind,
                                                                        receive_handler handler);

    /// Sends `message` to `remote` from `local.ip` (when not unspecified),
    /// with the non-ESP marker in front on the NAT-T port. Never blocks: a
    /// full socket buffer drops the datagram (IKE retransmits). Returns
    /// false and counts a send error when the kernel refused it.
    bool send(const ike::socket_address& local, const ike::socket_address& remote,
              ike::bytes_view message);

    /// Sends a raw datagram without any marker (NAT keepalives).
    bool send_raw(const ike::socket_address& local, const ike::socket_address& remote,
                  ike::bytes_view datagram);

    const ike::socket_address& bound() const { return bound_; }
    port_kind kind() const { return kind_; }
    const udp_counters& counters() const { return counters_; }
    /// Empty when IKE on this socket bypasses IPsec (a per-socket allow
    /// policy both ways); else why not (no CAP_NET_ADMIN, no XFRM).
    const std::string& bypass_error() const { return bypass_error_; }

  private:
    udp_socket(boost::asio::io_context& io, const ike::socket_address& bound, port_kind kind,
               receive_handler handler);
    std::expected<void, std::string> configure();
    void wait_readable();
    void drain();
    void deliver(const ike::socket_address& local, const ike::socket_address& remote,
                 ike::bytes_view datagram);

    boost::asio::ip::udp::socket socket_;
    ike::socket_address bound_;
    port_kind kind_;
    receive_handler handler_;
    udp_counters counters_;
    std::vector<std::uint8_t> buffer_;
    std::string bypass_error_;
};

}  // namespace ikev2d
