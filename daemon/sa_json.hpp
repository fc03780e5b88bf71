#pragma once
// The JSON objects of the control protocol's list-sas and list-conns
// responses (docs/control-protocol.md), built from engine snapshots and the
// loaded config. Pure: times are passed in, usage counters looked up through
// a callback.
#include <functional>
#include <optional>

#include <nlohmann/json.hpp>

#include "daemon/config/config.hpp"
#include "daemon/kernel_adapter.hpp"
#include "libike/engine/engine.hpp"

namespace ikev2d {

/// Kernel counters of a CHILD_SA, or nullopt when unknown.
using usage_lookup = std::function<std::optional<child_usage>(ike::child_sa_id)>;

/// One IKE_SA with its children; "established" is seconds before `now`
/// (null while connecting); SPIs in hex as charon prints them. Each child
/// has its "state" and "rekey_in"/"expires_in": seconds from `now` to its
/// rekey and its hard expiry (0 when due, null when there is none).
nlohmann::json sa_to_json(const ike::ike_sa_info& sa, ike::time_point now,
                          const usage_lookup& usage);

/// One configured connection with its children.
nlohmann::json conn_to_json(const config::connection_config& conn);

/// "start", "trap", "none".
const char* action_name(config::child_action action);

}  // namespace ikev2d
