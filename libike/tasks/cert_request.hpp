#pragma once
// Certificate requests (RFC 7296 §3.7): the CERTREQ payload names the CAs we
// trust by the SHA-1 hash of each one's SubjectPublicKeyInfo, so the peer
// picks a certificate (and the intermediates) we can validate. The responder
// sends it in its IKE_SA_INIT response, the initiator in its IKE_AUTH
// request. The peer's requests are recorded on the IKE_SA: they decide
// send_cert ifasked, and intermediates the peer names are not sent.
#include <optional>
#include <span>

#include "libike/codec/certreq_payload.hpp"
#include "libike/engine/sa_config.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

/// Whether connection `c` asks the peer for its certificate: remote auth
/// pubkey with trust anchors, and send_certreq on.
bool wants_certreq(const ike_sa_config& c);

/// One X.509 CERTREQ (encoding 4) listing the CAs of `anchors`, each once;
/// nullopt when they hold no CA. A CA whose key cannot be hashed is left
/// out (a CERTREQ is only a hint).
std::optional<certreq_payload> make_certreq(std::span<const trust_anchors* const> anchors);

/// Records the peer's CERTREQ payloads in `sa` (peer_sent_certreq and the
/// CA hashes of the X.509 ones). A list whose length is not a multiple of 20
/// octets is ignored, as are other encodings: a CERTREQ is a hint (§3.7).
void read_certreqs(const inbound_message& m, ike_sa& sa);

}  // namespace ike
