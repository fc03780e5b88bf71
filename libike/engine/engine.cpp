// The sans-I/O facade: SA lookup by SPI, stateless COOKIE demands (§2.6),
// half-open bookkeeping, timers, and the output queue.
//
// Nothing on the path of a datagram, a timer or a kernel result walks every
// IKE_SA: after each call the IKE_SAs it touched are filed again (settle())
// in indexes by deadline, by connection and by peer identity, each O(log n).
#include "libike/engine/engine.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "libike/codec/message.hpp"
#include "libike/codec/payload_rules.hpp"
#include "libike/crypto/prf.hpp"
#include "libike/engine/connection_index.hpp"
#include "libike/engine/deadline_index.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/engine/liveness.hpp"
#include "libike/engine/peer_index.hpp"
#include "libike/engine/rekey_time.hpp"
#include "libike/proposal/proposal_string.hpp"
#include "libike/sa/identity.hpp"
#include "libike/tasks/child_create.hpp"
#include "libike/tasks/child_delete.hpp"
#include "libike/tasks/ike_auth.hpp"
#include "libike/tasks/ike_config.hpp"
#include "libike/tasks/ike_delete.hpp"
#include "libike/tasks/ike_init.hpp"
#include "libike/tasks/ike_natd.hpp"
#include "libike/tasks/ike_rekey.hpp"

namespace ike {

namespace {

// Half-open SAs are found by the initiator's address and SPI, since an
// IKE_SA_INIT request carries no SPI of ours (§2.1).
struct half_open_key {
    socket_address peer;
    std::uint64_t spi_i = 0;
    friend bool operator==(const half_open_key&, const half_open_key&) = default;
};
struct half_open_hash {
    std::size_t operator()(const half_open_key& k) const noexcept {
        std::size_t h = std::hash<std::uint64_t>{}(k.spi_i);
        for (auto b : k.peer.ip.bytes) h = h * 131 + b;
        return h ^ (std::size_t{k.peer.port} << 1);
    }
};

bool contains(const std::vector<ip_addr>& list, const ip_addr& a) {
    return list.empty() || std::ranges::find(list, a) != list.end();
}

}  // namespace

class engine::impl final : public ike_sa_registry {
  public:
    impl(engine_settings s, random_source& rng, const psk_store& psks)
        : settings_(std::move(s)),
          rng_(rng),
          psks_(psks),
          keys_(settings_.x25519_batch),
          certs_(settings_.cert_cache_size) {
        cookie_secret_.resize(32);
        rng_.fill(cookie_secret_);
    }

    engine_context context(time_point now) {
        last_now_ = now;
        return engine_context{now,    rng_,           psks_,         settings_,    out_,
                              stats_, next_child_id_, child_owners_, connections_, *this,
                              pools_, eap_tickets_,   keys_,         certs_};
    }

    std::uint64_t new_spi() override {
        for (;;) {
            std::array<std::uint8_t, 8> b{};
            rng_.fill(b);
            std::uint64_t v = 0;
            for (auto x : b) v = (v << 8) | x;
            if (v != 0 && !sas_.contains(v)) return v;
        }
    }

    ike_sa& create(bool initiator, std::shared_ptr<const ike_sa_config> cfg, time_point now) {
        return *create(initiator, std::move(cfg), new_spi(), now);
    }

    // ike_sa_registry, for IKE rekeys: the new IKE_SA is filed after the
    // call (settle), and so is every IKE_SA the rekey looked up and changed.
    ike_sa* create(bool initiator, std::shared_ptr<const ike_sa_config> cfg, std::uint64_t spi,
                   time_point now) override {
        if (spi == 0 || sas_.contains(spi)) return nullptr;
        auto sa = std::make_unique<ike_sa>(++next_sa_id_, initiator, std::move(cfg));
        sa->created = now;
        (initiator ? sa->spi_i : sa->spi_r) = spi;
        auto& ref = *sa;
        by_id_.emplace(ref.id, &ref);
        sas_.emplace(spi, std::move(sa));
        stats_.ike_sas = sas_.size();
        touched_.push_back(spi);
        return &ref;
    }

    std::vector<ike_sa*> same_peer(const ike_sa& sa) override { return peers_.same_peer(sa); }

    ike_sa* find(ike_sa_id id) override {
        auto it = by_id_.find(id);
        if (it == by_id_.end()) return nullptr;
        touched_.push_back(it->second->our_spi());
        return it->second;
    }

