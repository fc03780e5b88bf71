#include "libike/tasks/ike_rekey.hpp"

#include <algorithm>
#include <cstdio>

#include "libike/codec/notify_payload.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/engine/rekey_time.hpp"
#include "libike/proposal/proposal_string.hpp"
#include "libike/sa/proposal_match.hpp"
#include "libike/tasks/ike_delete.hpp"
#include "libike/tasks/ike_init.hpp"

namespace ike {

namespace {

// A peer answering INVALID_KE_PAYLOAD forever must not keep us busy.
constexpr unsigned max_ke_retries = 3;

// How long the peer has to delete the redundant IKE_SA of a rekey collision
// that it made. It normally does so at once; it cannot when our Delete of the
// old IKE_SA overtook our answer to its rekey (which then died with the old
// IKE_SA, §2.25.2), and we drop the IKE_SA, which carries nothing, ourselves.
constexpr auto redundant_sa_grace = std::chrono::seconds(30);

bytes spi_bytes(std::uint64_t spi) {
    bytes b(8);
    for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(spi >> (56 - 8 * i));
    return b;
}

std::uint64_t spi_value(const bytes& b) {
    std::uint64_t v = 0;
    for (auto x : b) v = (v << 8) | x;
    return b.size() == 8 ? v : 0;
}

std::string spis(const ike_sa& sa) {
    char b[40];
    std::snprintf(b, sizeof b, "%016llx_i %016llx_r", static_cast<unsigned long long>(sa.spi_i),
                  static_cast<unsigned long long>(sa.spi_r));
    return b;
}

std::string number(const ike_sa& sa) {
    return "IKE_SA #" + std::to_string(sa.id);
}

const bytes& lower(const bytes& a, const bytes& b) {
    return std::ranges::lexicographical_compare(a, b) ? a : b;
}

}  // namespace

void hand_over(engine_context& ctx, ike_sa& from, ike_sa& to) {
    const std::size_t moved = from.children.size();
    from.move_children(ctx, to);
    from.tasks.migrate_queued(to.tasks);
    if (from.state() == ike_sa_state::established) (void)from.transition(ike_sa_event::rekeyed);
    from.rekey_at.reset();
    ctx.out.emplace_back(sa_event{sa_event::kind::ike_rekeyed,
                                  to.id,
                                  0,
                                  number(from) + " (SPIs " + spis(from) + ") rekeyed to #" +
                                      std::to_string(to.id) + " (SPIs " + spis(to) + ") by " +
                                      (to.initiator ? "us" : "the peer") + ", " +
                                      std::to_string(moved) + " CHILD_SA(s) moved",
                                  {},
                                  to.config->name,
                                  to.remote,
                                  from.id});
}

bool ike_rekey::obsolete() const {
    return initiator_ && sa_.state() != ike_sa_state::established;
}

task_result ike_rekey::build(message_builder& m, engine_context& ctx) {
    return initiator_ ? build_request(m, ctx) : build_response(m, ctx);
}

task_result ike_rekey::process(const inbound_message& m, engine_context& ctx) {
    return initiator_ ? process_response(m, ctx) : process_request(m, ctx);
}

task_result ike_rekey::build_request(message_builder& m, engine_context& ctx) {
    const auto& proposals = sa_.config->proposals;
    if (new_spi_ == 0) new_spi_ = ctx.registry.new_spi();
    if (!group_) group_ = preferred_group(proposals);
    if (!group_)
        return std::unexpected(task_error{std::nullopt, {}, "no key exchange method configured"});
    if (!ke_ || ke_->group() != *group_) {
        auto ke = ctx.keys.take(*group_, ctx.rng);
        if (!ke)
            return std::unexpected(
                task_error{std::nullopt, {}, "key exchange: " + ke.error().message()});
        ke_ = std::move(*ke);
    }
    if (ni_.empty()) {
        ni_.resize(our_nonce_size);
        ctx.rng.fill(ni_);
    }
    offered_ = to_sa_payload(proposals, spi_bytes(new_spi_));
    m.add(payload_type::sa, offered_);
    m.add(payload_type::nonce, nonce_payload{ni_});
    m.add(payload_type::ke, ke_payload{*group_, ke_->public_value()});
    return progress::done;
}

task_result ike_rekey::process_response(const inbound_message& m, engine_context& ctx) {
    if (const auto* n = m.find_notify(notify_type::invalid_ke_payload)) {
        auto g = read_invalid_ke_group(*n);
        if (g && offers_group(offered_, *g) && ++retries_ <= max_ke_retries) {
            sa_.emit(ctx, sa_event::kind::notice, 0,
                     "rekeying " + number(sa_) +
                         ": peer answered INVALID_KE_PAYLOAD: it does not accept our KE payload "
                         "of " +
                         to_string(*group_) + " and asks for " + to_string(*g) + "; retrying");
            group_ = *g;
            return progress::need_more;
        }
    }
    if (m.find_notify(notify_type::temporary_failure)) {
        retry_later(ctx, "peer answered TEMPORARY_FAILURE (it is busy with another exchange)",
                    true);
        return progress::done;
    }
    if (const auto* e = m.first_error()) {
        retry_later(ctx, "peer answered " + to_string(e->type), false);
        return progress::done;
    }
    const auto* sa = m.find<sa_payload>(payload_type::sa);
    const auto* nonce = m.find<nonce_payload>(payload_type::nonce);
    const auto* ke = m.find<ke_payload>(payload_type::ke);
    if (!sa || !nonce || !ke) {
        retry_later(ctx, "the response lacks SA, Nonce or KE", false);
        return progress::done;
    }
    auto choice = verify_chosen(offered_, *sa, protocol_id::ike);
    if (!choice) {
        retry_later(ctx, choice.error().explanation, false);
        return progress::done;
    }
    const std::uint64_t peer_spi = spi_value(choice->chosen.spi);
    auto groups = choice->negotiated.groups();
    if (peer_spi == 0 || groups.empty() || ke->group != groups.front() ||
        ke->group != ke_->group()) {
        retry_later(ctx, "the response's SPI or KE payload does not fit the chosen proposal",
                    false);
        return progress::done;
    }
    auto g_ir = ke_->shared_secret(ke->data);
    if (!g_ir) {
        retry_later(ctx, "peer's KE value: " + g_ir.error().message(), false);
        return progress::done;
    }
    g_ir_ = std::move(*g_ir);
    nr_ = nonce->nonce;
    negotiated_ = choice->negotiated;
    std::string why;
    ike_sa* ours = make_successor(ctx, peer_spi, why);
    if (!ours) {
        retry_later(ctx, why, false);
        return progress::done;
    }
    finish(ctx, *ours);
    return progress::done;
}

// §2.8.2: when we also answered the peer's rekey of this IKE_SA, the CHILD_SAs
// sit on the IKE_SA that answer made (`rekeyed_to`).
void ike_rekey::finish(engine_context& ctx, ike_sa& ours) {
    ike_sa* theirs = sa_.state() == ike_sa_state::rekeyed && sa_.rekeyed_to
                         ? ctx.registry.find(sa_.rekeyed_to)
                         : nullptr;
    if (theirs && theirs->state() == ike_sa_state::gone) theirs = nullptr;
    bool delete_old = true;
    if (!theirs) {
        hand_over(ctx, sa_, ours);
    } else {
        // The exchange with the lowest nonce made the redundant IKE_SA; its
        // initiator deletes it, the other initiator the old IKE_SA.
        const bool ours_lost =
            std::ranges::lexicographical_compare(ours.rekey_nonce, theirs->rekey_nonce);
        ike_sa& winner = ours_lost ? *theirs : ours;
        ike_sa& loser = ours_lost ? ours : *theirs;
        sa_.emit(ctx, sa_event::kind::notice, 0,
                 number(sa_) + ": rekey collision with the peer; #" + std::to_string(winner.id) +
                     " stays, #" + std::to_string(loser.id) +
                     " is redundant (lowest nonce) and deleted by " +
                     (ours_lost ? "us" : "the peer"));
        if (ours_lost) {
            ours.rekeyed_to = theirs->id;
            (void)ours.transition(ike_sa_event::rekeyed);
            ours.rekey_at.reset();
            ours.tasks.queue(std::make_unique<ike_delete>(ours, true));
            delete_old = false;  // the peer's rekey won: the peer deletes it
        } else {
            hand_over(ctx, *theirs, ours);
            theirs->drop_at = ctx.now + redundant_sa_grace;
        }
    }
    // §1.3.2: the old IKE_SA is deleted on itself, after the new one exists.
    if (delete_old && !sa_.tasks.has_queued(task_kind::ike_delete))
        sa_.tasks.queue(std::make_unique<ike_delete>(sa_, true));
}

void ike_rekey::retry_later(engine_context& ctx, std::string reason, bool temporary) {
    using std::chrono::seconds;
    // §2.25: not at once; the peer first completes what made it refuse.
    const duration wait = temporary ? random_delay(seconds(2), seconds(10), ctx.rng)
                                    : random_delay(seconds(30), seconds(90), ctx.rng);
    const bool again = sa_.state() == ike_sa_state::established;
    if (again) sa_.rekey_at = ctx.now + wait;
    sa_.emit(
        ctx, temporary ? sa_event::kind::notice : sa_event::kind::warning, 0,
        "rekeying " + number(sa_) + " failed: " + reason +
            (again ? "; trying again in " +
                         std::to_string(std::chrono::duration_cast<seconds>(wait).count()) + " s"
                   : ""));
}

ike_sa* ike_rekey::make_successor(engine_context& ctx, std::uint64_t peer_spi, std::string& why) {
    ike_sa* fresh = ctx.registry.create(initiator_, sa_.config, new_spi_, ctx.now);
    if (!fresh) {
        why = "our SPI for the new IKE_SA is taken";
        return nullptr;
    }
    (initiator_ ? fresh->spi_r : fresh->spi_i) = peer_spi;
    fresh->ni = ni_;
    fresh->nr = nr_;
    auto keys = fresh->derive_rekeyed_keys(*sa_.keys->sk_d, negotiated_, *g_ir_);
    g_ir_.reset();
    if (!keys) {
        why = "keys of the new IKE_SA: " + keys.error();
        fresh->fail(ctx, why, false);
        return nullptr;
    }
    fresh->local = sa_.local;
    fresh->remote = sa_.remote;
    fresh->nat_local = sa_.nat_local;
    fresh->nat_remote = sa_.nat_remote;
    fresh->fragmentation = sa_.fragmentation;
    fresh->peer_childless = sa_.peer_childless;
    fresh->peer_signature_hashes = sa_.peer_signature_hashes;
    fresh->peer_id = sa_.peer_id;
    fresh->rekeyed_from = sa_.id;
    fresh->rekey_nonce = lower(ni_, nr_);
    (void)fresh->transition(ike_sa_event::authenticated);
    fresh->established_at = ctx.now;
    fresh->schedule_rekey(ctx);
    fresh->reauth_at = sa_.reauth_at;
    return fresh;
}

std::string ike_rekey::busy_reason() const {
    if (sa_.state() != ike_sa_state::established)
        return number(sa_) + " is " + std::string(to_string(sa_.state()));
    // §2.25: not while a request of ours on it is outstanding; a rekey of
    // our own is a collision (§2.8.2), answered as usual.
    if (!sa_.tasks.idle() && !sa_.tasks.active_has(task_kind::ike_rekey))
        return "a request of ours on " + number(sa_) + " is outstanding";
    return {};
}

void ike_rekey::refuse(notify_type notify, std::string reason, bytes data) {
    failure_ = notify;
    failure_data_ = std::move(data);
    failure_reason_ = "refused the peer's rekey of " + number(sa_) + ": " + to_string(notify) +
                      ": " + std::move(reason);
}

task_result ike_rekey::process_request(const inbound_message& m, engine_context& ctx) {
    const auto* sa = m.find<sa_payload>(payload_type::sa);
    const auto* nonce = m.find<nonce_payload>(payload_type::nonce);
    const auto* ke = m.find<ke_payload>(payload_type::ke);
    if (!sa || !nonce || !ke) {
        refuse(notify_type::invalid_syntax, "the request lacks SA, Nonce or KE");
        return progress::done;
    }
    if (auto busy = busy_reason(); !busy.empty()) {
        refuse(notify_type::temporary_failure, std::move(busy));
        return progress::done;
    }
    auto choice = select_proposal(sa_.config->proposals, *sa, protocol_id::ike);
    if (!choice) {
        refuse(notify_type::no_proposal_chosen, choice.error().explanation);
        return progress::done;
    }
    auto groups = choice->negotiated.groups();
    peer_spi_ = spi_value(choice->chosen.spi);
    if (groups.empty() || peer_spi_ == 0) {
        refuse(notify_type::no_proposal_chosen,
               "the chosen proposal has no key exchange method or no 8-byte SPI");
        return progress::done;
    }
    if (ke->group != groups.front()) {
        std::string why = "peer's KE payload is " + to_string(ke->group) + ", we chose " +
                          to_string(groups.front());
        refuse(notify_type::invalid_ke_payload, std::move(why),
               make_invalid_ke_payload(groups.front()).data);
        return progress::done;
    }
    auto ours = ctx.keys.take(groups.front(), ctx.rng);
    if (!ours) {
        refuse(notify_type::no_proposal_chosen, ours.error().message());
        return progress::done;
    }
    auto g_ir = (*ours)->shared_secret(ke->data);
    if (!g_ir) {
        refuse(notify_type::invalid_syntax, "peer's KE value: " + g_ir.error().message());
        return progress::done;
    }
    ke_ = std::move(*ours);
    g_ir_ = std::move(*g_ir);
    ni_ = nonce->nonce;
    chosen_ = choice->chosen;
    negotiated_ = choice->negotiated;
    return progress::done;
}

task_result ike_rekey::build_response(message_builder& m, engine_context& ctx) {
    if (!failure_) {
        nr_.resize(our_nonce_size);
        ctx.rng.fill(nr_);
        new_spi_ = ctx.registry.new_spi();
        std::string why;
        if (ike_sa* fresh = make_successor(ctx, peer_spi_, why)) {
            chosen_.spi = spi_bytes(new_spi_);
            m.add(payload_type::sa, sa_payload{{chosen_}});
            m.add(payload_type::nonce, nonce_payload{nr_});
            m.add(payload_type::ke, ke_payload{ke_->group(), ke_->public_value()});
            hand_over(ctx, sa_, *fresh);
            return progress::done;
        }
        refuse(notify_type::no_proposal_chosen, why);
    }
    m.add_notify(*failure_, failure_data_);
    // INVALID_KE_PAYLOAD and TEMPORARY_FAILURE are negotiation: the peer retries.
    const bool normal =
        *failure_ == notify_type::invalid_ke_payload || *failure_ == notify_type::temporary_failure;
    sa_.emit(ctx, normal ? sa_event::kind::notice : sa_event::kind::warning, 0, failure_reason_);
    return progress::done;
}

}  // namespace ike
