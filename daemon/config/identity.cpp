#include "daemon/config/identity.hpp"

#include <optional>

#include "daemon/config/address.hpp"
#include "libike/crypto/distinguished_name.hpp"

namespace ikev2d::config {

namespace {

identity make(ike::id_type type, std::string_view value, std::string_view text) {
    identity id;
    id.type = type;
    id.data.assign(value.begin(), value.end());
    id.text = text;
    return id;
}

std::expected<identity, value_error> key_id_hex(std::string_view hex, std::size_t offset,
                                                std::string_view text) {
    bool ok = false;
    ike::bytes data = ike::from_hex(hex, &ok);
    if (!ok || data.empty()) {
        return std::unexpected(value_error{
            offset, "key id '" + std::string(hex) + "' is not an even number of hex digits"});
    }
    identity id = make(ike::id_type::key_id, {}, text);
    id.data = std::move(data);
    return id;
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.starts_with(prefix);
}

// "fqdn:", "email:", "rfc822:", "keyid:" prefixes; nullopt when none applies.
std::optional<std::expected<identity, value_error>> parse_prefixed(std::string_view text) {
    struct prefix {
        std::string_view name;
        ike::id_type type;
    };
    constexpr prefix prefixes[] = {{"fqdn:", ike::id_type::fqdn},
                                   {"email:", ike::id_type::rfc822_addr},
                                   {"rfc822:", ike::id_type::rfc822_addr},
                                   {"keyid:", ike::id_type::key_id}};
    for (const auto& p : prefixes) {
        if (!starts_with(text, p.name)) continue;
        std::string_view value = text.substr(p.name.size());
        if (value.empty()) {
            return std::unexpected(
                value_error{p.name.size(), "empty identity after '" + std::string(p.name) + "'"});
        }
        if (p.type == ike::id_type::key_id && value.front() == '#') {
            return key_id_hex(value.substr(1), p.name.size() + 1, text);
        }
        return make(p.type, value, text);
    }
    return std::nullopt;
}

std::expected<identity, value_error> parse_at_form(std::string_view text) {
    if (starts_with(text, "@#")) return key_id_hex(text.substr(2), 2, text);
    if (starts_with(text, "@@")) return make(ike::id_type::rfc822_addr, text.substr(2), text);
    if (text.front() == '@') {
        if (text.size() == 1) return std::unexpected(value_error{0, "empty identity after '@'"});
        return make(ike::id_type::fqdn, text.substr(1), text);
    }
    return make(ike::id_type::rfc822_addr, text, text);
}

}  // namespace

identity identity::make_any() {
    identity id;
    id.any = true;
    id.text = "%any";
    return id;
}

bool identity::same_as(const identity& other) const {
    if (any || other.any) return any == other.any;
    if (type != other.type) return false;
    return type == ike::id_type::der_asn1_dn ? ike::dn_equal(data, other.data) : data == other.data;
}

bool identity::matches(const identity& other) const {
    if (!any && !other.any && type == ike::id_type::der_asn1_dn &&
        other.type == ike::id_type::der_asn1_dn)
        return ike::dn_matches(data, other.data);
    return any || same_as(other);
}

identity identity_from_address(const ip_address& address) {
    identity id;
    id.type = address.family == ip_family::ipv4 ? ike::id_type::ipv4_addr : ike::id_type::ipv6_addr;
    id.data.assign(address.octets.begin(), address.octets.begin() + address.size());
    id.text = address.to_string();
    return id;
}

std::expected<identity, value_error> parse_identity(std::string_view text) {
    if (text.empty() || text == "%any" || text == "%any6" || text == "*") {
        return identity::make_any();
    }
    if (auto prefixed = parse_prefixed(text)) return *prefixed;
    if (text.find('=') != std::string_view::npos) {
        auto der = ike::dn_from_text(text);
        if (!der) return std::unexpected(value_error{0, "distinguished name: " + der.error()});
        identity id = make(ike::id_type::der_asn1_dn, {}, text);
        id.data = std::move(*der);
        return id;
    }
    if (text.find('@') != std::string_view::npos) return parse_at_form(text);
    if (auto ip = parse_ip_address(text)) {
        identity id = identity_from_address(*ip);
        id.text = text;
        return id;
    }
    return make(ike::id_type::fqdn, text, text);
}

}  // namespace ikev2d::config
