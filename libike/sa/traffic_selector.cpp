#include "libike/sa/traffic_selector.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "libike/codec/id_payload.hpp"

namespace ike {

namespace {

using address = std::array<std::uint8_t, 16>;

// Addresses compare as big-endian numbers; the unused tail of an IPv4
// address is zero on both sides, so lexicographic order is numeric order.
bool less_eq(const address& a, const address& b) {
    return a <= b;
}

std::optional<address> parse_address(std::string_view text, bool& ipv6) {
    std::string s(text);
    address out{};
    if (inet_pton(AF_INET, s.c_str(), out.data()) == 1) {
        ipv6 = false;
        return out;
    }
    if (inet_pton(AF_INET6, s.c_str(), out.data()) == 1) {
        ipv6 = true;
        return out;
    }
    return std::nullopt;
}

std::string address_text(const address& a, bool ipv6) {
    if (ipv6) return ipv6_to_string(a);
    return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." +
           std::to_string(a[3]);
}

// The prefix length when [start, end] is exactly one CIDR block, else nullopt.
std::optional<unsigned> prefix_length(const ts_range& ts) {
    std::size_t bits = ts.address_size() * 8;
    for (unsigned len = 0; len <= bits; ++len) {
        bool ok = true;
        for (std::size_t bit = 0; bit < bits && ok; ++bit) {
            auto mask = static_cast<std::uint8_t>(0x80U >> (bit % 8));
            bool s = (ts.start[bit / 8] & mask) != 0;
            bool e = (ts.end[bit / 8] & mask) != 0;
            // Network bits equal; host bits 0 in start and 1 in end.
            ok = bit < len ? s == e : (!s && e);
        }
        if (ok) return len;
    }
    return std::nullopt;
}

struct protocol_name {
    std::uint8_t number;
    std::string_view name;
};
// Same names as the config syntax (daemon/config/traffic_selector.hpp).
constexpr std::array<protocol_name, 6> protocol_names{{
    {1, "icmp"},
    {6, "tcp"},
    {17, "udp"},
    {58, "icmpv6"},
    {132, "sctp"},
    {58, "ipv6-icmp"},
}};

template <typename T>
std::optional<T> parse_number(std::string_view text) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

std::optional<std::uint8_t> parse_protocol(std::string_view text) {
    if (text == "any" || text == "%any") return 0;
    for (const auto& p : protocol_names) {
        if (p.name == text) return p.number;
    }
    return parse_number<std::uint8_t>(text);
}

// "[proto]" or "[proto/port]" / "[proto/from-to]" into `ts`.
bool parse_suffix(std::string_view text, ts_range& ts) {
    if (text.size() < 2 || text.front() != '[' || text.back() != ']') return false;
    text = text.substr(1, text.size() - 2);
    auto slash = text.find('/');
    auto proto = parse_protocol(text.substr(0, slash));
    if (!proto) return false;
    ts.protocol = *proto;
    if (slash == std::string_view::npos) return true;
    std::string_view ports = text.substr(slash + 1);
    if (ports == "any" || ports == "%any") return true;
    auto dash = ports.find('-');
    auto from = parse_number<std::uint16_t>(ports.substr(0, dash));
    auto to =
        dash == std::string_view::npos ? from : parse_number<std::uint16_t>(ports.substr(dash + 1));
    if (!from || !to || *from > *to) return false;
    ts.start_port = *from;
    ts.end_port = *to;
    return true;
}

std::string suffix(const ts_range& ts) {
    if (ts.any_protocol() && ts.any_port()) return {};
    std::string out = "[";
    if (ts.any_protocol()) {
        out += "any";
    } else {
        auto it = std::ranges::find(protocol_names, ts.protocol, &protocol_name::number);
        out += it != protocol_names.end() ? std::string(it->name) : std::to_string(ts.protocol);
    }
    if (ts.start_port > ts.end_port) {
        out += "/opaque";
    } else if (ts.start_port == ts.end_port) {
        out += "/" + std::to_string(ts.start_port);
    } else if (!ts.any_port()) {
        out += "/" + std::to_string(ts.start_port) + "-" + std::to_string(ts.end_port);
    }
    return out + "]";
}

parse_error ts_error(parse_errc code, const char* detail) {
    return parse_error{code, 0, payload_type::tsi, detail};
}

}  // namespace

bool ts_range::empty() const {
    return !less_eq(start, end) || start_port > end_port;
}

bool ts_range::contains(const ts_range& inner) const {
    if (empty() || inner.empty()) return false;
    return ipv6 == inner.ipv6 && less_eq(start, inner.start) && less_eq(inner.end, end) &&
           (any_protocol() || protocol == inner.protocol) && start_port <= inner.start_port &&
           inner.end_port <= end_port;
}

ts_range ts_range::any(bool ipv6) {
    ts_range out;
    out.ipv6 = ipv6;
    std::fill_n(out.end.begin(), out.address_size(), std::uint8_t{0xff});
    return out;
}

std::optional<ts_range> ts_from_cidr(std::string_view cidr) {
    ts_range ts;
    auto bracket = cidr.find('[');
    if (bracket != std::string_view::npos) {
        if (!parse_suffix(cidr.substr(bracket), ts)) return std::nullopt;
        cidr = cidr.substr(0, bracket);
    }
    if (auto dash = cidr.find('-'); dash != std::string_view::npos) {
        bool v6_start = false, v6_end = false;
        auto start = parse_address(cidr.substr(0, dash), v6_start);
        auto end = parse_address(cidr.substr(dash + 1), v6_end);
        if (!start || !end || v6_start != v6_end || !less_eq(*start, *end)) return std::nullopt;
        ts.ipv6 = v6_start;
        ts.start = *start;
        ts.end = *end;
        return ts;
    }
    auto slash = cidr.find('/');
    auto addr = parse_address(cidr.substr(0, slash), ts.ipv6);
    if (!addr) return std::nullopt;
    auto bits = static_cast<unsigned>(ts.address_size() * 8);
    unsigned len = bits;
    if (slash != std::string_view::npos) {
        auto parsed = parse_number<unsigned>(cidr.substr(slash + 1));
        if (!parsed || *parsed > bits) return std::nullopt;
        len = *parsed;
    }
    // Clear host bits for start, set them for end.
    for (unsigned bit = len; bit < bits; ++bit) {
        auto mask = static_cast<std::uint8_t>(0x80U >> (bit % 8));
        (*addr)[bit / 8] &= static_cast<std::uint8_t>(~mask);
        ts.end[bit / 8] |= mask;
    }
    ts.start = *addr;
    for (unsigned byte = 0; byte < bits / 8; ++byte) ts.end[byte] |= (*addr)[byte];
    return ts;
}

std::string to_string(const ts_range& ts) {
    std::string out = address_text(ts.start, ts.ipv6);
    if (auto len = prefix_length(ts)) {
        out += "/" + std::to_string(*len);
    } else {
        out += "-" + address_text(ts.end, ts.ipv6);
    }
    return out + suffix(ts);
}

std::string to_string(std::span<const ts_range> list) {
    std::string out = "[";
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i != 0) out += ", ";
        out += to_string(list[i]);
    }
    return out + "]";
}

