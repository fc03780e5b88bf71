#pragma once
// EAP-MSCHAPv2, peer (client) side: answers the Challenge with an
// NT-Response, checks the server's authenticator response ("S=") before it
// acknowledges a Success, and answers a Failure (retrying with the new
// challenge when the server allows it, R=1). Used by eap_peer, by the tests
// of the server and, later, by ikev2d as a road-warrior client.
#include <string>

#include "libike/common/secret.hpp"
#include "libike/eap/eap_error.hpp"
#include "libike/eap/mschapv2_crypto.hpp"

namespace ike {

class random_source;

class mschapv2_peer {
  public:
    /// `random` (for the peer challenge) must outlive this object.
    mschapv2_peer(std::string user, secret password, random_source& random);

    /// Our response's type data to a request's type data: the Response to
    /// a Challenge (or to a Failure with R=1, using its new challenge), the
    /// Success acknowledgement once the server's S= verified, the Failure
    /// acknowledgement otherwise (the EAP-Failure follows).
    /// Errors: malformed; unexpected_packet (an OpCode a server does not
    /// send); server_not_verified (its S= is wrong: do not trust this
    /// server, send nothing); backend_unavailable.
    std::expected<bytes, eap_error> process(bytes_view type_data);

    /// True once the server proved it knows the password.
    bool server_verified() const { return verified_; }
    /// The MSK; empty until server_verified().
    const secret& msk() const { return msk_; }

  private:
    std::expected<bytes, eap_error> answer_challenge(std::uint8_t ms_id,
                                                     const mschapv2::challenge& c);
    std::expected<bytes, eap_error> on_success(bytes_view type_data);
    std::expected<bytes, eap_error> on_failure(bytes_view type_data);

    std::string user_;
    secret password_;
    random_source& random_;
    std::string expected_proof_;
    secret pending_msk_;
    secret msk_;
    bool verified_ = false;
};

}  // namespace ike
