#pragma once
// Nonce payload body (RFC 7296 §3.9).
//
//   offset  size  field
//   ------  ----  ------------------------------------------
//        0     n  nonce data, 16 <= n <= 256
#include <cstddef>
#include <expected>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"

namespace ike {

inline constexpr std::size_t min_nonce_size = 16;
inline constexpr std::size_t max_nonce_size = 256;

struct nonce_payload {
    bytes nonce;
    friend bool operator==(const nonce_payload&, const nonce_payload&) = default;
};

/// Decodes a Nonce body, consuming all of `body`.
/// Errors (payload = nonce): bad_length (fewer than 16 or more than 256 bytes).
std::expected<nonce_payload, parse_error> decode_nonce_payload(byte_reader& body);

/// Appends the nonce. Precondition: 16..256 bytes (not checked here).
void encode_nonce_payload(const nonce_payload& p, byte_writer& out);

}  // namespace ike
