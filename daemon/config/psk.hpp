#pragma once
// Pre-shared keys as configured: the value forms of swanctl's `secret`
// (plain text, 0x hex, 0s base64) and key files. Decoded keys live only in
// ike::secret; no error message here ever contains key material.
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

#include "daemon/config/config_error.hpp"
#include "libike/common/secret.hpp"

namespace ikev2d::config {

/// Decodes a PSK value: "0x..." is hex (blanks and colons ignored), "0s..."
/// is base64, anything else is taken byte for byte. Errors (offset at the
/// bad character, the key itself never quoted): empty key, bad hex digit,
/// odd number of hex digits, bad base64.
std::expected<ike::secret, value_error> decode_psk(std::string_view text);

/// Minimum lengths below which load_config warns: 20 characters for a plain
/// key, 16 bytes for a hex or base64 one (those are usually random).
inline constexpr std::size_t min_plain_psk_chars = 20;
inline constexpr std::size_t min_encoded_psk_bytes = 16;

/// True when a key given as `text` and decoded to `key` is shorter than the
/// minimums above.
bool is_weak_psk(std::string_view text, const ike::secret& key);

/// Reads a key file whole and strips one trailing "\n" or "\r\n". Errors
/// (as text for the operator): the file cannot be opened (with strerror),
/// is not a regular file, is larger than 64 KiB, or is empty.
std::expected<ike::secret, std::string> read_psk_file(const std::filesystem::path& path);

/// True when group or others have any permission on `path` (mode & 077);
/// false when it cannot be stat()ed.
bool is_group_or_world_accessible(const std::filesystem::path& path);

}  // namespace ikev2d::config
