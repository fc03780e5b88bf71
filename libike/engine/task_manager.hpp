#pragma once
// One task manager per IKE_SA (STYLE point 4, after charon's task_manager_v2):
// queued tasks wait for the exchange slot (window size 1), active tasks make
// up our outstanding request, passive tasks answer the peer's request.
//
// Exchange slot (our requests):
//
//   idle --initiate()--> waiting --response(done)--> idle (next queued exchange)
//                         |   ^
//                         |   +-- response(need_more): same exchange again
//                         +-- timeout: retransmit (back-off) ... give up → IKE_SA failed
//
// Message IDs (§2.3): our requests count from 0 in `next_request_id_`; the
// peer's next request must carry `expected_peer_id_`; one below it is a
// retransmission answered from `last_response_`; anything else is ignored.
//
// EAP in IKE_AUTH (§2.16) makes IKE_AUTH several exchanges (message IDs 1, 2,
// ...). While ike_auth answers need_more, a round is ike_auth's alone: the
// other IKE_AUTH tasks (ike_config, child_create) stay, the responder's with
// a copy of the first request, which they process in the last round, and
// answer there. A responder round whose answer the EAP backend has not
// produced yet (progress::waiting) stays unanswered, its retransmissions
// dropped, until resume().
//
// The responder's IKE_SA_INIT waits the same way when ike_init handed its
// key exchange out as a crypto_job (engine_settings::offload_key_exchange):
// the other tasks process the request meanwhile, and all build the answer
// once crypto_done() brought the job back.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "libike/codec/message.hpp"
#include "libike/common/bytes.hpp"
#include "libike/engine/engine.hpp"
#include "libike/engine/fragment_reassembly.hpp"
#include "libike/engine/message_open_error.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

class ike_sa;
struct engine_context;

/// A request of ours that got no answer after every retransmission.
struct give_up {
    exchange_type exchange{};
    task_kind kind{};  ///< the request's first task: what it was for
    unsigned retransmits = 0;
    duration waited{};  ///< from its first transmission to giving up
};

class task_manager {
  public:
    explicit task_manager(ike_sa& sa) : sa_(sa) {}

    /// Adds a task to run as initiator when the slot is free.
    void queue(std::unique_ptr<task> t);
    bool has_queued(task_kind kind) const;
    /// A queued or active child_create for `config` / child_delete of `child`.
    bool has_child_create(const child_sa_config* config) const;
    bool has_child_delete(child_sa_id child) const;
    /// Our outstanding request includes a task of `kind`.
    bool active_has(task_kind kind) const;

    /// After an IKE rekey: our queued tasks go to `to`'s task manager (each
    /// redone there by task::migrate, or dropped); `to` starts them.
    void migrate_queued(task_manager& to);

    /// Starts the next queued exchange if none is outstanding.
    void initiate(engine_context& ctx);

    /// A decoded message for this SA arrived from `from` on `to`.
    void receive(const message& m, bytes_view raw, const socket_address& to,
                 const socket_address& from, engine_context& ctx);

    /// Retransmission when due. When the last wait ran out, every task is
    /// dropped and what gave up is returned: the caller fails the IKE_SA.
    std::optional<give_up> on_timer(engine_context& ctx);

    /// When on_timer must run next for this SA's exchange slot.
    std::optional<time_point> deadline() const { return retransmit_at_; }

    /// The EAP backend answered (engine::eap_ready): the request that
    /// waited for it is answered now. Does nothing when none waits.
    void resume(engine_context& ctx);

    /// The key exchange job of our IKE_SA_INIT answer is done
    /// (engine::crypto_done): ike_init takes its result and the answer goes
    /// out. Does nothing when no IKE_SA_INIT waits for one.
    void crypto_done(ke_job& job, engine_context& ctx);

    bool idle() const { return active_.empty(); }
    time_point last_inbound() const { return last_inbound_; }

