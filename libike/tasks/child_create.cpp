#include "libike/tasks/child_create.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "libike/codec/notify_payload.hpp"
#include "libike/crypto/keymat.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/engine/rekey_time.hpp"
#include "libike/proposal/proposal_string.hpp"
#include "libike/sa/proposal_match.hpp"
#include "libike/tasks/child_delete.hpp"
#include "libike/tasks/ike_init.hpp"

namespace ike {

namespace {

// A peer answering INVALID_KE_PAYLOAD forever must not keep us busy.
constexpr unsigned max_ke_retries = 3;

bytes spi_bytes(std::uint32_t spi) {
    return {static_cast<std::uint8_t>(spi >> 24), static_cast<std::uint8_t>(spi >> 16),
            static_cast<std::uint8_t>(spi >> 8), static_cast<std::uint8_t>(spi)};
}

std::uint32_t spi_value(const bytes& b) {
    if (b.size() != 4) return 0;
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           b[3];
}

std::string to_hex_spi(std::uint32_t spi) {
    char b[9];
    std::snprintf(b, sizeof b, "%08x", spi);
    return b;
}

bytes random_nonce(random_source& rng) {
    bytes b(our_nonce_size);
    rng.fill(b);
    return b;
}

// Configured selectors, or charon's "dynamic" for one side of `sa`: the
// side's IKE address, or the client's virtual IPs once it has some (§2.19;
// tasks/ike_config; the original initiator is the client).
std::vector<ts_range> resolve(const std::vector<ts_range>& configured, const ike_sa& sa,
                              bool local) {
    if (!configured.empty()) return configured;
    if (local == sa.initiator && !sa.virtual_ips.empty()) {
        std::vector<ts_range> r;
        for (const auto& a : sa.virtual_ips) r.push_back(host_ts(a));
        return r;
    }
    return {host_ts(local ? sa.local.ip : sa.remote.ip)};
}

// Initiator of IKE_AUTH asking for virtual IPs: the address is not known
// yet, so the dynamic TSi is every address of each family asked for and
// the gateway narrows it to the lease (as charon does).
std::vector<ts_range> any_of_families(const std::vector<ip_addr>& vips) {
    std::vector<ts_range> r;
    for (bool v6 : {false, true}) {
        if (std::ranges::none_of(vips, [&](const ip_addr& a) { return a.ipv6 == v6; })) continue;
        ts_range t;
        t.ipv6 = v6;
        std::fill_n(t.end.begin(), t.address_size(), std::uint8_t{0xff});
        r.push_back(t);
    }
    return r;
}

// §1.2: IKE_AUTH carries no KE payload, so its SA offers no KE transforms
// (charon strips them the same way).
std::vector<proposal> without_ke(const std::vector<proposal>& proposals) {
    std::vector<proposal> out = proposals;
    for (auto& p : out)
        std::erase_if(p.transforms,
                      [](const transform_spec& t) { return t.type == transform_type::ke; });
    return out;
}

std::string list(std::span<const ts_range> ts) {
    std::string s;
    for (const auto& t : ts) s += (s.empty() ? "" : ", ") + to_string(t);
    return "[" + s + "]";
}

// Error notifies that refuse a CHILD_SA but leave the IKE_SA up (§1.2, §1.3).
constexpr notify_type child_errors[] = {
    notify_type::no_proposal_chosen,   notify_type::ts_unacceptable,
    notify_type::single_pair_required, notify_type::internal_address_failure,
    notify_type::failed_cp_required,   notify_type::invalid_selectors,
    notify_type::no_additional_sas,    notify_type::temporary_failure,
    notify_type::invalid_ke_payload,   notify_type::invalid_syntax,
};

std::string child_name(const ike_sa& sa, const child_sa_config* c) {
    return sa.config->name + "/" + (c ? c->name : std::string("?"));
}

}  // namespace

bool child_create::obsolete() const {
    if (!initiator_ || rekey_of_ == 0) return false;
    const child_sa* old = sa_.find_child(rekey_of_);
    return !old || old->state != child_sa_state::rekeying;
}

std::unique_ptr<task> child_create::migrate(ike_sa& to) const {
    if (!initiator_) return nullptr;
    return std::make_unique<child_create>(to, true, config_, rekey_of_);
}

task_result child_create::build(message_builder& m, engine_context& ctx) {
    return initiator_ ? build_request(m, ctx) : build_response(m, ctx);
}

task_result child_create::process(const inbound_message& m, engine_context& ctx) {
    return initiator_ ? process_response(m, ctx) : process_request(m, ctx);
}

task_result child_create::build_request(message_builder& m, engine_context& ctx) {
    ike_auth_ = m.exchange == exchange_type::ike_auth;
    if (spi_in_ == 0) spi_in_ = random_esp_spi(ctx.rng);
    local_ts_ = resolve(config_->local_ts, sa_, true);
    remote_ts_ = resolve(config_->remote_ts, sa_, false);
    if (ike_auth_ && config_->local_ts.empty() && asks_vips())
        local_ts_ = any_of_families(wanted_vips());
    if (const child_sa* old = rekey_of_ ? sa_.find_child(rekey_of_) : nullptr) {
        // §1.3.3: name the old CHILD_SA by the SPI we receive on, and keep
        // its narrowed selectors.
        m.add(payload_type::notify,
              notify_payload{protocol_id::esp, spi_bytes(old->spi_in), notify_type::rekey_sa, {}});
        local_ts_ = old->local_ts;
        remote_ts_ = old->remote_ts;
    }
    const auto proposals = ike_auth_ ? without_ke(config_->esp_proposals) : config_->esp_proposals;
    if (config_->mode == ipsec_mode::transport) m.add_notify(notify_type::use_transport_mode);
    offered_ = to_sa_payload(proposals, spi_bytes(spi_in_));
    m.add(payload_type::sa, offered_);
    if (!ike_auth_) {
        if (ni_.empty()) ni_ = random_nonce(ctx.rng);
        m.add(payload_type::nonce, nonce_payload{ni_});
        if (!group_) group_ = preferred_group(proposals);
        if (group_) {
            if (!ke_ || ke_->group() != *group_) {
                auto ke = ctx.keys.take(*group_, ctx.rng);
                if (!ke)
                    return std::unexpected(
                        task_error{std::nullopt,
                                   {},
                                   "CHILD_SA " + child_name(sa_, config_) +
                                       ": key exchange: " + ke.error().message()});
                ke_ = std::move(*ke);
            }
            m.add(payload_type::ke, ke_payload{*group_, ke_->public_value()});
        }
    }
    m.add(payload_type::tsi, to_ts_payload(local_ts_));
    m.add(payload_type::tsr, to_ts_payload(remote_ts_));
    return progress::done;
}

task_result child_create::build_response(message_builder& m, engine_context& ctx) {
    if (!requested_) return progress::done;  // childless IKE_AUTH
    if (no_address_) {
        fail(ctx,
             "CHILD_SA refused: no virtual IP could be lent to the peer "
             "(INTERNAL_ADDRESS_FAILURE)");
        return progress::done;
    }
    if (failure_) {
        m.add_notify(*failure_, failure_data_);
        // INVALID_KE_PAYLOAD and TEMPORARY_FAILURE are negotiation, not
        // failure: the peer retries.
        if (*failure_ == notify_type::temporary_failure)
            sa_.emit(ctx, sa_event::kind::notice, 0, failure_reason_, child_name(sa_, config_));
        else if (*failure_ != notify_type::invalid_ke_payload)
            fail(ctx, failure_reason_);
        return progress::done;
    }
    spi_in_ = random_esp_spi(ctx.rng);
    chosen_.spi = spi_bytes(spi_in_);
    if (mode_ == ipsec_mode::transport) m.add_notify(notify_type::use_transport_mode);
    m.add(payload_type::sa, sa_payload{{chosen_}});
    if (!ike_auth_) {
        nr_ = random_nonce(ctx.rng);
        m.add(payload_type::nonce, nonce_payload{nr_});
        if (ke_) m.add(payload_type::ke, ke_payload{ke_->group(), ke_->public_value()});
    }
    // Responder: TSi are the peer's (our remote), TSr ours.
    m.add(payload_type::tsi, to_ts_payload(remote_ts_));
    m.add(payload_type::tsr, to_ts_payload(local_ts_));
    install(ctx);
    return progress::done;
}

task_result child_create::process_response(const inbound_message& m, engine_context& ctx) {
    const std::string name = "CHILD_SA " + child_name(sa_, config_);
    if (ike_auth_ && sa_.state() != ike_sa_state::established) return progress::done;
    if (const auto* n = m.find_notify(notify_type::invalid_ke_payload); n && !ike_auth_) {
        auto g = read_invalid_ke_group(*n);
        if (g && offers_group(offered_, *g) && ++retries_ <= max_ke_retries) {
            sa_.emit(ctx, sa_event::kind::notice, 0,
                     name +
                         ": peer answered INVALID_KE_PAYLOAD: it does not accept our KE "
                         "payload of " +
                         to_string(*group_) + " and asks for " + to_string(*g) + "; retrying",
                     child_name(sa_, config_));
            group_ = *g;
            return progress::need_more;
        }
    }
    if (rekey_of_ && m.find_notify(notify_type::temporary_failure)) {
        retry_rekey_later(ctx);
        return progress::done;
    }
    for (auto e : child_errors)
        if (m.find_notify(e)) {
            fail(ctx,
                 name + " refused: peer answered " + to_string(e) + "; we offered " + offer_text());
            return progress::done;
        }
    if (const auto* e = m.first_error()) {
        fail(ctx, name + " refused: peer answered " + to_string(e->type));
        return progress::done;
    }
    const auto* sa = m.find<sa_payload>(payload_type::sa);
    const auto* tsi = m.find<ts_payload>(payload_type::tsi);
    const auto* tsr = m.find<ts_payload>(payload_type::tsr);
    const auto* nonce = m.find<nonce_payload>(payload_type::nonce);
    if (!sa || !tsi || !tsr || (!ike_auth_ && !nonce)) {
        fail(ctx, name + ": the response lacks " +
                      (ike_auth_ ? "SA, TSi or TSr" : "SA, Nonce, TSi or TSr"));
        return progress::done;
    }
    auto choice = verify_chosen(offered_, *sa, protocol_id::esp, {.skip_ke = ike_auth_});
    if (!choice) {
        fail(ctx, name + ": " + choice.error().explanation);
        return progress::done;
    }
    if (!ike_auth_) {
        nr_ = nonce->nonce;
        auto groups = choice->negotiated.groups();
        if (!groups.empty()) {
            const auto* ke = m.find<ke_payload>(payload_type::ke);
            if (!ke || !ke_ || ke->group != groups.front() || ke_->group() != groups.front()) {
                fail(ctx, name + ": the response's KE payload does not match the chosen group " +
                              to_string(groups.front()));
                return progress::done;
            }
            auto g_ir = ke_->shared_secret(ke->data);
            if (!g_ir) {
                fail(ctx, name + ": peer's KE value: " + g_ir.error().message());
                return progress::done;
            }
            g_ir_ = std::move(*g_ir);
        }
    }
    auto got_i = from_ts_payload(*tsi);
    auto got_r = from_ts_payload(*tsr);
    if (!got_i || !got_r || !is_subset(*got_i, local_ts_) || !is_subset(*got_r, remote_ts_)) {
        fail(ctx, name + ": TS_UNACCEPTABLE: the responder's traffic selectors " +
                      (got_i && got_r ? list(*got_i) + " === " + list(*got_r) : "(undecodable)") +
                      " are not within ours " + list(local_ts_) + " === " + list(remote_ts_));
        return progress::done;
    }
    // Asked for a virtual IP as our dynamic selector: without one the
    // CHILD_SA would carry our IKE address, which is not what was configured.
    if (ike_auth_ && config_->local_ts.empty() && asks_vips() &&
        (sa_.virtual_ips.empty() || !is_subset(*got_i, resolve({}, sa_, true)))) {
        fail(ctx, name + ": " +
                      (sa_.virtual_ips.empty()
                           ? std::string("we asked for a virtual IP and got none")
                           : "the responder's TSi " + list(*got_i) + " is not our virtual IP") +
                      "; not installed");
        return progress::done;
    }
    const bool transport = m.find_notify(notify_type::use_transport_mode) != nullptr;
    if (config_->mode == ipsec_mode::transport && !transport) {
        fail(ctx, name + ": the peer did not accept transport mode");
        return progress::done;
    }
    mode_ = config_->mode;
    local_ts_ = std::move(*got_i);
    remote_ts_ = std::move(*got_r);
    chosen_ = choice->chosen;
    negotiated_ = choice->negotiated;
    spi_out_ = spi_value(chosen_.spi);
    install(ctx);
    if (rekey_of_) finish_rekey(ctx);
    return progress::done;
}

void child_create::finish_rekey(engine_context& ctx) {
    child_sa* old = sa_.find_child(rekey_of_);
    child_sa* ours = sa_.find_child(created_);
    if (!ours) return;
    if (!old) {
        // §2.25.1: the peer deleted the old CHILD_SA while our rekey of it
        // ran (it won a collision and its Delete overtook our answer to its
        // rekey, or it meant to delete it): the new one is not wanted either.
        sa_.emit(ctx, sa_event::kind::notice, created_,
                 "CHILD_SA #" + std::to_string(rekey_of_) +
                     " was deleted by the peer during its rekey; deleting its replacement #" +
                     std::to_string(created_));
        if (!sa_.tasks.has_child_delete(created_))
            sa_.tasks.queue(std::make_unique<child_delete>(sa_, true, created_));
        return;
    }
    old->state = child_sa_state::installed;
    child_sa_id redundant = rekey_of_;  // what we delete: normally the old one
    if (child_sa* theirs = old->rekeyed_by ? sa_.find_child(old->rekeyed_by) : nullptr) {
        // §2.8.1: the peer rekeyed it too and we answered. The exchange with
        // the lowest of the four nonces made the redundant CHILD_SA; its
        // initiator deletes that one, the other initiator the old one.
        const bool ours_lost =
            std::ranges::lexicographical_compare(ours->rekey_nonce, theirs->rekey_nonce);
        child_sa& loser = ours_lost ? *ours : *theirs;
        child_sa& winner = ours_lost ? *theirs : *ours;
        loser.rekeyed_by = winner.id;  // its removal is no child_down
        loser.redundant = true;
        old->rekeyed_by = winner.id;
        sa_.emit(ctx, sa_event::kind::notice, 0,
                 "CHILD_SA " + old->name + ": rekey collision with the peer; #" +
                     std::to_string(winner.id) + " stays, #" + std::to_string(loser.id) +
                     " is redundant (lowest nonce) and deleted by " +
                     (ours_lost ? "us" : "the peer"),
                 old->name);
        if (ours_lost) redundant = created_;
    } else {
        old->rekeyed_by = created_;
    }
    // The new SAs go to the kernel before this Delete goes out (outputs are
    // carried out in order), and the responder switches its outbound SA
    // when the Delete arrives.
    if (!sa_.tasks.has_child_delete(redundant))
        sa_.tasks.queue(std::make_unique<child_delete>(sa_, true, redundant));
}

const std::vector<ip_addr>& child_create::wanted_vips() const {
    return sa_.requested_vips.empty() ? sa_.config->vips : sa_.requested_vips;
}

// Our side of a refused request, for the operator: proposals and selectors.
std::string child_create::offer_text() const {
    std::string props;
    for (const auto& p : offered_.proposals)
        props += (props.empty() ? "" : ", ") + to_string(to_proposal(p));
    return "[" + props + "] for " + list(local_ts_) + " === " + list(remote_ts_);
}

void child_create::refuse(notify_type notify, std::string reason, bytes data) {
    failure_ = notify;
    failure_data_ = std::move(data);
    failure_reason_ = "CHILD_SA refused: " + to_string(notify) + ": " + std::move(reason);
}

task_result child_create::process_request(const inbound_message& m, engine_context& ctx) {
    ike_auth_ = m.header.exchange == exchange_type::ike_auth;
    const auto* sa = m.find<sa_payload>(payload_type::sa);
    const auto* tsi = m.find<ts_payload>(payload_type::tsi);
    const auto* tsr = m.find<ts_payload>(payload_type::tsr);
    if (ike_auth_ && !sa && !tsi && !tsr) return progress::done;
    requested_ = true;
    if (ike_auth_ && (!sa || !tsi || !tsr))
        return std::unexpected(
            task_error{notify_type::invalid_syntax, {}, "IKE_AUTH request lacks SA, TSi or TSr"});
    if (ike_auth_ && sa_.address_failure) {
        // ike_config answers INTERNAL_ADDRESS_FAILURE; the IKE_SA stays
        // without this CHILD_SA (§3.15.4).
        no_address_ = true;
        return progress::done;
    }
    if (!ike_auth_ && !check_create_request(m)) return progress::done;
    auto peer_i = from_ts_payload(*tsi);
    auto peer_r = from_ts_payload(*tsr);
    if (!peer_i || !peer_r) {
        refuse(notify_type::ts_unacceptable, "undecodable traffic selectors");
        return progress::done;
    }
    select_child(*sa, *peer_i, *peer_r, m.find_notify(notify_type::use_transport_mode) != nullptr);
    if (!failure_ && !ike_auth_) answer_key_exchange(m.find<ke_payload>(payload_type::ke), ctx);
    return progress::done;
}

// CREATE_CHILD_SA request: a new CHILD_SA needs SA, Nonce, TSi and TSr (§1.3.1).
// (An IKE_SA rekey goes to ike_rekey.) False when refused.
bool child_create::check_create_request(const inbound_message& m) {
    const auto* sa = m.find<sa_payload>(payload_type::sa);
    const auto* nonce = m.find<nonce_payload>(payload_type::nonce);
    const auto* rekey = m.find_notify(notify_type::rekey_sa);
    if (sa_.state() != ike_sa_state::established || sa_.tasks.active_has(task_kind::ike_rekey)) {
        // §2.25: the IKE_SA is being rekeyed; the peer tries again later,
        // on the new IKE_SA.
        refuse(notify_type::temporary_failure,
               "IKE_SA #" + std::to_string(sa_.id) + " is being rekeyed");
    } else if (rekey && !find_rekeyed(*rekey)) {
        // refused by find_rekeyed
    } else if (!sa || !nonce || !m.find<ts_payload>(payload_type::tsi) ||
               !m.find<ts_payload>(payload_type::tsr)) {
        refuse(notify_type::invalid_syntax, "CREATE_CHILD_SA request lacks SA, Nonce, TSi or TSr");
    } else {
        ni_ = nonce->nonce;
        return true;
    }
    return false;
}

bool child_create::find_rekeyed(const notify_payload& n) {
    const std::uint32_t spi = n.protocol == protocol_id::esp ? spi_value(n.spi) : 0;
    child_sa* old = spi ? sa_.find_child_by_spi_out(spi) : nullptr;
    if (!old || old->rekeyed_by != 0) {
        refuse(notify_type::child_sa_not_found,
               "REKEY_SA names no CHILD_SA of ours (SPI " + to_hex_spi(spi) + ")");
        return false;
    }
    // §2.25.1: a CHILD_SA we are deleting is not rekeyed; one we are
    // rekeying ourselves is answered as usual (the collision is resolved
    // by the nonces once both exchanges are done, §2.8.1).
    if (old->state == child_sa_state::deleting) {
        refuse(notify_type::temporary_failure,
               "CHILD_SA " + old->name + " is being deleted; REKEY_SA refused");
        return false;
    }
    config_ = sa_.child_config(old->name);
    if (!config_) {
        refuse(notify_type::child_sa_not_found,
               "CHILD_SA " + old->name + " is no longer configured; REKEY_SA refused");
        return false;
    }
    rekey_of_ = old->id;
    return true;
}

void child_create::select_child(const sa_payload& sa, const std::vector<ts_range>& tsi,
                                const std::vector<ts_range>& tsr, bool transport) {
    // Children are matched by traffic selectors first, so that a refusal
    // names the proposals of the child the peer meant.
    std::string proposal_why, ts_why;
    const child_sa_config* rekeyed = rekey_of_ ? config_ : nullptr;
    for (const auto& c : sa_.config->children) {
        if (rekeyed && &c != rekeyed) continue;
        auto narrowed =
            narrow(tsi, tsr, resolve(c.remote_ts, sa_, false), resolve(c.local_ts, sa_, true));
        if (!narrowed) {
            if (ts_why.empty()) ts_why = narrowed.error().explanation;
            continue;
        }
        auto choice =
            select_proposal(c.esp_proposals, sa, protocol_id::esp, {.skip_ke = ike_auth_});
        if (!choice) {
            if (proposal_why.empty())
                proposal_why = child_name(sa_, &c) + ": " + choice.error().explanation;
            continue;
        }
        config_ = &c;
        chosen_ = choice->chosen;
        negotiated_ = choice->negotiated;
        remote_ts_ = std::move(narrowed->tsi);
        local_ts_ = std::move(narrowed->tsr);
        spi_out_ = spi_value(chosen_.spi);  // the peer's SPI, before we put ours in
        // §1.3.1: transport mode only when both ask for it.
        mode_ = transport && c.mode == ipsec_mode::transport ? ipsec_mode::transport
                                                             : ipsec_mode::tunnel;
        return;
    }
    if (!proposal_why.empty())
        refuse(notify_type::no_proposal_chosen, proposal_why);
    else
        refuse(notify_type::ts_unacceptable,
               ts_why.empty() ? std::string("no child configured") : ts_why);
}

void child_create::answer_key_exchange(const ke_payload* ke, engine_context& ctx) {
    auto groups = negotiated_.groups();
    if (groups.empty()) return;  // no PFS
    const ke_group want = groups.front();
    if (!ke || ke->group != want) {
        // §1.3: name the group we want; the peer repeats the request with it.
        std::string why = "peer's KE payload is " +
                          (ke ? to_string(ke->group) : std::string("missing")) + ", we chose " +
                          to_string(want);
        sa_.emit(ctx, sa_event::kind::notice, 0,
                 "CHILD_SA " + child_name(sa_, config_) +
                     ": answered INVALID_KE_PAYLOAD asking for " + to_string(want) + ": " + why,
                 child_name(sa_, config_));
        refuse(notify_type::invalid_ke_payload, std::move(why), make_invalid_ke_payload(want).data);
        return;
    }
    auto ours = ctx.keys.take(want, ctx.rng);
    if (!ours) {
        refuse(notify_type::no_proposal_chosen, ours.error().message());
        return;
    }
    auto g_ir = (*ours)->shared_secret(ke->data);
    if (!g_ir) {
        refuse(notify_type::invalid_syntax, "peer's KE value: " + g_ir.error().message());
        return;
    }
    ke_ = std::move(*ours);
    g_ir_ = std::move(*g_ir);
}

// §2.8.3 as responder: the peer brings up on its new IKE_SA a CHILD_SA we
// carry on an older one (same child, same selectors). The peer installs its
// inbound SA only when our answer arrives, so we keep sending on the old SA
// until the peer deletes it, which then hands over (ike_sa::hand_over).
bool child_create::takes_over(engine_context& ctx, const child_sa& c) {
    if (!sa_.peer_id) return false;
    for (ike_sa* other : ctx.registry.same_peer(sa_)) {
        if (other == &sa_ || other->state() != ike_sa_state::established) continue;
        for (auto& old : other->children)
            if (old.name == c.name && old.local_ts == c.local_ts && old.remote_ts == c.remote_ts &&
                old.state == child_sa_state::installed && old.rekeyed_by == 0 &&
                old.handover_to == 0) {
                old.handover_to = c.id;
                return true;
            }
    }
    return false;
}

// §2.8.1 as rekey initiator: we answered the peer's rekey of the same
// CHILD_SA, and our exchange has the lowest nonce, so our new CHILD_SA is
// the redundant one that finish_rekey deletes. Its outbound SA never goes to
// the kernel: what we sent on it after the peer removed it on our Delete,
// and before its answer, would be lost.
bool child_create::loses_collision(const child_sa& c) {
    const child_sa* old = rekey_of_ ? sa_.find_child(rekey_of_) : nullptr;
    const child_sa* theirs = old && old->rekeyed_by ? sa_.find_child(old->rekeyed_by) : nullptr;
    return theirs && std::ranges::lexicographical_compare(c.rekey_nonce, theirs->rekey_nonce);
}

void child_create::install(engine_context& ctx) {
    auto lengths = esp_key_lengths(negotiated_);
    if (!lengths) {
        fail(ctx, "CHILD_SA " + child_name(sa_, config_) + ": " + lengths.error());
        return;
    }
    // §2.17: KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr), with the nonces of
    // the exchange that creates the CHILD_SA (IKE_AUTH: the IKE_SA's).
    const bytes& ni = ike_auth_ ? sa_.ni : ni_;
    const bytes& nr = ike_auth_ ? sa_.nr : nr_;
    const sa_key_lengths sizes{lengths->first, lengths->second};
    auto keys = g_ir_ ? derive_child_sa_keys(*sa_.keys->sk_d, *g_ir_, ni, nr, sizes)
                      : derive_child_sa_keys(*sa_.keys->sk_d, ni, nr, sizes);
    if (!keys) {
        fail(ctx, "CHILD_SA " + child_name(sa_, config_) + ": KEYMAT: " + keys.error().message());
        return;
    }
    child_sa c;
    c.id = ++ctx.next_child_id;
    c.name = child_name(sa_, config_);
    c.state = child_sa_state::installing;
    c.spi_in = spi_in_;
    c.spi_out = spi_out_;
    c.negotiated = negotiated_;
    c.mode = mode_;
    c.local_ts = local_ts_;
    c.remote_ts = remote_ts_;
    c.established = ctx.now;
    const auto soft = jittered(config_->rekey_time, config_->rand_time, ctx.rng);
    const auto hard = std::chrono::duration_cast<std::chrono::seconds>(config_->life_time);
    if (soft.count() > 0) c.rekey_at = ctx.now + soft;
    if (hard.count() > 0) c.expire_at = ctx.now + hard;
    if (rekey_of_) c.rekey_nonce = std::ranges::lexicographical_compare(ni_, nr_) ? ni_ : nr_;
    // Rekey responder: make-before-break, see child_create.hpp; likewise a
    // reauthentication responder (a duplicate of a CHILD_SA on an older
    // IKE_SA of the same peer) and the loser of a rekey collision.
    const bool hold_outbound =
        initiator_ ? loses_collision(c) : rekey_of_ != 0 || takes_over(ctx, c);
    c.outbound_pending = hold_outbound;

    install_child_sa ins;
    ins.ike = sa_.id;
    ins.child = c.id;
    ins.name = c.name;
    ins.spi_in = spi_in_;
    ins.spi_out = spi_out_;
    ins.mode = mode_;
    ins.local = sa_.local;
    ins.remote = sa_.remote;
    ins.udp_encap = sa_.nat_local || sa_.nat_remote;
    ins.local_ts = local_ts_;
    ins.remote_ts = remote_ts_;
    auto encr = negotiated_.encryption();
    auto integ = negotiated_.integrity();
    auto esn = negotiated_.esn();
    ins.keys.encr = static_cast<encr_id>(encr.front().id);
    ins.keys.encr_key_bits = encr.front().key_bits;
    ins.keys.integ = integ.empty() ? integ_id::none : integ.front();
    ins.keys.esn = !esn.empty() && esn.front() == esn_id::yes;
    // The initiator of the exchange sends with the _i keys (§2.17).
    const bool i = initiator_;
    ins.keys.encr_in = i ? keys->encr_r : keys->encr_i;
    ins.keys.integ_in = i ? keys->integ_r : keys->integ_i;
    ins.keys.encr_out = i ? keys->encr_i : keys->encr_r;
    ins.keys.integ_out = i ? keys->integ_i : keys->integ_r;
    ins.replay_window = config_->replay_window;
    ins.soft_bytes = jittered_count(config_->rekey_bytes, config_->rand_bytes, ctx.rng);
    ins.hard_bytes = config_->life_bytes;
    ins.soft_packets = jittered_count(config_->rekey_packets, config_->rand_packets, ctx.rng);
    ins.hard_packets = config_->life_packets;
    ins.soft_time = soft;
    ins.hard_time = hard;
    ins.rekey_of = rekey_of_;
    ins.outbound_later = hold_outbound;
    if (child_sa* old = rekey_of_ ? sa_.find_child(rekey_of_) : nullptr) {
        sa_.emit(ctx, sa_event::kind::notice, 0,
                 "CHILD_SA " + c.name + " rekeyed: #" + std::to_string(old->id) + " (SPIs " +
                     to_hex_spi(old->spi_in) + "_i " + to_hex_spi(old->spi_out) +
                     "_o) replaced by #" + std::to_string(c.id) + " (SPIs " + to_hex_spi(c.spi_in) +
                     "_i " + to_hex_spi(c.spi_out) + "_o)",
                 c.name);
        if (!initiator_) old->rekeyed_by = c.id;
    }
    created_ = c.id;
    sa_.add_child(ctx, std::move(c));
    ctx.out.emplace_back(std::move(ins));
}

// §2.25: the peer is busy (typically rekeying the IKE_SA); the CHILD_SA is
// rekeyed again after a random wait, on whichever IKE_SA then holds it.
void child_create::retry_rekey_later(engine_context& ctx) {
    child_sa* old = sa_.find_child(rekey_of_);
    const bool again = old && old->state == child_sa_state::rekeying;
    if (again) {
        old->state = child_sa_state::installed;
        old->retry_rekey = true;
        const time_point at =
            ctx.now + random_delay(std::chrono::seconds(1), std::chrono::seconds(3), ctx.rng);
        if (!sa_.child_retry_at || at < *sa_.child_retry_at) sa_.child_retry_at = at;
    }
    sa_.emit(ctx, sa_event::kind::notice, rekey_of_,
             "rekeying CHILD_SA #" + std::to_string(rekey_of_) +
                 ": peer answered TEMPORARY_FAILURE; " +
                 (again ? "trying again in a few seconds" : "it is gone meanwhile"));
}

void child_create::fail(engine_context& ctx, std::string reason) {
    if (initiator_ && rekey_of_) {
        // A failed rekey keeps the old CHILD_SA (if the peer did not delete
        // it meanwhile) until its hard limit.
        child_sa* old = sa_.find_child(rekey_of_);
        if (old && old->state == child_sa_state::rekeying) old->state = child_sa_state::installed;
        sa_.emit(ctx, sa_event::kind::warning, rekey_of_,
                 "rekeying CHILD_SA #" + std::to_string(rekey_of_) + " failed: " + reason +
                     (old ? "; it stays until it expires" : "; it is gone meanwhile"));
        return;
    }
    sa_.emit(ctx, sa_event::kind::child_failed, 0, std::move(reason), child_name(sa_, config_));
}

}  // namespace ike
