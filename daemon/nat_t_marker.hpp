#pragma once
// The NAT-T port (4500) carries IKE and ESP on one UDP socket (RFC 3948 §2):
//
//   IKE on 4500:  | 0x00000000 (non-ESP marker) | IKE header ...        |
//   ESP on 4500:  | SPI (never 0)               | sequence number ...   |
//   keepalive:    | 0xff |                        (one byte, §2.3)
//
// The kernel takes ESP off the socket itself once UDP_ENCAP_ESPINUDP is set;
// whatever ESP still reaches us (a race at socket setup) is dropped and counted.
#include <cstddef>
#include <cstdint>

#include "libike/common/bytes.hpp"

namespace ikev2d {

/// Length of the non-ESP marker that precedes IKE messages on port 4500.
inline constexpr std::size_t non_esp_marker_size = 4;

/// What a datagram received on the NAT-T port is.
enum class natt_kind : std::uint8_t {
    ike,        ///< marker present: `ike` holds the IKE message without it
    esp,        ///< a non-zero SPI: ESP the kernel should have consumed
    keepalive,  ///< a NAT keepalive (0xff): nothing to do
    malformed,  ///< too short to be any of the above
};

struct natt_datagram {
    natt_kind kind = natt_kind::malformed;
    ike::bytes_view ike;  ///< the IKE message (kind == ike only)
};

/// Classifies a datagram received on the NAT-T port and strips the marker
/// from IKE messages. Never fails; an empty IKE message after the marker is
/// reported as ike with an empty view (the engine drops it as malformed).
natt_datagram classify_natt_datagram(ike::bytes_view datagram);

/// `message` with the 4-byte non-ESP marker in front, for sending on 4500.
ike::bytes add_non_esp_marker(ike::bytes_view message);

/// The NAT keepalive datagram (RFC 3948 §2.3): a single 0xff byte.
ike::bytes nat_keepalive_datagram();

}  // namespace ikev2d
