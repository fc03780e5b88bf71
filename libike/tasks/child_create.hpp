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
// Rekeying a CHILD_SA (§1.3.3) is the same exchange with N(REKEY_SA) naming
// the old CHILD_SA and the old one's negotiated selectors, make-before-break:
//   initiator  installs the new SAs (inbound and outbound: the responder's
//              inbound SA exists once it answered) and then deletes the old
//              CHILD_SA with an INFORMATIONAL Delete;
//   responder  installs the new inbound SA before it answers, but holds the
//              outbound SA back until the initiator's Delete of the old one
//              arrives (child_delete installs it, then removes the old SAs),
//              so it never sends on an SA the initiator cannot receive yet.
// IKE_SA rekeying arrives as CREATE_CHILD_SA too, but goes to ike_rekey; while
// it runs, CHILD_SA requests are refused with TEMPORARY_FAILURE (§2.25), and a
// rekey of ours refused so is tried again a few seconds later.
#include <memory>
#include <optional>
#include <string>

#include "libike/codec/sa_payload.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/key_exchange.hpp"
#include "libike/engine/outputs.hpp"
#include "libike/engine/sa_config.hpp"
#include "libike/proposal/proposal.hpp"
#include "libike/sa/traffic_selector.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

struct child_sa;

class child_create final : public task {
  public:
    /// `config`: the child to create (initiator); nullptr for a responder.
    /// `rekey_of`: the CHILD_SA this one rekeys (initiator), else 0.
    child_create(ike_sa& sa, bool initiator, const child_sa_config* config,
                 child_sa_id rekey_of = 0)
        : task(sa, initiator), config_(config), rekey_of_(rekey_of) {}
    task_kind kind() const override { return task_kind::child_create; }
    const child_sa_config* config() const { return config_; }
    child_sa_id rekey_of() const { return rekey_of_; }
    bool obsolete() const override;
    task_result build(message_builder& m, engine_context& ctx) override;
    task_result process(const inbound_message& m, engine_context& ctx) override;
    std::unique_ptr<task> migrate(ike_sa& to) const override;

  private:
    task_result build_request(message_builder& m, engine_context& ctx);
    task_result build_response(message_builder& m, engine_context& ctx);
    task_result process_response(const inbound_message& m, engine_context& ctx);
    task_result process_request(const inbound_message& m, engine_context& ctx);
    /// Responder, CREATE_CHILD_SA: the request is one we serve; else refused.
    bool check_create_request(const inbound_message& m);
    /// Responder: the CHILD_SA a REKEY_SA notify names (by our outbound
    /// SPI) and its config; else refused with CHILD_SA_NOT_FOUND.
    bool find_rekeyed(const notify_payload& n);
    /// Rekey initiator, after the new CHILD_SA is installed: the old one is
    /// replaced and gets deleted.
    void finish_rekey(engine_context& ctx);
    /// Responder: picks a child config for the peer's SA and selectors; sets
    /// failure_ when none fits.
    /// A rekey (rekey_of_ set) only considers the old CHILD_SA's config.
    void select_child(const sa_payload& sa, const std::vector<ts_range>& tsi,
                      const std::vector<ts_range>& tsr, bool transport);
    /// Responder, CREATE_CHILD_SA: our KE for the chosen group, or failure_.
    void answer_key_exchange(const ke_payload* ke, engine_context& ctx);

    /// Derives the keys and emits install_child_sa (child_up follows the
    /// kernel's confirmation).
    void install(engine_context& ctx);
    /// Reauthentication responder: `c` duplicates a CHILD_SA on an older
    /// IKE_SA of the same peer, which now hands over to it (handover_to).
    bool takes_over(engine_context& ctx, const child_sa& c);
    /// Rekey initiator: `c` will be the redundant CHILD_SA of a collision.
    bool loses_collision(const child_sa& c);
    void fail(engine_context& ctx, std::string reason);
    /// Rekey initiator refused with TEMPORARY_FAILURE: marks the old CHILD_SA
    /// for another rekey after a random wait (ike_sa::child_retry_at).
    void retry_rekey_later(engine_context& ctx);
    std::string offer_text() const;
    /// Initiator: the virtual IPs asked for in IKE_AUTH (ike_config).
    const std::vector<ip_addr>& wanted_vips() const;
    bool asks_vips() const { return initiator_ && !wanted_vips().empty(); }
    void refuse(notify_type notify, std::string reason, bytes data = {});

    const child_sa_config* config_;
    child_sa_id rekey_of_ = 0;
    child_sa_id created_ = 0;  ///< the CHILD_SA install() made
    bool ike_auth_ = false;    ///< the exchange is IKE_AUTH (else CREATE_CHILD_SA)
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
    bool requested_ = false;   ///< the request asked for a CHILD_SA
    bool no_address_ = false;  ///< IKE_AUTH: the peer got no virtual IP (ike_config)
    std::optional<notify_type> failure_;
    bytes failure_data_;
    std::string failure_reason_;
};

}  // namespace ike
