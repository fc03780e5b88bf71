#include "libike/tasks/ike_delete.hpp"

#include "libike/engine/ike_sa.hpp"

namespace ike {

namespace {

// §2.8.2, reordered: the peer deletes the IKE_SA its rekey made (it lost a
// rekey collision) before the answer to our own rekey of the same old IKE_SA
// has arrived. We had moved the CHILD_SAs to the peer's new IKE_SA when we
// answered; they go back to the old one, whose rekey (ours) then moves them
// to the IKE_SA it makes. Without this, the Delete would take them along.
void hand_back_children(ike_sa& sa, engine_context& ctx) {
    if (sa.rekeyed_from == 0 || sa.children.empty()) return;
    ike_sa* old = ctx.registry.find(sa.rekeyed_from);
    if (!old || old->rekeyed_to != sa.id || !old->tasks.active_has(task_kind::ike_rekey)) return;
    sa.move_children(ctx, *old);
    ctx.out.emplace_back(sa_event{sa_event::kind::ike_rekeyed,
                                  old->id,
                                  0,
                                  "the peer withdrew its rekey of IKE_SA #" +
                                      std::to_string(old->id) + ": CHILD_SAs back from #" +
                                      std::to_string(sa.id),
                                  {},
                                  old->config->name,
                                  old->remote,
                                  sa.id});
}

}  // namespace

task_result ike_delete::build(message_builder& m, engine_context& ctx) {
    if (initiator_) {
        if (sa_.state() == ike_sa_state::established || sa_.state() == ike_sa_state::rekeyed)
            (void)sa_.transition(ike_sa_event::delete_started);
        m.add(payload_type::delete_, delete_payload{protocol_id::ike, {}});
        return progress::done;
    }
    hand_back_children(sa_, ctx);
    sa_.close(ctx);  // the empty answer is sent with the keys we still hold
    return progress::done;
}

task_result ike_delete::process(const inbound_message&, engine_context& ctx) {
    if (initiator_) sa_.close(ctx);
    return progress::done;
}

}  // namespace ike
