#pragma once
// IKE_SA_INIT: SA, KE and Nonce (RFC 7296 §1.2, §2.6, §2.7, §2.10, §2.14).
//
// Initiator: offers the configured proposals with a KE payload for the first
// group of the first proposal; a COOKIE answer is echoed in a new request, an
// INVALID_KE_PAYLOAD answer repeats the request with the group it names
// (need_more, both at most a few times); otherwise the answer is verified
// against the offer and the keys are derived.
// Responder: picks by its own preference (select_proposal); a KE payload of
// another group is answered INVALID_KE_PAYLOAD without keeping state. With
// engine_settings::offload_key_exchange the key exchange leaves as a
// crypto_job (progress::waiting) and crypto_done() takes its result.
// COOKIE demands are made by the engine before any state exists.
// Both announce SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4); the responder asks
// for certificates with a CERTREQ (§3.7, cert_request.hpp) when a connection
// for the addresses checks the peer's certificate, and the initiator records
// the CERTREQ it gets.
#include <memory>
#include <optional>

#include "libike/codec/sa_payload.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/key_exchange.hpp"
#include "libike/proposal/proposal.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

inline constexpr std::size_t our_nonce_size = 32;

class ike_init final : public task {
  public:
    using task::task;
    task_kind kind() const override { return task_kind::ike_init; }
    task_result build(message_builder& m, engine_context& ctx) override;
    task_result process(const inbound_message& m, engine_context& ctx) override;
    task_result crypto_done(ke_job& job, engine_context& ctx) override;

  private:
    std::expected<std::unique_ptr<ke_job>, task_error> key_exchange_job(bytes_view peer_public,
                                                                        engine_context& ctx);
    task_result derive(engine_context& ctx);
    void read_capabilities(const inbound_message& m);

    std::optional<ke_group> group_;
    std::unique_ptr<key_exchange> ke_;  ///< initiator
    bytes our_public_;                  ///< responder: our KE payload data
    bytes cookie_;
    unsigned retries_ = 0;
    sa_payload offered_;
    sa_proposal chosen_;
    proposal negotiated_;
    secret g_ir_;
};

}  // namespace ike