    // Called after every call that touched the SA with our SPI `spi`: its
    // deadline, state, connection or peer identity may have changed, so it
    // is filed again in each index; once gone it is forgotten, and its
    // half-open entry once it is no longer half open. O(log n).
    void settle(std::uint64_t spi) {
        if (auto it = sas_.find(spi); it != sas_.end() && it->second->reauth_of != 0)
            reauth_progress(*it->second);
        settle_one(spi);
        // IKE_SAs an IKE rekey made or changed: their queued work (moved from
        // the old IKE_SA) starts now, after the old IKE_SA's answer went out.
        auto ctx = context(last_now_);
        while (!touched_.empty()) {
            const std::uint64_t other = touched_.back();
            touched_.pop_back();
            if (auto it = sas_.find(other); it != sas_.end()) it->second->tasks.initiate(ctx);
            settle_one(other);
        }
    }

    void settle_one(std::uint64_t spi) {
        auto it = sas_.find(spi);
        if (it == sas_.end()) return;
        ike_sa& sa = *it->second;
        if (sa.state() != ike_sa_state::connecting) {
            if (auto h = half_open_by_spi_.find(spi); h != half_open_by_spi_.end()) {
                half_open_.erase(h->second);
                half_open_by_spi_.erase(h);
            }
            sa.drop_authentication_inputs();
        }
        deadlines_.set(sa, deadline_of(sa));
        peers_.update(sa);
        by_connection_.update(sa);
        if (sa.state() == ike_sa_state::established && sa.nat_local)
            behind_nat_.insert_or_assign(spi, &sa);
        else
            behind_nat_.erase(spi);
        if (sa.state() == ike_sa_state::gone) {
            // Deleted, failed or expired: the peer's virtual IPs go offline
            // (an IKE rekey moved them to the new IKE_SA beforehand).
            sa.release_leases();
            for (const auto& c : sa.children) child_owners_.erase(c.id);
            by_id_.erase(sa.id);
            sas_.erase(it);
        }
        stats_.ike_sas = sas_.size();
        stats_.half_open = half_open_.size();
    }

    void receive(time_point now, const socket_address& local, const socket_address& remote,
                 bytes_view datagram) {
        auto m = decode_message(datagram);
        if (!m) {
            ++stats_.dropped_malformed;
            if (m.error().code == parse_errc::unsupported_critical)
                refuse_critical(datagram, m.error().payload, local, remote);
            return;
        }
        auto ctx = context(now);
        const auto& h = m->header;
        if (h.exchange == exchange_type::ike_sa_init && !h.is_response() && h.spi_r == 0) {
            init_request(*m, datagram, local, remote, ctx);
        } else {
            // The I flag names the sender's role: a message from the original
            // initiator carries our SPI as SPIr.
            const std::uint64_t ours = h.is_initiator() ? h.spi_r : h.spi_i;
            auto it = sas_.find(ours);
            if (it == sas_.end() || (it->second->initiator != !h.is_initiator())) {
                ++stats_.dropped_unknown_spi;
                return;
            }
            auto& sa = *it->second;
            const std::uint64_t theirs = h.is_initiator() ? h.spi_i : h.spi_r;
            const std::uint64_t known = sa.initiator ? sa.spi_r : sa.spi_i;
            if (known != 0 && theirs != known) {
                ++stats_.dropped_unknown_spi;
                return;
            }
            sa.tasks.receive(*m, datagram, local, remote, ctx);
            if (sa.initial_contact_received) drop_replaced(sa, ctx);
            settle(ours);
        }
    }

    // §2.4 INITIAL_CONTACT: the peer restarted and forgot every other IKE_SA
    // it had with us under the same identities; drop those silently (a
    // Delete would go to a peer that no longer knows them).
    void drop_replaced(ike_sa& fresh, engine_context& ctx) {
        // Only once authenticated: with EAP (§2.16) that is several requests later.
        if (fresh.state() != ike_sa_state::established || !fresh.peer_id) return;
        fresh.initial_contact_received = false;
        if (!fresh.config->honour_initial_contact) return;
        for (ike_sa* other : peers_.same_peer(fresh)) {
            other->fail(ctx, "replaced by IKE_SA #" + std::to_string(fresh.id) +
                                 ": the peer restarted (INITIAL_CONTACT)");
            settle(other->our_spi());
        }
    }

    // §2.5: an IKE_SA_INIT request with an unknown critical payload is
    // answered, statelessly, with UNSUPPORTED_CRITICAL_PAYLOAD naming its type.
    // (Inside SK the IKE_SA's task manager answers.)
    void refuse_critical(bytes_view datagram, payload_type type, const socket_address& local,
                         const socket_address& remote) {
        auto h = decode_ike_header(datagram);
        if (!h || h->header.exchange != exchange_type::ike_sa_init || h->header.is_response() ||
            h->header.spi_r != 0)
            return;
        stateless_answer(h->header.spi_i, notify_type::unsupported_critical_payload,
                         {static_cast<std::uint8_t>(type)}, local, remote);
    }

