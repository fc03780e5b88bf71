#pragma once
// The responder's choice of connection for a peer (RFC 7296 §2.15: the
// identities in IKE_AUTH decide whom we talk to). IKE_SA_INIT picked the
// first connection serving the two addresses; IKE_AUTH knows the peer's
// identity and how it authenticates, and may move the IKE_SA to another
// connection for the same addresses. The choice is explained in a notice so
// an operator sees why a client landed where it did.
#include <memory>
#include <optional>
#include <string>

#include "libike/codec/auth_payload.hpp"
#include "libike/codec/id_payload.hpp"
#include "libike/engine/sa_config.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

/// Whether `c` serves the IKE_SA's local and remote addresses (an empty
/// list serves every address).
bool serves_addresses(const ike_sa_config& c, const ike_sa& sa);

/// How the peer authenticates, read from its IKE_AUTH request: a PSK AUTH
/// (method 2) is psk, a signature method pubkey, no AUTH payload EAP
/// (§2.16); nullopt for other methods (NULL, DSS), which no connection takes.
std::optional<auth_kind> peer_auth_kind(const auth_payload* auth);

struct connection_choice {
    std::shared_ptr<const ike_sa_config> config;
    std::string why;  ///< for the operator: what fitted, what was passed over and why
};

/// The connection for a peer with identity `peer_id` that authenticates as
/// `how`, among those serving the IKE_SA's addresses whose proposals accept
/// the negotiated IKE proposal and whose remote auth is `how`: one naming
/// the identity exactly beats one accepting %any, then configuration order.
/// When none fits, the current one stays (the checks that follow reject the
/// peer with the precise reason).
connection_choice choose_connection(const ike_sa& sa, engine_context& ctx,
                                    const id_payload& peer_id, std::optional<auth_kind> how);

/// "psk", "pubkey", "eap".
std::string_view to_string(auth_kind k);

}  // namespace ike
