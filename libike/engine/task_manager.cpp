// Exchange slot, message IDs, retransmission and responder task creation
// (RFC 7296 §2.1-§2.3; STYLE point 4, after charon's task_manager_v2.c).
#include "libike/engine/task_manager.hpp"

#include <algorithm>
#include <cmath>

#include "libike/engine/ike_sa.hpp"
#include "libike/tasks/child_create.hpp"
#include "libike/tasks/child_delete.hpp"
#include "libike/tasks/ike_auth.hpp"
#include "libike/tasks/ike_delete.hpp"
#include "libike/tasks/ike_dpd.hpp"
#include "libike/tasks/ike_init.hpp"
#include "libike/tasks/ike_natd.hpp"

namespace ike {

namespace {

// Initiator: the order in which queued tasks are activated, and the exchange
// each belongs to. Tasks of the first exchange found go out together, in this
// order; an INFORMATIONAL carries one task.
struct initiator_slot {
    task_kind kind;
    exchange_type exchange;
};
constexpr initiator_slot initiator_order[] = {
    {task_kind::ike_init, exchange_type::ike_sa_init},
    {task_kind::ike_natd, exchange_type::ike_sa_init},
    {task_kind::ike_auth, exchange_type::ike_auth},
    {task_kind::child_create, exchange_type::ike_auth},
    {task_kind::ike_delete, exchange_type::informational},
    {task_kind::child_delete, exchange_type::informational},
    {task_kind::ike_dpd, exchange_type::informational},
};

// Responder: tasks created for a request, by exchange type and (for
// INFORMATIONAL) by a Delete payload's protocol; in processing order.
struct responder_rule {
    exchange_type exchange;
    protocol_id delete_protocol;  ///< none: always
    task_kind kind;
};
constexpr responder_rule responder_rules[] = {
    {exchange_type::ike_sa_init, protocol_id::none, task_kind::ike_init},
    {exchange_type::ike_sa_init, protocol_id::none, task_kind::ike_natd},
    {exchange_type::ike_auth, protocol_id::none, task_kind::ike_auth},
    {exchange_type::ike_auth, protocol_id::none, task_kind::child_create},
    {exchange_type::informational, protocol_id::ike, task_kind::ike_delete},
    {exchange_type::informational, protocol_id::esp, task_kind::child_delete},
    {exchange_type::informational, protocol_id::none, task_kind::ike_dpd},
};

// Which exchanges a state accepts as requests from the peer (§1.2: IKE_AUTH
// only after IKE_SA_INIT; INFORMATIONAL only on an authenticated SA).
bool accepts_request(ike_sa_state s, exchange_type e, std::uint32_t id) {
    switch (s) {
        case ike_sa_state::connecting:
            return (e == exchange_type::ike_sa_init && id == 0) ||
                   (e == exchange_type::ike_auth && id == 1);
        case ike_sa_state::established:
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
        case task_kind::child_create:
            return std::make_unique<child_create>(sa, false, nullptr);
        case task_kind::ike_delete:
            return std::make_unique<ike_delete>(sa, false);
        case task_kind::child_delete:
            return std::make_unique<child_delete>(sa, false, 0);
        case task_kind::ike_dpd:
            return std::make_unique<ike_dpd>(sa, false);
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

void task_manager::initiate(engine_context& ctx) {
    if (!active_.empty() || queued_.empty() || sa_.state() == ike_sa_state::gone) return;
    for (const auto& slot : initiator_order) {
        if (std::ranges::none_of(queued_, [&](const auto& t) { return t->kind() == slot.kind; }))
            continue;
        active_exchange_ = slot.exchange;
        for (const auto& s : initiator_order) {
            if (s.exchange != active_exchange_) continue;
            for (auto it = queued_.begin(); it != queued_.end();) {
                if ((*it)->kind() == s.kind) {
                    active_.push_back(std::move(*it));
                    it = queued_.erase(it);
                    if (active_exchange_ == exchange_type::informational) break;
                } else {
                    ++it;
                }
            }
            if (active_exchange_ == exchange_type::informational && !active_.empty()) break;
        }
        break;
    }
    send_request(ctx);
}

void task_manager::send_request(engine_context& ctx) {
    message_builder b{active_exchange_, sa_.spi_i, sa_.spi_r, {}};
    for (auto& t : active_) {
        auto r = t->build(b, ctx);
        if (!r) {
            active_.clear();
            sa_.fail(ctx, std::move(r.error().reason), r.error().report);
            return;
        }
    }
    auto datagram = sa_.encode(active_exchange_, false, next_request_id_, b.payloads, ctx.rng);
    if (!datagram) {
        active_.clear();
        sa_.fail(ctx, datagram.error());
        return;
    }
    if (active_exchange_ == exchange_type::ike_sa_init) sa_.init_request = *datagram;
    last_request_ = std::move(*datagram);
    retransmits_ = 0;
    retransmit_at_ = ctx.now + ctx.settings.retransmit_timeout;
    ctx.out.emplace_back(send_datagram{sa_.local, sa_.remote, last_request_});
}

// Retransmission (§2.1): waits of timeout * base^n after the original and
// each of `retransmit_tries` retransmissions, then give up (charon's
// schedule: 4 s, 1.8, 5 tries ≈ 165 s).
void task_manager::on_timer(engine_context& ctx) {
    if (!retransmit_at_ || ctx.now < *retransmit_at_) return;
    if (retransmits_ >= ctx.settings.retransmit_tries) {
        retransmit_at_.reset();
        active_.clear();
        queued_.clear();
        sa_.fail(ctx, "peer not responding: no answer to " + std::string(name(active_exchange_)) +
                          " request after " + std::to_string(retransmits_) + " retransmissions");
        return;
    }
    ++retransmits_;
    ++ctx.stats.retransmits;
    auto wait = std::chrono::duration_cast<duration>(
        ctx.settings.retransmit_timeout * std::pow(ctx.settings.retransmit_base, retransmits_));
    retransmit_at_ = ctx.now + wait;
    ctx.out.emplace_back(send_datagram{sa_.local, sa_.remote, last_request_});
}

void task_manager::receive(const message& m, bytes_view raw, const socket_address& to,
                           const socket_address& from, engine_context& ctx) {
    const bool response = m.header.is_response();
    // §2.3: the window check comes first; a request we already answered gets
    // the cached answer once it authenticates, anything else outside the
    // window is ignored.
    if (response) {
        if (active_.empty() || m.header.message_id != next_request_id_ ||
            m.header.exchange != active_exchange_)
            return;
    } else if (m.header.message_id + 1 == expected_peer_id_ && last_response_) {
        if (!sa_.open(m, raw)) {
            ++ctx.stats.dropped_integrity;
            return;
        }
        ctx.out.emplace_back(send_datagram{to, from, *last_response_});
        return;
    } else if (m.header.message_id != expected_peer_id_) {
        return;
    }

    auto inner = sa_.open(m, raw);
    if (!inner) {
        if (inner.error().integrity)
            ++ctx.stats.dropped_integrity;
        else
            ++ctx.stats.dropped_malformed;
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

void task_manager::process_response(const message& m, const std::vector<payload>& inner,
                                    bytes_view raw, engine_context& ctx) {
    if (m.header.exchange == exchange_type::ike_sa_init)
        sa_.init_response.assign(raw.begin(), raw.end());
    inbound_message in{m.header, inner, raw};
    bool again = false;
    for (auto& t : active_) {
        auto r = t->process(in, ctx);
        if (!r) {
            active_.clear();
            retransmit_at_.reset();
            sa_.fail(ctx, std::move(r.error().reason), r.error().report);
            return;
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
    for (const auto& rule : responder_rules) {
        if (rule.exchange != m.header.exchange) continue;
        if (rule.delete_protocol != protocol_id::none) {
            bool present = std::ranges::any_of(inner, [&](const payload& p) {
                const auto* d = std::get_if<delete_payload>(&p.body);
                return d && d->protocol == rule.delete_protocol;
            });
            if (!present) continue;
        }
        passive_.push_back(make_responder_task(rule.kind, sa_));
    }
}

void task_manager::process_request(const message& m, const std::vector<payload>& inner,
                                   bytes_view raw, engine_context& ctx) {
    const std::uint32_t id = m.header.message_id;
    if (!accepts_request(sa_.state(), m.header.exchange, id)) return;
    if (m.header.exchange == exchange_type::ike_sa_init)
        sa_.init_request.assign(raw.begin(), raw.end());
    create_passive_tasks(m, inner);
    ++expected_peer_id_;
    inbound_message in{m.header, inner, raw};
    // §2.21: an error answer carries only the notify; then the SA is gone.
    auto answer_error = [&](task_error e) {
        passive_.clear();
        message_builder err{m.header.exchange, sa_.spi_i, sa_.spi_r, {}};
        if (e.notify) err.add_notify(*e.notify, e.notify_data);
        // A failed IKE_SA_INIT is answered statelessly: no responder SPI (§1.2, §2.6).
        if (m.header.exchange == exchange_type::ike_sa_init) sa_.spi_r = 0;
        send_response(err, id, ctx);
        sa_.fail(ctx, std::move(e.reason), e.report);
    };
    for (auto& t : passive_)
        if (auto r = t->process(in, ctx); !r) return answer_error(std::move(r.error()));
    message_builder b{m.header.exchange, sa_.spi_i, sa_.spi_r, {}};
    for (auto& t : passive_)
        if (auto r = t->build(b, ctx); !r) return answer_error(std::move(r.error()));
    passive_.clear();
    send_response(b, id, ctx);
}

void task_manager::send_response(const message_builder& b, std::uint32_t id, engine_context& ctx) {
    auto datagram = sa_.encode(b.exchange, true, id, b.payloads, ctx.rng);
    if (!datagram) {
        sa_.fail(ctx, datagram.error());
        return;
    }
    if (b.exchange == exchange_type::ike_sa_init) sa_.init_response = *datagram;
    last_response_ = *datagram;
    ctx.out.emplace_back(send_datagram{sa_.local, sa_.remote, std::move(*datagram)});
}

}  // namespace ike
