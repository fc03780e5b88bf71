#pragma once
// Traffic selectors as the engine works with them, and narrowing
// (RFC 7296 §2.9, §3.13.1).
//
// A ts_range is one selector: an inclusive address range of one family, an IP
// protocol (0 = any) and an inclusive port range (0-65535 = any). A list of
// them is their union; one CHILD_SA may carry IPv4 and IPv6 selectors
// together. Port ranges with start > end (the RFC 4301 OPAQUE selector) are
// kept when decoded but match nothing here.
#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libike/codec/parse_error.hpp"
#include "libike/codec/ts_payload.hpp"

namespace ike {

struct ts_range {
    bool ipv6 = false;
    /// Network byte order; IPv4 uses the first 4 bytes, the rest stay zero.
    std::array<std::uint8_t, 16> start{}, end{};
    std::uint8_t protocol = 0;  ///< 0 = any
    std::uint16_t start_port = 0, end_port = 65535;

    /// 4 or 16.
    std::size_t address_size() const { return ipv6 ? 16 : 4; }
    bool any_protocol() const { return protocol == 0; }
    bool any_port() const { return start_port == 0 && end_port == 65535; }
    /// True when it selects nothing (start > end in addresses or ports).
    bool empty() const;
    /// True when every packet `inner` selects is selected by this one.
    bool contains(const ts_range& inner) const;

    /// The whole address space of a family, any protocol and port.
    static ts_range any(bool ipv6);

    friend bool operator==(const ts_range&, const ts_range&) = default;
};

/// Parses a selector for config and tests: "10.1.0.0/24", "fd00::/64", a host
/// "10.1.2.3" / "fd00::1", a range "10.1.0.5-10.1.0.9", each optionally
/// followed by "[proto]" or "[proto/port]" / "[proto/from-to]" with proto
/// tcp, udp, icmp, icmpv6, sctp, any, or a number; port a number or any.
/// Host bits under the prefix are cleared ("10.1.0.7/24" → 10.1.0.0/24).
/// Returns nullopt for anything else (bad address, prefix too long, range
/// of mixed families or start > end, bad suffix).
std::optional<ts_range> ts_from_cidr(std::string_view cidr);

/// "10.1.0.0/24" when the range is a prefix (hosts as "/32", "/128"), else
/// "10.1.0.5-10.1.0.9"; IPv6 in RFC 5952 form. A "[tcp/443]"-style suffix
/// when protocol or ports are not any ("[udp]", "[6/1000-2000]",
/// "[any/53]", "[udp/opaque]"). ts_from_cidr parses it back (except opaque).
std::string to_string(const ts_range& ts);

/// A list as "[10.1.0.0/24, fd00::/64]", for logs.
std::string to_string(std::span<const ts_range> list);

/// Wire form, in order (TS_IPV4_ADDR_RANGE / TS_IPV6_ADDR_RANGE).
/// Precondition: at most 255 selectors.
ts_payload to_ts_payload(std::span<const ts_range> list);

/// Engine form of a decoded TSi/TSr payload, in order.
/// Errors (parse_errc, payload = tsi, offset 0 since the message offset is
/// gone by now; the caller answers TS_UNACCEPTABLE or INVALID_SYNTAX):
/// bad_value for an unknown TS type or start address > end address,
/// bad_length for an address whose size does not match its type.
std::expected<std::vector<ts_range>, parse_error> from_ts_payload(const ts_payload& payload);

/// The selector both allow, or nullopt when they share nothing (other
/// family, disjoint addresses, protocols or ports). Protocol 0 yields the
/// other's protocol.
std::optional<ts_range> intersect(const ts_range& a, const ts_range& b);

/// Responder narrowing result.
struct ts_narrowing {
    std::vector<ts_range> tsi, tsr;
};

/// Why narrowing failed; `explanation` names both sides' selectors, e.g.
/// "traffic selectors do not match (no overlap in TSr): peer proposed
/// [10.2.0.0/16] === [10.3.0.0/16], we accept [10.2.0.0/16] === [10.1.0.0/24]".
struct ts_mismatch {
    std::string explanation;
};

/// Responder narrowing (RFC 7296 §2.9): TSi = every non-empty intersection of
/// a peer TSi with one of `our_remote`, TSr likewise with `our_local`, in the
/// peer's order (then ours). Duplicates and selectors contained in an earlier
/// or later result are dropped, as charon does; so the §2.9 "first selector
/// is the triggering packet" is kept only when nothing wider covers it, and
/// the union is unchanged either way.
/// Errors: ts_mismatch when TSi or TSr comes out empty (the caller answers
/// TS_UNACCEPTABLE and logs the explanation).
std::expected<ts_narrowing, ts_mismatch> narrow(std::span<const ts_range> peer_tsi,
                                                std::span<const ts_range> peer_tsr,
                                                std::span<const ts_range> our_remote,
                                                std::span<const ts_range> our_local);

/// Initiator check: true when each selector of `inner` lies entirely within
/// one selector of `outer` (a responder that narrows by intersection always
/// satisfies this; one whose selector spans two of ours is refused). Empty
/// `inner` is a subset of anything.
bool is_subset(std::span<const ts_range> inner, std::span<const ts_range> outer);

}  // namespace ike
