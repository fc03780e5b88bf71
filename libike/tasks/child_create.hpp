#pragma once
// The first CHILD_SA, carried in IKE_AUTH (RFC 7296 §1.2, §2.9, §2.17, §1.3.1).
//
// Initiator: SA with our ESP proposals and our inbound SPI, TSi/TSr from the
// child config (empty: our/the peer's IKE address), USE_TRANSPORT_MODE when
// configured. Responder: the first child config whose ESP proposals and
// traffic selectors both fit (select_proposal, narrow) wins; otherwise the
// answer carries NO_PROPOSAL_CHOSEN or TS_UNACCEPTABLE and the IKE_SA stays
// up. Both sides derive KEYMAT = prf+(SK_d, Ni | Nr) and emit install_child_sa
// with the keys oriented for their side, then child_up.
#include <optional>
#include <string>

#include "libike/codec/sa_payload.hpp"
#include "libike/engine/sa_config.hpp"
#include "libike/proposal/proposal.hpp"
#include "libike/sa/traffic_selector.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

class child_create final : public task {
  public:
    /// `config`: the child to create (initiator); nullptr for a responder.
    child_create(ike_sa& sa, bool initiator, const child_sa_config* config)
        : task(sa, initiator), config_(config) {}
    task_kind kind() const override { return task_kind::child_create; }
    task_result build(message_builder& m, engine_context& ctx) override;
    task_result process(const inbound_message& m, engine_context& ctx) override;

  private:
    /// Derives the keys and emits install_child_sa and child_up.
    void install(engine_context& ctx);
    void fail(engine_context& ctx, std::string reason);

    const child_sa_config* config_;
    std::uint32_t spi_in_ = 0, spi_out_ = 0;
    sa_payload offered_;
    sa_proposal chosen_;
    proposal negotiated_;
    std::vector<ts_range> local_ts_, remote_ts_;  ///< ours; after negotiation the result
    ipsec_mode mode_ = ipsec_mode::tunnel;
    bool requested_ = false;  ///< responder: the request asked for a CHILD_SA
    std::optional<notify_type> failure_;
    std::string failure_reason_;
};

}  // namespace ike
