#pragma once
// YAML `connections` → connection_config, including each connection's
// children. Internal to the config loader (config_loader.hpp is the API).
#include <filesystem>
#include <vector>

#include "daemon/config/config.hpp"
#include "daemon/config/yaml_reader.hpp"

namespace ikev2d::config {

/// Loads the `connections` map. Reports every problem to `diag` and keeps
/// going, so one run shows all of them; connections with errors are still
/// returned (the caller discards everything when diag.failed()).
/// Certificate and key files are read relative to `base_dir`.
std::vector<connection_config> load_connections(diagnostics& diag, const located_node& node,
                                                const std::filesystem::path& base_dir);

/// Loads a proposals/esp_proposals list (`default` expands to the default
/// set); an omitted key gives the default set.
std::vector<ike::proposal> load_proposals(const schema_map& map, std::string_view key,
                                          ike::protocol_id protocol);

}  // namespace ikev2d::config
