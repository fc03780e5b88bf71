#pragma once
// ikev2ctl's human output: the daemon's JSON responses (docs/control-protocol.md)
// as aligned tables and swanctl-like SA blocks. Pure functions of the JSON, so
// they are tested without a daemon; missing members print as "-", never throw.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/control_protocol.hpp"

namespace ikev2d::ctl {

/// Columns padded to their widest cell, two blanks apart, a header line
/// first; trailing blanks trimmed. Rows shorter than `header` are padded.
std::string format_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows);

/// A time span for people: its largest unit and the next one when not 0
/// ("45s", "52m 10s", "1h", "3h 58m", "2d 4h"); "0s" for 0 or less.
std::string format_span(std::int64_t seconds);

/// `status`: key/value lines.
std::string format_status(const nlohmann::json& body);

/// `list-conns`: one table row per connection, then its children indented.
std::string format_conns(const nlohmann::json& body);

/// `list-sas`: one block per IKE_SA, as `swanctl --list-sas` prints them,
/// with each CHILD_SA's state, time to rekey and to expiry, SPIs, selectors
/// and traffic counters.
std::string format_sas(const nlohmann::json& body);

/// `list-pools`: one table row per pool (size, online and offline leases).
std::string format_pools(const nlohmann::json& body);

/// The human output for any successful response to `cmd`.
std::string format_response(control::command cmd, const nlohmann::json& body);

}  // namespace ikev2d::ctl
