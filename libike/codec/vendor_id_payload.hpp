#pragma once
// Vendor ID payload body (RFC 7296 §3.12).
//
//   offset  size  field
//   ------  ----  ------------------------------------------
//        0     n  vendor ID (opaque, usually a hash), n >= 0
#include <expected>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"

namespace ike {

struct vendor_id_payload {
    bytes id;
    friend bool operator==(const vendor_id_payload&, const vendor_id_payload&) = default;
};

/// Decodes a Vendor ID body, consuming all of `body`. Never fails: any
/// content, even empty, is a valid opaque ID.
std::expected<vendor_id_payload, parse_error> decode_vendor_id_payload(byte_reader& body);

/// Appends the ID bytes.
void encode_vendor_id_payload(const vendor_id_payload& p, byte_writer& out);

}  // namespace ike
