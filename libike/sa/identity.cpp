#include "libike/sa/identity.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "libike/crypto/certificate.hpp"
#include "libike/crypto/distinguished_name.hpp"

namespace ike {

namespace {

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           std::ranges::equal(text.substr(0, prefix.size()), prefix, [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

// Same data rules as the ID payload decoder (id_payload.hpp): a name is
// non-empty and free of control bytes, so what we send, it would accept.
std::optional<identity> name_id(id_type type, std::string_view text) {
    auto id = type == id_type::fqdn ? make_fqdn_id(text) : make_email_id(text);
    if (!id) return std::nullopt;
    return identity{type, std::move(id->data), false};
}

std::optional<identity> key_id(std::string_view hex) {
    bool ok = false;
    bytes data = from_hex(hex, &ok);
    if (!ok || data.empty()) return std::nullopt;
    return identity{id_type::key_id, std::move(data), false};
}

std::optional<identity> address_id(std::string_view text) {
    std::string s(text);
    std::array<std::uint8_t, 16> addr{};
    if (inet_pton(AF_INET, s.c_str(), addr.data()) == 1) {
        return identity{id_type::ipv4_addr, bytes(addr.begin(), addr.begin() + 4), false};
    }
    if (inet_pton(AF_INET6, s.c_str(), addr.data()) == 1) {
        return identity{id_type::ipv6_addr, bytes(addr.begin(), addr.end()), false};
    }
    return std::nullopt;
}

bool equal_ci(bytes_view a, bytes_view b) {
    // ASCII only: bytes >= 0x80 (internationalised names) compare exactly.
    auto lower = [](std::uint8_t c) {
        return c >= 'A' && c <= 'Z' ? static_cast<std::uint8_t>(c - 'A' + 'a') : c;
    };
    return std::ranges::equal(a, b,
                              [&](std::uint8_t x, std::uint8_t y) { return lower(x) == lower(y); });
}

}  // namespace

std::optional<identity> parse_identity(std::string_view text) {
    if (text == "%any" || text == "%any6" || text == "*") return identity{{}, {}, true};
    if (text.empty()) return std::nullopt;
    if (starts_with_ci(text, "fqdn:")) return name_id(id_type::fqdn, text.substr(5));
    if (starts_with_ci(text, "email:")) return name_id(id_type::rfc822_addr, text.substr(6));
    if (starts_with_ci(text, "rfc822:")) return name_id(id_type::rfc822_addr, text.substr(7));
    if (starts_with_ci(text, "keyid:")) {
        std::string_view value = text.substr(6);
        if (value.starts_with('#')) return key_id(value.substr(1));
        if (value.empty()) return std::nullopt;
        return identity{id_type::key_id, bytes(value.begin(), value.end()), false};
    }
    if (text.find('=') != std::string_view::npos) {
        auto der = dn_from_text(text);
        if (!der) return std::nullopt;
        return identity{id_type::der_asn1_dn, std::move(*der), false};
    }
    if (auto addr = address_id(text)) return addr;
    if (text.starts_with("@#")) return key_id(text.substr(2));
    if (text.starts_with("@@")) return name_id(id_type::rfc822_addr, text.substr(2));
    if (text.starts_with('@')) return name_id(id_type::fqdn, text.substr(1));
    if (text.find('@') != std::string_view::npos) return name_id(id_type::rfc822_addr, text);
    return name_id(id_type::fqdn, text);
}

id_payload to_id_payload(const identity& id) {
    if (id.any) return {id_type::null, {}};
    return {id.type, id.data};
}

bool matches(const identity& configured, const id_payload& received) {
    if (configured.any) return true;
    if (configured.type != received.type) return false;
    // RFC 4343: DNS names compare case-insensitively; charon treats RFC822
    // the same way (identification.c equals_strcasecmp).
    if (configured.type == id_type::fqdn || configured.type == id_type::rfc822_addr) {
        return equal_ci(configured.data, received.data);
    }
    if (configured.type == id_type::der_asn1_dn) return dn_matches(configured.data, received.data);
    return configured.data == received.data;
}

std::string to_string(const identity& id) {
    if (id.any) return "%any";
    std::string text = ike::to_string(id_payload{id.type, id.data});
    switch (id.type) {
        case id_type::key_id:
            return "@#" + to_hex(id.data);
        case id_type::der_asn1_dn:
            return dn_text(id.data);
        case id_type::fqdn: {
            // Plain text unless parse_identity would read it as something else.
            auto back = parse_identity(text);
            return back && *back == id ? text : "fqdn:" + text;
        }
        case id_type::rfc822_addr: {
            auto back = parse_identity(text);
            return back && *back == id ? text : "email:" + text;
        }
        default:
            return text;
    }
}

}  // namespace ike
