#include "libike/eap/local_backend.hpp"

#include <algorithm>

#include "libike/crypto/random_source.hpp"
#include "libike/eap/eap_method.hpp"
#include "libike/eap/eap_packet.hpp"
#include "libike/eap/eap_tls_server.hpp"
#include "libike/eap/legacy_provider.hpp"
#include "libike/eap/mschapv2_server.hpp"

namespace ike {

namespace {

class local_session final : public eap_server {
  public:
    local_session(std::unique_ptr<eap_method_server> method, bool ask_identity,
                  random_source& random)
        : method_(std::move(method)), ask_identity_(ask_identity) {
        random.fill({&identifier_, 1});
    }

    eap_step start(std::string_view ike_identity) override {
        if (state_ != state::idle)
            return end({eap_errc::session_state, "EAP session started twice"});
        if (ask_identity_ || ike_identity.empty()) {
            ike_identity_ = ike_identity;
            state_ = state::wait_identity;
            return eap_request_step{eap_request(identifier_, eap_type::identity, {}), {}};
        }
        identity_ = ike_identity;
        return begin_method();
    }

    eap_step process(bytes_view response) override {
        if (state_ == state::idle || state_ == state::done)
            return end({eap_errc::session_state, "EAP response without an outstanding request"});
        auto p = decode_eap_packet(response);
        if (!p) return end(p.error());
        if (p->code != eap_code::response)
            return end({eap_errc::unexpected_packet,
                        "EAP " + to_string(p->code) + " from the peer, expected a Response"});
        if (p->identifier != identifier_)
            return end({eap_errc::unexpected_identifier,
                        "EAP response with identifier " + std::to_string(p->identifier) +
                            " to our request " + std::to_string(identifier_)});
        if (state_ == state::wait_identity) return on_identity(*p);
        return on_method(*p);
    }

    eap_step resume() override {
        return end(
            {eap_errc::session_state, "the local EAP backend never waits; nothing to resume"});
    }

  private:
    enum class state { idle, wait_identity, method, done };

    eap_step on_identity(const eap_packet& p) {
        if (p.type != eap_type::identity)
            return end({eap_errc::unexpected_packet,
                        "EAP " + to_string(p.type) + " from the peer, expected its Identity"});
        identity_.assign(p.data.begin(), p.data.end());
        // Android's built-in client answers with an empty identity; its IKE
        // identity is the user name then.
        if (identity_.empty()) identity_ = ike_identity_;
        if (identity_.empty())
            return end({eap_errc::malformed, "the peer sent an empty EAP identity"});
        return begin_method();
    }

    eap_step on_method(const eap_packet& p) {
        if (p.type == eap_type::nak) return end(refused(p));
        if (p.type != method_->type())
            return end({eap_errc::unexpected_packet, "EAP " + to_string(p.type) +
                                                         " from the peer during " +
                                                         to_string(method_->type())});
        return relay(method_->process(p.data));
    }

    eap_error refused(const eap_packet& nak) const {
        std::string wanted;
        for (std::uint8_t t : nak.data)
            wanted += (wanted.empty() ? "" : ", ") + to_string(static_cast<eap_type>(t));
        return {eap_errc::method_refused, "peer '" + printable(identity_) + "' refused " +
                                              to_string(method_->type()) + " and asks for " +
                                              (wanted.empty() ? "nothing" : wanted)};
    }

    eap_step begin_method() {
        state_ = state::method;
        return relay(method_->initiate(identity_));
    }

    /// The method's step as an EAP packet.
    eap_step relay(method_step step) {
        if (auto* req = std::get_if<method_request>(&step)) {
            ++identifier_;
            return eap_request_step{eap_request(identifier_, method_->type(), req->type_data),
                                    std::move(req->failing)};
        }
        if (auto* ok = std::get_if<method_success>(&step)) {
            state_ = state::done;
            return eap_success_step{eap_success_packet(identifier_), std::move(ok->msk),
                                    std::move(ok->identity)};
        }
        return end(std::move(std::get<method_failure>(step).error));
    }

    eap_step end(eap_error why) {
        state_ = state::done;
        return eap_failure_step{eap_failure_packet(identifier_), std::move(why)};
    }

    std::unique_ptr<eap_method_server> method_;
    bool ask_identity_;
    state state_ = state::idle;
    std::uint8_t identifier_ = 0;
    std::string identity_;
    std::string ike_identity_;  ///< IDi, for an empty EAP-Identity answer
};

/// What an EAP-TLS session lacks, for the error text ("" if nothing).
std::string missing_tls_params(const eap_session_params& p) {
    std::string out;
    auto need = [&](bool present, const char* what) {
        if (!present) out += (out.empty() ? "" : ", ") + std::string(what);
    };
    need(p.tls_certificate != nullptr, "a server certificate");
    need(p.tls_key != nullptr, "its private key");
    need(p.tls_trust != nullptr, "trusted CA certificates for client certificates");
    // A zero time would make every certificate "not yet valid": the caller
    // forgot to pass its clock.
    need(p.now != cert_time{}, "the wall-clock time to check certificates at");
    return out;
}

}  // namespace

std::expected<std::unique_ptr<eap_server>, eap_error> local_backend::create_session(
    const eap_session_params& params) {
    if (params.random == nullptr)
        return std::unexpected(
            eap_error{eap_errc::backend_unavailable, "EAP session without a random source"});
    // The connection's first method that is implemented here.
    const auto chosen = std::find_if(params.methods.begin(), params.methods.end(), [](eap_type t) {
        return t == eap_type::mschapv2 || t == eap_type::tls;
    });
    if (chosen == params.methods.end())
        return std::unexpected(eap_error{
            eap_errc::backend_unavailable,
            "none of the connection's EAP methods is implemented (have: EAP-MSCHAPv2, EAP-TLS)"});
    std::unique_ptr<eap_method_server> method;
    if (*chosen == eap_type::tls) {
        if (auto missing = missing_tls_params(params); !missing.empty())
            return std::unexpected(eap_error{eap_errc::backend_unavailable,
                                             "EAP-TLS needs " + missing + " in the connection"});
        method = std::make_unique<eap_tls_server>(params);
    } else {
        if (auto loaded = load_legacy_provider(); !loaded) return std::unexpected(loaded.error());
        method = std::make_unique<mschapv2_server>(users_, *params.random, params.mschapv2_retries);
    }
    return std::make_unique<local_session>(std::move(method), params.ask_identity, *params.random);
}

}  // namespace ike
