#pragma once
// Time values as swanctl.conf writes them: a whole number of seconds, or a
// whole number with one unit suffix: s (seconds), m (minutes), h (hours),
// d (days). "30s", "5m", "4h", "1d", "90". No fractions, signs or blanks.
#include <chrono>
#include <expected>
#include <string_view>

#include "daemon/config/config_error.hpp"

namespace ikev2d::config {

/// Parses a duration. Errors (offset at the offending character): empty
/// value, not a number, unknown unit (with the units that exist), a value
/// above 100 years. The caller reports them against the config line.
std::expected<std::chrono::seconds, value_error> parse_duration(std::string_view text);

/// Formats a duration with the largest unit that divides it ("4h", "90s").
std::string format_duration(std::chrono::seconds value);

}  // namespace ikev2d::config
