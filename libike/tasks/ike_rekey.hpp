#pragma once
// Rekeying the IKE_SA (RFC 7296 §1.3.2, §2.18): a CREATE_CHILD_SA exchange
// on the old IKE_SA,
//
//   initiator  HDR, SK {SA, Ni, KEi}  -->
//                                     <--  HDR, SK {SA, Nr, KEr}  responder
//
// whose SA payload has protocol IKE and the sender's SPI of the new IKE_SA.
// Both sides derive the new keys (SKEYSEED = prf(SK_d (old), g^ir (new) | Ni
// | Nr)), make the new IKE_SA (the rekey's initiator is its original
// initiator, message IDs start at 0, peer, identities, config and NAT state
// are the old one's) and move every CHILD_SA to it, with its number and
// without touching the kernel. The initiator then deletes the old IKE_SA
// with an INFORMATIONAL Delete on it; the responder's old IKE_SA, `rekeyed`,
// waits for that Delete.
//
// Refusals leave the old IKE_SA as it is; the answer carries only a notify:
//   TEMPORARY_FAILURE    we have a request of our own outstanding on it (other
//                        than a rekey of it), or it is rekeyed or being
//                        deleted (§2.25);
//   NO_PROPOSAL_CHOSEN   no configured IKE proposal fits;
//   INVALID_KE_PAYLOAD   the KE payload is not of the chosen group: the
//                        initiator repeats the request with the group named.
// A rekey refused (or failed) is tried again after a random wait, not
// dropped: a few seconds after TEMPORARY_FAILURE, longer after the others.
//
// Collision (§2.8.2): both peers rekeyed at once and each answered the other,
// so there are two new IKE_SAs. The one made by the exchange with the lowest
// of the four nonces is redundant: its initiator deletes it, the other
// initiator deletes the old IKE_SA; the CHILD_SAs end up on the survivor on
// both sides.
#include <memory>
#include <optional>
#include <string>

#include "libike/codec/sa_payload.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/key_exchange.hpp"
#include "libike/proposal/proposal.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

class ike_rekey final : public task {
  public:
    using task::task;
    task_kind kind() const override { return task_kind::ike_rekey; }
    /// Queued, but the IKE_SA was rekeyed by the peer or is being deleted.
    bool obsolete() const override;
    task_result build(message_builder& m, engine_context& ctx) override;
    task_result process(const inbound_message& m, engine_context& ctx) override;

  private:
    task_result build_request(message_builder& m, engine_context& ctx);
    task_result process_response(const inbound_message& m, engine_context& ctx);
    task_result process_request(const inbound_message& m, engine_context& ctx);
    task_result build_response(message_builder& m, engine_context& ctx);

    /// Responder: why the request cannot be served now (§2.25); empty: it can.
    std::string busy_reason() const;
    /// The new IKE_SA from this exchange's SPIs, nonces and g^ir; nullptr
    /// with `why` set when it cannot be made.
    ike_sa* make_successor(engine_context& ctx, std::uint64_t peer_spi, std::string& why);
    /// Initiator, with the new IKE_SA made: resolves a collision (§2.8.2),
    /// moves the CHILD_SAs to the survivor and queues the Delete that is ours.
    void finish(engine_context& ctx, ike_sa& ours);
    /// Initiator: the rekey did not happen; try again after a random wait.
    void retry_later(engine_context& ctx, std::string reason, bool temporary);
    void refuse(notify_type notify, std::string reason, bytes data = {});

    std::uint64_t new_spi_ = 0;  ///< our SPI of the new IKE_SA
    bytes ni_, nr_;
    std::optional<ke_group> group_;
    std::unique_ptr<key_exchange> ke_;
    std::optional<secret> g_ir_;
    sa_payload offered_;
    sa_proposal chosen_;
    proposal negotiated_;
    std::uint64_t peer_spi_ = 0;  ///< responder: the initiator's SPI of the new IKE_SA
    unsigned retries_ = 0;
    std::optional<notify_type> failure_;
    bytes failure_data_;
    std::string failure_reason_;
};

/// Moves the CHILD_SAs (and queued work) of `from` to `to`, marks `from`
/// rekeyed and tells the daemon (sa_event ike_rekeyed).
void hand_over(engine_context& ctx, ike_sa& from, ike_sa& to);

}  // namespace ike
