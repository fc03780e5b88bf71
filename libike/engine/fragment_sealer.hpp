#pragma once
// Outbound IKE fragmentation (RFC 7383 §2.5): a protected message whose
// datagram would exceed the path's size limit goes out as several messages,
// each carrying one Encrypted Fragment (SKF) payload that is sealed on its
// own. Every fragment keeps the message's IKE header (exchange, flags,
// message ID); only the first SKF names the first inner payload.
#include <cstddef>
#include <expected>
#include <string>
#include <vector>

#include "libike/codec/ike_header.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/crypto/random_source.hpp"
#include "libike/crypto/sk_cipher.hpp"

namespace ike {

/// Bytes of IKE message that fit a UDP datagram in an IP packet of at most
/// `ip_packet_size` bytes: IP header (20 or 40), UDP header (8) and, on the
/// NAT-T port, the 4-byte non-ESP marker are taken off.
std::size_t max_ike_message_size(std::size_t ip_packet_size, bool ipv6, bool non_esp_marker);

/// The largest plaintext chunk whose SKF fragment message fits in
/// `max_message` bytes; 0 when not even one byte fits.
std::size_t max_fragment_plaintext(const sk_cipher& cipher, std::size_t max_message);

/// Splits `plaintext` (the encoded inner payload chain) into SKF fragment
/// messages of at most `max_message` bytes each, under `header` (whose length
/// and next-payload fields are computed here). `first_inner` goes into the
/// first fragment's SKF header.
/// Errors: the limit leaves no room for data, more than 65535 fragments, or
/// sealing failed.
std::expected<std::vector<bytes>, std::string> seal_fragments(
    const ike_header& header, payload_type first_inner, bytes_view plaintext, sk_cipher& cipher,
    std::size_t max_message, random_source& rng);

}  // namespace ike
