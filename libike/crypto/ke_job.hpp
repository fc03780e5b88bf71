#pragma once
// One key exchange as a unit of work for another thread (issue 7,
// docs/performance.md "Crypto on worker threads"): our key pair from a
// private key drawn beforehand (draw_private_key) and g^ir with the peer's
// public value. The job owns copies of its inputs and points into nothing,
// so run() may execute on any thread while the engine goes on; the OpenSSL
// state the key exchanges keep (ke_ecp.cpp's curves, ke_ecx.cpp's import
// contexts) is per thread.
#include <expected>
#include <memory>
#include <optional>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/crypto_error.hpp"
#include "libike/crypto/key_exchange.hpp"

namespace ike {

/// What a finished key exchange gives the IKE_SA.
struct ke_outcome {
    bytes public_value;  ///< ours, as it goes into the KE payload
    secret shared;       ///< g^ir, for SKEYSEED
};

class ke_job {
  public:
    /// `private_key` as draw_private_key(group, ...) returned it; `peer_public`
    /// the peer's KE payload data, not yet checked.
    ke_job(ke_group group, secret private_key, bytes peer_public)
        : group_(group), private_key_(std::move(private_key)), peer_(std::move(peer_public)) {}

    /// A key pair made beforehand (ke_key_pool's X25519 pairs): run() only
    /// computes g^ir with it.
    ke_job(std::unique_ptr<key_exchange> ours, bytes peer_public)
        : group_(ours->group()), peer_(std::move(peer_public)), ours_(std::move(ours)) {}

    /// Builds the key pair and computes g^ir; the private key is wiped
    /// after. Pure computation, safe on any thread; call it once.
    void run();

    bool done() const { return outcome_.has_value(); }
    ke_group group() const { return group_; }

    /// After run(): our public value and g^ir, or why it failed:
    /// invalid_public_value (the peer's KE data is unusable: the exchange
    /// fails with INVALID_SYNTAX) or backend_failure (OpenSSL refused).
    /// Before run(): nullopt.
    std::optional<std::expected<ke_outcome, crypto_error>>& outcome() { return outcome_; }

  private:
    ke_group group_;
    secret private_key_;
    bytes peer_;
    std::unique_ptr<key_exchange> ours_;  ///< made ahead, or by run() from private_key_
    std::optional<std::expected<ke_outcome, crypto_error>> outcome_;
};

}  // namespace ike
