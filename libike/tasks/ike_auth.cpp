#include "libike/tasks/ike_auth.hpp"

#include "libike/engine/ike_sa.hpp"
#include "libike/sa/identity.hpp"
#include "libike/tasks/auth_octets.hpp"
#include "libike/tasks/cert_payloads.hpp"
#include "libike/tasks/cert_request.hpp"
#include "libike/tasks/peer_certificate_check.hpp"
#include "libike/tasks/peer_connection.hpp"
#include "libike/tasks/psk_auth.hpp"
#include "libike/tasks/signature_auth.hpp"

namespace ike {

namespace {

// What we send to prove ourselves, and how, for the log.
struct our_proof {
    std::vector<cert_payload> certs;
    auth_payload auth;
    std::string how;
};

// Our AUTH (and CERT) payloads as the connection's local auth says.
// `peer_id` selects the PSK (ID_NULL when the initiator does not know it).
std::expected<our_proof, task_error> prove_ourselves(const ike_sa& sa, engine_context& ctx,
                                                     const id_payload& our_id,
                                                     const id_payload& peer_id) {
    switch (sa.config->local_auth) {
        case auth_kind::psk: {
            auto auth = build_psk_auth(sa, ctx, our_id, peer_id);
            if (!auth) return std::unexpected(std::move(auth.error()));
            return our_proof{{}, std::move(*auth), "PSK"};
        }
        case auth_kind::pubkey: {
            auto octets = signed_octets(sa, sa.initiator, our_id);
            if (!octets) return std::unexpected(auth_internal(octets.error()));
            auto sig = build_signature_auth(sa, *octets);
            if (!sig) return std::unexpected(std::move(sig.error()));
            return our_proof{our_cert_payloads(sa), std::move(sig->auth),
                             "certificate '" + sa.config->local_cert->cert.subject() + "' and a " +
                                 sig->scheme + " signature"};
        }
        case auth_kind::eap:
            break;
    }
    return std::unexpected(auth_failed("connection '" + sa.config->name +
                                       "' has local auth eap, which ikev2d does not do as a "
                                       "client; use psk or pubkey"));
}

// Checks the peer's identity and its proof as the connection's remote auth
// says; on success records the identity and returns how the peer proved it.
std::expected<std::string, task_error> verify_peer(ike_sa& sa, engine_context& ctx,
                                                   const inbound_message& m,
                                                   const id_payload& peer_id,
                                                   const auth_payload& auth) {
    const auto& cfg = *sa.config;
    if (!matches(cfg.remote_id, peer_id))
        return std::unexpected(auth_failed("peer identity '" + to_string(peer_id) +
                                           "' does not match the configured '" +
                                           to_string(cfg.remote_id) + "'"));
    std::string how;
    switch (cfg.remote_auth) {
        case auth_kind::psk:
            if (auto v = verify_psk_auth(sa, ctx, peer_id, auth); !v)
                return std::unexpected(std::move(v.error()));
            how = "PSK";
            break;
        case auth_kind::pubkey: {
            auto v = verify_peer_certificate(sa, ctx, m, peer_id, auth);
            if (!v) return std::unexpected(std::move(v.error()));
            how = v->description();
            break;
        }
        case auth_kind::eap:
            return std::unexpected(auth_failed("connection '" + cfg.name +
                                               "' has remote auth eap, which is not available "
                                               "in IKE_AUTH yet"));
    }
    sa.peer_id = peer_id;
    return how;
}

void add_proof(message_builder& m, our_proof&& proof) {
    for (auto& c : proof.certs) m.add(payload_type::cert, std::move(c));
    m.add(payload_type::auth, std::move(proof.auth));
}

}  // namespace

task_result ike_auth::build(message_builder& m, engine_context& ctx) {
    if (!sa_.keys) return std::unexpected(task_error{std::nullopt, {}, "IKE_AUTH without keys"});
    return initiator_ ? build_request(m, ctx) : build_response(m, ctx);
}

task_result ike_auth::process(const inbound_message& m, engine_context& ctx) {
    if (!sa_.keys) return std::unexpected(task_error{std::nullopt, {}, "IKE_AUTH without keys"});
    return initiator_ ? process_response(m, ctx) : process_request(m, ctx);
}

task_result ike_auth::build_request(message_builder& m, engine_context& ctx) {
    const auto& cfg = *sa_.config;
    // RFC 6023 §3: an IKE_AUTH without a CHILD_SA only to a peer that said it takes one.
    if (cfg.children.empty() && !sa_.peer_childless)
        return std::unexpected(task_error{
            std::nullopt,
            {},
            "connection '" + cfg.name +
                "' has no children, and the peer did not announce CHILDLESS_IKEV2_SUPPORTED"});
    const auto our_id = to_id_payload(cfg.local_id);
    const id_payload peer =
        cfg.remote_id.any ? id_payload{id_type::null, {}} : to_id_payload(cfg.remote_id);
    auto proof = prove_ourselves(sa_, ctx, our_id, peer);
    if (!proof) {
        proof.error().notify.reset();
        return std::unexpected(std::move(proof.error()));
    }
    our_proof_ = proof->how;
    m.add(payload_type::idi, our_id);
    for (auto& c : proof->certs) m.add(payload_type::cert, std::move(c));
    // §3.7: the initiator asks for the responder's certificate here.
    if (wants_certreq(cfg)) {
        const trust_anchors* anchors[] = {cfg.trust.get()};
        if (auto req = make_certreq(anchors)) m.add(payload_type::certreq, std::move(*req));
    }
    m.add(payload_type::auth, std::move(proof->auth));
    // §2.4: the peer may drop IKE_SAs it still holds from before our restart.
    if (sa_.send_initial_contact) m.add_notify(notify_type::initial_contact);
    return progress::done;
}

task_result ike_auth::build_response(message_builder& m, engine_context& ctx) {
    const auto our_id = to_id_payload(sa_.config->local_id);
    auto proof = prove_ourselves(sa_, ctx, our_id, *sa_.peer_id);
    if (!proof) return std::unexpected(std::move(proof.error()));
    our_proof_ = proof->how;
    m.add(payload_type::idr, our_id);
    add_proof(m, std::move(*proof));
    return established(ctx, notify_type::invalid_syntax);
}

task_result ike_auth::process_response(const inbound_message& m, engine_context& ctx) {
    if (m.find_notify(notify_type::authentication_failed)) {
        const std::string likely = sa_.config->local_auth == auth_kind::psk
                                       ? "wrong PSK"
                                       : "our certificate not trusted by the peer or not naming "
                                         "our identity";
        return std::unexpected(task_error{
            std::nullopt,
            {},
            "AUTHENTICATION_FAILED: the peer rejected our authentication by " + our_proof_ + " (" +
                likely + ", or identity '" + to_string(sa_.config->local_id) +
                "' not accepted; the peer's log says which)"});
    }
    if (const auto* e = m.first_error(); e && !m.find<auth_payload>(payload_type::auth))
        return std::unexpected(
            task_error{std::nullopt, {}, "peer answered IKE_AUTH with " + to_string(e->type)});
    const auto* id = m.find<id_payload>(payload_type::idr);
    const auto* auth = m.find<auth_payload>(payload_type::auth);
    if (!id || !auth)
        return std::unexpected(task_error{std::nullopt, {}, "IKE_AUTH response lacks IDr or AUTH"});
    // A failure keeps its AUTHENTICATION_FAILED notify: the task manager
    // sends it in an INFORMATIONAL of its own (§2.21.2).
    auto how = verify_peer(sa_, ctx, m, *id, *auth);
    if (!how) return std::unexpected(std::move(how.error()));
    peer_proof_ = std::move(*how);
    return established(ctx, std::nullopt);
}

task_result ike_auth::process_request(const inbound_message& m, engine_context& ctx) {
    const auto* id = m.find<id_payload>(payload_type::idi);
    const auto* auth = m.find<auth_payload>(payload_type::auth);
    if (!id || !auth)
        return std::unexpected(
            task_error{notify_type::invalid_syntax, {}, "IKE_AUTH request lacks IDi or AUTH"});
    auto choice = choose_connection(sa_, ctx, *id, peer_auth_kind(auth));
    sa_.config = std::move(choice.config);
    sa_.emit(ctx, sa_event::kind::notice, 0, std::move(choice.why));
    read_certreqs(m, sa_);
    auto how = verify_peer(sa_, ctx, m, *id, *auth);
    if (!how) return std::unexpected(std::move(how.error()));
    peer_proof_ = std::move(*how);
    sa_.initial_contact_received = m.find_notify(notify_type::initial_contact) != nullptr;
    return progress::done;
}

task_result ike_auth::established(engine_context& ctx, std::optional<notify_type> notify) {
    if (auto t = sa_.transition(ike_sa_event::authenticated); !t)
        return std::unexpected(task_error{notify, {}, t.error()});
    sa_.established_at = ctx.now;
    sa_.schedule_rekey(ctx);
    sa_.emit(ctx, sa_event::kind::ike_up, 0,
             "peer '" + to_string(*sa_.peer_id) + "' authenticated by " + peer_proof_ + "; we by " +
                 our_proof_);
    return progress::done;
}

}  // namespace ike
