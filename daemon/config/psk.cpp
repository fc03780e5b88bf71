#include "daemon/config/psk.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace ikev2d::config {

namespace {

constexpr std::size_t max_psk_file_size = 64 * 1024;

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int base64_digit(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// Decodes into a secret sized up front, so no unwiped copy of the key exists.
std::expected<ike::secret, value_error> decode_hex(std::string_view hex, std::size_t offset) {
    ike::secret out(hex.size() / 2);
    std::size_t n = 0;
    int high = -1;
    for (std::size_t i = 0; i < hex.size(); ++i) {
        char c = hex[i];
        if (c == ' ' || c == ':') continue;
        int v = hex_digit(c);
        if (v < 0) return std::unexpected(value_error{offset + i, "invalid hex digit in key"});
        if (high < 0) {
            high = v;
        } else {
            out.data()[n++] = static_cast<std::uint8_t>(high << 4 | v);
            high = -1;
        }
    }
    if (high >= 0) {
        return std::unexpected(value_error{offset, "hex key has an odd number of digits"});
    }
    return n == 0 ? std::expected<ike::secret, value_error>(
                        std::unexpected(value_error{offset, "empty hex key after '0x'"}))
                  : out.slice(0, n);
}

std::expected<ike::secret, value_error> decode_base64(std::string_view b64, std::size_t offset) {
    while (!b64.empty() && b64.back() == '=') b64.remove_suffix(1);
    ike::secret out(b64.size() * 3 / 4);
    std::size_t n = 0;
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::size_t i = 0; i < b64.size(); ++i) {
        int v = base64_digit(b64[i]);
        if (v < 0)
            return std::unexpected(value_error{offset + i, "invalid base64 character in key"});
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.data()[n++] = static_cast<std::uint8_t>(acc >> bits);
        }
    }
    if (n == 0) return std::unexpected(value_error{offset, "empty base64 key after '0s'"});
    return out.slice(0, n);
}

}  // namespace

std::expected<ike::secret, value_error> decode_psk(std::string_view text) {
    if (text.empty()) return std::unexpected(value_error{0, "empty pre-shared key"});
    if (text.starts_with("0x")) return decode_hex(text.substr(2), 2);
    if (text.starts_with("0s")) return decode_base64(text.substr(2), 2);
    return ike::secret(ike::as_view(text));
}

bool is_weak_psk(std::string_view text, const ike::secret& key) {
    bool encoded = text.starts_with("0x") || text.starts_with("0s");
    return encoded ? key.size() < min_encoded_psk_bytes : key.size() < min_plain_psk_chars;
}

std::expected<ike::secret, std::string> read_psk_file(const std::filesystem::path& path) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file)
        return std::unexpected("cannot read '" + path.string() + "': " + std::strerror(errno));
    struct stat st {};
    if (fstat(fileno(file.get()), &st) != 0 || !S_ISREG(st.st_mode)) {
        return std::unexpected("'" + path.string() + "' is not a regular file");
    }
    if (static_cast<std::size_t>(st.st_size) > max_psk_file_size) {
        return std::unexpected("'" + path.string() + "' is larger than 64 KiB; is it a key file?");
    }
    ike::secret content(static_cast<std::size_t>(st.st_size));
    std::size_t got = std::fread(content.data(), 1, content.size(), file.get());
    std::size_t n = got;
    if (n > 0 && content.data()[n - 1] == '\n') --n;
    if (n > 0 && n < got && content.data()[n - 1] == '\r') --n;
    if (n == 0) return std::unexpected("'" + path.string() + "' is empty");
    return content.slice(0, n);
}

bool is_group_or_world_accessible(const std::filesystem::path& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0;
}

}  // namespace ikev2d::config
