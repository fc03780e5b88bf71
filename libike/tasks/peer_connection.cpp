#include "libike/tasks/peer_connection.hpp"

#include <algorithm>

#include "libike/engine/ike_sa.hpp"
#include "libike/proposal/proposal_string.hpp"
#include "libike/sa/identity.hpp"
#include "libike/sa/proposal_match.hpp"

namespace ike {

namespace {

bool serves(const std::vector<ip_addr>& list, const ip_addr& a) {
    return list.empty() || std::ranges::find(list, a) != list.end();
}

std::string how_text(std::optional<auth_kind> how) {
    return how ? std::string(to_string(*how)) : std::string("an unsupported method");
}

// Why `c` cannot take the peer; empty when it can.
std::string misfit(const ike_sa_config& c, const ike_sa& sa, const id_payload& peer_id,
                   std::optional<auth_kind> how) {
    if (!matches(c.remote_id, peer_id))
        return "remote id '" + to_string(c.remote_id) + "' does not match";
    if (!how || c.remote_auth != *how)
        return "expects remote auth " + std::string(to_string(c.remote_auth));
    const auto offered = to_sa_payload(std::vector<proposal>{sa.keys->negotiated}, {});
    if (!select_proposal(c.proposals, offered, protocol_id::ike))
        return "does not accept the negotiated IKE proposal " + to_string(sa.keys->negotiated);
    return {};
}

}  // namespace

bool serves_addresses(const ike_sa_config& c, const ike_sa& sa) {
    return serves(c.local_addrs, sa.local.ip) && serves(c.remote_addrs, sa.remote.ip);
}

std::optional<auth_kind> peer_auth_kind(const auth_payload* auth) {
    if (!auth) return auth_kind::eap;
    switch (auth->method) {
        case auth_method::psk:
            return auth_kind::psk;
        case auth_method::rsa_sig:
        case auth_method::ecdsa_sha256_p256:
        case auth_method::ecdsa_sha384_p384:
        case auth_method::ecdsa_sha512_p521:
        case auth_method::digital_signature:
            return auth_kind::pubkey;
        default:
            return std::nullopt;
    }
}

std::string_view to_string(auth_kind k) {
    switch (k) {
        case auth_kind::psk:
            return "psk";
        case auth_kind::pubkey:
            return "pubkey";
        case auth_kind::eap:
            return "eap";
    }
    return "?";
}

connection_choice choose_connection(const ike_sa& sa, engine_context& ctx,
                                    const id_payload& peer_id, std::optional<auth_kind> how) {
    std::shared_ptr<const ike_sa_config> exact, any;
    std::string passed;
    for (const auto& c : ctx.connections) {
        if (!serves_addresses(*c, sa)) continue;
        if (auto why = misfit(*c, sa, peer_id, how); !why.empty()) {
            passed += (passed.empty() ? "" : ", ") + ("'" + c->name + "' (" + why + ")");
            continue;
        }
        if (!c->remote_id.any && !exact) exact = c;
        if (c->remote_id.any && !any) any = c;
    }
    // After a reload the current connection may be gone from the list; it
    // keeps the peer if it names it exactly and nothing listed does.
    if (!exact && sa.config->remote_id.any == false && misfit(*sa.config, sa, peer_id, how).empty())
        exact = sa.config;
    const std::string peer = "peer '" + to_string(peer_id) + "' (auth " + how_text(how) + ")";
    const std::string others = passed.empty() ? "" : "; passed over " + passed;
    if (exact)
        return {exact, peer + " -> connection '" + exact->name + "': its remote id names it" +
                           " exactly" + others};
    if (any)
        return {any, peer + " -> connection '" + any->name + "': its remote id %any accepts it" +
                         " and no connection names it exactly" + others};
    return {sa.config, peer + ": no connection fits, staying on '" + sa.config->name +
                           "' (chosen in IKE_SA_INIT)" + others};
}

}  // namespace ike
