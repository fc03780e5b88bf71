#include "daemon/address_conv.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace ikev2d {

socklen_t to_sockaddr(const ike::socket_address& addr, sockaddr_storage& out) {
    std::memset(&out, 0, sizeof out);
    if (addr.ip.ipv6) {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(addr.port);
        std::memcpy(&sin6->sin6_addr, addr.ip.bytes.data(), 16);
        return sizeof(sockaddr_in6);
    }
    auto* sin = reinterpret_cast<sockaddr_in*>(&out);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(addr.port);
    std::memcpy(&sin->sin_addr, addr.ip.bytes.data(), 4);
    return sizeof(sockaddr_in);
}

std::optional<ike::socket_address> from_sockaddr(const sockaddr* sa, socklen_t len) {
    ike::socket_address out;
    if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(sa);
        std::memcpy(out.ip.bytes.data(), &sin->sin_addr, 4);
        out.port = ntohs(sin->sin_port);
        return out;
    }
    if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
        out.port = ntohs(sin6->sin6_port);
        if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            std::memcpy(out.ip.bytes.data(), sin6->sin6_addr.s6_addr + 12, 4);
            return out;
        }
        out.ip.ipv6 = true;
        std::memcpy(out.ip.bytes.data(), &sin6->sin6_addr, 16);
        return out;
    }
    return std::nullopt;
}

ike::ip_addr to_ike(const config::ip_address& addr) {
    ike::ip_addr out;
    out.ipv6 = addr.family == config::ip_family::ipv6;
    std::copy_n(addr.octets.begin(), out.size(), out.bytes.begin());
    return out;
}

xfrm::ip_address to_xfrm(const ike::ip_addr& addr) {
    xfrm::ip_address out;
    out.family = addr.ipv6 ? xfrm::af_inet6 : xfrm::af_inet;
    std::copy_n(addr.bytes.begin(), addr.size(), out.octets.begin());
    return out;
}

ike::ip_addr from_xfrm(const xfrm::ip_address& addr) {
    ike::ip_addr out;
    out.ipv6 = addr.is_v6();
    std::copy_n(addr.octets.begin(), out.size(), out.bytes.begin());
    return out;
}

bool is_unspecified(const ike::ip_addr& addr) {
    return std::all_of(addr.bytes.begin(), addr.bytes.begin() + addr.size(),
                       [](std::uint8_t b) { return b == 0; });
}

}  // namespace ikev2d
