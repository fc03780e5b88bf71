#pragma once
// Identification payload body (RFC 7296 §3.5), used for both IDi and IDr.
//
//   +--------+--------------------------+
//   | ID type| reserved (3)             |
//   +--------+--------------------------+
//   | identification data (rest of body)|
//   +-----------------------------------+
//
//   ID_IPV4_ADDR  4 bytes          ID_FQDN        text, e.g. "vpn.example.com"
//   ID_IPV6_ADDR 16 bytes          ID_RFC822_ADDR text, e.g. "jane@example.com"
//   ID_KEY_ID    opaque bytes      ID_DER_ASN1_DN DER Name
#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

struct id_payload {
    id_type type = id_type::fqdn;
    bytes data;
    friend bool operator==(const id_payload&, const id_payload&) = default;
};

/// Decodes an IDi/IDr body; consumes all of `body`. Data is checked by type:
/// IPv4 4 bytes, IPv6 16 bytes; FQDN, RFC822, KEY_ID, DER_ASN1_DN, DER_ASN1_GN
/// non-empty; FQDN and RFC822 free of control bytes (0x00-0x1f, 0x7f) — bytes
/// >= 0x80 are allowed for internationalised names. Other types (ID_NULL,
/// unknown) are kept as they come.
/// Errors (payload = idi, whichever of IDi/IDr it was): truncated (shorter
/// than the 4-byte header), bad_length (wrong address size, empty data),
/// bad_value (control byte in a name; offset points at it).
std::expected<id_payload, parse_error> decode_id_payload(byte_reader& body);

/// Appends the ID body (reserved bytes zero). Does not validate `p`.
void encode_id_payload(const id_payload& p, byte_writer& out);

/// Text for logs: "192.0.2.1", "2001:db8::1" (RFC 5952), the FQDN or e-mail
/// text (non-printable bytes as \xNN), "keyid:<hex>", "asn1dn:<hex>"; any
/// other type as "<TYPE NAME>:<hex>".
std::string to_string(const id_payload& id);

/// ID builders. The text/key builders return nullopt for data the decoder
/// would reject (empty, or control bytes in a name).
id_payload make_ipv4_id(const std::array<std::uint8_t, 4>& address);
id_payload make_ipv6_id(const std::array<std::uint8_t, 16>& address);
std::optional<id_payload> make_fqdn_id(std::string_view fqdn);
std::optional<id_payload> make_email_id(std::string_view email);
std::optional<id_payload> make_key_id(bytes_view key_id);

/// RFC 5952 text of a 16-byte IPv6 address (lower case, longest run of two or
/// more zero groups as "::", IPv4-mapped addresses as ::ffff:a.b.c.d).
std::string ipv6_to_string(const std::array<std::uint8_t, 16>& address);

}  // namespace ike
