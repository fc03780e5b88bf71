#pragma once
// Certificate Request payload body (RFC 7296 §3.7).
//
//   +--------+--------------------------+
//   | encode | certification authority  |
//   +--------+  (rest of body, may be   |
//   |           empty)                  |
//   +-----------------------------------+
//
//   For X.509 (encode 4) the authority field is a concatenation of 20-byte
//   SHA-1 hashes of trusted CAs' SubjectPublicKeyInfo:
//   +---------- 20 ----------+---------- 20 ----------+ ...
//   | SHA-1(CA 1 public key) | SHA-1(CA 2 public key) |
#include <array>
#include <cstdint>
#include <expected>
#include <vector>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

struct certreq_payload {
    cert_encoding encoding = cert_encoding::x509_sig;
    bytes data;  ///< certification authority field
    friend bool operator==(const certreq_payload&, const certreq_payload&) = default;
};

using ca_key_hash = std::array<std::uint8_t, 20>;

/// Decodes a CERTREQ body; consumes all of `body`. An empty authority field
/// is accepted (peers send it to ask for any certificate; RFC 7670 raw public
/// keys use it too). The field is not split here: CERTREQ is only a hint
/// (§3.7), so a malformed list must not fail the whole message.
/// Errors (payload = certreq): truncated (no encoding byte).
std::expected<certreq_payload, parse_error> decode_certreq_payload(byte_reader& body);

/// Appends the CERTREQ body.
void encode_certreq_payload(const certreq_payload& p, byte_writer& out);

/// Splits an X.509 authority field into 20-byte CA key hashes (empty field:
/// empty list). Error bad_length (payload = certreq, offset relative to the
/// field's start: where the incomplete hash begins) if the size is not a
/// multiple of 20; the caller ignores the hint.
std::expected<std::vector<ca_key_hash>, parse_error> split_ca_key_hashes(bytes_view authority);

/// Joins CA key hashes into an authority field.
bytes join_ca_key_hashes(const std::vector<ca_key_hash>& hashes);

}  // namespace ike
