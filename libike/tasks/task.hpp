#pragma once
// The unit of an exchange (STYLE point 3): each task adds its own payloads to
// an outgoing message and reads its own payloads from an incoming one.
//
//   initiator of an exchange:  build(request)  → ... → process(response)
//   responder of an exchange:  process(request) → build(response)
//
// A task returns progress::done when its part of the exchange is complete,
// progress::need_more when the same exchange must run again (IKE_SA_INIT after
// a COOKIE or INVALID_KE_PAYLOAD answer), or a task_error that fails the whole
// IKE_SA. In IKE_AUTH, need_more from ike_auth means another EAP round
// (§2.16): only ike_auth takes part in it, the other tasks wait for the last
// round; progress::waiting (responder) means the answer is not ready yet (an
// EAP backend pends, and it comes from resume(); or ike_init handed its key
// exchange out as a crypto_job, and it comes from crypto_done()). CHILD_SA failures inside IKE_AUTH
// are not task_errors: the child_create task answers/report them itself and the IKE_SA stays
// (§1.2).
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libike/codec/ike_header.hpp"
#include "libike/codec/payload.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

class ike_sa;
class ke_job;
struct engine_context;

enum class progress : std::uint8_t { done, need_more, waiting };

/// Why an exchange failed the IKE_SA.
struct task_error {
    /// The error notify a responder puts into its (otherwise empty) answer;
    /// nullopt when nothing is sent (initiator side).
    std::optional<notify_type> notify;
    bytes notify_data;
    /// For the operator, in plain words; never key material.
    std::string reason;
    /// False for failures that are part of normal negotiation (INVALID_KE_PAYLOAD
    /// on the responder): no sa_event is emitted.
    bool report = true;
};

using task_result = std::expected<progress, task_error>;

enum class task_kind : std::uint8_t {
    ike_init,
    ike_natd,
    ike_auth,
    ike_config,
    child_create,
    ike_delete,
    child_delete,
    ike_dpd,
    ike_rekey,
};

/// The payloads of a message being built, in order.
struct message_builder {
    exchange_type exchange{};
    std::uint64_t spi_i = 0, spi_r = 0;  ///< as they will appear in the header
    std::vector<payload> payloads;
    /// Set by a responder task whose answer ends the IKE_SA although it is no
    /// error notify (an EAP-Failure, §2.16): the response goes out, then the
    /// IKE_SA fails with this reason.
    std::optional<std::string> then_fail{};

    void add(payload_type type, payload_body body) {
        payloads.push_back(payload{type, false, std::move(body)});
    }
    void add_notify(notify_type type, bytes data = {}, protocol_id protocol = protocol_id::none) {
        add(payload_type::notify, notify_payload{protocol, {}, type, std::move(data)});
    }
};

/// A received message after decryption: header, (inner) payloads, and the
/// raw datagram (IKE_SA_INIT messages are signed as sent, §2.15).
struct inbound_message {
    const ike_header& header;
    const std::vector<payload>& payloads;
    bytes_view raw;

    /// The first payload of `type` with body T, or nullptr.
    template <typename T>
    const T* find(payload_type type) const {
        for (const auto& p : payloads)
            if (p.type == type)
                if (const auto* body = std::get_if<T>(&p.body)) return body;
        return nullptr;
    }
    /// The first Notify of `type`, or nullptr.
    const notify_payload* find_notify(notify_type type) const {
        for (const auto& p : payloads)
            if (const auto* n = std::get_if<notify_payload>(&p.body); n && n->type == type)
                return n;
        return nullptr;
    }
    /// The first error Notify (type below 16384), or nullptr.
    const notify_payload* first_error() const {
        for (const auto& p : payloads)
            if (const auto* n = std::get_if<notify_payload>(&p.body); n && is_error(n->type))
                return n;
        return nullptr;
    }
};

class task {
  public:
    task(ike_sa& sa, bool initiator) : sa_(sa), initiator_(initiator) {}
    virtual ~task() = default;
    task(const task&) = delete;
    task& operator=(const task&) = delete;

    virtual task_kind kind() const = 0;
    /// A queued task that lost its purpose (e.g. a rekey of a CHILD_SA that
    /// is gone): the task manager drops it instead of starting it.
    virtual bool obsolete() const { return false; }
    /// A queued (not yet started) initiator task redone on `to`, the IKE_SA
    /// that replaces ours after an IKE rekey; nullptr: dropped (the new
    /// IKE_SA has no use for it).
    virtual std::unique_ptr<task> migrate(ike_sa& /*to*/) const { return nullptr; }
    /// Adds this task's payloads to a request (initiator) or response (responder).
    virtual task_result build(message_builder& m, engine_context& ctx) = 0;
    /// Reads this task's payloads from a response (initiator) or request (responder).
    virtual task_result process(const inbound_message& m, engine_context& ctx) = 0;
    /// Responder, after process() returned progress::waiting: what it waited
    /// for is there (engine::eap_ready); the same results as process().
    virtual task_result resume(engine_context& /*ctx*/) { return progress::done; }
    /// Responder, after process() returned progress::waiting with a
    /// crypto_job out: `job` ran (engine::crypto_done); done, or the error
    /// that fails the exchange.
    virtual task_result crypto_done(ke_job& /*job*/, engine_context& /*ctx*/) {
        return progress::done;
    }

    bool initiator() const { return initiator_; }

  protected:
    ike_sa& sa_;
    bool initiator_;
};

}  // namespace ike
