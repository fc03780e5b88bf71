#include "libike/tasks/eap_auth.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "libike/codec/eap_payload.hpp"
#include "libike/eap/eap_packet.hpp"
#include "libike/eap/mschapv2_packet.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/tasks/auth_octets.hpp"
#include "libike/tasks/psk_auth.hpp"

namespace ike {

namespace {

// §2.16: the MSK is the shared key of both AUTH payloads of the last round;
// a method that makes no MSK leaves SK_pi for the initiator's AUTH and
// SK_pr for the responder's.
const secret& auth_key(const ike_sa& sa, const secret& msk, bool of_initiator) {
    if (!msk.empty()) return msk;
    return of_initiator ? sa.keys->sk_pi : sa.keys->sk_pr;
}

std::expected<auth_payload, task_error> msk_auth(const ike_sa& sa, const secret& msk,
                                                 bool of_initiator, const id_payload& id) {
    auto v = shared_key_auth(sa, auth_key(sa, msk, of_initiator), of_initiator, id);
    if (!v) return std::unexpected(std::move(v.error()));
    return auth_payload{auth_method::psk, bytes(v->view().begin(), v->view().end())};
}

// Whether `auth` is the AUTH the side sending `id` computes with `msk`.
bool msk_auth_matches(const ike_sa& sa, const secret& msk, bool of_initiator, const id_payload& id,
                      const auth_payload& auth) {
    auto expected = msk_auth(sa, msk, of_initiator, id);
    return expected && auth.method == auth_method::psk &&
           expected->data.size() == auth.data.size() &&
           CRYPTO_memcmp(expected->data.data(), auth.data.data(), auth.data.size()) == 0;
}

const eap_payload* eap_of(const inbound_message& m) {
    return m.find<eap_payload>(payload_type::eap);
}

}  // namespace

std::string eap_identity_text(const id_payload& id) {
    if (id.type == id_type::fqdn || id.type == id_type::rfc822_addr)
        return std::string(id.data.begin(), id.data.end());
    return to_string(id);
}

// --- gateway

namespace {

// EAP-TLS: our certificate serves the TLS handshake and the client's is
// checked against the connection's CAs, at the wall-clock time. The pointers
// stay valid: the IKE_SA holds its config, and the session dies with it.
void add_tls_params(const ike_sa_config& cfg, const engine_context& ctx,
                    eap_session_params& params) {
    if (cfg.local_cert) {
        params.tls_certificate = &cfg.local_cert->cert;
        params.tls_chain = cfg.local_cert->intermediates;
        params.tls_key = cfg.local_cert->key.get();
    }
    if (cfg.trust) params.tls_trust = &cfg.trust->store;
    if (ctx.settings.wall_clock) params.now = ctx.settings.wall_clock();
}

}  // namespace

std::expected<std::unique_ptr<eap_gateway>, task_error> eap_gateway::create(ike_sa& sa,
                                                                            engine_context& ctx) {
    const auto& cfg = *sa.config;
    if (!ctx.settings.eap_backend)
        return std::unexpected(auth_failed(
            "connection '" + cfg.name +
            "' authenticates its clients with EAP, but no EAP backend is configured (give the "
            "daemon EAP users in its secrets)"));
    eap_session_params params;
    params.methods = cfg.remote_eap.methods;
    params.ask_identity = cfg.remote_eap.ask_identity;
    params.random = &ctx.rng;
    if (std::ranges::find(params.methods, eap_type::tls) != params.methods.end())
        add_tls_params(cfg, ctx, params);
    auto session = ctx.settings.eap_backend->create_session(params);
    if (!session)
        return std::unexpected(auth_failed("connection '" + cfg.name +
                                           "': no EAP session: " + session.error().message()));
    return std::unique_ptr<eap_gateway>(new eap_gateway(sa, std::move(*session)));
}

task_result eap_gateway::start(const id_payload& idi, engine_context& ctx) {
    identity_ = printable(eap_identity_text(idi));
    return on_step(session_->start(eap_identity_text(idi)), ctx);
}

task_result eap_gateway::process(const inbound_message& m, engine_context& ctx) {
    const auto* eap = eap_of(m);
    if (!eap)
        return std::unexpected(task_error{
            notify_type::invalid_syntax, {}, "IKE_AUTH request during EAP carries no EAP payload"});
    const bytes packet = encode_eap_packet(*eap);
    observe_response(packet, ctx);
    return on_step(session_->process(packet), ctx);
}

task_result eap_gateway::resume(engine_context& ctx) {
    return on_step(session_->resume(), ctx);
}

// The identity the peer claims, for the log before the method proves it:
// its EAP-Identity, or the Name of its MSCHAPv2 Response (which the method
// looks the user up by).
void eap_gateway::observe_response(bytes_view packet, engine_context& ctx) {
    auto p = decode_eap_packet(packet);
    if (!p || p->code != eap_code::response) return;
    if (p->type == eap_type::identity) {
        identity_ = printable(
            std::string_view(reinterpret_cast<const char*>(p->data.data()), p->data.size()));
        sa_.emit(ctx, sa_event::kind::notice, 0, "EAP identity '" + identity_ + "'");
    } else if (p->type == eap_type::mschapv2) {
        if (auto r = mschapv2::decode_response(p->data)) identity_ = printable(r->name);
    }
}

void eap_gateway::fail(bytes packet, std::string reason) {
    answer_ = std::move(packet);
    failure_ = "EAP user '" + identity_ + "' failed: " + std::move(reason);
}

task_result eap_gateway::on_step(eap_step step, engine_context& ctx) {
    if (auto* r = std::get_if<eap_request_step>(&step)) {
        if (auto p = decode_eap_packet(r->packet); p && p->type != eap_type::identity)
            method_ = p->type;
        // The session already knows the peer failed; it may never answer.
        if (r->failing)
            sa_.emit(ctx, sa_event::kind::warning, 0,
                     "EAP user '" + identity_ + "' failed: " + r->failing->message());
        answer_ = std::move(r->packet);
        return progress::need_more;
    }
    if (auto* s = std::get_if<eap_success_step>(&step)) {
        const std::string proved = printable(s->identity);
        const std::string& wanted = sa_.config->remote_eap.identity;
        if (!wanted.empty() && s->identity != wanted) {
            // EAP-Failure carries the identifier of the Success it replaces.
            const std::uint8_t identifier = s->packet.size() > 1 ? s->packet[1] : 0;
            identity_ = proved;
            fail(eap_failure_packet(identifier), "proved EAP identity '" + proved +
                                                     "', but connection '" + sa_.config->name +
                                                     "' accepts only '" + printable(wanted) + "'");
            return progress::need_more;
        }
        identity_ = proved;
        sa_.eap_identity = s->identity;
        sa_.emit(ctx, sa_event::kind::notice, 0,
                 (method_ ? to_string(*method_) : std::string("EAP")) + " succeeded for '" +
                     identity_ + "'");
        key_ = std::move(s->msk);
        answer_ = std::move(s->packet);
        return progress::need_more;
    }
    if (auto* f = std::get_if<eap_failure_step>(&step)) {
        fail(std::move(f->packet), f->error.message());
        return progress::need_more;
    }
    const auto ticket = std::get<eap_pending_step>(step).ticket;
    ctx.eap_tickets[ticket] = sa_.id;
    return progress::waiting;
}

void eap_gateway::add_answer(message_builder& m) const {
    auto p = decode_eap_packet(answer_);
    if (p) m.add(payload_type::eap, std::move(*p));
    if (failure_)
        m.then_fail = *failure_;
    else if (!p)
        m.then_fail = "EAP backend produced a malformed EAP packet";
}

std::expected<void, task_error> eap_gateway::verify(const id_payload& peer_id,
                                                    const auth_payload& auth) const {
    if (!key_ || !msk_auth_matches(sa_, *key_, true, peer_id, auth))
        return std::unexpected(auth_failed("AUTH payload of EAP user '" + identity_ +
                                           "' does not verify with the EAP key (MSK)"));
    return {};
}

std::expected<auth_payload, task_error> eap_gateway::our_auth(const id_payload& our_id) const {
    return msk_auth(sa_, key_ ? *key_ : secret{}, false, our_id);
}

std::string eap_gateway::description() const {
    return (method_ ? to_string(*method_) : std::string("EAP")) + " as '" + identity_ + "'";
}

// --- client

std::expected<std::unique_ptr<eap_client>, task_error> eap_client::create(ike_sa& sa,
                                                                          engine_context& ctx) {
    const auto& cfg = *sa.config;
    if (!cfg.local_eap_password)
        return std::unexpected(
            task_error{std::nullopt,
                       {},
                       "connection '" + cfg.name + "' has local auth eap but no EAP password"});
    std::string identity = cfg.local_eap_identity.empty()
                               ? eap_identity_text(to_id_payload(cfg.local_id))
                               : cfg.local_eap_identity;
    return std::make_unique<eap_client>(sa, std::move(identity), *cfg.local_eap_password, ctx.rng);
}

task_result eap_client::process(const inbound_message& m, engine_context& /*ctx*/) {
    const auto* eap = eap_of(m);
    if (!eap)
        return std::unexpected(
            task_error{std::nullopt, {}, "the gateway's IKE_AUTH response carries no EAP payload"});
    auto step = peer_.process(encode_eap_packet(*eap));
    if (auto* r = std::get_if<peer_response>(&step)) {
        answer_ = std::move(r->packet);
        return progress::need_more;
    }
    if (auto* s = std::get_if<peer_success>(&step)) {
        key_ = std::move(s->msk);
        return progress::need_more;
    }
    return std::unexpected(task_error{std::nullopt,
                                      {},
                                      "EAP as '" + printable(identity_) + "' failed: " +
                                          std::get<peer_failure>(step).error.message()});
}

std::expected<void, task_error> eap_client::add_request(message_builder& m,
                                                        const id_payload& our_id) {
    if (!key_) {
        auto p = decode_eap_packet(answer_);
        if (!p)
            return std::unexpected(task_error{
                std::nullopt, {}, "our EAP answer does not parse: " + p.error().message()});
        m.add(payload_type::eap, std::move(*p));
        return {};
    }
    auto auth = msk_auth(sa_, *key_, true, our_id);
    if (!auth) return std::unexpected(std::move(auth.error()));
    m.add(payload_type::auth, std::move(*auth));
    auth_sent_ = true;
    return {};
}

std::expected<void, task_error> eap_client::verify(const id_payload& peer_id,
                                                   const auth_payload& auth) const {
    if (!key_ || !msk_auth_matches(sa_, *key_, false, peer_id, auth))
        return std::unexpected(
            auth_failed("the gateway's last AUTH payload does not verify with "
                        "the EAP key (MSK)"));
    return {};
}

}  // namespace ike
