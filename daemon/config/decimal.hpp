#pragma once
// Decimal numbers with a fraction, as charon writes its retransmission
// settings: "4", "1.8", "0.5". Digits, at most one point with digits on
// both sides; no sign, exponent or blanks.
#include <chrono>
#include <expected>
#include <string_view>

#include "daemon/config/config_error.hpp"

namespace ikev2d::config {

/// Parses a decimal number. Errors (offset at the offending character):
/// empty, not a number, a point without digits after it, trailing text.
std::expected<double, value_error> parse_decimal(std::string_view text);

/// A time in seconds with an optional fraction and an optional "s" suffix
/// ("4", "1.5", "0.25s"), to the millisecond. Errors: those of
/// parse_decimal, any other unit, more than three fractional digits.
std::expected<std::chrono::milliseconds, value_error> parse_decimal_seconds(std::string_view text);

}  // namespace ikev2d::config
