#pragma once
// Distinguished names (X.501 Name, RFC 5280 §4.1.2.4) as IKE identities
// (ID_DER_ASN1_DN, RFC 7296 §3.5): read from strongSwan's text form and
// compared the way operators expect.
//
// Text form: RDNs separated by ',' (or '/', with a leading '/' as OpenSSL
// prints them), each TYPE=value, spaces around both ignored, "\," for a
// comma inside a value: "C=CH, O=Example Ltd, CN=vpn.example.com". TYPE is
// an OpenSSL short or long name or a dotted OID; strongSwan's aliases are
// honoured: E and Email for emailAddress, SN for serialNumber (not surname,
// as OpenSSL would read it).
//
// Comparison uses OpenSSL's canonical form (case and inner whitespace
// folded, string types unified), so "cn=VPN" in a config matches a
// certificate's PrintableString "CN=vpn". A configured value of "*" matches
// any value of that RDN ("C=CH, O=Example, CN=*" accepts every CN).
#include <expected>
#include <string>
#include <string_view>

#include "libike/common/bytes.hpp"

namespace ike {

/// The DER Name for `text`. Errors: a reason naming the offending part (an
/// RDN without '=', an unknown attribute type, an empty value, no RDN).
std::expected<bytes, std::string> dn_from_text(std::string_view text);

/// Same DN: both parse and their canonical forms are equal.
bool dn_equal(bytes_view a, bytes_view b);

/// `configured` accepts `received`: the same attribute types in the same
/// order, each value equal (canonically) or "*" in `configured`.
bool dn_matches(bytes_view configured, bytes_view received);

}  // namespace ike
