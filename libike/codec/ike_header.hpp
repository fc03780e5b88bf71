#pragma once
// The fixed 28-byte IKE header (RFC 7296 §3.1).
//
//   offset  size  field
//   ------  ----  -----------------------------------------------
//        0     8  IKE SA initiator's SPI
//        8     8  IKE SA responder's SPI (zero in the first IKE_SA_INIT request)
//       16     1  next payload: type of the first payload
//       17     1  version: major in the high nibble (2), minor in the low nibble
//       18     1  exchange type
//       19     1  flags  [ x x R V I x x x ]  (R=0x20, V=0x10, I=0x08, rest reserved)
//       20     4  message ID
//       24     4  length of the whole message, header included
//
// The next-payload and length fields describe the datagram, not the SA, so
// they are not part of `ike_header`: decoding reports them alongside, and
// encoding takes them as arguments.
#include <cstddef>
#include <cstdint>
#include <expected>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

inline constexpr std::size_t ike_header_size = 28;

struct ike_header {
    std::uint64_t spi_i = 0;
    std::uint64_t spi_r = 0;
    std::uint8_t minor_version = 0;  ///< major is always 2 (anything else fails to decode)
    exchange_type exchange{};
    std::uint8_t flags = 0;  ///< only header_flag::{initiator,version,response} bits
    std::uint32_t message_id = 0;

    bool is_initiator() const { return (flags & header_flag::initiator) != 0; }
    bool is_response() const { return (flags & header_flag::response) != 0; }
    friend bool operator==(const ike_header&, const ike_header&) = default;
};

/// A decoded header plus the two framing fields.
struct decoded_ike_header {
    ike_header header;
    payload_type first_payload = payload_type::none;  ///< the header's next-payload field
    std::uint32_t length = 0;                         ///< equals the datagram size
    friend bool operator==(const decoded_ike_header&, const decoded_ike_header&) = default;
};

/// Decodes the header at the start of `datagram` and checks that its length
/// field equals `datagram.size()`. Reserved flag bits are dropped.
/// Errors (payload = none): truncated (datagram shorter than 28 bytes or than
/// the length field), bad_version (major version not 2: answer
/// INVALID_MAJOR_VERSION if at all), bad_length (length field below 28),
/// trailing_data (datagram longer than the length field). The daemon drops
/// the datagram on any of them.
std::expected<decoded_ike_header, parse_error> decode_ike_header(bytes_view datagram);

/// Appends the 28 header bytes with the given next-payload and length fields;
/// used by encode_message and, before sealing an SK payload, to build the AAD.
/// Reserved flag bits in `h.flags` are written as zero.
void encode_ike_header(const ike_header& h, payload_type first_payload, std::uint32_t length,
                       byte_writer& out);

}  // namespace ike
