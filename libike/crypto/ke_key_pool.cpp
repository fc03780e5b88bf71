#include "libike/crypto/ke_key_pool.hpp"

#include <utility>

#include "libike/crypto/ke_x25519.hpp"
#include "libike/crypto/x25519_batch.hpp"

namespace ike {

std::expected<std::unique_ptr<key_exchange>, crypto_error> ke_key_pool::take(ke_group group,
                                                                             random_source& rng) {
    if (!made_ahead(group)) return make_key_exchange(group, rng);
    if (privates_.empty()) {
        if (auto r = refill(rng); !r) return std::unexpected(r.error());
    }
    secret priv = std::move(privates_.back());
    bytes pub = std::move(publics_.back());
    privates_.pop_back();
    publics_.pop_back();
    return make_x25519_key_exchange_from_pair(std::move(priv), std::move(pub));
}

std::expected<void, crypto_error> ke_key_pool::refill(random_source& rng) {
    std::vector<secret> privates;
    privates.reserve(batch_);
    for (std::size_t i = 0; i < batch_; ++i) {
        auto k = draw_private_key(ke_group::curve25519, rng);
        if (!k) return std::unexpected(k.error());
        privates.push_back(std::move(*k));
    }
    std::vector<bytes> publics(batch_);
    if (auto r = x25519_public_values(privates, publics); !r) return r;
    // Taken from the back: reverse so that pairs come out in drawing order.
    for (std::size_t i = batch_; i-- > 0;) {
        privates_.push_back(std::move(privates[i]));
        publics_.push_back(std::move(publics[i]));
    }
    return {};
}

}  // namespace ike
