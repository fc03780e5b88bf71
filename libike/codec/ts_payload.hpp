#pragma once
// Traffic Selector payload body (RFC 7296 §3.13), used for both TSi and TSr.
//
//   +--------+--------------------------+
//   | # TSs  | reserved (3)             |
//   +--------+--------------------------+
//   | traffic selectors (# TSs of them) |
//   +-----------------------------------+
//
//   traffic selector (§3.13.1)
//   +--------+--------+-----------------+
//   | type   | IP prot| selector length |  type 7: IPv4 range, length 16
//   +--------+--------+-----------------+  type 8: IPv6 range, length 40
//   | start port      | end port        |
//   +-----------------+-----------------+
//   | start address (4 or 16 bytes)     |
//   +-----------------------------------+
//   | end address (4 or 16 bytes)       |
//   +-----------------------------------+
#include <cstddef>
#include <cstdint>
#include <expected>
#include <vector>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

/// DoS bound: more selectors than this in one payload is parse_errc::too_many.
inline constexpr std::size_t max_traffic_selectors = 64;

/// Inclusive port range. start 65535 / end 0 is the RFC 4301 OPAQUE selector
/// and is legal, so start > end is not an error here.
struct port_range {
    std::uint16_t start = 0;
    std::uint16_t end = 65535;
    friend bool operator==(const port_range&, const port_range&) = default;
};

/// Inclusive address range; both addresses are 4 bytes (IPv4) or 16 (IPv6),
/// in network byte order.
struct address_range {
    bytes start;
    bytes end;
    friend bool operator==(const address_range&, const address_range&) = default;
};

/// One traffic selector: the address family is the TS type.
struct traffic_selector {
    ts_type type = ts_type::ipv4_addr_range;
    std::uint8_t ip_protocol = 0;  ///< 0 = any protocol
    port_range ports;
    address_range addresses;
    friend bool operator==(const traffic_selector&, const traffic_selector&) = default;
};

struct ts_payload {
    std::vector<traffic_selector> selectors;
    friend bool operator==(const ts_payload&, const ts_payload&) = default;
};

/// Address size for a TS type: 4, 16, or 0 for types we do not know.
std::size_t address_size(ts_type type);

/// Decodes a TSi/TSr body; consumes all of `body`. Zero selectors is accepted.
/// Errors (payload = tsi, whichever of TSi/TSr it was):
///  - truncated: fewer bytes than the count or a selector length promises;
///  - bad_value: unknown TS type (we cannot tell what an
///    unknown selector would permit, and dropping it would change the meaning
///    of the set; the caller answers TS_UNACCEPTABLE);
///  - bad_length: selector length does not match its type (16/40);
///  - trailing_data: bytes after the counted selectors;
///  - too_many: more than max_traffic_selectors.
std::expected<ts_payload, parse_error> decode_ts_payload(byte_reader& body);

/// Appends the TS body. Precondition: every address has address_size(type)
/// bytes and there are at most 255 selectors.
void encode_ts_payload(const ts_payload& p, byte_writer& out);

}  // namespace ike