    void stateless_answer(std::uint64_t spi_i, notify_type type, bytes data,
                          const socket_address& local, const socket_address& remote) {
        ike_header h{spi_i, 0, 0, exchange_type::ike_sa_init, header_flag::response, 0};
        message answer{h,
                       {payload{payload_type::notify, false,
                                notify_payload{protocol_id::none, {}, type, std::move(data)}}}};
        out_.emplace_back(send_datagram{local, remote, encode_message(answer)});
    }

    // §2.6: cookie = HMAC-SHA-256(secret, Ni | IPi | SPIi), checked statelessly.
    bytes cookie_for(bytes_view ni, const socket_address& peer, std::uint64_t spi_i) {
        auto p = prf::create(prf_id::hmac_sha2_256, cookie_secret_);
        if (!p) return {};
        std::array<std::uint8_t, 8> spi{};
        for (int i = 0; i < 8; ++i) spi[i] = static_cast<std::uint8_t>(spi_i >> (56 - 8 * i));
        auto c = p->compute({ni, peer.ip.view(), spi});
        if (!c) return {};
        return bytes(c->view().begin(), c->view().end());
    }

    void init_request(const message& m, bytes_view datagram, const socket_address& local,
                      const socket_address& remote, engine_context& ctx) {
        if (auto it = half_open_.find({remote, m.header.spi_i}); it != half_open_.end()) {
            const std::uint64_t spi = it->second;
            if (auto sa = sas_.find(spi); sa != sas_.end())
                sa->second->tasks.receive(m, datagram, local, remote, ctx);
            settle(spi);
            return;
        }
        // Checked before any state exists: a malformed request costs nothing.
        if (!check_payload_rules(exchange_type::ike_sa_init, false, m.payloads)) {
            ++stats_.dropped_malformed;
            return;
        }
        if (half_open_.size() >= settings_.cookie_threshold) {
            const nonce_payload* ni = nullptr;
            for (const auto& p : m.payloads)
                if (auto* n = std::get_if<nonce_payload>(&p.body)) ni = n;
            if (!ni) {
                ++stats_.dropped_malformed;
                return;
            }
            const bytes expected = cookie_for(ni->nonce, remote, m.header.spi_i);
            const auto* first =
                m.payloads.empty() ? nullptr : std::get_if<notify_payload>(&m.payloads[0].body);
            if (!first || first->type != notify_type::cookie || first->data != expected) {
                stateless_answer(m.header.spi_i, notify_type::cookie, expected, local, remote);
                return;
            }
        }
        std::shared_ptr<const ike_sa_config> cfg;
        for (const auto& c : connections_)
            if (contains(c->local_addrs, local.ip) && contains(c->remote_addrs, remote.ip)) {
                cfg = c;
                break;
            }
        if (!cfg) {
            out_.emplace_back(sa_event{sa_event::kind::failed,
                                       0,
                                       0,
                                       "no connection configured for " + to_string(local.ip) +
                                           " - " + to_string(remote.ip),
                                       {},
                                       {},
                                       remote});
            return;
        }
        auto& sa = create(false, cfg, ctx.now);
        sa.spi_i = m.header.spi_i;
        sa.local = local;
        sa.remote = remote;
        const half_open_key key{remote, m.header.spi_i};
        const std::uint64_t spi = sa.spi_r;
        half_open_.emplace(key, spi);
        half_open_by_spi_.emplace(spi, key);
        sa.tasks.receive(m, datagram, local, remote, ctx);
        settle(spi);
    }

    // Only the SAs whose deadline has come are visited. They are taken out
    // of the index first, so each is handled once per call even if it is
    // still due afterwards (it is filed again and next_deadline says so).
    void on_timer(time_point now) {
        auto ctx = context(now);
        std::vector<ike_sa*> due;
        while (ike_sa* sa = deadlines_.pop_due(now)) due.push_back(sa);
        for (ike_sa* sa : due) {
            ++stats_.timer_visits;
            const std::uint64_t spi = sa->our_spi();
            auto dead = expire(*sa, ctx);
            settle(spi);
            if (dead) after_death(*dead, ctx);
        }
    }

