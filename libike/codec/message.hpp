#pragma once
// A whole IKE message as carried in one UDP datagram (RFC 7296 §3):
//
//   +--------------------+----------+----------+-----+------------------+
//   | IKE header (28 B)  | payload1 | payload2 | ... | [SK or SKF last] |
//   +--------------------+----------+----------+-----+------------------+
//
// The header's next-payload and length fields, and each payload's
// next-payload and length fields, are derived: encode_message computes them.
// The non-ESP marker in front of messages on port 4500 is not part of this.
#include <expected>
#include <vector>

#include "libike/codec/ike_header.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/codec/payload.hpp"
#include "libike/common/bytes.hpp"

namespace ike {

struct message {
    ike_header header;
    std::vector<payload> payloads;  ///< in wire order; for protected messages one SK/SKF
    friend bool operator==(const message&, const message&) = default;
};

/// Decodes a datagram (without non-ESP marker). Structure per exchange
/// (which payloads must appear) is not checked here.
/// Errors: those of decode_ike_header (payload = none) and of
/// decode_payload_chain; offsets are absolute within `datagram`.
std::expected<message, parse_error> decode_message(bytes_view datagram);

/// Serializes `m`, computing all next-payload and length fields.
/// Preconditions: those of encode_payload_chain; result below 4 GiB.
/// For every valid datagram d: encode_message(*decode_message(d)) == d,
/// provided its reserved fields are zero.
bytes encode_message(const message& m);

}  // namespace ike
