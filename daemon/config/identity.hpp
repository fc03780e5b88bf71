#pragma once
// IKE identities in strongSwan's string syntax (swanctl `id`, secrets `ids`),
// decided in this order:
//   %any, %any6, *, empty         any identity (matches every peer)
//   fqdn:x  email:x  rfc822:x     explicit type prefix
//   keyid:#hex  keyid:x           explicit key id, hex or raw bytes
//   anything containing '='       ID_DER_ASN1_DN ("C=CH, O=Example, CN=gw")
//   IPv4 / IPv6 literal           ID_IPV4_ADDR / ID_IPV6_ADDR
//   @#0123abcd                    ID_KEY_ID (hex)
//   @@user@example.org            ID_RFC822_ADDR (the part after "@@")
//   @gw.example.org               ID_FQDN (without the '@'; charon never
//                                 resolves such names)
//   user@example.org              ID_RFC822_ADDR (contains '@')
//   gw.example.org, gw            ID_FQDN (any other string, with or
//                                 without a dot, as in charon)
// A distinguished name is DER-encoded at load (libike/crypto/
// distinguished_name.hpp) and compared RDN by RDN, "*" values as wildcards.
#include <expected>
#include <string>
#include <string_view>

#include "daemon/config/address.hpp"
#include "daemon/config/config_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ikev2d::config {

struct identity {
    bool any = false;  ///< %any: `type` and `data` are unused
    ike::id_type type = ike::id_type::fqdn;
    ike::bytes data;   ///< ID payload body (a DN's DER Name)
    std::string text;  ///< as configured, for logs and messages

    /// The any-identity.
    static identity make_any();
    /// Same type and value (DNs: canonically equal). %any equals only %any.
    bool same_as(const identity& other) const;
    /// True when this (configured) identity accepts `other`: %any accepts
    /// everything, a DN with "*" values any value there, otherwise same_as().
    bool matches(const identity& other) const;
};

/// Parses an identity as described above. Errors: an empty or odd-length
/// or non-hex key id, an empty value after a prefix, a DN that does not parse.
std::expected<identity, value_error> parse_identity(std::string_view text);

/// The identity of an IP address (ID_IPV4_ADDR / ID_IPV6_ADDR).
identity identity_from_address(const ip_address& address);

}  // namespace ikev2d::config
