#include "daemon/config/duration.hpp"

#include <cstdint>
#include <string>

#include "daemon/config/count.hpp"

namespace ikev2d::config {

namespace {

constexpr std::int64_t max_seconds = 100LL * 365 * 86400;

std::expected<std::int64_t, value_error> unit_seconds(std::string_view unit, std::size_t offset) {
    if (unit.empty() || unit == "s") return 1;
    if (unit == "m") return 60;
    if (unit == "h") return 3600;
    if (unit == "d") return 86400;
    return std::unexpected(value_error{
        offset, "unknown time unit '" + std::string(unit) + "'; use s, m, h or d (e.g. 30s, 4h)"});
}

}  // namespace

std::expected<std::chrono::seconds, value_error> parse_duration(std::string_view text) {
    auto number = parse_leading_number(text);
    if (!number) return std::unexpected(number.error());
    auto [value, digits] = *number;
    auto unit = unit_seconds(text.substr(digits), digits);
    if (!unit) return std::unexpected(unit.error());
    if (value > static_cast<std::uint64_t>(max_seconds / *unit)) {
        return std::unexpected(
            value_error{0, "duration '" + std::string(text) + "' is too long (at most 100 years)"});
    }
    return std::chrono::seconds(static_cast<std::int64_t>(value) * *unit);
}

std::string format_duration(std::chrono::seconds value) {
    std::int64_t s = value.count();
    if (s != 0 && s % 86400 == 0) return std::to_string(s / 86400) + "d";
    if (s != 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
    if (s != 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
    return std::to_string(s) + "s";
}

}  // namespace ikev2d::config
