#include "libike/tasks/child_delete.hpp"

#include <algorithm>

#include "libike/engine/ike_sa.hpp"

namespace ike {

void child_delete::remove(engine_context& ctx, const std::vector<child_sa_id>& ids) {
    for (auto id : ids) {
        auto it = std::ranges::find(sa_.children, id, &child_sa::id);
        if (it == sa_.children.end()) continue;
        const child_sa_id successor = it->rekeyed_by;
        // Rekey responder: the initiator deleted the old SA, so it receives on
        // the new one; our outbound SA switches before the old one goes. (Not
        // on the removal of a collision's redundant CHILD_SA: the peer may not
        // have our answer yet, and only its Delete of the old one says so.)
        if (child_sa* next = successor && !it->redundant ? sa_.find_child(successor) : nullptr;
            next && next->outbound_pending) {
            next->outbound_pending = false;
            ctx.out.emplace_back(install_outbound_sa{sa_.id, next->id});
        }
        it = std::ranges::find(sa_.children, id, &child_sa::id);
        ike_sa::hand_over(ctx, *it);
        ctx.out.emplace_back(
            remove_child_sa{sa_.id, it->id, it->spi_in, it->spi_out, sa_.local, sa_.remote});
        // A rekeyed CHILD_SA lives on in its successor: no child_down.
        if (successor == 0) sa_.emit(ctx, sa_event::kind::child_down, it->id);
        sa_.erase_child(ctx, it);
    }
}

task_result child_delete::build(message_builder& m, engine_context& ctx) {
    delete_payload d{protocol_id::esp, {}};
    if (initiator_) {
        auto* c = sa_.find_child(child_);
        if (!c) return progress::done;  // gone meanwhile: an empty INFORMATIONAL
        c->state = child_sa_state::deleting;
        d.spis.push_back(c->spi_in);
    } else {
        for (auto id : found_)
            if (auto* c = sa_.find_child(id)) d.spis.push_back(c->spi_in);
        remove(ctx, found_);
    }
    if (!d.spis.empty()) m.add(payload_type::delete_, std::move(d));
    return progress::done;
}

task_result child_delete::process(const inbound_message& m, engine_context& ctx) {
    if (initiator_) {
        remove(ctx, {child_});
        return progress::done;
    }
    for (const auto& p : m.payloads) {
        const auto* d = std::get_if<delete_payload>(&p.body);
        if (!d || d->protocol != protocol_id::esp) continue;
        for (auto spi : d->spis)
            if (auto* c = sa_.find_child_by_spi_out(spi)) found_.push_back(c->id);
    }
    return progress::done;
}

}  // namespace ike
