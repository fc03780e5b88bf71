#include "libike/common/bytes.hpp"

namespace ike {

std::string to_hex(bytes_view data) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (std::uint8_t b : data) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bytes from_hex(std::string_view hex, bool* ok) {
    bytes out;
    int high = -1;
    bool good = true;
    for (char c : hex) {
        if (c == ' ' || c == ':' || c == '\n' || c == '\r' || c == '\t') continue;
        int v = hex_value(c);
        if (v < 0) {
            good = false;
            break;
        }
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(high << 4 | v));
            high = -1;
        }
    }
    if (high >= 0) good = false;
    if (ok) *ok = good;
    if (!good) out.clear();
    return out;
}

}  // namespace ike