ts_payload to_ts_payload(std::span<const ts_range> list) {
    ts_payload out;
    for (const auto& ts : list) {
        traffic_selector wire;
        wire.type = ts.ipv6 ? ts_type::ipv6_addr_range : ts_type::ipv4_addr_range;
        wire.ip_protocol = ts.protocol;
        wire.ports = {ts.start_port, ts.end_port};
        auto n = static_cast<std::ptrdiff_t>(ts.address_size());
        wire.addresses.start.assign(ts.start.begin(), ts.start.begin() + n);
        wire.addresses.end.assign(ts.end.begin(), ts.end.begin() + n);
        out.selectors.push_back(std::move(wire));
    }
    return out;
}

std::expected<std::vector<ts_range>, parse_error> from_ts_payload(const ts_payload& payload) {
    std::vector<ts_range> out;
    for (const auto& wire : payload.selectors) {
        std::size_t size = address_size(wire.type);
        if (size == 0) return std::unexpected(ts_error(parse_errc::bad_value, "TS type"));
        if (wire.addresses.start.size() != size || wire.addresses.end.size() != size) {
            return std::unexpected(ts_error(parse_errc::bad_length, "TS address size"));
        }
        ts_range ts;
        ts.ipv6 = wire.type == ts_type::ipv6_addr_range;
        std::ranges::copy(wire.addresses.start, ts.start.begin());
        std::ranges::copy(wire.addresses.end, ts.end.begin());
        // §3.13.1 does not allow a reversed address range (unlike ports,
        // where start > end is RFC 4301's OPAQUE).
        if (!less_eq(ts.start, ts.end)) {
            return std::unexpected(ts_error(parse_errc::bad_value, "TS start address > end"));
        }
        ts.protocol = wire.ip_protocol;
        ts.start_port = wire.ports.start;
        ts.end_port = wire.ports.end;
        out.push_back(ts);
    }
    return out;
}

