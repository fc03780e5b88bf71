#pragma once
// Byte and packet counts (rekey_bytes, life_packets, ...): a whole number,
// optionally with one binary multiplier suffix k, M or G (case-insensitive,
// 1024-based), as charon's vici plugin accepts them: "0", "500000", "512M",
// "4G".
#include <cstdint>
#include <expected>
#include <string_view>
#include <utility>

#include "daemon/config/config_error.hpp"

namespace ikev2d::config {

/// Parses a count. Errors: empty, not a number, unknown suffix, overflow
/// of 64 bits.
std::expected<std::uint64_t, value_error> parse_count(std::string_view text);

/// The decimal number at the start of `text` and how many characters it
/// took; an error when `text` does not start with a digit or the number
/// does not fit 64 bits. Shared by the duration and count parsers.
std::expected<std::pair<std::uint64_t, std::size_t>, value_error> parse_leading_number(
    std::string_view text);

}  // namespace ikev2d::config
