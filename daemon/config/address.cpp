#include "daemon/config/address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <string>

namespace ikev2d::config {

namespace {

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// RFC 1123 host name: dot-separated labels of 1..63 letters, digits and
// hyphens, not starting or ending with a hyphen; at most 253 characters.
std::expected<void, value_error> check_host_name(std::string_view text) {
    if (text.size() > 253) return std::unexpected(value_error{0, "DNS name is too long"});
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = std::min(text.find('.', start), text.size());
        std::string_view label = text.substr(start, end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return std::unexpected(
                value_error{start, "invalid DNS name label '" + std::string(label) + "'"});
        }
        auto bad = std::find_if_not(label.begin(), label.end(), is_name_char);
        if (bad != label.end()) {
            return std::unexpected(
                value_error{start + static_cast<std::size_t>(bad - label.begin()),
                            "'" + std::string(text) + "' is neither an IP address nor a DNS name"});
        }
        start = end + 1;
    }
    return {};
}

bool looks_numeric(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || c == '.'; }) ||
           text.find(':') != std::string_view::npos;
}

void clear_host_bits(ip_prefix& p, bool& cleared) {
    for (std::size_t i = 0; i < p.address.size(); ++i) {
        int keep = std::clamp(static_cast<int>(p.length) - static_cast<int>(i * 8), 0, 8);
        auto mask = static_cast<std::uint8_t>(0xff00 >> keep);
        if (p.address.octets[i] & ~mask) cleared = true;
        p.address.octets[i] &= mask;
    }
}

}  // namespace

std::string ip_address::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(family == ip_family::ipv4 ? AF_INET : AF_INET6, octets.data(), buf, sizeof buf);
    return buf;
}

std::string ip_prefix::to_string() const {
    return address.to_string() + "/" + std::to_string(length);
}

std::expected<ip_address, value_error> parse_ip_address(std::string_view text) {
    std::string s(text);
    ip_address out;
    if (inet_pton(AF_INET, s.c_str(), out.octets.data()) == 1) return out;
    out.family = ip_family::ipv6;
    if (inet_pton(AF_INET6, s.c_str(), out.octets.data()) == 1) return out;
    return std::unexpected(value_error{0, "'" + s + "' is not an IP address"});
}

std::expected<parsed_prefix, value_error> parse_prefix(std::string_view text) {
    std::size_t slash = text.find('/');
    auto address = parse_ip_address(text.substr(0, slash));
    if (!address) return std::unexpected(address.error());
    parsed_prefix out{{*address, address->max_prefix()}, false};
    if (slash == std::string_view::npos) return out;
    std::string_view len = text.substr(slash + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), value);
    if (len.empty() || ec != std::errc{} || end != len.data() + len.size() ||
        value > address->max_prefix()) {
        return std::unexpected(value_error{slash + 1, "invalid prefix length '" + std::string(len) +
                                                          "'; expected 0.." +
                                                          std::to_string(address->max_prefix())});
    }
    out.prefix.length = static_cast<std::uint8_t>(value);
    clear_host_bits(out.prefix, out.host_bits_cleared);
    return out;
}

bool is_any_address(std::string_view text) {
    return text == "%any" || text == "any" || text == "%any4" || text == "%any6" ||
           text == "0.0.0.0" || text == "::";
}

std::expected<peer_address, value_error> parse_peer_address(std::string_view text) {
    if (is_any_address(text)) return any_address{};
    if (auto ip = parse_ip_address(text)) return *ip;
    if (text.find('/') != std::string_view::npos) {
        auto prefix = parse_prefix(text);
        if (!prefix) return std::unexpected(prefix.error());
        return prefix->prefix;
    }
    std::size_t dash = text.find('-');
    if (dash != std::string_view::npos && parse_ip_address(text.substr(0, dash))) {
        return std::unexpected(value_error{dash,
                                           "address ranges are not supported yet; use a "
                                           "CIDR prefix"});
    }
    if (looks_numeric(text)) {
        return std::unexpected(value_error{0, "'" + std::string(text) + "' is not an IP address"});
    }
    if (auto ok = check_host_name(text); !ok) return std::unexpected(ok.error());
    return host_name{std::string(text)};
}

std::string to_string(const peer_address& address) {
    if (std::holds_alternative<any_address>(address)) return "%any";
    if (auto* ip = std::get_if<ip_address>(&address)) return ip->to_string();
    if (auto* prefix = std::get_if<ip_prefix>(&address)) return prefix->to_string();
    return std::get<host_name>(address).name;
}

}  // namespace ikev2d::config
