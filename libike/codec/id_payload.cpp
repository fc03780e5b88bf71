#include "libike/codec/id_payload.hpp"

#include <algorithm>
#include <cstdio>

namespace ike {

namespace {

parse_error fail(parse_errc code, std::size_t at, const char* what) {
    return {code, at, payload_type::idi, what};
}

bool is_control(std::uint8_t c) {
    return c < 0x20 || c == 0x7f;
}

// Names end up in logs, config matching and certificate comparisons. A NUL
// would truncate them in any C API on the way and other control bytes allow
// log forging, while no legitimate FQDN or e-mail address contains them
// (§3.5 calls both "strings"). Non-ASCII bytes are left to the matcher.
std::expected<void, parse_error> check_text(bytes_view data, std::size_t at) {
    auto bad = std::ranges::find_if(data, is_control);
    if (bad != data.end()) {
        auto index = static_cast<std::size_t>(bad - data.begin());
        return std::unexpected(fail(parse_errc::bad_value, at + index, "control byte in name"));
    }
    return {};
}

std::expected<void, parse_error> check_data(id_type type, bytes_view data, std::size_t at) {
    switch (type) {
        case id_type::ipv4_addr:
            if (data.size() != 4) return std::unexpected(fail(parse_errc::bad_length, at, "IPv4"));
            return {};
        case id_type::ipv6_addr:
            if (data.size() != 16) return std::unexpected(fail(parse_errc::bad_length, at, "IPv6"));
            return {};
        case id_type::fqdn:
        case id_type::rfc822_addr:
            if (data.empty()) return std::unexpected(fail(parse_errc::bad_length, at, "empty"));
            return check_text(data, at);
        case id_type::key_id:
        case id_type::der_asn1_dn:
        case id_type::der_asn1_gn:
            if (data.empty()) return std::unexpected(fail(parse_errc::bad_length, at, "empty"));
            return {};
        default:
            return {};
    }
}

std::string hex_group(std::uint16_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%x", static_cast<unsigned>(v));
    return buf;
}

std::string ipv4_to_string(bytes_view a) {
    return std::to_string(a[0]) + '.' + std::to_string(a[1]) + '.' + std::to_string(a[2]) + '.' +
           std::to_string(a[3]);
}

// RFC 5952 §4.2.3: the longest run of at least two zero groups; the first on a tie.
std::pair<std::size_t, std::size_t> longest_zero_run(const std::array<std::uint16_t, 8>& g) {
    std::size_t best_at = 8, best_len = 0;
    for (std::size_t i = 0; i < 8;) {
        std::size_t j = i;
        while (j < 8 && g[j] == 0) ++j;
        if (j - i > best_len) {
            best_at = i;
            best_len = j - i;
        }
        i = j == i ? i + 1 : j;
    }
    if (best_len < 2) return {8, 0};
    return {best_at, best_len};
}

std::string printable(bytes_view data) {
    std::string out;
    for (std::uint8_t c : data) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
            out += buf;
        }
    }
    return out;
}

std::optional<id_payload> make_checked(id_type type, bytes_view data) {
    if (!check_data(type, data, 0)) return std::nullopt;
    return id_payload{type, bytes(data.begin(), data.end())};
}

}  // namespace

std::expected<id_payload, parse_error> decode_id_payload(byte_reader& body) {
    std::size_t at = body.offset();
    auto type = body.u8();
    if (!type || !body.skip(3)) return std::unexpected(fail(parse_errc::truncated, at, "header"));
    id_payload id{static_cast<id_type>(*type), {}};
    std::size_t data_at = body.offset();
    bytes_view data = body.rest();
    if (auto ok = check_data(id.type, data, data_at); !ok) return std::unexpected(ok.error());
    id.data.assign(data.begin(), data.end());
    return id;
}

void encode_id_payload(const id_payload& p, byte_writer& out) {
    out.u8(static_cast<std::uint8_t>(p.type));
    out.zeros(3);
    out.append(p.data);
}

std::string ipv6_to_string(const std::array<std::uint8_t, 16>& a) {
    std::array<std::uint16_t, 8> g{};
    for (std::size_t i = 0; i < 8; ++i)
        g[i] = static_cast<std::uint16_t>(a[2 * i] << 8 | a[2 * i + 1]);
    // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad.
    if (std::all_of(g.begin(), g.begin() + 5, [](auto v) { return v == 0; }) && g[5] == 0xffff) {
        return "::ffff:" + ipv4_to_string(bytes_view(a).subspan(12));
    }
    auto [zero_at, zero_len] = longest_zero_run(g);
    std::string out;
    for (std::size_t i = 0; i < 8; ++i) {
        if (i == zero_at) {
            out += "::";
            i += zero_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        out += hex_group(g[i]);
    }
    return out;
}

std::string to_string(const id_payload& id) {
    switch (id.type) {
        case id_type::ipv4_addr:
            if (id.data.size() == 4) return ipv4_to_string(id.data);
            break;
        case id_type::ipv6_addr:
            if (id.data.size() == 16) {
                std::array<std::uint8_t, 16> a{};
                std::ranges::copy(id.data, a.begin());
                return ipv6_to_string(a);
            }
            break;
        case id_type::fqdn:
        case id_type::rfc822_addr:
            return printable(id.data);
        case id_type::key_id:
            return "keyid:" + to_hex(id.data);
        case id_type::der_asn1_dn:
            return "asn1dn:" + to_hex(id.data);
        default:
            break;
    }
    return to_string(id.type) + ':' + to_hex(id.data);
}

id_payload make_ipv4_id(const std::array<std::uint8_t, 4>& address) {
    return {id_type::ipv4_addr, bytes(address.begin(), address.end())};
}

id_payload make_ipv6_id(const std::array<std::uint8_t, 16>& address) {
    return {id_type::ipv6_addr, bytes(address.begin(), address.end())};
}

std::optional<id_payload> make_fqdn_id(std::string_view fqdn) {
    return make_checked(id_type::fqdn, as_view(fqdn));
}

std::optional<id_payload> make_email_id(std::string_view email) {
    return make_checked(id_type::rfc822_addr, as_view(email));
}

std::optional<id_payload> make_key_id(bytes_view key_id) {
    return make_checked(id_type::key_id, key_id);
}

}  // namespace ike
