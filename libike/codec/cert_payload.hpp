#pragma once
// Certificate payload body (RFC 7296 §3.6).
//
//   +--------+--------------------------+
//   | encode | certificate data         |
//   +--------+  (rest of body, >= 1)    |
//   +-----------------------------------+
//
//   encode = cert_encoding, e.g. 4 (X.509 Certificate - Signature, DER).
#include <cstdint>
#include <expected>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

struct cert_payload {
    cert_encoding encoding = cert_encoding::x509_sig;
    bytes data;
    friend bool operator==(const cert_payload&, const cert_payload&) = default;
};

/// Decodes a CERT body; consumes all of `body`. The data is not interpreted
/// (X.509 parsing belongs to the credential layer).
/// Errors (payload = cert): truncated (no encoding byte), bad_length (no data).
std::expected<cert_payload, parse_error> decode_cert_payload(byte_reader& body);

/// Appends the CERT body.
void encode_cert_payload(const cert_payload& p, byte_writer& out);

}  // namespace ike
