#pragma once
// IP addresses, CIDR prefixes and the peer addresses of a connection
// (swanctl local_addrs/remote_addrs): literals, prefixes, `%any` and DNS names.
#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <variant>

#include "daemon/config/config_error.hpp"

namespace ikev2d::config {

enum class ip_family : std::uint8_t { ipv4, ipv6 };

struct ip_address {
    ip_family family = ip_family::ipv4;
    std::array<std::uint8_t, 16> octets{};  ///< IPv4 uses the first 4

    /// 4 or 16.
    std::size_t size() const { return family == ip_family::ipv4 ? 4 : 16; }
    /// 32 or 128.
    std::uint8_t max_prefix() const { return static_cast<std::uint8_t>(size() * 8); }
    /// Canonical text (inet_ntop).
    std::string to_string() const;
    friend bool operator==(const ip_address&, const ip_address&) = default;
};

/// A network: address with all bits past `length` zero.
struct ip_prefix {
    ip_address address;
    std::uint8_t length = 0;

    /// True for a /32 or /128, i.e. one host.
    bool is_host() const { return length == address.max_prefix(); }
    /// "10.1.0.0/16".
    std::string to_string() const;
    friend bool operator==(const ip_prefix&, const ip_prefix&) = default;
};

/// A parsed prefix and whether bits past the length had to be cleared.
struct parsed_prefix {
    ip_prefix prefix;
    bool host_bits_cleared = false;
};

/// Parses an IPv4 or IPv6 literal (inet_pton syntax, no brackets, no zone).
/// Error: not an address.
std::expected<ip_address, value_error> parse_ip_address(std::string_view text);

/// Parses "addr/len" or a bare address (a host prefix, /32 or /128). Host
/// bits after the length are cleared, as charon does, and reported through
/// host_bits_cleared so the loader can warn. Errors: bad address, bad or
/// out-of-range length (offset at the length).
std::expected<parsed_prefix, value_error> parse_prefix(std::string_view text);

/// `%any` (also written `any`, `%any4`, `%any6`, `0.0.0.0`, `::`).
struct any_address {
    friend bool operator==(const any_address&, const any_address&) = default;
};
/// A DNS name, resolved by the daemon when it initiates.
struct host_name {
    std::string name;
    friend bool operator==(const host_name&, const host_name&) = default;
};
/// One entry of local_addrs/remote_addrs.
using peer_address = std::variant<any_address, ip_address, ip_prefix, host_name>;

/// True when `text` is one of the spellings of %any.
bool is_any_address(std::string_view text);

/// Parses a local_addrs/remote_addrs entry: %any, an IP literal, a CIDR
/// prefix (matches peers as responder) or a DNS name (RFC 1123 labels).
/// Errors: an invalid literal that looks numeric (e.g. 10.0.0.256), an
/// address range (not supported yet), a malformed name.
std::expected<peer_address, value_error> parse_peer_address(std::string_view text);

/// The address as the user would write it.
std::string to_string(const peer_address& address);

}  // namespace ikev2d::config
