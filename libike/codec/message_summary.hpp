#pragma once
// One-line summaries of IKE messages for logs, in the form strongSwan users
// know: "IKE_AUTH request 1 [ IDi N(INIT_CONTACT) IDr AUTH SA TSi TSr ]".
// Payload contents are not printed: a summary never holds key material.
#include <span>
#include <string>

#include "libike/codec/message.hpp"

namespace ike {

/// "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]" for the
/// outer payloads; an SK payload shows as "SK" (or "SKF(2/3)").
std::string summarize(const message& m);

/// The same for a decrypted inner chain, with the outer header's words:
/// "IKE_AUTH response 1 [ IDr AUTH SA TSi TSr ]".
std::string summarize(const ike_header& h, std::span<const payload> inner);

/// The short name of one payload: "SA", "KE", "No", "N(COOKIE)", "D", "V", ...
std::string short_name(const payload& p);

}  // namespace ike
