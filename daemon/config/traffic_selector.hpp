#pragma once
// Traffic selectors as swanctl.conf writes them (local_ts, remote_ts):
//   10.10.1.0/24          a subnet (host bits are cleared, with a warning)
//   10.10.1.5, fd00::1    a single host (/32, /128)
//   dynamic               the IKE address of the side (or its virtual IP)
// each optionally followed by [proto/port]:
//   10.0.0.0/8[tcp/443]   0.0.0.0/0[udp]   ::/0[icmpv6]   10.0.0.0/8[6/1000-2000]
// Protocols: tcp, udp, icmp, icmpv6 (alias ipv6-icmp), sctp, %any, or a
// number 0..255. Ports: a number, a range "from-to", or %any; for ICMP the
// "port" carries type/code as in charon (not decoded here).
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "daemon/config/address.hpp"
#include "daemon/config/config_error.hpp"

namespace ikev2d::config {

struct port_range {
    std::uint16_t from = 0;
    std::uint16_t to = 65535;
    bool is_any() const { return from == 0 && to == 65535; }
    friend bool operator==(const port_range&, const port_range&) = default;
};

struct traffic_selector {
    bool dynamic = false;       ///< "dynamic": `subnet` is unused
    ip_prefix subnet;           ///< when !dynamic; host bits are zero
    std::uint8_t protocol = 0;  ///< IP protocol number; 0 = any
    port_range ports;           ///< {0, 65535} = any
    /// True when parsing cleared host bits ("10.1.1.1/24" -> 10.1.1.0/24).
    bool host_bits_cleared = false;

    /// The selector in the syntax above, canonical ("10.1.0.0/16[tcp/443]").
    std::string to_string() const;
    friend bool operator==(const traffic_selector&, const traffic_selector&) = default;
};

/// Parses one selector. Errors (offset at the problem): bad address or
/// prefix, a missing ']', an unknown protocol name (with a suggestion), a
/// protocol number above 255, a bad port or a range with from > to.
std::expected<traffic_selector, value_error> parse_traffic_selector(std::string_view text);

}  // namespace ikev2d::config
