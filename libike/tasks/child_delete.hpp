#pragma once
// Deleting a CHILD_SA (RFC 7296 §1.4.1): a Delete payload for ESP with the
// SPIs of our inbound SAs; the responder removes the CHILD_SAs whose outbound
// SPI it names and answers with its own inbound SPIs of those CHILD_SAs.
#include <vector>

#include "libike/engine/outputs.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

class child_delete final : public task {
  public:
    /// `child`: the CHILD_SA to delete (initiator); 0 for a responder.
    child_delete(ike_sa& sa, bool initiator, child_sa_id child)
        : task(sa, initiator), child_(child) {}
    task_kind kind() const override { return task_kind::child_delete; }
    child_sa_id child() const { return child_; }
    task_result build(message_builder& m, engine_context& ctx) override;
    task_result process(const inbound_message& m, engine_context& ctx) override;
    std::unique_ptr<task> migrate(ike_sa& to) const override {
        return std::make_unique<child_delete>(to, true, child_);
    }

  private:
    void remove(engine_context& ctx, const std::vector<child_sa_id>& ids);

    child_sa_id child_;
    std::vector<child_sa_id> found_;  ///< responder: children the peer deletes
};

}  // namespace ike
