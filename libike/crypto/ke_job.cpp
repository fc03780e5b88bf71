#include "libike/crypto/ke_job.hpp"

#include "libike/crypto/key_exchange.hpp"

namespace ike {

void ke_job::run() {
    auto ours = make_key_exchange_from_private(group_, private_key_.view());
    // The key pair holds its own copy now; ours is of no further use.
    private_key_.clear();
    if (!ours) {
        outcome_ = std::unexpected(ours.error());
        return;
    }
    auto g_ir = (*ours)->shared_secret(peer_);
    if (!g_ir) {
        outcome_ = std::unexpected(g_ir.error());
        return;
    }
    outcome_ = ke_outcome{(*ours)->public_value(), std::move(*g_ir)};
}

}  // namespace ike
