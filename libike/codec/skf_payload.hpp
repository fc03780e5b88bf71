#pragma once
// Encrypted and Authenticated Fragment payload, SKF (RFC 7383 §2.5).
//
//   generic header (4 bytes, coded by the payload chain):
//        0     1  next payload: first inner payload type in fragment 1, else 0
//        1     1  critical bit + reserved
//        2     2  payload length
//   body:
//        0     2  fragment number, 1-based
//        2     2  total fragments, >= fragment number
//        4     n  IV | ciphertext | ICV of this fragment, n >= 1
//
// Like SK it is the last payload of the message; the AAD covers the IKE
// header, the generic header and the two fragment fields.
#include <cstdint>
#include <expected>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

struct skf_payload {
    payload_type first_inner = payload_type::none;  ///< from the SKF generic header
    std::uint16_t fragment_number = 1;
    std::uint16_t total_fragments = 1;
    bytes encrypted;  ///< IV | ciphertext | ICV
    friend bool operator==(const skf_payload&, const skf_payload&) = default;
};

/// Decodes an SKF body, consuming all of `body`; `first_inner` is the
/// next-payload field of the SKF generic header.
/// Errors (payload = skf): truncated (fewer than 4 bytes), bad_value
/// (fragment number 0, or above total fragments), bad_length (no encrypted
/// bytes). RFC 7383 §2.6 says to discard such a fragment silently.
std::expected<skf_payload, parse_error> decode_skf_payload(byte_reader& body,
                                                           payload_type first_inner);

/// Appends the fragment fields and the encrypted bytes.
void encode_skf_payload(const skf_payload& p, byte_writer& out);

}  // namespace ike
