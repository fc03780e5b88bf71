#include "libike/tasks/ike_auth.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "libike/codec/byte_writer.hpp"
#include "libike/crypto/prf.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/sa/identity.hpp"
#include "libike/sa/proposal_match.hpp"

namespace ike {

namespace {

constexpr std::string_view key_pad = "Key Pad for IKEv2";

task_error auth_failed(std::string reason) {
    return task_error{notify_type::authentication_failed,
                      {},
                      "AUTHENTICATION_FAILED: " + std::move(reason),
                      true};
}

// The PSK AUTH value for the side whose first message is `first_message`
// (§2.15). Errors: a reason (PRF failure).
std::expected<secret, std::string> psk_auth(const ike_sa& sa, const secret& psk,
                                            bytes_view first_message, bytes_view peer_nonce,
                                            const secret& sk_p, const id_payload& id) {
    const prf_id alg = sa.keys->prf_alg;
    byte_writer id_body;
    encode_id_payload(id, id_body);
    auto id_prf = prf::create(alg, sk_p.view());
    if (!id_prf) return std::unexpected(id_prf.error().message());
    auto mac_id = id_prf->compute(id_body.data());
    if (!mac_id) return std::unexpected(mac_id.error().message());
    auto pad = prf::create(alg, psk.view());
    if (!pad) return std::unexpected(pad.error().message());
    auto pad_key = pad->compute(as_view(key_pad));
    if (!pad_key) return std::unexpected(pad_key.error().message());
    auto auth_prf = prf::create(alg, pad_key->view());
    if (!auth_prf) return std::unexpected(auth_prf.error().message());
    auto auth = auth_prf->compute({first_message, peer_nonce, mac_id->view()});
    if (!auth) return std::unexpected(auth.error().message());
    return std::move(*auth);
}

// Our own AUTH payload: signed with our first message and the peer's nonce.
std::expected<auth_payload, task_error> our_auth(const ike_sa& sa, engine_context& ctx,
                                                 const id_payload& our_id,
                                                 const id_payload& peer_id) {
    const secret* psk = ctx.psks.find(sa.config->local_id, peer_id);
    if (!psk)
        return std::unexpected(auth_failed("no PSK configured for " +
                                           to_string(sa.config->local_id) + " - " +
                                           to_string(peer_id)));
    auto v = sa.initiator ? psk_auth(sa, *psk, sa.init_request, sa.nr, sa.keys->sk_pi, our_id)
                          : psk_auth(sa, *psk, sa.init_response, sa.ni, sa.keys->sk_pr, our_id);
    if (!v) return std::unexpected(task_error{std::nullopt, {}, "AUTH computation: " + v.error()});
    return auth_payload{auth_method::psk, bytes(v->view().begin(), v->view().end())};
}

bool serves(const std::vector<ip_addr>& list, const ip_addr& a) {
    return list.empty() || std::ranges::find(list, a) != list.end();
}

// Responder: the connection for the peer's identity. IKE_SA_INIT picked the
// first connection for the addresses; a connection for the same addresses
// that names this identity exactly wins over it, as does any that accepts
// the identity when the first does not (the negotiated IKE proposal must be
// one it accepts too). Returns the current one when nothing fits better.
std::shared_ptr<const ike_sa_config> config_for_peer(const ike_sa& sa, engine_context& ctx,
                                                     const id_payload& peer_id) {
    const auto offered = to_sa_payload(std::vector<proposal>{sa.keys->negotiated}, {});
    std::shared_ptr<const ike_sa_config> any;
    for (const auto& c : ctx.connections) {
        if (!serves(c->local_addrs, sa.local.ip) || !serves(c->remote_addrs, sa.remote.ip) ||
            !matches(c->remote_id, peer_id) ||
            !select_proposal(c->proposals, offered, protocol_id::ike))
            continue;
        if (!c->remote_id.any) return c;
        if (!any) any = c;
    }
    if (matches(sa.config->remote_id, peer_id) && !sa.config->remote_id.any) return sa.config;
    return any ? any : sa.config;
}

// Checks the peer's identity and AUTH payload.
std::expected<void, task_error> verify_peer(ike_sa& sa, engine_context& ctx,
                                            const id_payload& peer_id, const auth_payload& auth) {
    const auto& cfg = *sa.config;
    if (!matches(cfg.remote_id, peer_id))
        return std::unexpected(auth_failed("peer identity '" + to_string(peer_id) +
                                           "' does not match the configured '" +
                                           to_string(cfg.remote_id) + "'"));
    if (auth.method != auth_method::psk)
        return std::unexpected(auth_failed("peer uses authentication method " +
                                           to_string(auth.method) + ", we expect a PSK"));
    const secret* psk = ctx.psks.find(cfg.local_id, peer_id);
    if (!psk)
        return std::unexpected(auth_failed("no PSK configured for " + to_string(cfg.local_id) +
                                           " - " + to_string(peer_id)));
    auto expected = sa.initiator
                        ? psk_auth(sa, *psk, sa.init_response, sa.ni, sa.keys->sk_pr, peer_id)
                        : psk_auth(sa, *psk, sa.init_request, sa.nr, sa.keys->sk_pi, peer_id);
    if (!expected)
        return std::unexpected(
            task_error{std::nullopt, {}, "AUTH computation: " + expected.error()});
    if (expected->size() != auth.data.size() ||
        CRYPTO_memcmp(expected->data(), auth.data.data(), auth.data.size()) != 0)
        return std::unexpected(auth_failed("AUTH payload of '" + to_string(peer_id) +
                                           "' does not verify with the configured PSK "
                                           "(the two sides' PSKs differ?)"));
    sa.peer_id = peer_id;
    return {};
}

}  // namespace

task_result ike_auth::build(message_builder& m, engine_context& ctx) {
    if (!sa_.keys) return std::unexpected(task_error{std::nullopt, {}, "IKE_AUTH without keys"});
    const auto our_id = to_id_payload(sa_.config->local_id);
    if (initiator_) {
        // RFC 6023 §3: an IKE_AUTH without a CHILD_SA only to a peer that said it takes one.
        if (sa_.config->children.empty() && !sa_.peer_childless)
            return std::unexpected(task_error{
                std::nullopt,
                {},
                "connection '" + sa_.config->name +
                    "' has no children, and the peer did not announce CHILDLESS_IKEV2_SUPPORTED"});
        const id_payload peer = sa_.config->remote_id.any ? id_payload{id_type::null, {}}
                                                          : to_id_payload(sa_.config->remote_id);
        auto auth = our_auth(sa_, ctx, our_id, peer);
        if (!auth) {
            auth.error().notify.reset();
            return std::unexpected(std::move(auth.error()));
        }
        m.add(payload_type::idi, our_id);
        m.add(payload_type::auth, std::move(*auth));
        // §2.4: the peer may drop IKE_SAs it still holds from before our restart.
        if (sa_.send_initial_contact) m.add_notify(notify_type::initial_contact);
        return progress::done;
    }
    auto auth = our_auth(sa_, ctx, our_id, *sa_.peer_id);
    if (!auth) return std::unexpected(std::move(auth.error()));
    m.add(payload_type::idr, our_id);
    m.add(payload_type::auth, std::move(*auth));
    if (auto t = sa_.transition(ike_sa_event::authenticated); !t)
        return std::unexpected(task_error{notify_type::invalid_syntax, {}, t.error()});
    sa_.established_at = ctx.now;
    sa_.schedule_rekey(ctx);
    sa_.emit(ctx, sa_event::kind::ike_up);
    return progress::done;
}

task_result ike_auth::process(const inbound_message& m, engine_context& ctx) {
    if (!sa_.keys) return std::unexpected(task_error{std::nullopt, {}, "IKE_AUTH without keys"});
    if (initiator_) {
        if (const auto* n = m.find_notify(notify_type::authentication_failed); n)
            return std::unexpected(task_error{
                std::nullopt,
                {},
                "AUTHENTICATION_FAILED: the peer rejected our authentication (wrong PSK or "
                "identity '" +
                    to_string(sa_.config->local_id) + "' not accepted)"});
        if (const auto* e = m.first_error(); e && !m.find<auth_payload>(payload_type::auth))
            return std::unexpected(
                task_error{std::nullopt, {}, "peer answered IKE_AUTH with " + to_string(e->type)});
        const auto* id = m.find<id_payload>(payload_type::idr);
        const auto* auth = m.find<auth_payload>(payload_type::auth);
        if (!id || !auth)
            return std::unexpected(
                task_error{std::nullopt, {}, "IKE_AUTH response lacks IDr or AUTH"});
        // A failure keeps its AUTHENTICATION_FAILED notify: the task manager
        // sends it in an INFORMATIONAL of its own (§2.21.2).
        if (auto v = verify_peer(sa_, ctx, *id, *auth); !v)
            return std::unexpected(std::move(v.error()));
        if (auto t = sa_.transition(ike_sa_event::authenticated); !t)
            return std::unexpected(task_error{std::nullopt, {}, t.error()});
        sa_.established_at = ctx.now;
        sa_.schedule_rekey(ctx);
        sa_.emit(ctx, sa_event::kind::ike_up);
        return progress::done;
    }
    const auto* id = m.find<id_payload>(payload_type::idi);
    const auto* auth = m.find<auth_payload>(payload_type::auth);
    if (!id || !auth)
        return std::unexpected(
            task_error{notify_type::invalid_syntax, {}, "IKE_AUTH request lacks IDi or AUTH"});
    sa_.config = config_for_peer(sa_, ctx, *id);
    if (auto v = verify_peer(sa_, ctx, *id, *auth); !v)
        return std::unexpected(std::move(v.error()));
    sa_.initial_contact_received = m.find_notify(notify_type::initial_contact) != nullptr;
    return progress::done;
}

}  // namespace ike
