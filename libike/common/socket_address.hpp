#pragma once
// An IP address and UDP port as the engine sees them: plain bytes, no
// sockaddr, so libike stays free of socket headers. The daemon converts.
#include <array>
#include <cstdint>
#include <string>

#include "libike/common/bytes.hpp"

namespace ike {

struct ip_addr {
    bool ipv6 = false;
    std::array<std::uint8_t, 16> bytes{};  ///< IPv4 uses the first 4 bytes

    std::size_t size() const { return ipv6 ? 16 : 4; }
    bytes_view view() const { return {bytes.data(), size()}; }
    static ip_addr v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
        ip_addr r;
        r.bytes[0] = a, r.bytes[1] = b, r.bytes[2] = c, r.bytes[3] = d;
        return r;
    }
    friend bool operator==(const ip_addr&, const ip_addr&) = default;
};

struct socket_address {
    ip_addr ip;
    std::uint16_t port = 0;
    friend bool operator==(const socket_address&, const socket_address&) = default;
};

/// "10.1.0.1", "fd00::1" (RFC 5952); with port: "10.1.0.1[500]" as charon prints.
std::string to_string(const ip_addr& a);
std::string to_string(const socket_address& a);

}  // namespace ike
