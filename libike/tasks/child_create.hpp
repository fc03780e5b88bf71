#pragma once
// Creating a CHILD_SA (RFC 7296 §1.2, §1.3.1, §2.9, §2.17), in two exchanges:
//
//   IKE_AUTH         the first CHILD_SA: SA (no KE transforms), TSi, TSr; the
//                    keys come from the IKE_SA's nonces.
//   CREATE_CHILD_SA  every further one: SA, Nonce, optional KE (PFS), TSi,
//                    TSr; the keys come from this exchange's nonces and, with
//                    PFS, its Diffie-Hellman secret.
//
// Initiator: our ESP proposals with our inbound SPI, TSi/TSr from the child
// config (empty: our/the peer's IKE address), USE_TRANSPORT_MODE when
// configured. An INVALID_KE_PAYLOAD answer repeats the request with the group
// it names. Responder: the first child config whose ESP proposals and traffic
// selectors both fit (select_proposal, narrow) wins; otherwise the answer
// carries NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE or INVALID_KE_PAYLOAD and the
// IKE_SA stays up. Both sides derive KEYMAT and emit install_child_sa with the
// keys oriented for their side; child_up follows when the kernel confirms
// (engine::on_kernel_result).
//
// Rekeying (REKEY_SA) and IKE_SA rekeying arrive as CREATE_CHILD_SA too; until
// they are implemented the responder refuses them with NO_ADDITIONAL_SAS.
#include <memory>
#include <optional>
#include <string>

#include "libike/codec/sa_payload.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/key_exchange.hpp"
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
    const child_sa_config* config() const { return config_; }
    task_result build(message_builder& m, engine_context& ctx) override;
    task_result process(const inbound_message& m, engine_context& ctx) override;

  private:
    task_result build_request(message_builder& m, engine_context& ctx);
    task_result build_response(message_builder& m, engine_context& ctx);
    task_result process_response(const inbound_message& m, engine_context& ctx);
    task_result process_request(const inbound_message& m, engine_context& ctx);
    /// Responder, CREATE_CHILD_SA: the request is one we serve; else refused.
    bool check_create_request(const inbound_message& m);
    /// Responder: picks a child config for the peer's SA and selectors; sets
    /// failure_ when none fits.
    void select_child(const sa_payload& sa, const std::vector<ts_range>& tsi,
                      const std::vector<ts_range>& tsr, bool transport);
    /// Responder, CREATE_CHILD_SA: our KE for the chosen group, or failure_.
    void answer_key_exchange(const ke_payload* ke, engine_context& ctx);

    /// Derives the keys and emits install_child_sa (child_up follows the
    /// kernel's confirmation).
    void install(engine_context& ctx);
    void fail(engine_context& ctx, std::string reason);
    std::string offer_text() const;
    void refuse(notify_type notify, std::string reason, bytes data = {});

    const child_sa_config* config_;
    bool ike_auth_ = false;  ///< the exchange is IKE_AUTH (else CREATE_CHILD_SA)
    std::uint32_t spi_in_ = 0, spi_out_ = 0;
    sa_payload offered_;
    sa_proposal chosen_;
    proposal negotiated_;
    std::vector<ts_range> local_ts_, remote_ts_;  ///< ours; after negotiation the result
    ipsec_mode mode_ = ipsec_mode::tunnel;
    // CREATE_CHILD_SA only: this exchange's nonces and PFS.
    bytes ni_, nr_;
    std::optional<ke_group> group_;
    std::unique_ptr<key_exchange> ke_;
    std::optional<secret> g_ir_;
    unsigned retries_ = 0;
    // Responder.
    bool requested_ = false;  ///< the request asked for a CHILD_SA
    std::optional<notify_type> failure_;
    bytes failure_data_;
    std::string failure_reason_;
};

}  // namespace ike
