#pragma once
// Notify payload body (RFC 7296 §3.10).
//
//   offset  size  field
//   ------  ----  ------------------------------------------
//        0     1  protocol ID (0/IKE, AH, ESP)
//        1     1  SPI size s: 0, 4 (AH/ESP) or 8 (IKE)
//        2     2  notify message type
//        4     s  SPI
//      4+s     n  notification data, n >= 0 (meaning depends on the type)
//
// Typed helpers below read and build the data of the notifies whose data the
// engine interprets: INVALID_KE_PAYLOAD, SIGNATURE_HASH_ALGORITHMS (RFC 7427
// §4) and NAT_DETECTION_{SOURCE,DESTINATION}_IP (§2.23).
#include <array>
#include <cstdint>
#include <expected>
#include <span>
#include <vector>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

struct notify_payload {
    protocol_id protocol = protocol_id::none;
    bytes spi;  ///< empty, 4 or 8 bytes; the SPI size field is its length
    notify_type type{};
    bytes data;
    friend bool operator==(const notify_payload&, const notify_payload&) = default;
};

/// Decodes a Notify body, consuming all of `body`.
/// Errors (payload = notify): truncated (fewer than 4 bytes, or fewer than the
/// SPI size promises), bad_value (SPI size not 0, 4 or 8). The engine ignores
/// a malformed status notify and answers INVALID_SYNTAX when it must.
std::expected<notify_payload, parse_error> decode_notify_payload(byte_reader& body);

/// Appends the Notify body; the SPI size is `p.spi.size()` (precondition: 0, 4 or 8).
void encode_notify_payload(const notify_payload& p, byte_writer& out);

// --- typed notification data ------------------------------------------------
// The readers report offsets relative to the start of the notification data
// (the notify_payload no longer knows where it sat in the datagram), with
// payload = notify. They all fail with bad_value when `n.type` is not the
// notify type they read.

/// INVALID_KE_PAYLOAD (§3.10.1): the data is the accepted group, 2 bytes.
/// Errors: bad_value (wrong type), bad_length (data not 2 bytes).
std::expected<ke_group, parse_error> read_invalid_ke_group(const notify_payload& n);
notify_payload make_invalid_ke_payload(ke_group accepted);

/// SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4): a list of 2-byte hash ids, kept
/// as sent (unknown ids included, order preserved).
/// Errors: bad_value (wrong type), bad_length (odd data length).
std::expected<std::vector<hash_algorithm>, parse_error> read_signature_hash_algorithms(
    const notify_payload& n);
notify_payload make_signature_hash_algorithms(std::span<const hash_algorithm> algorithms);

/// NAT_DETECTION_SOURCE_IP / NAT_DETECTION_DESTINATION_IP (§2.23): a SHA-1 digest.
using nat_detection_hash = std::array<std::uint8_t, 20>;
/// Errors: bad_value (not a NAT_DETECTION_* notify), bad_length (data not 20 bytes).
std::expected<nat_detection_hash, parse_error> read_nat_detection_hash(const notify_payload& n);
/// Precondition: `type` is nat_detection_source_ip or nat_detection_destination_ip.
notify_payload make_nat_detection(notify_type type, const nat_detection_hash& hash);

}  // namespace ike
