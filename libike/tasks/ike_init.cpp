#include "libike/tasks/ike_init.hpp"

#include "libike/crypto/ke_job.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/proposal/proposal_string.hpp"
#include "libike/sa/proposal_match.hpp"
#include "libike/tasks/cert_request.hpp"
#include "libike/tasks/peer_connection.hpp"
#include "libike/tasks/signature_auth.hpp"

namespace ike {

namespace {

// A peer answering COOKIE or INVALID_KE_PAYLOAD forever must not keep us busy.
constexpr unsigned max_init_retries = 5;

bytes random_bytes(random_source& rng, std::size_t n) {
    bytes b(n);
    rng.fill(b);
    return b;
}

task_error fatal(std::string reason, std::optional<notify_type> notify = std::nullopt) {
    return task_error{notify, {}, std::move(reason), true};
}

// RFC 7427 §4: the hashes we verify signatures with, so that the peer may
// sign with method 14. Sent always, as charon does: the responder learns
// only in IKE_AUTH which connection (and auth kind) the peer belongs to.
void announce_signature_hashes(message_builder& m, engine_context& ctx) {
    const auto hashes = our_signature_hashes(ctx.settings);
    if (!hashes.empty()) m.add(payload_type::notify, make_signature_hash_algorithms(hashes));
}

// §3.7: the responder's CERTREQ names the CAs of every connection for these
// addresses that checks the peer's certificate, since IKE_AUTH may still
// move the IKE_SA to any of them.
void add_certreq(message_builder& m, const ike_sa& sa, engine_context& ctx) {
    std::vector<const trust_anchors*> anchors;
    for (const auto& c : ctx.connections)
        if (serves_addresses(*c, sa) && wants_certreq(*c)) anchors.push_back(c->trust.get());
    if (auto req = make_certreq(anchors)) m.add(payload_type::certreq, std::move(*req));
}

}  // namespace

task_result ike_init::build(message_builder& m, engine_context& ctx) {
    if (initiator_) {
        const auto& proposals = sa_.config->proposals;
        if (!group_) group_ = preferred_group(proposals);
        if (!group_) return std::unexpected(fatal("no key exchange method configured"));
        if (!ke_ || ke_->group() != *group_) {
            auto ke = ctx.keys.take(*group_, ctx.rng);
            if (!ke) return std::unexpected(fatal("key exchange: " + ke.error().message()));
            ke_ = std::move(*ke);
        }
        if (sa_.ni.empty()) sa_.ni = random_bytes(ctx.rng, our_nonce_size);
        // §2.6: the COOKIE notify comes first in the repeated request.
        if (!cookie_.empty()) m.add_notify(notify_type::cookie, cookie_);
        offered_ = to_sa_payload(proposals, {});
        m.add(payload_type::sa, offered_);
        m.add(payload_type::ke, ke_payload{*group_, ke_->public_value()});
        m.add(payload_type::nonce, nonce_payload{sa_.ni});
        // RFC 6023: we answer an IKE_AUTH that asks for no CHILD_SA.
        m.add_notify(notify_type::childless_ikev2_supported);
        if (sa_.config->fragmentation != fragmentation_policy::no)
            m.add_notify(notify_type::ikev2_fragmentation_supported);
        announce_signature_hashes(m, ctx);
        return progress::done;
    }
    // Responder: our pick, our KE value, our nonce; then the keys.
    sa_.nr = random_bytes(ctx.rng, our_nonce_size);
    m.add(payload_type::sa, sa_payload{{chosen_}});
    m.add(payload_type::ke, ke_payload{*group_, our_public_});
    m.add(payload_type::nonce, nonce_payload{sa_.nr});
    add_certreq(m, sa_, ctx);
    m.add_notify(notify_type::childless_ikev2_supported);
    // RFC 7383 §2.3: announced back only to an initiator that announced it.
    if (sa_.fragmentation) m.add_notify(notify_type::ikev2_fragmentation_supported);
    announce_signature_hashes(m, ctx);
    return derive(ctx);
}

task_result ike_init::process(const inbound_message& m, engine_context& ctx) {
    if (initiator_) {
        if (const auto* c = m.find_notify(notify_type::cookie)) {
            if (++retries_ > max_init_retries || c->data.empty() || c->data.size() > 64)
                return std::unexpected(fatal("peer keeps demanding a COOKIE"));
            cookie_ = c->data;
            return progress::need_more;
        }
        if (const auto* n = m.find_notify(notify_type::invalid_ke_payload)) {
            auto g = read_invalid_ke_group(*n);
            if (!g || !offers_group(offered_, *g) || ++retries_ > max_init_retries)
                return std::unexpected(
                    fatal("peer answered INVALID_KE_PAYLOAD" +
                          (g ? " asking for " + to_string(*g) + ", which we did not offer" : "")));
            sa_.emit(ctx, sa_event::kind::notice, 0,
                     "peer answered INVALID_KE_PAYLOAD: it does not accept our KE payload of " +
                         to_string(*group_) + " and asks for " + to_string(*g) + "; retrying");
            group_ = *g;
            return progress::need_more;
        }
        if (const auto* e = m.first_error())
            return std::unexpected(fatal("peer answered " + to_string(e->type) +
                                         " to our IKE_SA_INIT; we offered " + [&] {
                                             std::string s;
                                             for (const auto& p : sa_.config->proposals)
                                                 s += (s.empty() ? "" : ", ") + to_string(p);
                                             return "[" + s + "]";
                                         }()));
        const auto* sa = m.find<sa_payload>(payload_type::sa);
        const auto* ke = m.find<ke_payload>(payload_type::ke);
        const auto* nonce = m.find<nonce_payload>(payload_type::nonce);
        if (!sa || !ke || !nonce)
            return std::unexpected(fatal("IKE_SA_INIT response lacks SA, KE or Nonce"));
        auto choice = verify_chosen(offered_, *sa, protocol_id::ike);
        if (!choice) return std::unexpected(fatal(choice.error().explanation));
        auto groups = choice->negotiated.groups();
        if (groups.empty() || ke->group != groups.front() || ke->group != ke_->group())
            return std::unexpected(
                fatal("IKE_SA_INIT response: KE group differs from the chosen one"));
        auto g_ir = ke_->shared_secret(ke->data);
        if (!g_ir) return std::unexpected(fatal("peer's KE value: " + g_ir.error().message()));
        g_ir_ = std::move(*g_ir);
        negotiated_ = choice->negotiated;
        sa_.nr = nonce->nonce;
        read_capabilities(m);
        read_certreqs(m, sa_);
        sa_.spi_r = m.header.spi_r;
        auto r = derive(ctx);
        if (!r) return r;
        return progress::done;
    }

    // Responder.
    const auto* sa = m.find<sa_payload>(payload_type::sa);
    const auto* ke = m.find<ke_payload>(payload_type::ke);
    const auto* nonce = m.find<nonce_payload>(payload_type::nonce);
    if (!sa || !ke || !nonce)
        return std::unexpected(
            fatal("IKE_SA_INIT request lacks SA, KE or Nonce", notify_type::invalid_syntax));
    auto choice = select_proposal(sa_.config->proposals, *sa, protocol_id::ike);
    if (!choice)
        return std::unexpected(fatal("NO_PROPOSAL_CHOSEN: " + choice.error().explanation,
                                     notify_type::no_proposal_chosen));
    auto groups = choice->negotiated.groups();
    if (groups.empty())
        return std::unexpected(
            fatal("chosen IKE proposal has no key exchange", notify_type::no_proposal_chosen));
    if (ke->group != groups.front()) {
        // §1.2: tell the initiator which group we want; keep no state.
        task_error e{notify_type::invalid_ke_payload, {}, {}, false};
        auto n = make_invalid_ke_payload(groups.front());
        e.notify_data = n.data;
        e.reason = "peer's KE payload is " + to_string(ke->group) + ", we chose " +
                   to_string(groups.front());
        // Stateless for us, but the operator should see why the peer retries.
        sa_.emit(ctx, sa_event::kind::notice, 0,
                 "answered INVALID_KE_PAYLOAD asking for " + to_string(groups.front()) + ": " +
                     e.reason);
        return std::unexpected(std::move(e));
    }
    group_ = ke->group;
    chosen_ = choice->chosen;
    negotiated_ = choice->negotiated;
    sa_.ni = nonce->nonce;
    read_capabilities(m);
    auto job = key_exchange_job(ke->data, ctx);
    if (!job) return std::unexpected(std::move(job.error()));
    // Issue 7: the scalar multiplications may go to another thread; inline,
    // the same job runs here, so both ways give the same keys and errors.
    if (ctx.settings.offload_key_exchange) {
        ctx.out.emplace_back(crypto_job{sa_.id, std::move(*job)});
        return progress::waiting;
    }
    (*job)->run();
    return crypto_done(**job, ctx);
}

// Our key pair and the peer's value as a job that owns copies of them. The
// private key is drawn here, on the engine's thread, from the engine's
// randomness (the same bytes make_key_exchange would take, so pinned test
// randomness gives the same keys either way).
std::expected<std::unique_ptr<ke_job>, task_error> ike_init::key_exchange_job(
    bytes_view peer_public, engine_context& ctx) {
    bytes peer(peer_public.begin(), peer_public.end());
    if (ctx.keys.made_ahead(*group_)) {
        // The pool's pair is ready (X25519): the job only computes g^ir.
        auto ours = ctx.keys.take(*group_, ctx.rng);
        if (!ours)
            return std::unexpected(
                fatal("key exchange: " + ours.error().message(), notify_type::no_proposal_chosen));
        return std::make_unique<ke_job>(std::move(*ours), std::move(peer));
    }
    auto x = draw_private_key(*group_, ctx.rng);
    if (!x)
        return std::unexpected(
            fatal("key exchange: " + x.error().message(), notify_type::no_proposal_chosen));
    return std::make_unique<ke_job>(*group_, std::move(*x), std::move(peer));
}

task_result ike_init::crypto_done(ke_job& job, engine_context&) {
    auto& outcome = job.outcome();
    if (!outcome || job.group() != *group_)
        return std::unexpected(fatal("key exchange job came back unfinished or for another group"));
    if (!*outcome) {
        const auto& e = outcome->error();
        if (e.code == crypto_errc::invalid_public_value)
            return std::unexpected(
                fatal("peer's KE value: " + e.message(), notify_type::invalid_syntax));
        return std::unexpected(
            fatal("key exchange: " + e.message(), notify_type::no_proposal_chosen));
    }
    our_public_ = std::move((*outcome)->public_value);
    g_ir_ = std::move((*outcome)->shared);
    return progress::done;
}

// The peer's support notifies: childless (RFC 6023), fragmentation (RFC 7383;
// in effect only if we announce it too), signature hashes (RFC 7427 §4).
void ike_init::read_capabilities(const inbound_message& m) {
    sa_.peer_childless = m.find_notify(notify_type::childless_ikev2_supported) != nullptr;
    sa_.fragmentation = sa_.config->fragmentation != fragmentation_policy::no &&
                        m.find_notify(notify_type::ikev2_fragmentation_supported) != nullptr;
    sa_.peer_signature_hashes.clear();
    if (const auto* n = m.find_notify(notify_type::signature_hash_algorithms))
        if (auto hashes = read_signature_hash_algorithms(*n))
            for (auto h : *hashes)
                sa_.peer_signature_hashes.push_back(static_cast<std::uint16_t>(h));
}

task_result ike_init::derive(engine_context&) {
    auto r = sa_.derive_keys(negotiated_, g_ir_);
    g_ir_.clear();
    if (!r) return std::unexpected(fatal(r.error()));
    return progress::done;
}

}  // namespace ike