    // Half-open expiry, retransmission or give-up, and liveness, whichever
    // is due. A peer found dead comes back as the plan for what follows.
    std::optional<dead_peer_plan> expire(ike_sa& sa, engine_context& ctx) {
        if (sa.state() == ike_sa_state::connecting && !sa.initiator &&
            ctx.now >= sa.created + settings_.half_open_timeout) {
            sa.fail(ctx, "half-open IKE_SA timed out", false);
            return std::nullopt;
        }
        if (sa.state() == ike_sa_state::rekeyed && sa.drop_at && ctx.now >= *sa.drop_at &&
            sa.children.empty()) {
            sa.emit(ctx, sa_event::kind::notice, 0,
                    "redundant IKE_SA of a rekey collision: the peer did not delete it; dropped");
            sa.close(ctx);
            return std::nullopt;
        }
        if (auto g = sa.tasks.on_timer(ctx)) return gave_up(sa, *g, ctx);
        if (sa.state() == ike_sa_state::established && sa.child_retry_at &&
            ctx.now >= *sa.child_retry_at)
            retry_child_rekeys(sa);
        if (auto r = rekey_due(sa); r && ctx.now >= *r)
            sa.tasks.queue(std::make_unique<ike_rekey>(sa, true));
        sa.tasks.initiate(ctx);
        liveness_expired(sa, ctx);
        if (auto r = reauth_due(sa); r && ctx.now >= *r) start_reauth(sa, ctx);
        return std::nullopt;
    }

    // Reauthentication (§2.8.3) needs an address to initiate to: a
    // responder-only connection (no remote_addrs) leaves it to the peer.
    std::optional<time_point> reauth_due(const ike_sa& sa) const {
        if (sa.state() != ike_sa_state::established || sa.reauth_by != 0 ||
            sa.config->remote_addrs.empty())
            return std::nullopt;
        return sa.reauth_at;
    }

    // Make-before-break: a fresh IKE_SA to the same peer authenticates again
    // and brings up every child of `old`; reauth_progress deletes `old` once
    // the fresh one carries them, or keeps it and retries when that failed.
    void start_reauth(ike_sa& old, engine_context& ctx) {
        old.reauth_at.reset();
        std::vector<const child_sa_config*> children;
        for (const auto& c : old.children) {
            const auto* cfg = old.child_config(c.name);
            if (cfg && c.rekeyed_by == 0 && std::ranges::find(children, cfg) == children.end())
                children.push_back(cfg);
        }
        const ike_sa_id id = start(old.config, children, old.remote.ip, old.local.ip, ctx);
        ike_sa* fresh = find_sa(id);
        if (!fresh) return;
        // Ask for the virtual IPs we have, so the gateway lends them again
        // (it may, as the old IKE_SA holds them until the new one is up).
        if (old.initiator) fresh->requested_vips = old.virtual_ips;
        fresh->reauth_of = old.id;
        old.reauth_by = id;
        old.emit(ctx, sa_event::kind::notice, 0,
                 "reauthentication (reauth_time): new IKE_SA #" + std::to_string(id) + " to " +
                     to_string(old.remote.ip) + " with " + std::to_string(children.size()) +
                     " CHILD_SA(s); this one is deleted once it carries them");
    }

    // The IKE_SA an IKE_SA of ours became by IKE rekeys since (or itself).
    ike_sa* current(ike_sa_id id) const {
        ike_sa* sa = find_sa(id);
        while (sa && sa->rekeyed_to != 0) sa = find_sa(sa->rekeyed_to);
        return sa;
    }

    // A reauthenticating IKE_SA after an engine call: done when established
    // with every CHILD_SA installed and nothing in flight (the old one is
    // deleted then); failed when it is gone (the old one stays and tries
    // again later).
    void reauth_progress(ike_sa& fresh) {
        auto ctx = context(last_now_);
        ike_sa* old = current(fresh.reauth_of);
        if (fresh.state() == ike_sa_state::gone) {
            fresh.reauth_of = 0;
            if (!old || old->state() != ike_sa_state::established) return;
            old->reauth_by = 0;
            const auto wait =
                random_delay(std::chrono::seconds(30), std::chrono::seconds(90), rng_);
            old->reauth_at = ctx.now + wait;
            old->emit(
                ctx, sa_event::kind::warning, 0,
                "reauthentication failed (IKE_SA #" + std::to_string(fresh.id) +
                    "); this IKE_SA stays, next attempt in " +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(wait).count()) +
                    " s");
            settle_one(old->our_spi());
            return;
        }
        if (fresh.state() != ike_sa_state::established || !fresh.tasks.idle()) return;
        for (const auto& c : fresh.children)
            if (c.state == child_sa_state::installing) return;
        fresh.reauth_of = 0;
        if (!old || old->state() != ike_sa_state::established) return;
        fresh.emit(ctx, sa_event::kind::notice, 0,
                   "reauthenticated IKE_SA #" + std::to_string(old->id) +
                       " with this one; deleting the old one and its CHILD_SAs");
        if (!old->tasks.has_queued(task_kind::ike_delete))
            old->tasks.queue(std::make_unique<ike_delete>(*old, true));
        old->tasks.initiate(ctx);
        settle_one(old->our_spi());
    }

