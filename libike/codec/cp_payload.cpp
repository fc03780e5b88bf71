#include "libike/codec/cp_payload.hpp"

#include <algorithm>

namespace ike {

namespace {

constexpr std::uint16_t attr_reserved_bit = 0x8000;  // §3.15.1
constexpr std::size_t max_ip6_prefix = 128;

parse_error fail(parse_errc code, std::size_t at, const char* what) {
    return {code, at, payload_type::cp, what};
}

std::expected<cfg_attribute, parse_error> decode_attribute(byte_reader& r) {
    std::size_t at = r.offset();
    auto type = r.u16();
    auto length = r.u16();
    if (!type || !length) return std::unexpected(fail(parse_errc::truncated, at, "attribute"));
    auto value = r.take(*length);
    if (!value) return std::unexpected(fail(parse_errc::truncated, at + 2, "attribute length"));
    // The reserved bit is ignored on receipt (§3.15.1 does not ask receivers to check it).
    return cfg_attribute{static_cast<cfg_attr>(*type & ~attr_reserved_bit),
                         bytes(value->begin(), value->end())};
}

template <std::size_t n>
std::expected<std::optional<std::array<std::uint8_t, n>>, parse_error> read_fixed(
    const cfg_attribute& a, const char* what) {
    if (a.value.empty()) return std::nullopt;
    if (a.value.size() != n) return std::unexpected(fail(parse_errc::bad_length, 0, what));
    std::array<std::uint8_t, n> out{};
    std::ranges::copy(a.value, out.begin());
    return out;
}

template <std::size_t n>
cfg_attribute make_fixed(cfg_attr type, const std::optional<std::array<std::uint8_t, n>>& v) {
    cfg_attribute a{type, {}};
    if (v) a.value.assign(v->begin(), v->end());
    return a;
}

bool is_presentation_char(std::uint8_t c) {
    return c > 0x20 && c < 0x7f;
}

}  // namespace

std::expected<cp_payload, parse_error> decode_cp_payload(byte_reader& body) {
    std::size_t at = body.offset();
    auto type = body.u8();
    if (!type || !body.skip(3)) return std::unexpected(fail(parse_errc::truncated, at, "header"));
    cp_payload p{static_cast<cfg_type>(*type), {}};
    while (!body.empty()) {
        if (p.attributes.size() == max_cfg_attributes) {
            return std::unexpected(fail(parse_errc::too_many, body.offset(), "attributes"));
        }
        auto a = decode_attribute(body);
        if (!a) return std::unexpected(a.error());
        p.attributes.push_back(std::move(*a));
    }
    return p;
}

void encode_cp_payload(const cp_payload& p, byte_writer& out) {
    out.u8(static_cast<std::uint8_t>(p.type));
    out.zeros(3);
    for (const auto& a : p.attributes) {
        out.u16(
            static_cast<std::uint16_t>(static_cast<std::uint16_t>(a.type) & ~attr_reserved_bit));
        out.u16(static_cast<std::uint16_t>(a.value.size()));
        out.append(a.value);
    }
}

std::expected<std::optional<ip4_bytes>, parse_error> read_ip4_attribute(const cfg_attribute& a) {
    return read_fixed<4>(a, "IPv4 address size");
}

cfg_attribute make_ip4_attribute(cfg_attr type, const std::optional<ip4_bytes>& address) {
    return make_fixed(type, address);
}

std::expected<std::optional<ip6_prefix>, parse_error> read_ip6_address_attribute(
    const cfg_attribute& a) {
    auto raw = read_fixed<17>(a, "IPv6 address + prefix size");
    if (!raw) return std::unexpected(raw.error());
    if (!*raw) return std::nullopt;
    ip6_prefix p;
    std::copy_n((*raw)->begin(), 16, p.address.begin());
    p.prefix_length = (**raw)[16];
    if (p.prefix_length > max_ip6_prefix) {
        return std::unexpected(fail(parse_errc::bad_value, 16, "IPv6 prefix length"));
    }
    return p;
}

cfg_attribute make_ip6_address_attribute(const std::optional<ip6_prefix>& address) {
    cfg_attribute a{cfg_attr::internal_ip6_address, {}};
    if (address) {
        a.value.assign(address->address.begin(), address->address.end());
        a.value.push_back(address->prefix_length);
    }
    return a;
}

std::expected<std::optional<ip6_bytes>, parse_error> read_ip6_dns_attribute(
    const cfg_attribute& a) {
    return read_fixed<16>(a, "IPv6 address size");
}

cfg_attribute make_ip6_dns_attribute(const std::optional<ip6_bytes>& address) {
    return make_fixed(cfg_attr::internal_ip6_dns, address);
}

std::expected<std::optional<std::string>, parse_error> read_dns_domain_attribute(
    const cfg_attribute& a) {
    if (a.value.empty()) return std::nullopt;
    // RFC 8598 §4: presentation format with A-labels is plain printable ASCII;
    // a NUL terminator or anything else would make split-DNS rules match
    // names the peer never meant.
    auto bad = std::ranges::find_if_not(a.value, is_presentation_char);
    if (bad != a.value.end()) {
        auto at = static_cast<std::size_t>(bad - a.value.begin());
        return std::unexpected(fail(parse_errc::bad_value, at, "DNS domain character"));
    }
    return std::string(a.value.begin(), a.value.end());
}

cfg_attribute make_dns_domain_attribute(std::string_view domain) {
    bytes_view v = as_view(domain);
    return {cfg_attr::internal_dns_domain, bytes(v.begin(), v.end())};
}

}  // namespace ike
