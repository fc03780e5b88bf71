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
                                       "' has local auth eap, which only a client (initiator) "
                                       "does; a gateway proves itself with psk or pubkey"));
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
            return std::unexpected(auth_failed(
                "connection '" + cfg.name + "' has remote auth eap, but the peer sent an AUTH " +
                "payload (method " + to_string(auth.method) + ") instead of starting EAP"));
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

task_result ike_auth::resume(engine_context& ctx) {
    if (!gateway_) return progress::done;
    return gateway_->resume(ctx);
}

task_result ike_auth::build_request(message_builder& m, engine_context& ctx) {
    const auto& cfg = *sa_.config;
    const auto our_id = to_id_payload(cfg.local_id);
    if (client_) {
        // §2.16, a later round: our EAP answer, or AUTH from the MSK.
        if (auto r = client_->add_request(m, our_id); !r)
            return std::unexpected(std::move(r.error()));
        return progress::done;
    }
    // RFC 6023 §3: an IKE_AUTH without a CHILD_SA only to a peer that said it takes one.
    if (cfg.children.empty() && !sa_.peer_childless)
        return std::unexpected(task_error{
            std::nullopt,
            {},
            "connection '" + cfg.name +
                "' has no children, and the peer did not announce CHILDLESS_IKEV2_SUPPORTED"});
    const id_payload peer =
        cfg.remote_id.any ? id_payload{id_type::null, {}} : to_id_payload(cfg.remote_id);
    std::optional<our_proof> proof;
    if (cfg.local_auth == auth_kind::eap) {
        // §2.16: no AUTH; the gateway starts EAP in its answer.
        auto client = eap_client::create(sa_, ctx);
        if (!client) return std::unexpected(std::move(client.error()));
        client_ = std::move(*client);
        our_proof_ = "EAP";
    } else {
        auto p = prove_ourselves(sa_, ctx, our_id, peer);
        if (!p) {
            p.error().notify.reset();
            return std::unexpected(std::move(p.error()));
        }
        our_proof_ = p->how;
        proof = std::move(*p);
    }
    m.add(payload_type::idi, our_id);
    if (proof)
        for (auto& c : proof->certs) m.add(payload_type::cert, std::move(c));
    // §3.7: the initiator asks for the responder's certificate here.
    if (wants_certreq(cfg)) {
        const trust_anchors* anchors[] = {cfg.trust.get()};
        if (auto req = make_certreq(anchors)) m.add(payload_type::certreq, std::move(*req));
    }
    if (proof) m.add(payload_type::auth, std::move(proof->auth));
    // §2.4: the peer may drop IKE_SAs it still holds from before our restart.
    if (sa_.send_initial_contact) m.add_notify(notify_type::initial_contact);
    return progress::done;
}

task_result ike_auth::build_response(message_builder& m, engine_context& ctx) {
    if (gateway_) return build_eap_response(m, ctx);
    const auto our_id = to_id_payload(sa_.config->local_id);
    auto proof = prove_ourselves(sa_, ctx, our_id, *sa_.peer_id);
    if (!proof) return std::unexpected(std::move(proof.error()));
    our_proof_ = proof->how;
    m.add(payload_type::idr, our_id);
    add_proof(m, std::move(*proof));
    return established(ctx, notify_type::invalid_syntax);
}