    // The IKE_SA's rekey (§1.3.2), unless one is queued or running already.
    std::optional<time_point> rekey_due(const ike_sa& sa) const {
        if (sa.state() != ike_sa_state::established || sa.tasks.has_queued(task_kind::ike_rekey) ||
            sa.reauth_by != 0)
            return std::nullopt;
        return sa.rekey_at;
    }

    // CHILD_SA rekeys refused with TEMPORARY_FAILURE (§2.25) start again.
    void retry_child_rekeys(ike_sa& sa) {
        sa.child_retry_at.reset();
        for (auto& c : sa.children) {
            if (!c.retry_rekey) continue;
            c.retry_rekey = false;
            const child_sa_config* cfg = sa.child_config(c.name);
            if (!cfg || c.state != child_sa_state::installed || c.rekeyed_by != 0) continue;
            c.state = child_sa_state::rekeying;
            sa.tasks.queue(std::make_unique<child_create>(sa, true, cfg, c.id));
        }
    }

    // §2.4: a request on an established IKE_SA that is never answered means
    // the peer is dead. The IKE_SA and its CHILD_SAs go; dpd_action traps
    // are queued for the daemon now, a restart once the dead IKE_SA is filed
    // away (after_death), so that the new one carries INITIAL_CONTACT.
    std::optional<dead_peer_plan> gave_up(ike_sa& sa, const give_up& g, engine_context& ctx) {
        if (sa.state() != ike_sa_state::established) {
            sa.fail(ctx, give_up_reason(sa, g, nullptr));
            return std::nullopt;
        }
        ++stats_.dead_peers;
        auto plan = plan_for_dead_peer(sa, connections_);
        sa.fail(ctx, give_up_reason(sa, g, &plan));
        for (const auto& t : plan.traps) out_.emplace_back(t);
        return plan;
    }

    // dpd_action restart: the children again at once, on a new IKE_SA to the
    // dead peer's address (a responder too, which knows it only from there).
    void after_death(const dead_peer_plan& plan, engine_context& ctx) {
        if (plan.restart.empty()) return;
        const ike_sa_id id = start(plan.config, plan.restart, plan.remote.ip, plan.local.ip, ctx);
        if (auto* sa = find(id))
            sa->emit(ctx, sa_event::kind::notice, 0,
                     "re-initiating to " + to_string(plan.remote.ip) +
                         " after the peer was declared dead (dpd_action restart)");
    }

    // A new IKE_SA as initiator from `local` to `peer` for `children`: the
    // first rides in IKE_AUTH, the others follow by CREATE_CHILD_SA.
    ike_sa_id start(const std::shared_ptr<const ike_sa_config>& cfg,
                    const std::vector<const child_sa_config*>& children, const ip_addr& peer,
                    const ip_addr& local, engine_context& ctx) {
        auto& sa = create(true, cfg, ctx.now);
        sa.local = socket_address{local, cfg->local_port};
        sa.remote = socket_address{peer, cfg->remote_port};
        sa.send_initial_contact = !has_other_sa(sa);
        sa.tasks.queue(std::make_unique<ike_init>(sa, true));
        sa.tasks.queue(std::make_unique<ike_natd>(sa, true));
        sa.tasks.queue(std::make_unique<ike_auth>(sa, true));
        if (!cfg->vips.empty()) sa.tasks.queue(std::make_unique<ike_config>(sa, true));
        // The first child rides in IKE_AUTH, the others follow by CREATE_CHILD_SA.
        for (const auto* c : children) sa.tasks.queue(std::make_unique<child_create>(sa, true, c));
        sa.tasks.initiate(ctx);
        const ike_sa_id id = sa.id;
        settle(sa.our_spi());
        return id;
    }

    // When on_timer must next look at `sa`: the earliest of its
    // retransmission, its liveness check and its half-open expiry.
    std::optional<time_point> deadline_of(const ike_sa& sa) const {
        std::optional<time_point> best;
        auto consider = [&](std::optional<time_point> t) {
            if (t && (!best || *t < *best)) best = t;
        };
        if (sa.state() == ike_sa_state::gone) return best;
        consider(sa.tasks.deadline());
        consider(liveness_due(sa));
        consider(rekey_due(sa));
        consider(reauth_due(sa));
        if (sa.state() == ike_sa_state::established) consider(sa.child_retry_at);
        if (sa.state() == ike_sa_state::rekeyed) consider(sa.drop_at);
        if (sa.state() == ike_sa_state::connecting && !sa.initiator)
            consider(sa.created + settings_.half_open_timeout);
        return best;
    }

    std::optional<time_point> next_deadline() const { return deadlines_.earliest(); }

