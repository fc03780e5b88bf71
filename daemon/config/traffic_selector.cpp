#include "daemon/config/traffic_selector.hpp"

#include <array>
#include <charconv>
#include <optional>

#include "daemon/config/suggest.hpp"

namespace ikev2d::config {

namespace {

struct protocol_name {
    std::string_view name;
    std::uint8_t number;
};

constexpr std::array<protocol_name, 6> protocol_names{{
    {"icmp", 1},
    {"tcp", 6},
    {"udp", 17},
    {"icmpv6", 58},
    {"ipv6-icmp", 58},
    {"sctp", 132},
}};

std::optional<unsigned> parse_number(std::string_view text, unsigned max) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value > max) {
        return std::nullopt;
    }
    return value;
}

std::expected<std::uint8_t, value_error> parse_protocol(std::string_view text, std::size_t offset) {
    if (text.empty() || text == "%any") return 0;
    for (const auto& p : protocol_names) {
        if (p.name == text) return p.number;
    }
    if (auto number = parse_number(text, 255)) return static_cast<std::uint8_t>(*number);
    std::array<std::string_view, protocol_names.size()> names{};
    for (std::size_t i = 0; i < names.size(); ++i) names[i] = protocol_names[i].name;
    return std::unexpected(value_error{offset, "unknown protocol '" + std::string(text) +
                                                   "'; use tcp, udp, icmp, icmpv6, sctp or "
                                                   "a number 0..255" +
                                                   did_you_mean(text, names)});
}

std::expected<port_range, value_error> parse_ports(std::string_view text, std::size_t offset) {
    if (text.empty() || text == "%any") return port_range{};
    std::size_t dash = text.find('-');
    auto from = parse_number(text.substr(0, dash), 65535);
    auto to = dash == std::string_view::npos ? from : parse_number(text.substr(dash + 1), 65535);
    if (!from || !to) {
        return std::unexpected(value_error{offset, "invalid port '" + std::string(text) +
                                                       "'; expected 0..65535 or a range "
                                                       "like 1000-2000"});
    }
    if (*from > *to) {
        return std::unexpected(
            value_error{offset, "port range '" + std::string(text) + "' is empty (from > to)"});
    }
    return port_range{static_cast<std::uint16_t>(*from), static_cast<std::uint16_t>(*to)};
}

// The "[proto/port]" part, starting at text[open] == '['.
std::expected<void, value_error> parse_suffix(std::string_view text, std::size_t open,
                                              traffic_selector& ts) {
    if (text.back() != ']') {
        return std::unexpected(value_error{open, "missing ']' after '[proto/port'"});
    }
    std::string_view inner = text.substr(open + 1, text.size() - open - 2);
    std::size_t slash = inner.find('/');
    auto protocol = parse_protocol(inner.substr(0, slash), open + 1);
    if (!protocol) return std::unexpected(protocol.error());
    ts.protocol = *protocol;
    if (slash == std::string_view::npos) return {};
    auto ports = parse_ports(inner.substr(slash + 1), open + 2 + slash);
    if (!ports) return std::unexpected(ports.error());
    ts.ports = *ports;
    return {};
}

}  // namespace

std::expected<traffic_selector, value_error> parse_traffic_selector(std::string_view text) {
    traffic_selector ts;
    std::size_t open = text.find('[');
    std::string_view net = text.substr(0, open);
    if (net == "dynamic") {
        ts.dynamic = true;
    } else {
        auto prefix = parse_prefix(net);
        if (!prefix) {
            return std::unexpected(value_error{prefix.error().offset,
                                               prefix.error().message +
                                                   "; expected a subnet (10.1.0.0/16), an address "
                                                   "or 'dynamic'"});
        }
        ts.subnet = prefix->prefix;
        ts.host_bits_cleared = prefix->host_bits_cleared;
    }
    if (open != std::string_view::npos) {
        if (auto ok = parse_suffix(text, open, ts); !ok) return std::unexpected(ok.error());
    }
    return ts;
}

std::string traffic_selector::to_string() const {
    std::string out = dynamic ? "dynamic" : subnet.to_string();
    if (protocol == 0 && ports.is_any()) return out;
    out += "[" + (protocol == 0 ? std::string("%any") : std::to_string(protocol));
    if (!ports.is_any()) {
        out += "/" + std::to_string(ports.from);
        if (ports.to != ports.from) out += "-" + std::to_string(ports.to);
    }
    return out + "]";
}

}  // namespace ikev2d::config