task_result ike_auth::process_response(const inbound_message& m, engine_context& ctx) {
    if (client_ && sa_.peer_id) return process_eap_response(m, ctx);
    if (m.find_notify(notify_type::authentication_failed)) {
        const std::string likely =
            sa_.config->local_auth == auth_kind::psk
                ? "wrong PSK"
                : (sa_.config->local_auth == auth_kind::eap
                       ? "the gateway does not do EAP for this connection"
                       : "our certificate not trusted by the peer or not naming our identity");
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
    // §2.16: the gateway proved itself; its EAP request comes with it.
    if (client_) return client_->process(m, ctx);
    return established(ctx, std::nullopt);
}

task_result ike_auth::process_eap_response(const inbound_message& m, engine_context& ctx) {
    if (const auto* e = m.first_error())
        return std::unexpected(
            task_error{std::nullopt, {}, "gateway answered our EAP with " + to_string(e->type)});
    if (!client_->auth_sent()) return client_->process(m, ctx);
    const auto* auth = m.find<auth_payload>(payload_type::auth);
    if (!auth)
        return std::unexpected(
            task_error{std::nullopt, {}, "the gateway's last IKE_AUTH response lacks AUTH"});
    // A failure keeps its AUTHENTICATION_FAILED notify for the peer (§2.21.2).
    if (auto v = client_->verify(*sa_.peer_id, *auth); !v)
        return std::unexpected(std::move(v.error()));
    our_proof_ += " (MSK)";
    return established(ctx, std::nullopt);
}

task_result ike_auth::process_request(const inbound_message& m, engine_context& ctx) {
    if (gateway_) return process_eap_request(m, ctx);
    const auto* id = m.find<id_payload>(payload_type::idi);
    const auto* auth = m.find<auth_payload>(payload_type::auth);
    if (!id)
        return std::unexpected(
            task_error{notify_type::invalid_syntax, {}, "IKE_AUTH request lacks IDi"});
    auto choice = choose_connection(sa_, ctx, *id, peer_auth_kind(auth));
    sa_.config = std::move(choice.config);
    sa_.emit(ctx, sa_event::kind::notice, 0, std::move(choice.why));
    read_certreqs(m, sa_);
    if (!auth) return start_eap(m, *id, ctx);
    auto how = verify_peer(sa_, ctx, m, *id, *auth);
    if (!how) return std::unexpected(std::move(how.error()));
    peer_proof_ = std::move(*how);
    sa_.initial_contact_received = m.find_notify(notify_type::initial_contact) != nullptr;
    return progress::done;
}

// §2.16: a request without AUTH asks for EAP.
task_result ike_auth::start_eap(const inbound_message& m, const id_payload& idi,
                                engine_context& ctx) {
    const auto& cfg = *sa_.config;
    if (cfg.remote_auth != auth_kind::eap)
        return std::unexpected(auth_failed(
            "peer '" + to_string(idi) + "' sent no AUTH payload, asking for EAP, but connection '" +
            cfg.name + "' expects remote auth " + std::string(to_string(cfg.remote_auth))));
    if (!matches(cfg.remote_id, idi))
        return std::unexpected(auth_failed("peer identity '" + to_string(idi) +
                                           "' does not match the configured '" +
                                           to_string(cfg.remote_id) + "'"));
    // Claimed, not proved yet: EAP proves it, and the last round's AUTH
    // binds it to this IKE_SA.
    sa_.peer_id = idi;
    sa_.initial_contact_received = m.find_notify(notify_type::initial_contact) != nullptr;
    auto gateway = eap_gateway::create(sa_, ctx);
    if (!gateway) return std::unexpected(std::move(gateway.error()));
    gateway_ = std::move(*gateway);
    return gateway_->start(idi, ctx);
}

task_result ike_auth::process_eap_request(const inbound_message& m, engine_context& ctx) {
    if (!gateway_->succeeded()) return gateway_->process(m, ctx);
    const auto* auth = m.find<auth_payload>(payload_type::auth);
    if (!auth)
        return std::unexpected(
            auth_failed("the request after EAP-Success carries no AUTH payload"));
    if (auto v = gateway_->verify(*sa_.peer_id, *auth); !v)
        return std::unexpected(std::move(v.error()));
    eap_verified_ = true;
    peer_proof_ = gateway_->description();
    return progress::done;
}

// The first answer proves us (IDr, CERT, AUTH) and carries the first EAP
// request; the next ones carry EAP only; the last one our AUTH from the MSK.
task_result ike_auth::build_eap_response(message_builder& m, engine_context& ctx) {
    const auto our_id = to_id_payload(sa_.config->local_id);
    if (eap_verified_) {
        auto auth = gateway_->our_auth(our_id);
        if (!auth) return std::unexpected(std::move(auth.error()));
        m.add(payload_type::auth, std::move(*auth));
        our_proof_ += " and the EAP key (MSK)";
        return established(ctx, notify_type::invalid_syntax);
    }
    if (!first_answer_sent_) {
        auto proof = prove_ourselves(sa_, ctx, our_id, *sa_.peer_id);
        if (!proof) return std::unexpected(std::move(proof.error()));
        our_proof_ = proof->how;
        m.add(payload_type::idr, our_id);
        add_proof(m, std::move(*proof));
        first_answer_sent_ = true;
    }
    gateway_->add_answer(m);
    return progress::need_more;
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
