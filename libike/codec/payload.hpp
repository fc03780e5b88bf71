#pragma once
// One payload of an IKE message and the chain that links them (RFC 7296 §3.2).
//
// Every payload starts with the generic payload header:
//
//   offset  size  field
//   ------  ----  ------------------------------------------
//        0     1  next payload: type of the payload that follows (0 = last);
//                 for SK/SKF the type of the first payload inside them
//        1     1  bit 7: critical (§2.5); bits 6..0 reserved
//        2     2  payload length, generic header included (>= 4)
//        4   len-4  body, coded by <type>_payload.{hpp,cpp}
//
// A payload's own type is therefore announced by the *previous* header (or the
// IKE header for the first one); `payload::type` records it. Payload types we
// have no codec for are kept as opaque `unknown_payload` bodies when the sender
// did not mark them critical.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <variant>
#include <vector>

#include "libike/codec/auth_payload.hpp"
#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/cert_payload.hpp"
#include "libike/codec/certreq_payload.hpp"
#include "libike/codec/cp_payload.hpp"
#include "libike/codec/delete_payload.hpp"
#include "libike/codec/eap_payload.hpp"
#include "libike/codec/id_payload.hpp"
#include "libike/codec/ke_payload.hpp"
#include "libike/codec/nonce_payload.hpp"
#include "libike/codec/notify_payload.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/codec/sa_payload.hpp"
#include "libike/codec/sk_payload.hpp"
#include "libike/codec/skf_payload.hpp"
#include "libike/codec/ts_payload.hpp"
#include "libike/codec/vendor_id_payload.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

inline constexpr std::size_t generic_payload_header_size = 4;
/// DoS bound on payloads per chain; real messages carry a few dozen at most.
inline constexpr std::size_t max_payloads = 128;

/// Body of a payload type we do not interpret, kept verbatim.
struct unknown_payload {
    bytes body;
    friend bool operator==(const unknown_payload&, const unknown_payload&) = default;
};

/// id_payload serves IDi and IDr, ts_payload TSi and TSr: `payload::type` tells which.
using payload_body =
    std::variant<unknown_payload, sa_payload, ke_payload, id_payload, cert_payload, certreq_payload,
                 auth_payload, nonce_payload, notify_payload, delete_payload, vendor_id_payload,
                 ts_payload, sk_payload, cp_payload, eap_payload, skf_payload>;

struct payload {
    payload_type type = payload_type::none;
    bool critical = false;  ///< the sender's critical bit, kept so that re-encoding is exact
    payload_body body;
    friend bool operator==(const payload&, const payload&) = default;
};

/// The 4-byte header in front of every payload body.
struct generic_payload_header {
    payload_type next = payload_type::none;
    bool critical = false;
    std::uint16_t length = 0;  ///< header included
    friend bool operator==(const generic_payload_header&, const generic_payload_header&) = default;
};

/// Reads a generic header for a payload of type `current` (used for errors)
/// and checks its length against what `in` holds after it.
/// Errors (payload = current): truncated (fewer than 4 bytes, or length runs
/// past the end of `in`), bad_length (length below 4). Reserved bits are ignored.
std::expected<generic_payload_header, parse_error> decode_generic_payload_header(
    payload_type current, byte_reader& in);

/// Appends a generic header; the engine uses it for the SK header in the AAD.
void encode_generic_payload_header(const generic_payload_header& h, byte_writer& out);

/// True if `type` has a body codec (and so is never an unknown_payload).
bool has_codec(payload_type type);

/// Decodes the chain of payloads in `in`, starting with a payload of type
/// `first` (the IKE header's next-payload field, or the SK payload's
/// first_inner for decrypted plaintext with its padding removed), and
/// consumes all of `in`. An empty chain (`first` = none, `in` empty) is valid.
/// SK and SKF end the chain: their next-payload field names their first inner
/// payload, not a following one.
/// Errors (payload = the type being parsed, offset absolute):
///  - truncated: a generic header or body runs past the end of `in`;
///  - bad_length: a payload length below 4;
///  - unsupported_critical: a payload type without codec has the critical bit
///    set; `payload` is that type and `offset` its generic header. The engine
///    answers UNSUPPORTED_CRITICAL_PAYLOAD with that type as data (§2.5);
///  - trailing_data: bytes left after the last payload (or after SK/SKF), or
///    a body decoder left bytes unread;
///  - too_many: more than max_payloads payloads;
///  - any error of the body decoders (see <type>_payload.hpp).
std::expected<std::vector<payload>, parse_error> decode_payload_chain(payload_type first,
                                                                      byte_reader& in);

/// Appends `payloads`, computing every next-payload and length field; the
/// caller puts `first_payload_type(payloads)` in the header before them.
/// Preconditions: each body alternative matches its `type` (unknown_payload
/// only for types without codec); SK/SKF only as the last payload; each body
/// shorter than 64 KiB.
void encode_payload_chain(std::span<const payload> payloads, byte_writer& out);

/// The next-payload value announcing `payloads` (none when empty).
payload_type first_payload_type(std::span<const payload> payloads);

}  // namespace ike
