#pragma once
// Deleting the IKE_SA (RFC 7296 §1.4.1, §2.4): an INFORMATIONAL with a Delete
// payload for protocol IKE; the peer answers with an empty INFORMATIONAL.
// Both sides then remove every CHILD_SA and report ike_down. The initiator
// closes when the answer arrives (or gives up after the retransmissions).
#include "libike/tasks/task.hpp"

namespace ike {

class ike_delete final : public task {
  public:
    using task::task;
    task_kind kind() const override { return task_kind::ike_delete; }
    task_result build(message_builder& m, engine_context& ctx) override;
    task_result process(const inbound_message& m, engine_context& ctx) override;
    std::unique_ptr<task> migrate(ike_sa& to) const override {
        return std::make_unique<ike_delete>(to, true);
    }
};

}  // namespace ike
