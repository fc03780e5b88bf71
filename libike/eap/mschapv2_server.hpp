#pragma once
// EAP-MSCHAPv2, authenticator side (RFC 2759, draft-kamath-pppext-eap-mschapv2).
//
//   initiate ──Challenge──> wait_response ──right──> Success Req ──> wait_success_ack ──ack──> done
//   (MSK)
//                               │  ▲
//                               │  └── wrong, retries left: Failure Req (E=691 R=1 C=new)
//                               └── wrong or unknown user, no retries:
//                                   Failure Req (E=691 R=0) ──> wait_failure_ack ──ack──> done
//                                   (failure)
//
// An unknown user gets the same Failure Request as a wrong password, so the
// peer cannot probe for user names; the error for the log tells them apart.
#include <string>

#include "libike/eap/eap_method.hpp"
#include "libike/eap/eap_user_store.hpp"
#include "libike/eap/mschapv2_crypto.hpp"

namespace ike {

class random_source;

class mschapv2_server final : public eap_method_server {
  public:
    /// `users` and `random` must outlive the method. `retries`: how many
    /// wrong answers earn another challenge (R=1) before the final R=0.
    /// Precondition: load_legacy_provider() succeeded (local_backend checks).
    mschapv2_server(const eap_user_store& users, random_source& random, unsigned retries);

    eap_type type() const override { return eap_type::mschapv2; }
    /// MSCHAPv2 learns the user from its Response; `identity` is unused.
    method_step initiate(std::string_view identity) override;
    method_step process(bytes_view type_data) override;

  private:
    enum class state { idle, wait_response, wait_success_ack, wait_failure_ack, done };

    method_step on_response(bytes_view type_data);
    method_step on_ack(bytes_view type_data);
    method_step reject(eap_error why);
    method_step fail(eap_error why);
    mschapv2::challenge new_challenge();

    const eap_user_store& users_;
    random_source& random_;
    unsigned retries_left_;
    state state_ = state::idle;
    std::uint8_t ms_id_ = 0;
    mschapv2::challenge challenge_{};
    secret msk_;
    std::string user_;
    std::optional<eap_error> final_error_;
};

}  // namespace ike
