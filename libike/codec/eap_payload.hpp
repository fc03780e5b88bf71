#pragma once
// EAP payload body (RFC 7296 §3.16): one EAP message (RFC 3748 §4).
//
//   offset  size  field
//   ------  ----  ------------------------------------------
//        0     1  code: request (1), response (2), success (3), failure (4)
//        1     1  identifier
//        2     2  length of the EAP message = length of this body
//        4     1  type (request/response only)
//        5     n  type data (request/response only), n >= 0
//
// Success and failure are exactly 4 bytes.
#include <cstdint>
#include <expected>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

struct eap_payload {
    eap_code code = eap_code::request;
    std::uint8_t identifier = 0;
    eap_type type{};  ///< request/response only; zero for success/failure
    bytes data;       ///< request/response only; empty for success/failure
    friend bool operator==(const eap_payload&, const eap_payload&) = default;
};

/// Decodes an EAP body, consuming all of `body`.
/// Errors (payload = eap): truncated (fewer than 4 bytes, or a request or
/// response without its type byte), bad_length (EAP length field differs
/// from the body length, or success/failure longer than 4 bytes), bad_value
/// (unknown code). The engine treats these as a failed EAP exchange.
std::expected<eap_payload, parse_error> decode_eap_payload(byte_reader& body);

/// Appends the EAP message with its length computed; type and data are
/// written only for requests and responses.
void encode_eap_payload(const eap_payload& p, byte_writer& out);

}  // namespace ike
