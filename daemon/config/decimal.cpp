#include "daemon/config/decimal.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace ikev2d::config {

namespace {

// The length of the number at the start of `text` (digits[.digits]), and
// where a fraction starts (npos without one).
std::expected<std::pair<std::size_t, std::size_t>, value_error> scan(std::string_view text) {
    auto digits = [&](std::size_t from) {
        std::size_t i = from;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        return i;
    };
    const std::size_t whole = digits(0);
    if (whole == 0)
        return std::unexpected(value_error{0, "'" + std::string(text) + "' is not a number"});
    if (whole == text.size() || text[whole] != '.') return std::pair{whole, std::string_view::npos};
    const std::size_t end = digits(whole + 1);
    if (end == whole + 1)
        return std::unexpected(
            value_error{whole + 1, "'" + std::string(text) + "': digits must follow the point"});
    return std::pair{end, whole + 1};
}

}  // namespace

std::expected<double, value_error> parse_decimal(std::string_view text) {
    auto n = scan(text);
    if (!n) return std::unexpected(n.error());
    if (n->first != text.size())
        return std::unexpected(
            value_error{n->first, "'" + std::string(text) + "' is not a number (e.g. 1.8)"});
    double value = 0;
    std::from_chars(text.data(), text.data() + n->first, value);
    return value;
}

std::expected<std::chrono::milliseconds, value_error> parse_decimal_seconds(std::string_view text) {
    auto n = scan(text);
    if (!n) return std::unexpected(n.error());
    const std::string_view unit = text.substr(n->first);
    if (!unit.empty() && unit != "s")
        return std::unexpected(value_error{n->first, "unknown time unit '" + std::string(unit) +
                                                         "'; give seconds, e.g. 4 or 1.5s"});
    if (n->second != std::string_view::npos && n->first - n->second > 3)
        return std::unexpected(value_error{
            n->second + 3, "'" + std::string(text) + "': at most three decimals (milliseconds)"});
    double value = 0;
    std::from_chars(text.data(), text.data() + n->first, value);
    if (value > 1e9)
        return std::unexpected(value_error{0, "'" + std::string(text) + "' is too long"});
    return std::chrono::milliseconds(std::llround(value * 1000));
}

}  // namespace ikev2d::config
