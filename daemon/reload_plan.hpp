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

/// The daemon settings a reload cannot apply (listen, ports, control_socket,
/// reqid_range) that differ between the running and the new config, one log
/// line each. reqid_range waits for a restart because the running daemon's
/// SAs, policies and traps carry reqids of its range, and only that range
/// finds and removes them at stop.
std::vector<std::string> restart_only_changes(const config::daemon_config& running,
                                              const config::daemon_config& next);

}  // namespace ikev2d