    // An IKE_SA of `connection` we can add CHILD_SAs to: established, or
    // connecting as initiator (its queue runs after IKE_AUTH).
    ike_sa* usable_sa(const std::string& connection) const {
        return by_connection_.usable(connection);
    }

    // Whether another live IKE_SA of the same connection exists (then no
    // INITIAL_CONTACT: the peer must keep it).
    bool has_other_sa(const ike_sa& sa) const { return by_connection_.has_other(sa); }

    ike_sa* find_by_child(child_sa_id child) const {
        auto it = child_owners_.find(child);
        return it == child_owners_.end() ? nullptr : it->second;
    }

    ike_sa* find_sa(ike_sa_id id) const {
        auto it = by_id_.find(id);
        return it == by_id_.end() ? nullptr : it->second;
    }

    engine_settings settings_;
    random_source& rng_;
    const psk_store& psks_;
    ke_key_pool keys_;
    cert_cache certs_;
    std::vector<std::shared_ptr<const ike_sa_config>> connections_;
    pool_set pools_;
    std::unordered_map<std::uint64_t, std::unique_ptr<ike_sa>> sas_;  ///< by our SPI
    std::unordered_map<ike_sa_id, ike_sa*> by_id_;  ///< the same SAs, by their number
    std::unordered_map<half_open_key, std::uint64_t, half_open_hash> half_open_;
    std::unordered_map<std::uint64_t, half_open_key> half_open_by_spi_;  ///< the inverse
    // The same SAs again, by next deadline, by connection and peer identity,
    // by connection (usable ones first); and CHILD_SA number → its IKE_SA.
    deadline_index<ike_sa, &ike_sa::deadline_slot> deadlines_;
    peer_index peers_;
    connection_index by_connection_;
    child_directory child_owners_;
    eap_ticket_directory eap_tickets_;
    /// Established IKE_SAs behind a NAT of ours, by our SPI (NAT keepalives).
    std::unordered_map<std::uint64_t, ike_sa*> behind_nat_;
    std::deque<output> out_;
    /// Our SPIs of IKE_SAs an IKE rekey made or changed during this call,
    /// settled with the SA the call was about.
    std::vector<std::uint64_t> touched_;
    time_point last_now_{};
    stats stats_;
    bytes cookie_secret_;
    ike_sa_id next_sa_id_ = 0;
    child_sa_id next_child_id_ = 0;
};

engine::engine(engine_settings settings, random_source& rng, const psk_store& psks)
    : impl_(std::make_unique<impl>(std::move(settings), rng, psks)) {}

engine::~engine() = default;

void engine::set_connections(std::vector<std::shared_ptr<const ike_sa_config>> connections) {
    impl_->connections_ = std::move(connections);
}

std::expected<void, engine_error> engine::set_pools(std::vector<pool_config> pools) {
    if (auto r = impl_->pools_.replace(std::move(pools)); !r)
        return std::unexpected(engine_error{r.error()});
    return {};
}

std::vector<pool_info> engine::list_pools() const {
    return impl_->pools_.info();
}

void engine::receive(time_point now, const socket_address& local, const socket_address& remote,
                     bytes_view datagram) {
    impl_->receive(now, local, remote, datagram);
}

void engine::on_timer(time_point now) {
    impl_->on_timer(now);
}

std::expected<ike_sa_id, engine_error> engine::initiate(time_point now, std::string_view connection,
                                                        std::string_view child) {
    auto it = std::ranges::find_if(impl_->connections_,
                                   [&](const auto& c) { return c->name == connection; });
    if (it == impl_->connections_.end())
        return std::unexpected(
            engine_error{"no connection named '" + std::string(connection) + "'"});
    const auto& cfg = *it;
    std::vector<const child_sa_config*> children;
    for (const auto& c : cfg->children)
        if (child.empty() || c.name == child) children.push_back(&c);
    if (!child.empty() && children.empty())
        return std::unexpected(engine_error{"connection '" + cfg->name + "' has no child '" +
                                            std::string(child) + "'"});
    auto ctx = impl_->context(now);
    // An IKE_SA of the connection that is up (or coming up) takes the
    // children that it does not carry yet, by CREATE_CHILD_SA.
    if (auto* sa = impl_->usable_sa(cfg->name)) {
        std::erase_if(children, [&](const child_sa_config* c) {
            const std::string name = cfg->name + "/" + c->name;
            return std::ranges::any_of(sa->children,
                                       [&](const child_sa& x) { return x.name == name; }) ||
                   sa->tasks.has_child_create(c);
        });
        if (children.empty())
            return std::unexpected(
                engine_error{"'" + cfg->name + (child.empty() ? "" : "/" + std::string(child)) +
                             "' is already up on IKE_SA #" + std::to_string(sa->id)});
        for (const auto* c : children)
            sa->tasks.queue(std::make_unique<child_create>(*sa, true, c));
        sa->tasks.initiate(ctx);
        const ike_sa_id id = sa->id;
        impl_->settle(sa->our_spi());
        return id;
    }
    if (cfg->remote_addrs.empty())
        return std::unexpected(
            engine_error{"connection '" + cfg->name + "' has no remote address to initiate to"});
    const ip_addr& peer = cfg->remote_addrs.front();
    // Our address: the first configured one of the peer's family; without
    // one the unspecified address, which the daemon replaces by its route.
    ip_addr local{peer.ipv6, {}};
    for (const auto& a : cfg->local_addrs)
        if (a.ipv6 == peer.ipv6) {
            local = a;
            break;
        }
    return impl_->start(cfg, children, peer, local, ctx);
}

