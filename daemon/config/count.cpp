#include "daemon/config/count.hpp"

#include <charconv>
#include <string>
#include <system_error>

namespace ikev2d::config {

std::expected<std::pair<std::uint64_t, std::size_t>, value_error> parse_leading_number(
    std::string_view text) {
    if (text.empty()) return std::unexpected(value_error{0, "empty value; expected a number"});
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range) {
        return std::unexpected(value_error{0, "number '" + std::string(text) + "' is too large"});
    }
    if (ec != std::errc{}) {
        return std::unexpected(value_error{0, "'" + std::string(text) + "' is not a number"});
    }
    return std::pair{value, static_cast<std::size_t>(end - text.data())};
}

std::expected<std::uint64_t, value_error> parse_count(std::string_view text) {
    auto number = parse_leading_number(text);
    if (!number) return std::unexpected(number.error());
    auto [value, digits] = *number;
    std::string_view suffix = text.substr(digits);
    std::uint64_t factor = 1;
    if (suffix == "k" || suffix == "K") {
        factor = 1ULL << 10;
    } else if (suffix == "m" || suffix == "M") {
        factor = 1ULL << 20;
    } else if (suffix == "g" || suffix == "G") {
        factor = 1ULL << 30;
    } else if (!suffix.empty()) {
        return std::unexpected(value_error{
            digits, "unknown suffix '" + std::string(suffix) + "'; use k, M or G (or none)"});
    }
    if (value > UINT64_MAX / factor) {
        return std::unexpected(value_error{0, "number '" + std::string(text) + "' is too large"});
    }
    return value * factor;
}

}  // namespace ikev2d::config
