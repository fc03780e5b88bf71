#pragma once
// Security Association payload body (RFC 7296 §3.3).
//
//   SA body = one or more proposals, back to back:
//
//   proposal (§3.3.1)
//   +--------+--------+-----------------+
//   | last   | rsvd   | proposal length |  last: 0 = final proposal, 2 = more follow
//   +--------+--------+--------+--------+
//   | number | proto  | spi sz | #xforms|
//   +--------+--------+--------+--------+
//   | SPI (spi sz bytes: 0 or 8 for IKE, 4 for AH/ESP)
//   +-----------------------------------+
//   | transforms (#xforms of them)
//   +-----------------------------------+
//
//   transform (§3.3.2)
//   +--------+--------+-----------------+
//   | last   | rsvd   | transform length|  last: 0 = final transform, 3 = more follow
//   +--------+--------+-----------------+
//   | type   | rsvd   | transform id    |
//   +--------+--------+-----------------+
//   | attributes ...
//   +-----------------------------------+
//
//   attribute (§3.3.5)
//   +-+---------------+-----------------+
//   |F| attr type(15) | value  (F=1, TV) |
//   +-+---------------+ or length (F=0) +
//   | value bytes (TLV form only)       |
//   +-----------------------------------+
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <vector>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

/// DoS bounds: a decoder refuses (parse_errc::too_many) SA bodies with more
/// elements than these. Real peers stay far below (charon's default IKE
/// proposal has about 30 transforms).
inline constexpr std::size_t max_sa_proposals = 32;
inline constexpr std::size_t max_sa_transforms = 128;  ///< per proposal
inline constexpr std::size_t max_sa_attributes = 16;   ///< per transform

/// One transform attribute. TV form (`tv` true, the AF bit) carries a 2-byte
/// `value`; TLV form carries `data`. Only KEY_LENGTH (TV) is defined by the
/// RFC; others are kept so that the proposal layer can reject them (§3.3.6).
struct sa_attribute {
    transform_attr type{};    ///< without the AF bit
    bool tv = true;           ///< true: TV form, `value` used; false: TLV, `data` used
    std::uint16_t value = 0;  ///< TV value
    bytes data;               ///< TLV value
    friend bool operator==(const sa_attribute&, const sa_attribute&) = default;
};

/// One transform: its type, the algorithm id of that type, and attributes in wire order.
struct sa_transform {
    transform_type type{};
    std::uint16_t id = 0;
    std::vector<sa_attribute> attributes;
    friend bool operator==(const sa_transform&, const sa_transform&) = default;
};

/// One proposal. `spi` is empty for an IKE_SA_INIT IKE proposal.
struct sa_proposal {
    std::uint8_t number = 0;
    protocol_id protocol = protocol_id::none;
    bytes spi;
    std::vector<sa_transform> transforms;
    friend bool operator==(const sa_proposal&, const sa_proposal&) = default;
};

struct sa_payload {
    std::vector<sa_proposal> proposals;
    friend bool operator==(const sa_payload&, const sa_payload&) = default;
};

/// Decodes an SA body; consumes all of `body`.
/// Errors (payload = sa, offset = the offending field):
///  - truncated: a length or "more" marker promises bytes that its enclosing
///    structure (SA body, proposal, transform) does not hold;
///  - bad_length: empty body (no proposal), proposal or transform length < 8;
///  - bad_value: last-substructure byte not 0/2 (proposal) or 0/3 (transform),
///    SPI size wrong for the protocol, transform count different from the
///    transforms present;
///  - trailing_data: bytes after a substructure marked as the last one;
///  - too_many: more than max_sa_proposals/transforms/attributes.
/// Proposal numbers are not checked (see sa_proposal_numbers_sequential).
std::expected<sa_payload, parse_error> decode_sa_payload(byte_reader& body);

/// Appends the SA body. Last-substructure markers, counts and lengths are
/// derived from the vectors. Precondition: counts fit in a byte, sizes in u16.
void encode_sa_payload(const sa_payload& p, byte_writer& out);

/// The KEY_LENGTH attribute (TV form) of `t` in bits, or nullopt if absent.
/// If a peer repeats it, the first one counts.
std::optional<std::uint16_t> key_length(const sa_transform& t);

/// True when proposal numbers start at 1 and grow by exactly one, as an
/// initiator's SA must (§3.3.1). A responder's single proposal carries the
/// number it accepted, so only the request processing layer can apply this.
bool sa_proposal_numbers_sequential(const sa_payload& p);

/// Transform builders for the common types; `key_bits` adds a KEY_LENGTH attribute.
sa_transform make_sa_transform(encr_id id, std::optional<std::uint16_t> key_bits = std::nullopt);
sa_transform make_sa_transform(prf_id id);
sa_transform make_sa_transform(integ_id id);
sa_transform make_sa_transform(ke_group id);
sa_transform make_sa_transform(esn_id id);

}  // namespace ike
