#pragma once
// Configuration payload body (RFC 7296 §3.15).
//
//   +--------+--------------------------+
//   | CFG    | reserved (3)             |  CFG type: 1 request, 2 reply,
//   | type   |                          |            3 set, 4 ack
//   +--------+--------------------------+
//   | configuration attributes ...      |
//   +-----------------------------------+
//
//   configuration attribute (§3.15.1)
//   +-+---------------+-----------------+
//   |R| attr type(15) | value length    |  R: reserved bit
//   +-+---------------+-----------------+
//   | value (length bytes; 0 = "please  |
//   | assign me one")                   |
//   +-----------------------------------+
#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

/// DoS bound: more attributes than this in one CP payload is too_many.
inline constexpr std::size_t max_cfg_attributes = 256;

/// One attribute, in wire order; unknown types are kept. An empty value is a
/// request for one (in CFG_REQUEST) or an acknowledgement (in CFG_ACK).
struct cfg_attribute {
    cfg_attr type{};
    bytes value;
    friend bool operator==(const cfg_attribute&, const cfg_attribute&) = default;
};

struct cp_payload {
    cfg_type type = cfg_type::request;
    std::vector<cfg_attribute> attributes;
    friend bool operator==(const cp_payload&, const cp_payload&) = default;
};

/// Decodes a CP body; consumes all of `body`. Attribute values are not
/// interpreted (the typed helpers below do that, attribute by attribute, so a
/// single odd attribute does not cost the whole exchange).
/// Errors (payload = cp): truncated (header, an attribute header, or a value
/// shorter than its length), too_many (more than max_cfg_attributes).
std::expected<cp_payload, parse_error> decode_cp_payload(byte_reader& body);

/// Appends the CP body (reserved byte and bit zero).
void encode_cp_payload(const cp_payload& p, byte_writer& out);

using ip4_bytes = std::array<std::uint8_t, 4>;
using ip6_bytes = std::array<std::uint8_t, 16>;

/// INTERNAL_IP6_ADDRESS value: an address and its prefix length.
struct ip6_prefix {
    ip6_bytes address{};
    std::uint8_t prefix_length = 0;
    friend bool operator==(const ip6_prefix&, const ip6_prefix&) = default;
};

// Typed value helpers. Readers return nullopt for an empty value (a request)
// and otherwise the value; errors carry payload = cp and an offset relative to
// the value's start. Writers with nullopt/empty build the request form.

/// IPv4 address attributes (INTERNAL_IP4_ADDRESS/NETMASK/DNS/NBNS/DHCP):
/// 0 or 4 bytes, else bad_length.
std::expected<std::optional<ip4_bytes>, parse_error> read_ip4_attribute(const cfg_attribute& a);
cfg_attribute make_ip4_attribute(cfg_attr type, const std::optional<ip4_bytes>& address);

/// INTERNAL_IP6_ADDRESS: 0 or 17 bytes (address + prefix length), else
/// bad_length; prefix length above 128 is bad_value.
std::expected<std::optional<ip6_prefix>, parse_error> read_ip6_address_attribute(
    const cfg_attribute& a);
cfg_attribute make_ip6_address_attribute(const std::optional<ip6_prefix>& address);

/// INTERNAL_IP6_DNS (and other plain IPv6 address attributes): 0 or 16 bytes,
/// else bad_length.
std::expected<std::optional<ip6_bytes>, parse_error> read_ip6_dns_attribute(const cfg_attribute& a);
cfg_attribute make_ip6_dns_attribute(const std::optional<ip6_bytes>& address);

/// INTERNAL_DNS_DOMAIN (RFC 8598 §4): a domain in DNS presentation format,
/// A-labels, not NUL-terminated. Bytes outside printable ASCII (0x21-0x7e)
/// are bad_value at their offset.
std::expected<std::optional<std::string>, parse_error> read_dns_domain_attribute(
    const cfg_attribute& a);
cfg_attribute make_dns_domain_attribute(std::string_view domain);

}  // namespace ike
