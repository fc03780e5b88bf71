#include "libike/crypto/ke_job.hpp"

#include "libike/crypto/key_exchange.hpp"

namespace ike {

void ke_job::run() {
    if (!ours_) {
        auto made = make_key_exchange_from_private(group_, private_key_.view());
        // The key pair holds its own copy now; ours is of no further use.
        private_key_.clear();
        if (!made) {
            outcome_ = std::unexpected(made.error());
            return;
        }
        ours_ = std::move(*made);
    }
    auto g_ir = ours_->shared_secret(peer_);
    if (!g_ir) {
        outcome_ = std::unexpected(g_ir.error());
        return;
    }
    outcome_ = ke_outcome{ours_->public_value(), std::move(*g_ir)};
    ours_.reset();  // wipes our private key now, not when the job is freed
}

}  // namespace ike
