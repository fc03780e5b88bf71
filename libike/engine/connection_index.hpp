#pragma once
// The live IKE_SAs by connection name, those that initiate() can add
// CHILD_SAs to (established, or connecting as initiator) ahead of the others,
// so that initiate() finds such an IKE_SA, and learns whether a connection
// has another one (then it sends no INITIAL_CONTACT), in O(log n) rather
// than by a walk over every IKE_SA. Filed under a 64-bit hash of the name,
// compared exactly on lookup.
#include <compare>
#include <cstdint>
#include <map>
#include <string_view>

#include "libike/engine/outputs.hpp"

namespace ike {

class ike_sa;

class connection_index {
  public:
    /// Files `sa` again after a call that may have changed its state or
    /// connection: filed while it is not gone, unfiled otherwise. O(log n).
    /// Must be called before `sa` is destroyed.
    void update(ike_sa& sa);

    /// The lowest-numbered filed IKE_SA of `connection` that takes new
    /// CHILD_SAs; nullptr when there is none.
    ike_sa* usable(std::string_view connection) const;

    /// Whether an IKE_SA other than `sa` is filed under `sa`'s connection.
    bool has_other(const ike_sa& sa) const;

    std::size_t size() const { return sas_.size(); }

  private:
    struct key {
        std::uint64_t name;
        bool unusable;  ///< usable ones sort first
        ike_sa_id id;
        auto operator<=>(const key&) const = default;
    };
    std::map<key, ike_sa*> sas_;
};

}  // namespace ike
