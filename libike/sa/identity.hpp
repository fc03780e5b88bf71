#pragma once
// Identities as configured (strongSwan syntax) and matching them against a
// received IDi/IDr payload (RFC 7296 §3.5, §2.15). The daemon's config loader
// has the full syntax (with DNs as text); this is the engine's model.
#include <optional>
#include <string>
#include <string_view>

#include "libike/codec/id_payload.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

struct identity {
    id_type type{};
    bytes data;        ///< ID payload body: 4/16 address bytes, name text, key id bytes
    bool any = false;  ///< %any: `type` and `data` unused
    friend bool operator==(const identity&, const identity&) = default;
};

/// Parses strongSwan's identity syntax, decided in this order:
///   %any, %any6, *          any identity
///   fqdn:x email:x rfc822:x  explicit type prefix
///   keyid:#hex keyid:x       explicit key id, hex or raw bytes
///   contains '='             distinguished name (distinguished_name.hpp)
///   IPv4 / IPv6 literal      ID_IPV4_ADDR / ID_IPV6_ADDR
///   @#0123abcd               ID_KEY_ID (hex)
///   @@user@example.org       ID_RFC822_ADDR
///   @gw.example.org          ID_FQDN without the '@'
///   user@example.org         ID_RFC822_ADDR
///   anything else            ID_FQDN
/// Returns nullopt for an empty string, a DN, bad or empty hex, an empty
/// value after a prefix, a DN that does not parse, or a name with control
/// bytes (which the ID payload decoder would reject).
std::optional<identity> parse_identity(std::string_view text);

/// The ID payload we send for `id`. Precondition: !id.any (%any is never
/// sent; if it is, ID_NULL with no data comes out so the mistake is visible).
id_payload to_id_payload(const identity& id);

/// True when `received` is acceptable for `configured`: %any accepts
/// everything; otherwise same type and same bytes, FQDN and RFC822 compared
/// ASCII case-insensitively (DNS names are case-insensitive, RFC 4343; the
/// local part of an e-mail address is compared so too, as charon does), DNs
/// RDN by RDN with "*" values as wildcards (dn_matches).
bool matches(const identity& configured, const id_payload& received);

/// Text in the syntax parse_identity reads back: "%any", "192.0.2.1",
/// "2001:db8::1", "vpn.example.com", "jane@example.com", "@#0a1b".
std::string to_string(const identity& id);

}  // namespace ike
