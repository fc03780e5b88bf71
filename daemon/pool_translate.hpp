#pragma once
// Virtual IP configuration (daemon/config pool_loader) as the engine wants
// it: the `pools` section as ike::pool_config, a connection's `pools` and
// `vips` on its ike_sa_config. Apart from config_translate.cpp so that
// authentication and virtual IPs change in separate files.
#include <vector>

#include "daemon/config/config.hpp"
#include "libike/engine/sa_config.hpp"

namespace ikev2d {

/// The configured pools, for engine::set_pools (validated by the loader).
std::vector<ike::pool_config> translate_pools(const config::config& cfg);

/// Copies a connection's pool names and virtual IP requests.
void translate_virtual_ips(const config::connection_config& conn, ike::ike_sa_config& out);

}  // namespace ikev2d
