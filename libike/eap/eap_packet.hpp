#pragma once
// An EAP packet (RFC 3748 §4) as a whole buffer, the unit the EAP layer
// passes around: the body of an IKEv2 EAP payload (RFC 7296 §3.16) is exactly
// one EAP packet, so this builds on the payload codec (`eap_payload`, which
// checks code, the length field against the buffer, and the type byte) and
// adds what a conversation needs on top: typed errors and the packets a
// server or peer sends.
//
//    0               1               2               3
//   +---------------+---------------+-------------------------------+
//   |     Code      |  Identifier   |            Length             |
//   +---------------+---------------+-------------------------------+
//   |     Type      |  Type-Data ...  (Request and Response only)
//   +---------------+----------------
#include <cstdint>
#include <expected>

#include "libike/codec/eap_payload.hpp"
#include "libike/common/bytes.hpp"
#include "libike/eap/eap_error.hpp"

namespace ike {

using eap_packet = eap_payload;

/// Decodes one whole EAP packet; never reads past `packet`.
/// Errors: malformed, with the codec's reason (truncated header, Length field
/// not equal to the buffer size, unknown code, Success/Failure with data,
/// Request/Response without a Type).
std::expected<eap_packet, eap_error> decode_eap_packet(bytes_view packet);

/// The wire form, Length computed. A Request/Response longer than 65535
/// octets cannot be encoded; callers never build one (methods fragment).
bytes encode_eap_packet(const eap_packet& p);

/// Shorthands for the packets the two sides build.
bytes eap_request(std::uint8_t identifier, eap_type type, bytes_view type_data);
bytes eap_response(std::uint8_t identifier, eap_type type, bytes_view type_data);
bytes eap_success_packet(std::uint8_t identifier);
bytes eap_failure_packet(std::uint8_t identifier);

}  // namespace ike
