#include "daemon/config/mark.hpp"

#include <charconv>
#include <string>

namespace ikev2d::config {

namespace {

std::expected<std::uint32_t, value_error> parse_u32(std::string_view text, std::size_t offset) {
    int base = 10;
    std::string_view digits = text;
    if (text.starts_with("0x") || text.starts_with("0X")) {
        base = 16;
        digits = text.substr(2);
    }
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size()) {
        return std::unexpected(value_error{
            offset, "'" + std::string(text) + "' is not a 32-bit number (decimal or 0x hex)"});
    }
    return value;
}

std::expected<unique_value, value_error> parse_placeholder(std::string_view text, bool allow_same) {
    if (text == "%unique") return unique_value::unique;
    if (text == "%unique-dir") return unique_value::unique_dir;
    if (text == "%same" && allow_same) return unique_value::same;
    std::string choices = allow_same ? "%unique, %unique-dir or %same" : "%unique or %unique-dir";
    return std::unexpected(
        value_error{0, "unknown placeholder '" + std::string(text) + "'; use " + choices});
}

}  // namespace

std::expected<mark, value_error> parse_mark(std::string_view text, bool allow_same) {
    std::size_t slash = text.find('/');
    std::string_view value = text.substr(0, slash);
    mark out;
    if (value.starts_with('%')) {
        auto placeholder = parse_placeholder(value, allow_same);
        if (!placeholder) return std::unexpected(placeholder.error());
        out.placeholder = *placeholder;
    } else {
        auto number = parse_u32(value, 0);
        if (!number) return std::unexpected(number.error());
        out.value = *number;
    }
    if (slash != std::string_view::npos) {
        auto mask = parse_u32(text.substr(slash + 1), slash + 1);
        if (!mask) return std::unexpected(mask.error());
        out.mask = *mask;
    }
    return out;
}

std::expected<interface_id, value_error> parse_interface_id(std::string_view text) {
    interface_id out;
    if (text.starts_with('%')) {
        auto placeholder = parse_placeholder(text, false);
        if (!placeholder) return std::unexpected(placeholder.error());
        out.placeholder = *placeholder;
        return out;
    }
    auto number = parse_u32(text, 0);
    if (!number) return std::unexpected(number.error());
    out.value = *number;
    return out;
}

}  // namespace ikev2d::config
