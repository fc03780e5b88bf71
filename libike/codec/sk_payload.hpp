#pragma once
// Encrypted and Authenticated payload, SK (RFC 7296 §3.14).
//
//   generic header (4 bytes, coded by the payload chain):
//        0     1  next payload = type of the FIRST INNER payload (not of a
//                 following outer payload: SK is always last)
//        1     1  critical bit + reserved
//        2     2  payload length
//   body:
//        0     n  IV | ciphertext(inner payloads | padding | pad length) | ICV
//
// The codec does not know the transform, so it cannot split IV, ciphertext
// and ICV: `encrypted` is the whole body, left to the crypto layer. With an
// AEAD transform (RFC 5282) the AAD is the IKE header plus this payload's
// generic header; with encr+integ the ICV covers everything before it.
#include <expected>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

struct sk_payload {
    payload_type first_inner = payload_type::none;  ///< from the SK generic header
    bytes encrypted;                                ///< IV | ciphertext | ICV
    friend bool operator==(const sk_payload&, const sk_payload&) = default;
};

/// Decodes an SK body, consuming all of `body`; `first_inner` is the
/// next-payload field of the SK generic header.
/// Errors (payload = sk): bad_length (empty body: there is always at least an ICV).
std::expected<sk_payload, parse_error> decode_sk_payload(byte_reader& body,
                                                         payload_type first_inner);

/// Appends the encrypted bytes (the generic header, with `first_inner` as its
/// next-payload field, is written by encode_payload_chain).
void encode_sk_payload(const sk_payload& p, byte_writer& out);

}  // namespace ike