std::optional<ts_range> intersect(const ts_range& a, const ts_range& b) {
    if (a.ipv6 != b.ipv6 || a.empty() || b.empty()) return std::nullopt;
    if (!a.any_protocol() && !b.any_protocol() && a.protocol != b.protocol) return std::nullopt;
    ts_range out;
    out.ipv6 = a.ipv6;
    out.start = std::max(a.start, b.start);
    out.end = std::min(a.end, b.end);
    out.protocol = a.any_protocol() ? b.protocol : a.protocol;
    out.start_port = std::max(a.start_port, b.start_port);
    out.end_port = std::min(a.end_port, b.end_port);
    if (out.empty()) return std::nullopt;
    return out;
}

namespace {

// Every intersection of `peer` with `ours`, peer's order first, without
// duplicates or selectors another result already covers.
std::vector<ts_range> intersect_all(std::span<const ts_range> peer,
                                    std::span<const ts_range> ours) {
    std::vector<ts_range> all;
    for (const auto& p : peer) {
        for (const auto& o : ours) {
            if (auto both = intersect(p, o)) all.push_back(*both);
        }
    }
    std::vector<ts_range> out;
    for (std::size_t i = 0; i < all.size(); ++i) {
        bool redundant = false;
        for (std::size_t j = 0; j < all.size() && !redundant; ++j) {
            if (i == j || !all[j].contains(all[i])) continue;
            // Of two equal selectors keep the first.
            redundant = all[i] != all[j] || j < i;
        }
        if (!redundant) out.push_back(all[i]);
    }
    return out;
}

}  // namespace

std::expected<ts_narrowing, ts_mismatch> narrow(std::span<const ts_range> peer_tsi,
                                                std::span<const ts_range> peer_tsr,
                                                std::span<const ts_range> our_remote,
                                                std::span<const ts_range> our_local) {
    ts_narrowing out{intersect_all(peer_tsi, our_remote), intersect_all(peer_tsr, our_local)};
    if (!out.tsi.empty() && !out.tsr.empty()) return out;
    std::string where = out.tsi.empty() && out.tsr.empty() ? "TSi and TSr"
                        : out.tsi.empty()                  ? "TSi"
                                                           : "TSr";
    return std::unexpected(ts_mismatch{"traffic selectors do not match (no overlap in " + where +
                                       "): peer proposed " + to_string(peer_tsi) +
                                       " === " + to_string(peer_tsr) + ", we accept " +
                                       to_string(our_remote) + " === " + to_string(our_local)});
}

bool is_subset(std::span<const ts_range> inner, std::span<const ts_range> outer) {
    return std::ranges::all_of(inner, [&](const ts_range& i) {
        return std::ranges::any_of(outer, [&](const ts_range& o) { return o.contains(i); });
    });
}

}  // namespace ike
