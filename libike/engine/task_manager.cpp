// Exchange slot, message IDs, retransmission and responder task creation
// (RFC 7296 §2.1-§2.3; STYLE point 4, after charon's task_manager_v2.c).
#include "libike/engine/task_manager.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "libike/codec/payload_rules.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/tasks/child_create.hpp"
#include "libike/tasks/child_delete.hpp"
#include "libike/tasks/ike_auth.hpp"
#include "libike/tasks/ike_config.hpp"
#include "libike/tasks/ike_delete.hpp"
#include "libike/tasks/ike_dpd.hpp"
#include "libike/tasks/ike_init.hpp"
#include "libike/tasks/ike_natd.hpp"
#include "libike/tasks/ike_rekey.hpp"

namespace ike {

namespace {

// Initiator: the order in which queued tasks are activated. The first
// queued kind found decides the exchange (exchange_of); IKE_SA_INIT carries
// ike_init with ike_natd, IKE_AUTH carries ike_auth with the first
// child_create (and ike_config between them when we ask for a virtual IP,
// so that child_create sees the address it got); every other exchange
// carries one task.
constexpr task_kind initiator_order[] = {
    task_kind::ike_init,     task_kind::ike_natd,     task_kind::ike_auth,
    task_kind::ike_config,   task_kind::child_create, task_kind::ike_delete,
    task_kind::child_delete, task_kind::ike_rekey,    task_kind::ike_dpd,
};

exchange_type exchange_of(task_kind k, ike_sa_state s) {
    switch (k) {
        case task_kind::ike_init:
        case task_kind::ike_natd:
            return exchange_type::ike_sa_init;
        case task_kind::ike_auth:
        case task_kind::ike_config:
            return exchange_type::ike_auth;
        case task_kind::child_create:
            // The first CHILD_SA rides in IKE_AUTH (§1.2), later ones get their own.
            return s == ike_sa_state::connecting ? exchange_type::ike_auth
                                                 : exchange_type::create_child_sa;
        case task_kind::ike_rekey:
            return exchange_type::create_child_sa;
        case task_kind::ike_delete:
        case task_kind::child_delete:
        case task_kind::ike_dpd:
            return exchange_type::informational;
    }
    return exchange_type::informational;
}

// Only IKE_SA_INIT and IKE_AUTH combine tasks.
message_open_error pending_fragment() {
    message_open_error e;
    e.pending = true;
    return e;
}

bool per_exchange_is_batched(exchange_type e) {
    return e == exchange_type::ike_sa_init || e == exchange_type::ike_auth;
}

// How many tasks of `k` one exchange `e` carries.
std::size_t per_exchange(exchange_type e, task_kind k) {
    if (e == exchange_type::ike_sa_init)
        return k == task_kind::ike_init || k == task_kind::ike_natd;
    if (e == exchange_type::ike_auth)
        return k == task_kind::ike_auth || k == task_kind::ike_config ||
               k == task_kind::child_create;
    return 1;
}

// Responder: tasks created for a request, by exchange type and by what the
// request carries (for INFORMATIONAL a Delete payload's protocol, for
// CREATE_CHILD_SA the protocol of the SA payload's proposals: IKE is a
// rekey of the IKE_SA, §1.3.2); in processing order.
enum class when : std::uint8_t { always, delete_ike, delete_esp, sa_ike, sa_not_ike };
struct responder_rule {
    exchange_type exchange;
    when condition;
    task_kind kind;
};
constexpr responder_rule responder_rules[] = {
    {exchange_type::ike_sa_init, when::always, task_kind::ike_init},
    {exchange_type::ike_sa_init, when::always, task_kind::ike_natd},
    {exchange_type::ike_auth, when::always, task_kind::ike_auth},
    // Before child_create: the CHILD_SA is narrowed to the address leased here.
    {exchange_type::ike_auth, when::always, task_kind::ike_config},
    {exchange_type::ike_auth, when::always, task_kind::child_create},
    {exchange_type::create_child_sa, when::sa_not_ike, task_kind::child_create},
    {exchange_type::create_child_sa, when::sa_ike, task_kind::ike_rekey},
    {exchange_type::informational, when::delete_ike, task_kind::ike_delete},
    {exchange_type::informational, when::delete_esp, task_kind::child_delete},
    {exchange_type::informational, when::always, task_kind::ike_dpd},
};

bool has_delete(const std::vector<payload>& inner, protocol_id protocol) {
    return std::ranges::any_of(inner, [&](const payload& p) {
        const auto* d = std::get_if<delete_payload>(&p.body);
        return d && d->protocol == protocol;
    });
}

bool offers_ike_sa(const std::vector<payload>& inner) {
    return std::ranges::any_of(inner, [](const payload& p) {
        const auto* sa = std::get_if<sa_payload>(&p.body);
        return sa && !sa->proposals.empty() && sa->proposals.front().protocol == protocol_id::ike;
    });
}

bool holds(when c, const std::vector<payload>& inner) {
    switch (c) {
        case when::always:
            return true;
        case when::delete_ike:
            return has_delete(inner, protocol_id::ike);
        case when::delete_esp:
            return has_delete(inner, protocol_id::esp);
        case when::sa_ike:
            return offers_ike_sa(inner);
        case when::sa_not_ike:
            return !offers_ike_sa(inner);
    }
    return false;
}

// Which exchanges a state accepts as requests from the peer (§1.2: IKE_AUTH
// only after IKE_SA_INIT, and again while EAP runs, §2.16; INFORMATIONAL
// only on an authenticated SA).
bool accepts_request(ike_sa_state s, exchange_type e, std::uint32_t id) {
    switch (s) {
        case ike_sa_state::connecting:
            return (e == exchange_type::ike_sa_init && id == 0) ||
                   (e == exchange_type::ike_auth && id >= 1);
        case ike_sa_state::established:
        case ike_sa_state::rekeyed:  // CREATE_CHILD_SA: answered TEMPORARY_FAILURE (§2.25)
            return e == exchange_type::informational || e == exchange_type::create_child_sa;
        case ike_sa_state::deleting:
            return e == exchange_type::informational;
        case ike_sa_state::gone:
            return false;
    }
    return false;
}

std::unique_ptr<task> make_responder_task(task_kind k, ike_sa& sa) {
    switch (k) {
        case task_kind::ike_init:
            return std::make_unique<ike_init>(sa, false);
        case task_kind::ike_natd:
            return std::make_unique<ike_natd>(sa, false);
        case task_kind::ike_auth:
            return std::make_unique<ike_auth>(sa, false);
        case task_kind::ike_config:
            return std::make_unique<ike_config>(sa, false);
        case task_kind::child_create:
            return std::make_unique<child_create>(sa, false, nullptr);
        case task_kind::ike_delete:
            return std::make_unique<ike_delete>(sa, false);
        case task_kind::child_delete:
            return std::make_unique<child_delete>(sa, false, 0);
        case task_kind::ike_dpd:
            return std::make_unique<ike_dpd>(sa, false);
        case task_kind::ike_rekey:
            return std::make_unique<ike_rekey>(sa, false);
    }
    return nullptr;
}

}  // namespace

void task_manager::queue(std::unique_ptr<task> t) {
    queued_.push_back(std::move(t));
}

bool task_manager::has_queued(task_kind kind) const {
    auto is = [&](const auto& t) { return t->kind() == kind; };
    return std::ranges::any_of(queued_, is) || std::ranges::any_of(active_, is);
}

bool task_manager::has_child_create(const child_sa_config* config) const {
    auto is = [&](const auto& t) {
        return t->kind() == task_kind::child_create &&
               static_cast<const child_create&>(*t).config() == config;
    };
    return std::ranges::any_of(queued_, is) || std::ranges::any_of(active_, is);
}

bool task_manager::has_child_delete(child_sa_id child) const {
    auto is = [&](const auto& t) {
        return t->kind() == task_kind::child_delete &&
               static_cast<const child_delete&>(*t).child() == child;
    };
    return std::ranges::any_of(queued_, is) || std::ranges::any_of(active_, is);
}

bool task_manager::active_has(task_kind kind) const {
    return std::ranges::any_of(active_, [&](const auto& t) { return t->kind() == kind; });
}

void task_manager::migrate_queued(task_manager& to) {
    for (auto& t : queued_)
        if (auto moved = t->migrate(to.sa_)) to.queue(std::move(moved));
    queued_.clear();
}

void task_manager::initiate(engine_context& ctx) {
    if (!active_.empty() || queued_.empty() || sa_.state() == ike_sa_state::gone) return;
    std::erase_if(queued_, [](const auto& t) { return t->obsolete(); });
    // No new exchanges but the Delete once the IKE_SA is being deleted, or
    // rekeyed (its CHILD_SAs and their work went to the new IKE_SA).
    if (sa_.state() == ike_sa_state::deleting || sa_.state() == ike_sa_state::rekeyed) {
        std::erase_if(queued_, [](const auto& t) { return t->kind() != task_kind::ike_delete; });
        if (queued_.empty()) return;
    }
    const auto first = std::ranges::find_if(initiator_order, [&](task_kind k) {
        return std::ranges::any_of(queued_, [&](const auto& t) { return t->kind() == k; });
    });
    if (first == std::end(initiator_order)) return;
    active_exchange_ = exchange_of(*first, sa_.state());
    for (task_kind k : initiator_order) {
        std::size_t room =
            exchange_of(k, sa_.state()) == active_exchange_ ? per_exchange(active_exchange_, k) : 0;
        for (auto it = queued_.begin(); room > 0 && it != queued_.end();) {
            if ((*it)->kind() != k) {
                ++it;
                continue;
            }
            active_.push_back(std::move(*it));
            it = queued_.erase(it);
            --room;
        }
        if (!per_exchange_is_batched(active_exchange_) && !active_.empty()) break;
    }
    send_request(ctx);
}

void task_manager::send_request(engine_context& ctx, bool eap_round) {
    message_builder b{active_exchange_, sa_.spi_i, sa_.spi_r, {}};
    for (std::size_t i = 0; i < (eap_round ? 1 : active_.size()); ++i) {
        auto r = active_[i]->build(b, ctx);
        if (!r) {
            active_.clear();
            sa_.fail(ctx, std::move(r.error().reason), r.error().report);
            return;
        }
    }
    auto datagrams =
        sa_.encode_datagrams(active_exchange_, false, next_request_id_, b.payloads, ctx);
    if (!datagrams) {
        active_.clear();
        sa_.fail(ctx, datagrams.error());
        return;
    }
    if (active_exchange_ == exchange_type::ike_sa_init) sa_.init_request = datagrams->front();
    last_request_ = std::move(*datagrams);
    retransmits_ = 0;
    first_sent_at_ = ctx.now;
    retransmit_at_ = ctx.now + ctx.settings.retransmit_timeout;
    send_all(last_request_, sa_.local, sa_.remote, ctx);
}

// Retransmission (§2.1): waits of timeout * base^n after the original and
// each of `retransmit_tries` retransmissions, then give up (charon's
// schedule: 4 s, 1.8, 5 tries ≈ 165 s).
std::optional<give_up> task_manager::on_timer(engine_context& ctx) {
    if (!retransmit_at_ || ctx.now < *retransmit_at_) return std::nullopt;
    if (retransmits_ >= ctx.settings.retransmit_tries) {
        give_up g{active_exchange_, active_.empty() ? task_kind::ike_dpd : active_.front()->kind(),
                  retransmits_, std::chrono::duration_cast<duration>(ctx.now - first_sent_at_)};
        retransmit_at_.reset();
        active_.clear();
        queued_.clear();
        return g;
    }
    ++retransmits_;
    ++ctx.stats.retransmits;
    // Rounded, not truncated: 1 s * 1.4 is 1399.99... ms in binary.
    auto wait = std::chrono::round<duration>(ctx.settings.retransmit_timeout *
                                             std::pow(ctx.settings.retransmit_base, retransmits_));
    retransmit_at_ = ctx.now + wait;
    // RFC 7383 §2.6.1: every fragment again.
    send_all(last_request_, sa_.local, sa_.remote, ctx);
    return std::nullopt;
}

void task_manager::receive(const message& m, bytes_view raw, const socket_address& to,
                           const socket_address& from, engine_context& ctx) {
    const bool response = m.header.is_response();
    const bool fragment = !m.payloads.empty() && m.payloads.back().type == payload_type::skf;
    // RFC 7383 §2.3: fragments only once both sides announced support.
    if (fragment && !sa_.fragmentation) {
        ++ctx.stats.dropped_malformed;
        return;
    }
    // §2.3: the window check comes first; a request we already answered gets
    // the cached answer once it authenticates, anything else outside the
    // window is ignored.
    if (response) {
        if (active_.empty() || m.header.message_id != next_request_id_ ||
            m.header.exchange != active_exchange_)
            return;
    } else if (waiting_id_ && m.header.message_id == *waiting_id_) {
        return;  // its answer waits for the EAP backend
    } else if (m.header.message_id + 1 == expected_peer_id_ && last_response_) {
        return resend_response(m, raw, fragment, to, from, ctx);
    } else if (m.header.message_id != expected_peer_id_) {
        return;
    }

    const bool protected_msg = m.header.exchange != exchange_type::ike_sa_init;
    if (protected_msg && !check_protected_outer(m.payloads)) {
        ++ctx.stats.dropped_malformed;
        return;
    }
    auto inner = fragment ? reassemble(m, raw, response, ctx) : sa_.open(m, raw);
    if (!inner && inner.error().pending) return;
    if (!inner && !response && inner.error().unsupported_critical) {
        // §2.5: refuse the whole request, naming the payload type.
        ++expected_peer_id_;
        message_builder err{m.header.exchange, sa_.spi_i, sa_.spi_r, {}};
        err.add_notify(notify_type::unsupported_critical_payload,
                       {static_cast<std::uint8_t>(*inner.error().unsupported_critical)});
        send_response(err, m.header.message_id, ctx);
        return;
    }
    if (!inner) {
        if (inner.error().integrity)
            ++ctx.stats.dropped_integrity;
        else
            ++ctx.stats.dropped_malformed;
        return;
    }
    if (auto ok = check_payload_rules(m.header.exchange, response, *inner); !ok) {
        refuse_malformed(m, response, ok.error().explanation, ctx);
        return;
    }
    last_inbound_ = ctx.now;
    if (m.header.exchange != exchange_type::ike_sa_init) {
        // Authenticated: follow the peer's address (NAT-T port float, §2.23).
        sa_.local = to;
        sa_.remote = from;
    }
    if (response)
        process_response(m, *inner, raw, ctx);
    else
        process_request(m, *inner, raw, ctx);
}

std::expected<std::vector<payload>, message_open_error> task_manager::reassemble(
    const message& m, bytes_view raw, bool response, engine_context& ctx) {
    auto f = sa_.open_fragment(m, raw);
    if (!f) return std::unexpected(f.error());
    ++ctx.stats.fragments_received;
    auto& collection = response ? response_fragments_ : request_fragments_;
    switch (collection.add(std::move(*f))) {
        case fragment_reassembly::added::stored:
            break;
        case fragment_reassembly::added::duplicate:
        case fragment_reassembly::added::stale:
            return std::unexpected(pending_fragment());
        case fragment_reassembly::added::too_large:
            return std::unexpected(message_open_error{});
    }
    auto whole = collection.take();
    if (!whole) return std::unexpected(pending_fragment());
    ++ctx.stats.reassembled;
    return ike_sa::decode_inner(whole->first_inner, whole->plaintext);
}

void task_manager::resend_response(const message& m, bytes_view raw, bool fragment,
                                   const socket_address& to, const socket_address& from,
                                   engine_context& ctx) {
    if (fragment) {
        auto f = sa_.open_fragment(m, raw);
        if (!f) {
            ++(f.error().integrity ? ctx.stats.dropped_integrity : ctx.stats.dropped_malformed);
            return;
        }
        if (f->number != 1) return;
    } else if (!sa_.open(m, raw)) {
        ++ctx.stats.dropped_integrity;
        return;
    }
    send_all(*last_response_, to, from, ctx);
}

void task_manager::send_all(const std::vector<bytes>& datagrams, const socket_address& from,
                            const socket_address& to, engine_context& ctx) {
    for (const auto& d : datagrams) ctx.out.emplace_back(send_datagram{from, to, d});
}

void task_manager::process_response(const message& m, const std::vector<payload>& inner,
                                    bytes_view raw, engine_context& ctx) {
    if (m.header.exchange == exchange_type::ike_sa_init)
        sa_.init_response.assign(raw.begin(), raw.end());
    inbound_message in{m.header, inner, raw};
    bool again = false;
    for (std::size_t i = 0; i < active_.size(); ++i) {
        auto r = active_[i]->process(in, ctx);
        if (!r) {
            active_.clear();
            retransmit_at_.reset();
            if (r.error().notify && sa_.keys && m.header.exchange != exchange_type::ike_sa_init)
                send_error_informational(*r.error().notify, ctx);
            sa_.fail(ctx, std::move(r.error().reason), r.error().report);
            return;
        }
        if (i == 0 && active_exchange_ == exchange_type::ike_auth && *r == progress::need_more) {
            // §2.16: the next EAP round, a new IKE_AUTH request of ike_auth's.
            ++next_request_id_;
            return send_request(ctx, true);
        }
        again |= *r == progress::need_more;
        if (sa_.state() == ike_sa_state::gone) break;
    }
    retransmit_at_.reset();
    if (sa_.state() == ike_sa_state::gone) {
        active_.clear();
        return;
    }
    if (again) {
        // IKE_SA_INIT again (COOKIE, INVALID_KE_PAYLOAD): still message ID 0 (§2.6, §1.2).
        if (active_exchange_ != exchange_type::ike_sa_init) ++next_request_id_;
        send_request(ctx);
        return;
    }
    active_.clear();
    ++next_request_id_;
    initiate(ctx);
}

void task_manager::create_passive_tasks(const message& m, const std::vector<payload>& inner) {
    passive_.clear();
    for (const auto& rule : responder_rules)
        if (rule.exchange == m.header.exchange && holds(rule.condition, inner))
            passive_.push_back(make_responder_task(rule.kind, sa_));
}

// §2.21.2: a client that gives up while still authenticating (a wrong EAP
// password after MSCHAPv2's failure request, our certificate refused) says so
// in an INFORMATIONAL with AUTHENTICATION_FAILED, protected by the IKE_SA's
// keys. Drop the half-made IKE_SA now rather than at the half-open timeout.
bool task_manager::peer_gave_up(const message& m, const std::vector<payload>& inner,
                                engine_context& ctx) {
    if (sa_.state() != ike_sa_state::connecting ||
        m.header.exchange != exchange_type::informational || !sa_.keys)
        return false;
    inbound_message in{m.header, inner, {}};
    if (in.find_notify(notify_type::authentication_failed) == nullptr) return false;
    active_.clear(), passive_.clear();
    retransmit_at_.reset();
    sa_.fail(ctx, "the peer gave up authenticating (AUTHENTICATION_FAILED)");
    return true;
}

void task_manager::process_request(const message& m, const std::vector<payload>& inner,
                                   bytes_view raw, engine_context& ctx) {
    const std::uint32_t id = m.header.message_id;
    if (peer_gave_up(m, inner, ctx)) return;
    if (!accepts_request(sa_.state(), m.header.exchange, id)) return;
    if (m.header.exchange == exchange_type::ike_sa_init)
        sa_.init_request.assign(raw.begin(), raw.end());
    // A later EAP round goes on with the tasks of the first.
    const bool eap_rounds = first_auth_request_.has_value();
    if (!eap_rounds) create_passive_tasks(m, inner);
    ++expected_peer_id_;
    inbound_message in{m.header, inner, raw};
    bool crypto_out = false;
    for (std::size_t i = 0; i < passive_.size(); ++i) {
        auto r = passive_[i]->process(in, ctx);
        if (!r) return answer_error(m.header.exchange, id, std::move(r.error()), ctx);
        // ike_init's key exchange went out as a crypto_job: ike_natd still
        // reads this request now; the answer waits for crypto_done().
        if (m.header.exchange == exchange_type::ike_sa_init && *r == progress::waiting)
            crypto_out = true;
        if (i == 0 && m.header.exchange == exchange_type::ike_auth && *r != progress::done) {
            if (!eap_rounds)
                first_auth_request_ =
                    stored_request{m.header, inner, bytes(raw.begin(), raw.end())};
            if (*r == progress::waiting) {
                waiting_id_ = id;
                return;
            }
            return answer_eap_round(id, ctx);
        }
        if (i == 0 && eap_rounds) return answer_last_round(id, ctx);
    }
    // §2.21.2: the initiator could not verify our AUTH and says so in an
    // INFORMATIONAL of its own; the IKE_SA is dead for it.
    if (m.header.exchange == exchange_type::informational &&
        in.find_notify(notify_type::authentication_failed))
        return answer_error(
            m.header.exchange, id,
            task_error{std::nullopt,
                       {},
                       "AUTHENTICATION_FAILED: the peer could not verify our AUTH payload"},
            ctx);
    if (crypto_out) {
        waiting_id_ = id;
        return;
    }
    answer(m.header.exchange, id, ctx);
}

void task_manager::answer(exchange_type exchange, std::uint32_t id, engine_context& ctx) {
    message_builder b{exchange, sa_.spi_i, sa_.spi_r, {}};
    for (auto& t : passive_)
        if (auto r = t->build(b, ctx); !r)
            return answer_error(exchange, id, std::move(r.error()), ctx);
    passive_.clear();
    send_response(b, id, ctx);
}

void task_manager::answer_error(exchange_type exchange, std::uint32_t id, task_error e,
                                engine_context& ctx) {
    passive_.clear();
    first_auth_request_.reset();
    waiting_id_.reset();
    message_builder err{exchange, sa_.spi_i, sa_.spi_r, {}};
    if (e.notify) err.add_notify(*e.notify, e.notify_data);
    // A failed IKE_SA_INIT is answered statelessly: no responder SPI (§1.2, §2.6).
    if (exchange == exchange_type::ike_sa_init) sa_.spi_r = 0;
    send_response(err, id, ctx);
    sa_.fail(ctx, std::move(e.reason), e.report);
}

void task_manager::answer_eap_round(std::uint32_t id, engine_context& ctx) {
    message_builder b{exchange_type::ike_auth, sa_.spi_i, sa_.spi_r, {}};
    if (auto r = passive_.front()->build(b, ctx); !r)
        return answer_error(exchange_type::ike_auth, id, std::move(r.error()), ctx);
    send_response(b, id, ctx);
    if (b.then_fail) {
        // An EAP-Failure went out: no AUTH follows, the IKE_SA ends (§2.16).
        passive_.clear();
        first_auth_request_.reset();
        sa_.fail(ctx, std::move(*b.then_fail));
    }
}

void task_manager::answer_last_round(std::uint32_t id, engine_context& ctx) {
    const stored_request first = std::move(*first_auth_request_);
    first_auth_request_.reset();
    const inbound_message in{first.header, first.payloads, first.raw};
    for (std::size_t i = 1; i < passive_.size(); ++i)
        if (auto r = passive_[i]->process(in, ctx); !r)
            return answer_error(exchange_type::ike_auth, id, std::move(r.error()), ctx);
    message_builder b{exchange_type::ike_auth, sa_.spi_i, sa_.spi_r, {}};
    for (auto& t : passive_)
        if (auto r = t->build(b, ctx); !r)
            return answer_error(exchange_type::ike_auth, id, std::move(r.error()), ctx);
    passive_.clear();
    send_response(b, id, ctx);
}

// The message id of the request parked for `kind`'s task, taken off the
// park; nullopt if no such request is waiting.
std::optional<std::uint32_t> task_manager::take_waiting(task_kind kind) {
    if (!waiting_id_ || passive_.empty() || sa_.state() != ike_sa_state::connecting ||
        passive_.front()->kind() != kind)
        return std::nullopt;
    return std::exchange(waiting_id_, std::nullopt);
}

void task_manager::resume(engine_context& ctx) {
    const auto waiting = take_waiting(task_kind::ike_auth);
    if (!waiting) return;
    const std::uint32_t id = *waiting;
    auto r = passive_.front()->resume(ctx);
    if (!r) return answer_error(exchange_type::ike_auth, id, std::move(r.error()), ctx);
    if (*r == progress::waiting) {
        waiting_id_ = id;
        return;
    }
    if (*r == progress::need_more) return answer_eap_round(id, ctx);
    answer_last_round(id, ctx);
}

void task_manager::crypto_done(ke_job& job, engine_context& ctx) {
    const auto waiting = take_waiting(task_kind::ike_init);
    if (!waiting) return;
    const std::uint32_t id = *waiting;
    auto r = passive_.front()->crypto_done(job, ctx);
    if (!r) return answer_error(exchange_type::ike_sa_init, id, std::move(r.error()), ctx);
    answer(exchange_type::ike_sa_init, id, ctx);
}

// A message that breaks the payload rules (codec/payload_rules). An
// unprotected IKE_SA_INIT may be forged: dropped, the exchange goes on. A
// protected request is answered INVALID_SYNTAX (§3.10.1: it passed the ICV);
// during IKE_AUTH that ends the IKE_SA, later only the request fails. A
// protected response fails the IKE_SA: the peer is broken.
void task_manager::refuse_malformed(const message& m, bool response, const std::string& why,
                                    engine_context& ctx) {
    ++ctx.stats.dropped_malformed;
    if (m.header.exchange == exchange_type::ike_sa_init) return;
    const std::string reason = "peer's " + std::string(name(m.header.exchange)) +
                               (response ? " response" : " request") + " is malformed: " + why;
    if (response) {
        active_.clear();
        retransmit_at_.reset();
        sa_.fail(ctx, reason);
        return;
    }
    ++expected_peer_id_;
    message_builder err{m.header.exchange, sa_.spi_i, sa_.spi_r, {}};
    err.add_notify(notify_type::invalid_syntax);
    send_response(err, m.header.message_id, ctx);
    if (sa_.state() == ike_sa_state::connecting)
        sa_.fail(ctx, reason);
    else
        sa_.emit(ctx, sa_event::kind::warning, 0, reason + " (answered INVALID_SYNTAX)");
}

// §2.21.2: an error found in a response goes to the peer in an INFORMATIONAL
// request of its own; it is sent once, since the IKE_SA is gone right after.
void task_manager::send_error_informational(notify_type notify, engine_context& ctx) {
    message_builder b{exchange_type::informational, sa_.spi_i, sa_.spi_r, {}};
    b.add_notify(notify);
    auto datagram =
        sa_.encode(exchange_type::informational, false, ++next_request_id_, b.payloads, ctx.rng);
    if (datagram) ctx.out.emplace_back(send_datagram{sa_.local, sa_.remote, std::move(*datagram)});
}

void task_manager::send_response(const message_builder& b, std::uint32_t id, engine_context& ctx) {
    auto datagrams = sa_.encode_datagrams(b.exchange, true, id, b.payloads, ctx);
    if (!datagrams) {
        sa_.fail(ctx, datagrams.error());
        return;
    }
    if (b.exchange == exchange_type::ike_sa_init) sa_.init_response = datagrams->front();
    last_response_ = std::move(*datagrams);
    send_all(*last_response_, sa_.local, sa_.remote, ctx);
}

}  // namespace ike
