#pragma once
// Byte buffers used throughout libike. Plain aliases: a datagram is a
// std::vector of octets, a borrowed view of one is a span.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ike {

using bytes = std::vector<std::uint8_t>;
using bytes_view = std::span<const std::uint8_t>;

/// Lower-case hex of `data`, for logs of public values (SPIs, nonces) and tests.
std::string to_hex(bytes_view data);

/// Parses hex (upper or lower case; spaces, colons and newlines are ignored).
/// Returns an empty optional-like result via `ok=false` on odd length or a bad digit.
bytes from_hex(std::string_view hex, bool* ok = nullptr);

inline bytes_view as_view(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace ike