  private:
    std::optional<std::uint32_t> take_waiting(task_kind kind);
    /// Builds and sends our request; with `eap_round` only the first active
    /// task (ike_auth) builds it.
    void send_request(engine_context& ctx, bool eap_round = false);
    /// Decrypts an SKF fragment into the reassembly; the whole message's
    /// inner payloads once the last one is in (error `pending` before).
    std::expected<std::vector<payload>, message_open_error> reassemble(const message& m,
                                                                       bytes_view raw,
                                                                       bool response,
                                                                       engine_context& ctx);
    /// §2.1 / RFC 7383 §2.6.1: a retransmitted request gets the cached
    /// response again, once authenticated (of a fragmented request, only its
    /// first fragment triggers this).
    void resend_response(const message& m, bytes_view raw, bool fragment, const socket_address& to,
                         const socket_address& from, engine_context& ctx);
    void process_response(const message& m, const std::vector<payload>& inner, bytes_view raw,
                          engine_context& ctx);
    /// An INFORMATIONAL with AUTHENTICATION_FAILED while connecting: the
    /// IKE_SA is failed and true returned.
    bool peer_gave_up(const message& m, const std::vector<payload>& inner, engine_context& ctx);
    void process_request(const message& m, const std::vector<payload>& inner, bytes_view raw,
                         engine_context& ctx);
    /// Queues `datagrams` (a message or its fragments) from `from` to `to`.
    static void send_all(const std::vector<bytes>& datagrams, const socket_address& from,
                         const socket_address& to, engine_context& ctx);
    void send_response(const message_builder& b, std::uint32_t id, engine_context& ctx);
    void send_error_informational(notify_type notify, engine_context& ctx);
    void refuse_malformed(const message& m, bool response, const std::string& why,
                          engine_context& ctx);
    void create_passive_tasks(const message& m, const std::vector<payload>& inner);
    /// §2.21: an error answer carries only the notify; then the SA is gone.
    void answer_error(exchange_type exchange, std::uint32_t id, task_error e, engine_context& ctx);
    /// Answers an EAP round: only ike_auth (the first passive task) builds.
    void answer_eap_round(std::uint32_t id, engine_context& ctx);
    /// The passive tasks after ike_auth (the first) process the first
    /// IKE_AUTH request of the EAP rounds, then all build the last answer.
    void answer_last_round(std::uint32_t id, engine_context& ctx);
    /// Every passive task builds its part of the answer to request `id`.
    void answer(exchange_type exchange, std::uint32_t id, engine_context& ctx);

    ike_sa& sa_;
    // A vector, not a deque: libstdc++'s empty deque allocates ~600 bytes,
    // per IKE_SA, that an idle IKE_SA never uses (issue 7).
    std::vector<std::unique_ptr<task>> queued_;
    std::vector<std::unique_ptr<task>> active_;
    exchange_type active_exchange_{};
    std::vector<std::unique_ptr<task>> passive_;
    /// Responder, during EAP rounds: the first IKE_AUTH request, for the
    /// passive tasks that answer it in the last round.
    struct stored_request {
        ike_header header;
        std::vector<payload> payloads;
        bytes raw;
    };
    std::optional<stored_request> first_auth_request_;
    /// Responder: the message ID of a request whose answer waits for the
    /// EAP backend or for a crypto_job (then ike_init is the first passive task).
    std::optional<std::uint32_t> waiting_id_;

    std::uint32_t next_request_id_ = 0;
    std::uint32_t expected_peer_id_ = 0;

    std::vector<bytes> last_request_;  ///< encoded (maybe fragments), for retransmission
    unsigned retransmits_ = 0;
    std::optional<time_point> retransmit_at_;
    time_point first_sent_at_{};  ///< of last_request_

    std::optional<std::vector<bytes>> last_response_;  ///< answer to expected_peer_id_ - 1
    fragment_reassembly request_fragments_, response_fragments_;
    time_point last_inbound_{};
};

}  // namespace ike
