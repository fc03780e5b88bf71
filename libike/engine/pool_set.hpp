#pragma once
// The engine's virtual IP pools by name (engine::set_pools). A reload that
// keeps a pool's addresses keeps its leases: clients that are online stay
// so, and offline leases stay reserved.
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "libike/engine/sa_config.hpp"
#include "libike/sa/address_pool.hpp"

namespace ike {

struct pool_entry {
    pool_config config;
    /// Shared with the IKE_SAs that hold leases from it, so that a pool
    /// removed by a reload still takes their releases.
    std::shared_ptr<address_pool> pool;
};

/// For ikev2ctl list-pools.
struct pool_info {
    std::string name;
    std::string addresses;  ///< "10.3.0.1-10.3.0.254"
    std::uint64_t size = 0, online = 0, offline = 0;
};

/// The pool's addresses as configured; errors as address_pool's factories.
std::expected<address_pool, pool_errc> make_pool(const pool_config& c);

class pool_set {
  public:
    /// Replaces the pools. A pool whose name, addresses and family are
    /// unchanged keeps its leases (its attributes may change). All or
    /// nothing: on error nothing changes.
    /// Errors: "pool 'NAME': WHAT" for a pool whose addresses are invalid,
    /// or a name given twice.
    std::expected<void, std::string> replace(std::vector<pool_config> configs);
    /// nullptr when there is no pool of that name.
    const pool_entry* find(std::string_view name) const;
    std::vector<pool_info> info() const;

  private:
    std::vector<pool_entry> pools_;  ///< a handful: a linear find is fine
};

}  // namespace ike
