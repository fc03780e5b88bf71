#pragma once
// Value types shared by SAs, policies and events: addresses, selectors,
// lifetimes, usage counters, marks. Plain data, no kernel headers; the
// conversions to and from the <linux/xfrm.h> structs live in xfrm_convert.hpp.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace xfrm {

inline constexpr std::uint16_t af_inet = 2;    ///< AF_INET
inline constexpr std::uint16_t af_inet6 = 10;  ///< AF_INET6
inline constexpr std::uint8_t proto_esp = 50;  ///< IPPROTO_ESP
inline constexpr std::uint64_t infinite = std::numeric_limits<std::uint64_t>::max();  ///< XFRM_INF

/// An IPv4 or IPv6 address; IPv4 uses the first 4 octets, like xfrm_address_t.
struct ip_address {
    std::uint16_t family = af_inet;
    std::array<std::uint8_t, 16> octets{};

    /// Parses dotted-quad or RFC 4291 text; nullopt if it is neither.
    static std::optional<ip_address> parse(std::string_view text);
    /// The all-zero address of `family` (0.0.0.0 or ::).
    static ip_address any(std::uint16_t family);
    std::string to_string() const;
    bool is_v6() const { return family == af_inet6; }
    friend bool operator==(const ip_address&, const ip_address&) = default;
};

/// Which packets an SA or policy applies to (xfrm_selector). A zero prefix
/// matches everything; a zero port or proto is a wildcard.
struct selector {
    ip_address src;
    ip_address dst;
    std::uint8_t src_prefix = 0;
    std::uint8_t dst_prefix = 0;
    std::uint8_t proto = 0;  ///< IPPROTO_*, 0 = any
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::int32_t ifindex = 0;

    std::uint16_t family() const { return src.family; }
    /// A selector for exactly one address pair (/32 or /128), any protocol.
    static selector host_pair(const ip_address& src, const ip_address& dst);
    friend bool operator==(const selector&, const selector&) = default;
};

/// Soft and hard limits (xfrm_lifetime_cfg); `infinite` / 0 seconds = none.
struct lifetime_limits {
    std::uint64_t soft_bytes = infinite;
    std::uint64_t hard_bytes = infinite;
    std::uint64_t soft_packets = infinite;
    std::uint64_t hard_packets = infinite;
    std::uint64_t soft_add_seconds = 0;
    std::uint64_t hard_add_seconds = 0;
    std::uint64_t soft_use_seconds = 0;
    std::uint64_t hard_use_seconds = 0;
    friend bool operator==(const lifetime_limits&, const lifetime_limits&) = default;
};

/// What an SA or policy has been used for (xfrm_lifetime_cur); times are
/// seconds since the epoch, use_time 0 = never used.
struct usage {
    std::uint64_t bytes = 0;
    std::uint64_t packets = 0;
    std::uint64_t add_time = 0;
    std::uint64_t use_time = 0;
    friend bool operator==(const usage&, const usage&) = default;
};

/// A firewall mark match (xfrm_mark); mask 0 with value 0 = no mark.
struct mark {
    std::uint32_t value = 0;
    std::uint32_t mask = 0;
    bool empty() const { return value == 0 && mask == 0; }
    friend bool operator==(const mark&, const mark&) = default;
};

/// SA / template encapsulation mode (XFRM_MODE_*).
enum class mode : std::uint8_t { transport = 0, tunnel = 1 };

/// Policy direction (XFRM_POLICY_IN/OUT/FWD).
enum class direction : std::uint8_t { in = 0, out = 1, fwd = 2 };

}  // namespace xfrm
