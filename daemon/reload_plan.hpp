#pragma once
// What a reload changes: which connections are new, gone, changed or the
// same, decided on a fingerprint of everything that affects the engine or
// the daemon's handling of a connection. Unchanged connections and their SAs
// are left alone; removed ones are torn down; changed ones are torn down and
// loaded anew (and started again per start_action).
#include <string>
#include <vector>

#include "daemon/config/config.hpp"

namespace ikev2d {

struct reload_plan {
    std::vector<std::string> added, removed, changed, unchanged;
};

/// A canonical text of a connection's settings (no secrets: PSKs live in
/// `secrets`, which a reload always replaces). Equal text = unchanged.
std::string connection_fingerprint(const config::connection_config& conn);

/// Compares connection sets by name and fingerprint; each list in the order
/// of the file it comes from.
reload_plan plan_reload(const config::config& old_cfg, const config::config& new_cfg);

}  // namespace ikev2d
