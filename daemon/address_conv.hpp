#pragma once
// Conversions between the address types of the layers the daemon joins:
// ike::ip_addr / ike::socket_address (engine), sockaddr (sockets),
// config::ip_address (YAML config) and xfrm::ip_address (kernel).
#include <sys/socket.h>

#include <optional>

#include "daemon/config/address.hpp"
#include "libike/common/socket_address.hpp"
#include "libxfrm/xfrm_types.hpp"

namespace ikev2d {

/// A sockaddr_in / sockaddr_in6 for `addr`; returns its length.
socklen_t to_sockaddr(const ike::socket_address& addr, sockaddr_storage& out);

/// The address in a sockaddr_in / sockaddr_in6; an IPv4-mapped IPv6 address
/// (::ffff:a.b.c.d) becomes plain IPv4. nullopt for other families.
std::optional<ike::socket_address> from_sockaddr(const sockaddr* sa, socklen_t len);

/// Config address → engine address.
ike::ip_addr to_ike(const config::ip_address& addr);

/// Engine address → kernel address.
xfrm::ip_address to_xfrm(const ike::ip_addr& addr);

/// Kernel address → engine address.
ike::ip_addr from_xfrm(const xfrm::ip_address& addr);

/// True for 0.0.0.0 and ::.
bool is_unspecified(const ike::ip_addr& addr);

}  // namespace ikev2d
