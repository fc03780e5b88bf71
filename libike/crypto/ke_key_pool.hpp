#pragma once
// Where the engine gets its ephemeral key pairs. X25519 pairs are made ahead,
// `batch` at a time (x25519_batch.hpp: one modular inverse per batch instead
// of one Montgomery ladder per key, ~25 µs less per IKE_SA on the benchmark
// host); every other group is made when asked, as make_key_exchange does.
//
// The private keys come from the random_source passed to take(), so a
// deterministic source still gives reproducible key pairs; a batch draws
// batch × 32 octets at once, which moves later draws (nonces, SPIs) along the
// stream. Keys wait in the pool in `secret`s (wiped when taken or at
// destruction); an unused ephemeral key protects nothing yet, so holding a
// few does not weaken forward secrecy. One pool per engine: not thread-safe.
#include <cstddef>
#include <expected>
#include <memory>
#include <vector>

#include "libike/crypto/key_exchange.hpp"

namespace ike {

class ke_key_pool {
  public:
    /// `batch` X25519 pairs are made per refill; 0 or 1 make each pair when
    /// it is taken (no pool).
    explicit ke_key_pool(std::size_t batch) : batch_(batch) {}

    /// A fresh key pair of `group`: from the pool for X25519, else made now.
    /// Errors: as make_key_exchange.
    std::expected<std::unique_ptr<key_exchange>, crypto_error> take(ke_group group,
                                                                    random_source& rng);

    /// Whether take() hands out pairs made ahead for `group` (then a pair
    /// costs the caller little, and only g^ir is left to compute).
    bool made_ahead(ke_group group) const { return group == ke_group::curve25519 && batch_ > 1; }

    /// X25519 pairs waiting in the pool (for tests).
    std::size_t ready() const { return privates_.size(); }

  private:
    std::expected<void, crypto_error> refill(random_source& rng);

    std::size_t batch_;
    std::vector<secret> privates_;  ///< taken from the back
    std::vector<bytes> publics_;
};

}  // namespace ike
