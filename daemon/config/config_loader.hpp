#pragma once
// Loads ikev2d.yaml into a validated `config`. The schema is swanctl.conf's
// vocabulary in YAML (see conf/ikev2d.yaml for a commented example; every
// default is documented in config.hpp):
//
//   daemon:      listen, ports {ike, natt}, control_socket, log {default, <subsystem>}
//   secrets:     - {ids: [...], psk: ... | psk_file: ...}
//   connections: <name>: {version, local_addrs, remote_addrs, local_port,
//                remote_port, proposals, local {auth, id}, remote {auth, id},
//                dpd_delay, dpd_timeout, rekey_time, reauth_time, over_time,
//                rand_time, keyingtries, fragmentation, unique, mobike, encap,
//                children: <name>: {local_ts, remote_ts, esp_proposals, mode,
//                rekey_time, life_time, rand_time, rekey_bytes, life_bytes,
//                rand_bytes, rekey_packets, life_packets, rand_packets,
//                start_action, close_action, dpd_action, ipcomp, replay_window,
//                mark_in, mark_out, if_id_in, if_id_out, hw_offload}}
//
// Lists may be YAML sequences or comma-separated strings, as in swanctl.
// Nothing throws: YAML syntax errors, unknown or duplicate keys, bad values
// and inconsistencies across sections all come back as config_errors, each
// with file:line:column and key path, up to max_errors of them.
#include <expected>
#include <filesystem>
#include <string_view>

#include "daemon/config/config.hpp"
#include "daemon/config/config_error.hpp"

namespace ikev2d::config {

/// Reads and loads `path`. psk_file paths are relative to the file's
/// directory. Besides the errors of load_config_string: the file cannot be
/// read (line 0). Warns when the file holds an inline psk and is accessible
/// by group or others.
std::expected<config, config_errors> load_config_file(const std::filesystem::path& path);

/// Loads YAML text; `display_name` stands for the file in messages, and
/// relative psk_file paths are resolved against `base_dir` (the current
/// directory when empty). For tests and for configs that do not come from a
/// file.
std::expected<config, config_errors> load_config_string(std::string_view yaml,
                                                        std::string_view display_name,
                                                        const std::filesystem::path& base_dir = {});

}  // namespace ikev2d::config