std::expected<void, engine_error> engine::terminate(time_point now, ike_sa_id id) {
    auto* sa = impl_->find_sa(id);
    if (!sa) return std::unexpected(engine_error{"no IKE_SA #" + std::to_string(id)});
    auto ctx = impl_->context(now);
    if (sa->state() != ike_sa_state::established && sa->state() != ike_sa_state::rekeyed) {
        // Not authenticated yet: nothing to tell the peer.
        sa->fail(ctx, "terminated by operator before establishment");
        impl_->settle(sa->our_spi());
        return {};
    }
    if (!sa->tasks.has_queued(task_kind::ike_delete))
        sa->tasks.queue(std::make_unique<ike_delete>(*sa, true));
    sa->tasks.initiate(ctx);
    impl_->settle(sa->our_spi());
    return {};
}

std::expected<ike_sa_id, engine_error> engine::terminate_child(time_point now, child_sa_id child) {
    auto* sa = impl_->find_by_child(child);
    if (!sa) return std::unexpected(engine_error{"no CHILD_SA #" + std::to_string(child)});
    if (sa->state() != ike_sa_state::established)
        return std::unexpected(engine_error{"CHILD_SA #" + std::to_string(child) + "'s IKE_SA #" +
                                            std::to_string(sa->id) + " is " +
                                            std::string(to_string(sa->state()))});
    auto ctx = impl_->context(now);
    if (!sa->tasks.has_child_delete(child))
        sa->tasks.queue(std::make_unique<child_delete>(*sa, true, child));
    sa->tasks.initiate(ctx);
    const ike_sa_id ike = sa->id;
    impl_->settle(sa->our_spi());
    return ike;
}

void engine::on_kernel_result(time_point now, ike_sa_id id, child_sa_id child, bool ok,
                              std::string_view error) {
    auto* sa = impl_->find_sa(id);
    auto* c = sa ? sa->find_child(child) : nullptr;
    if (!c) return;
    auto ctx = impl_->context(now);
    if (ok) {
        if (c->state == child_sa_state::installing) {
            c->state = child_sa_state::installed;
            sa->emit(ctx, sa_event::kind::child_up, child);
        }
    } else {
        sa->emit(ctx, sa_event::kind::child_failed, child,
                 "installing CHILD_SA " + c->name + " failed: " + std::string(error));
        if (sa->state() == ike_sa_state::established) {
            sa->tasks.queue(std::make_unique<child_delete>(*sa, true, child));
            sa->tasks.initiate(ctx);
        }
    }
    impl_->settle(sa->our_spi());
}

void engine::on_child_expire(time_point now, child_sa_id child, bool hard) {
    auto* sa = impl_->find_by_child(child);
    auto* c = sa ? sa->find_child(child) : nullptr;
    if (!c || sa->state() != ike_sa_state::established) return;
    auto ctx = impl_->context(now);
    if (hard) {
        // The kernel dropped the SA: the CHILD_SA is dead; tell the peer.
        if (c->rekeyed_by == 0)
            sa->emit(ctx, sa_event::kind::warning, child,
                     "CHILD_SA #" + std::to_string(child) + " reached its hard lifetime " +
                         (c->state == child_sa_state::rekeying ? "while its rekey was running"
                                                               : "without a rekey") +
                         "; deleting it");
        if (c->state != child_sa_state::deleting && !sa->tasks.has_child_delete(child))
            sa->tasks.queue(std::make_unique<child_delete>(*sa, true, child));
    } else if (c->state == child_sa_state::installed && c->rekeyed_by == 0) {
        const child_sa_config* cfg = sa->child_config(c->name);
        if (!cfg) {
            sa->emit(ctx, sa_event::kind::warning, child,
                     "CHILD_SA " + c->name + " is no longer configured: not rekeyed; it expires");
        } else {
            c->state = child_sa_state::rekeying;
            sa->tasks.queue(std::make_unique<child_create>(*sa, true, cfg, child));
        }
    }
    sa->tasks.initiate(ctx);
    impl_->settle(sa->our_spi());
}

