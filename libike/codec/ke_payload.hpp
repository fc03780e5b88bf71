#pragma once
// Key Exchange payload body (RFC 7296 §3.4).
//
//   offset  size  field
//   ------  ----  ------------------------------------------
//        0     2  Diffie-Hellman / KE group number
//        2     2  reserved (zero)
//        4     n  key exchange data, n >= 1 (public value)
#include <expected>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

struct ke_payload {
    ke_group group{};
    bytes data;  ///< the public value; its length per group is checked by the KE code
    friend bool operator==(const ke_payload&, const ke_payload&) = default;
};

/// Decodes a KE body, consuming all of `body`.
/// Errors (payload = ke): truncated (fewer than 4 bytes), bad_length (no
/// key exchange data). The engine answers INVALID_SYNTAX.
std::expected<ke_payload, parse_error> decode_ke_payload(byte_reader& body);

/// Appends the KE body.
void encode_ke_payload(const ke_payload& p, byte_writer& out);

}  // namespace ike
