#pragma once
// XFRM marks and interface ids of a CHILD_SA (swanctl mark_in, mark_out,
// if_id_in, if_id_out): "value[/mask]" with decimal or 0x-hex numbers, or
// one of charon's placeholders that the daemon fills in per CHILD_SA.
#include <cstdint>
#include <expected>
#include <string_view>

#include "daemon/config/config_error.hpp"

namespace ikev2d::config {

/// Placeholders: %unique (one value per CHILD_SA), %unique-dir (one per
/// CHILD_SA and direction), %same (mark_out only: the same as mark_in).
enum class unique_value : std::uint8_t { none, unique, unique_dir, same };

struct mark {
    std::uint32_t value = 0;  ///< 0 = no mark (the default)
    std::uint32_t mask = 0xffffffff;
    unique_value placeholder = unique_value::none;
    friend bool operator==(const mark&, const mark&) = default;
};

struct interface_id {
    std::uint32_t value = 0;  ///< 0 = none (the default)
    unique_value placeholder = unique_value::none;
    friend bool operator==(const interface_id&, const interface_id&) = default;
};

/// Parses a mark: "42", "0x2a/0xff", "%unique", "%unique-dir/0xff00",
/// "%same" when `allow_same`. Errors: bad number (offset at it), a
/// placeholder that does not exist (or %same where not allowed).
std::expected<mark, value_error> parse_mark(std::string_view text, bool allow_same);

/// Parses an interface id: a number, %unique or %unique-dir.
std::expected<interface_id, value_error> parse_interface_id(std::string_view text);

}  // namespace ikev2d::config