void engine::on_child_usage(time_point now, ike_sa_id id, std::span<const inbound_usage> usage) {
    auto* sa = impl_->find(id);
    if (!sa) return;
    auto ctx = impl_->context(now);
    liveness_usage(*sa, usage, ctx);
    impl_->settle(sa->our_spi());
}

void engine::eap_ready(time_point now, std::uint64_t ticket) {
    auto it = impl_->eap_tickets_.find(ticket);
    if (it == impl_->eap_tickets_.end()) return;
    const ike_sa_id id = it->second;
    impl_->eap_tickets_.erase(it);
    auto* sa = impl_->find_sa(id);
    if (!sa) return;
    auto ctx = impl_->context(now);
    sa->tasks.resume(ctx);
    impl_->settle(sa->our_spi());
}

void engine::crypto_done(time_point now, crypto_job job) {
    auto* sa = impl_->find_sa(job.ike);
    if (!sa || !job.work || !job.work->done()) return;
    // Taken before: a failed IKE_SA_INIT is answered without our SPI, which
    // clears it on the IKE_SA (task_manager::answer_error).
    const std::uint64_t spi = sa->our_spi();
    auto ctx = impl_->context(now);
    sa->tasks.crypto_done(*job.work, ctx);
    impl_->settle(spi);
}

std::optional<output> engine::poll_output() {
    if (impl_->out_.empty()) return std::nullopt;
    output o = std::move(impl_->out_.front());
    impl_->out_.pop_front();
    return o;
}

std::optional<time_point> engine::next_deadline() const {
    return impl_->next_deadline();
}

namespace {

ike_sa_info info_of(const ike_sa& sa) {
    ike_sa_info i;
    i.id = sa.id;
    i.connection = sa.config->name;
    i.state = std::string(to_string(sa.state()));
    i.initiator = sa.initiator;
    i.spi_i = sa.spi_i;
    i.spi_r = sa.spi_r;
    i.local = sa.local;
    i.remote = sa.remote;
    i.local_id = to_string(sa.config->local_id);
    i.remote_id = sa.peer_id ? to_string(*sa.peer_id) : to_string(sa.config->remote_id);
    i.remote_eap_identity = sa.eap_identity;
    if (sa.keys) i.ike_proposal = to_string(sa.keys->negotiated);
    i.nat_local = sa.nat_local;
    i.nat_remote = sa.nat_remote;
    i.established = sa.established_at;
    if (sa.state() == ike_sa_state::established) i.rekey_at = sa.rekey_at;
    if (sa.state() == ike_sa_state::established && sa.reauth_by == 0 &&
        !sa.config->remote_addrs.empty())
        i.reauth_at = sa.reauth_at;
    i.virtual_ips = sa.virtual_ips;
    i.dns = sa.dns;
    i.dns_domains = sa.dns_domains;
    for (const auto& c : sa.children) {
        child_sa_info ci;
        ci.id = c.id;
        ci.name = c.name;
        ci.spi_in = c.spi_in;
        ci.spi_out = c.spi_out;
        ci.esp_proposal = to_string(c.negotiated);
        ci.mode = c.mode;
        ci.udp_encap = sa.nat_local || sa.nat_remote;
        ci.local_ts = c.local_ts;
        ci.remote_ts = c.remote_ts;
        ci.established = c.established;
        ci.rekey_at = c.rekey_at;
        ci.expire_at = c.expire_at;
        ci.state = std::string(to_string(c));
        i.children.push_back(std::move(ci));
    }
    return i;
}

}  // namespace

std::vector<ike_sa_info> engine::list_sas() const {
    std::vector<ike_sa_info> all;
    all.reserve(impl_->sas_.size());
    for (const auto& [spi, sa] : impl_->sas_) all.push_back(info_of(*sa));
    std::ranges::sort(all, {}, &ike_sa_info::id);
    return all;
}

std::optional<ike_sa_info> engine::find_sa(ike_sa_id id) const {
    const auto* sa = impl_->find_sa(id);
    if (!sa) return std::nullopt;
    return info_of(*sa);
}

std::vector<nat_keepalive_target> engine::nat_keepalive_targets() const {
    std::vector<nat_keepalive_target> targets;
    targets.reserve(impl_->behind_nat_.size());
    for (const auto& [spi, sa] : impl_->behind_nat_) targets.push_back({sa->local, sa->remote});
    return targets;
}

const engine::stats& engine::counters() const {
    return impl_->stats_;
}

}  // namespace ike
