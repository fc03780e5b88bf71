#include "libike/tasks/child_create.hpp"

#include <algorithm>

#include "libike/crypto/keymat.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/proposal/proposal_string.hpp"
#include "libike/sa/proposal_match.hpp"

namespace ike {

namespace {

bytes spi_bytes(std::uint32_t spi) {
    return {static_cast<std::uint8_t>(spi >> 24), static_cast<std::uint8_t>(spi >> 16),
            static_cast<std::uint8_t>(spi >> 8), static_cast<std::uint8_t>(spi)};
}

std::uint32_t spi_value(const bytes& b) {
    if (b.size() != 4) return 0;
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           b[3];
}

// Configured selectors, or the IKE address (charon's "dynamic").
std::vector<ts_range> resolve(const std::vector<ts_range>& configured, const ip_addr& address) {
    if (!configured.empty()) return configured;
    return {host_ts(address)};
}

// Error notifies that refuse a CHILD_SA but leave the IKE_SA up (§1.2).
constexpr notify_type child_errors[] = {
    notify_type::no_proposal_chosen,   notify_type::ts_unacceptable,
    notify_type::single_pair_required, notify_type::internal_address_failure,
    notify_type::failed_cp_required,   notify_type::invalid_selectors,
    notify_type::no_additional_sas,    notify_type::temporary_failure,
};

std::string child_name(const ike_sa& sa, const child_sa_config* c) {
    return sa.config->name + "/" + (c ? c->name : std::string("?"));
}

}  // namespace

task_result child_create::build(message_builder& m, engine_context& ctx) {
    if (initiator_) {
        spi_in_ = random_esp_spi(ctx.rng);
        local_ts_ = resolve(config_->local_ts, sa_.local.ip);
        remote_ts_ = resolve(config_->remote_ts, sa_.remote.ip);
        if (config_->mode == ipsec_mode::transport) m.add_notify(notify_type::use_transport_mode);
        offered_ = to_sa_payload(config_->esp_proposals, spi_bytes(spi_in_));
        m.add(payload_type::sa, offered_);
        m.add(payload_type::tsi, to_ts_payload(local_ts_));
        m.add(payload_type::tsr, to_ts_payload(remote_ts_));
        return progress::done;
    }
    if (!requested_) return progress::done;  // childless IKE_AUTH
    if (failure_) {
        m.add_notify(*failure_);
        fail(ctx, failure_reason_);
        return progress::done;
    }
    spi_in_ = random_esp_spi(ctx.rng);
    chosen_.spi = spi_bytes(spi_in_);
    if (mode_ == ipsec_mode::transport) m.add_notify(notify_type::use_transport_mode);
    m.add(payload_type::sa, sa_payload{{chosen_}});
    // Responder: TSi are the peer's (our remote), TSr ours.
    m.add(payload_type::tsi, to_ts_payload(remote_ts_));
    m.add(payload_type::tsr, to_ts_payload(local_ts_));
    install(ctx);
    return progress::done;
}

task_result child_create::process(const inbound_message& m, engine_context& ctx) {
    if (initiator_) {
        if (sa_.state() != ike_sa_state::established) return progress::done;
        for (auto e : child_errors)
            if (m.find_notify(e)) {
                fail(ctx, "CHILD_SA " + child_name(sa_, config_) + " refused: peer answered " +
                              to_string(e));
                return progress::done;
            }
        const auto* sa = m.find<sa_payload>(payload_type::sa);
        const auto* tsi = m.find<ts_payload>(payload_type::tsi);
        const auto* tsr = m.find<ts_payload>(payload_type::tsr);
        if (!sa || !tsi || !tsr) {
            fail(ctx, "CHILD_SA " + child_name(sa_, config_) +
                          ": IKE_AUTH response lacks SA, TSi or TSr");
            return progress::done;
        }
        auto choice = verify_chosen(offered_, *sa, protocol_id::esp, {.skip_ke = true});
        if (!choice) {
            fail(ctx, "CHILD_SA " + child_name(sa_, config_) + ": " + choice.error().explanation);
            return progress::done;
        }
        auto got_i = from_ts_payload(*tsi);
        auto got_r = from_ts_payload(*tsr);
        if (!got_i || !got_r || !is_subset(*got_i, local_ts_) || !is_subset(*got_r, remote_ts_)) {
            fail(ctx, "CHILD_SA " + child_name(sa_, config_) +
                          ": TS_UNACCEPTABLE: the responder's traffic selectors are not within "
                          "ours");
            return progress::done;
        }
        const bool transport = m.find_notify(notify_type::use_transport_mode) != nullptr;
        if (config_->mode == ipsec_mode::transport && !transport) {
            fail(ctx, "CHILD_SA " + child_name(sa_, config_) +
                          ": the peer did not accept transport mode");
            return progress::done;
        }
        mode_ = config_->mode;
        local_ts_ = std::move(*got_i);
        remote_ts_ = std::move(*got_r);
        chosen_ = choice->chosen;
        negotiated_ = choice->negotiated;
        spi_out_ = spi_value(chosen_.spi);
        install(ctx);
        return progress::done;
    }

    // Responder.
    const auto* sa = m.find<sa_payload>(payload_type::sa);
    const auto* tsi = m.find<ts_payload>(payload_type::tsi);
    const auto* tsr = m.find<ts_payload>(payload_type::tsr);
    if (!sa && !tsi && !tsr) return progress::done;
    requested_ = true;
    if (!sa || !tsi || !tsr)
        return std::unexpected(
            task_error{notify_type::invalid_syntax, {}, "IKE_AUTH request lacks SA, TSi or TSr"});
    auto peer_i = from_ts_payload(*tsi);
    auto peer_r = from_ts_payload(*tsr);
    if (!peer_i || !peer_r) {
        failure_ = notify_type::ts_unacceptable;
        failure_reason_ = "CHILD_SA refused: TS_UNACCEPTABLE: undecodable traffic selectors";
        return progress::done;
    }
    const bool transport = m.find_notify(notify_type::use_transport_mode) != nullptr;
    std::string proposal_why, ts_why;
    for (const auto& c : sa_.config->children) {
        auto choice = select_proposal(c.esp_proposals, *sa, protocol_id::esp, {.skip_ke = true});
        if (!choice) {
            if (proposal_why.empty()) proposal_why = choice.error().explanation;
            continue;
        }
        auto narrowed = narrow(*peer_i, *peer_r, resolve(c.remote_ts, sa_.remote.ip),
                               resolve(c.local_ts, sa_.local.ip));
        if (!narrowed) {
            if (ts_why.empty()) ts_why = narrowed.error().explanation;
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
        return progress::done;
    }
    if (!ts_why.empty()) {
        failure_ = notify_type::ts_unacceptable;
        failure_reason_ = "CHILD_SA refused: TS_UNACCEPTABLE: " + ts_why;
    } else {
        failure_ = notify_type::no_proposal_chosen;
        failure_reason_ =
            "CHILD_SA refused: NO_PROPOSAL_CHOSEN: " +
            (proposal_why.empty() ? std::string("no child configured") : proposal_why);
    }
    return progress::done;
}

void child_create::install(engine_context& ctx) {
    auto lengths = esp_key_lengths(negotiated_);
    if (!lengths) {
        fail(ctx, "CHILD_SA " + child_name(sa_, config_) + ": " + lengths.error());
        return;
    }
    // §2.17: KEYMAT = prf+(SK_d, Ni | Nr); the initiator of the exchange
    // creating the CHILD_SA (here the IKE_SA's) sends with the _i keys.
    auto keys = derive_child_sa_keys(*sa_.keys->sk_d, sa_.ni, sa_.nr,
                                     sa_key_lengths{lengths->first, lengths->second});
    if (!keys) {
        fail(ctx, "CHILD_SA " + child_name(sa_, config_) + ": KEYMAT: " + keys.error().message());
        return;
    }
    child_sa c;
    c.id = ++ctx.next_child_id;
    c.name = child_name(sa_, config_);
    c.spi_in = spi_in_;
    c.spi_out = spi_out_;
    c.negotiated = negotiated_;
    c.mode = mode_;
    c.local_ts = local_ts_;
    c.remote_ts = remote_ts_;
    c.established = ctx.now;

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
    const bool i = sa_.initiator;
    ins.keys.encr_in = i ? keys->encr_r : keys->encr_i;
    ins.keys.integ_in = i ? keys->integ_r : keys->integ_i;
    ins.keys.encr_out = i ? keys->encr_i : keys->encr_r;
    ins.keys.integ_out = i ? keys->integ_i : keys->integ_r;
    ins.replay_window = config_->replay_window;
    ins.soft_bytes = config_->rekey_bytes;
    ins.hard_bytes = config_->life_bytes;
    ins.soft_packets = config_->rekey_packets;
    ins.hard_packets = config_->life_packets;
    ins.soft_time = std::chrono::duration_cast<std::chrono::seconds>(config_->rekey_time);
    ins.hard_time = std::chrono::duration_cast<std::chrono::seconds>(config_->life_time);
    sa_.children.push_back(std::move(c));
    ctx.out.emplace_back(std::move(ins));
    sa_.emit(ctx, sa_event::kind::child_up, sa_.children.back().id);
}

void child_create::fail(engine_context& ctx, std::string reason) {
    sa_.emit(ctx, sa_event::kind::failed, 0, std::move(reason));
}

}  // namespace ike
