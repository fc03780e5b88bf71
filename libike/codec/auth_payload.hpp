#pragma once
// Authentication payload body (RFC 7296 §3.8).
//
//   +--------+--------------------------+
//   | method | reserved (3)             |
//   +--------+--------------------------+
//   | authentication data (rest, >= 1)  |
//   +-----------------------------------+
//
//   For method 14, Digital Signature (RFC 7427 §3), the data is itself
//   structured:
//   +--------+-----------------------+------------------+
//   | len    | AlgorithmIdentifier   | signature value  |
//   | (1)    | (len bytes, DER)      | (rest, >= 1)     |
//   +--------+-----------------------+------------------+
#include <cstdint>
#include <expected>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

struct auth_payload {
    auth_method method = auth_method::psk;
    bytes data;
    friend bool operator==(const auth_payload&, const auth_payload&) = default;
};

/// Decodes an AUTH body; consumes all of `body`.
/// Errors (payload = auth): truncated (shorter than the 4-byte header),
/// bad_length (no authentication data).
std::expected<auth_payload, parse_error> decode_auth_payload(byte_reader& body);

/// Appends the AUTH body (reserved bytes zero).
void encode_auth_payload(const auth_payload& p, byte_writer& out);

/// RFC 7427 authentication data: the signature algorithm as a DER
/// AlgorithmIdentifier (compared byte for byte against known ones by the
/// crypto layer) and the signature.
struct signature_auth_data {
    bytes algorithm;  ///< DER AlgorithmIdentifier, 1..255 bytes
    bytes signature;  ///< non-empty
    friend bool operator==(const signature_auth_data&, const signature_auth_data&) = default;
};

/// Splits method-14 authentication data. The ASN.1 is not parsed.
/// Errors (payload = auth, offset relative to the start of `data`):
/// truncated (no length byte, or fewer bytes than it announces), bad_length
/// (announced length 0, or no signature after the AlgorithmIdentifier).
std::expected<signature_auth_data, parse_error> decode_signature_auth_data(bytes_view data);

/// Joins method-14 authentication data. Precondition: algorithm is 1..255 bytes.
bytes encode_signature_auth_data(const signature_auth_data& s);

}  // namespace ike
