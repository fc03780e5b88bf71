#pragma once
// Delete payload body (RFC 7296 §3.11).
//
//   offset  size  field
//   ------  ----  ------------------------------------------
//        0     1  protocol ID: IKE (1), AH (2) or ESP (3)
//        1     1  SPI size: 0 for IKE, 4 for AH/ESP
//        2     2  number of SPIs k (0 for IKE)
//        4   4*k  SPIs, each 4 bytes (AH/ESP only)
#include <cstdint>
#include <expected>
#include <vector>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/iana.hpp"

namespace ike {

struct delete_payload {
    protocol_id protocol = protocol_id::ike;
    std::vector<std::uint32_t> spis;  ///< empty for IKE; inbound SPIs of the sender for AH/ESP
    friend bool operator==(const delete_payload&, const delete_payload&) = default;
};

/// Decodes a Delete body, consuming all of `body`.
/// Errors (payload = delete_): truncated (fewer than 4 bytes), bad_value
/// (protocol not IKE/AH/ESP, SPI size wrong for the protocol, or an IKE delete
/// with a nonzero SPI count), bad_length (count * SPI size differs from the
/// bytes left). The engine answers INVALID_SYNTAX.
std::expected<delete_payload, parse_error> decode_delete_payload(byte_reader& body);

/// Appends the Delete body; the SPI size follows from the protocol.
/// Precondition: protocol is IKE (with no SPIs), AH or ESP.
void encode_delete_payload(const delete_payload& p, byte_writer& out);

}  // namespace ike
