#include "libike/tasks/ike_delete.hpp"

#include "libike/engine/ike_sa.hpp"

namespace ike {

task_result ike_delete::build(message_builder& m, engine_context& ctx) {
    if (initiator_) {
        if (sa_.state() == ike_sa_state::established)
            (void)sa_.transition(ike_sa_event::delete_started);
        m.add(payload_type::delete_, delete_payload{protocol_id::ike, {}});
        return progress::done;
    }
    sa_.close(ctx);  // the empty answer is sent with the keys we still hold
    return progress::done;
}

task_result ike_delete::process(const inbound_message&, engine_context& ctx) {
    if (initiator_) sa_.close(ctx);
    return progress::done;
}

}  // namespace ike
