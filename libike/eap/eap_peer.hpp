#pragma once
// The peer (client) side of an EAP conversation, sans I/O: answers
// EAP-Identity with our identity, runs EAP-MSCHAPv2, refuses other methods
// with a Nak (RFC 3748 §5.3.1), and ends on EAP-Success (with the MSK, once
// the server proved itself) or EAP-Failure. The tests drive the server with
// it; ikev2d as a road-warrior initiator will too.
#include <optional>
#include <string>
#include <variant>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/common/secret.hpp"
#include "libike/eap/eap_error.hpp"
#include "libike/eap/mschapv2_peer.hpp"

namespace ike {

struct peer_response {
    bytes packet;  ///< send in the next IKE_AUTH request's EAP payload
};
struct peer_success {
    secret msk;
};
struct peer_failure {
    eap_error error;
};
using peer_step = std::variant<peer_response, peer_success, peer_failure>;

class eap_peer {
  public:
    eap_peer(std::string identity, secret password, random_source& random);

    /// The server's next packet (an EAP payload body).
    peer_step process(bytes_view packet);

  private:
    peer_step on_request(std::uint8_t identifier, eap_type type, bytes_view data);

    std::string identity_;
    mschapv2_peer mschapv2_;
    std::optional<eap_error> last_error_;
};

}  // namespace ike
