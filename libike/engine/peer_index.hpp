#pragma once
// The live IKE_SAs by connection and authenticated peer identity, so that an
// INITIAL_CONTACT (§2.4) finds the IKE_SAs it replaces in O(log n + k)
// rather than by a walk over every IKE_SA. Each is filed under a 64-bit hash
// of the pair, with its number to keep equal hashes apart; lookups compare
// the exact connection name and identity, so a collision costs a comparison,
// never a wrong match.
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "libike/engine/outputs.hpp"

namespace ike {

class ike_sa;

class peer_index {
  public:
    /// Files `sa` again after a call that may have changed its state,
    /// connection or peer identity: filed while it is not gone and knows its
    /// peer's identity, unfiled otherwise. O(log n). Must be called before
    /// `sa` is destroyed.
    void update(ike_sa& sa);

    /// The IKE_SAs other than `sa` filed with `sa`'s connection name and
    /// peer identity, lowest number first. Precondition: sa.peer_id is set.
    std::vector<ike_sa*> same_peer(const ike_sa& sa) const;

    std::size_t size() const { return sas_.size(); }

  private:
    std::map<std::pair<std::uint64_t, ike_sa_id>, ike_sa*> sas_;
};

}  // namespace ike
