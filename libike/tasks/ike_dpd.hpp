#pragma once
// Liveness check (RFC 7296 §2.4): an empty INFORMATIONAL request; any
// authenticated answer proves the peer alive. Responder: nothing to add (the
// task manager answers every INFORMATIONAL with at least an empty message).
#include "libike/tasks/task.hpp"

namespace ike {

class ike_dpd final : public task {
  public:
    using task::task;
    task_kind kind() const override { return task_kind::ike_dpd; }
    task_result build(message_builder&, engine_context&) override { return progress::done; }
    task_result process(const inbound_message&, engine_context&) override { return progress::done; }
};

}  // namespace ike
