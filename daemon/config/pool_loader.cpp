// Virtual IP pools and the connection keys that use them (pool_loader.hpp).
#include "daemon/config/pool_loader.hpp"

#include <algorithm>

#include "libike/sa/address_pool.hpp"

namespace ikev2d::config {

namespace {

constexpr std::string_view pool_keys[] = {"addrs", "dns", "dns_domains"};

// Where validate_pool_references finds a connection's pool name again.
std::string reference_key(std::string_view connection, std::string_view pool) {
    return "pool reference " + std::string(connection) + "/" + std::string(pool);
}

ike::ip_addr engine_address(const ip_address& a) {
    ike::ip_addr r;
    r.ipv6 = a.family == ip_family::ipv6;
    r.bytes = a.octets;
    return r;
}

// "10.3.0.0/24" or "10.3.0.10-10.3.0.50"; the pool's own factories decide
// what is valid, so the daemon and the engine agree.
std::expected<pool_definition, value_error> parse_addrs(std::string_view text) {
    pool_definition p;
    const auto dash = text.find('-');
    const auto slash = text.find('/');
    const auto first = text.substr(0, std::min(dash, slash));
    auto base = parse_ip_address(first);
    if (!base) return std::unexpected(base.error());
    p.base = *base;
    std::expected<ike::address_pool, ike::pool_errc> check =
        std::unexpected(ike::pool_errc::bad_range);
    std::size_t at = 0;
    if (dash != std::string_view::npos) {
        at = dash + 1;
        auto last = parse_ip_address(text.substr(at));
        if (!last)
            return std::unexpected(value_error{at + last.error().offset, last.error().message});
        p.range = true;
        p.last = *last;
        check = ike::address_pool::from_range(engine_address(p.base), engine_address(p.last));
    } else if (slash != std::string_view::npos) {
        at = slash + 1;
        unsigned length = 0;
        const auto digits = text.substr(at);
        if (digits.empty() || digits.size() > 3 ||
            !std::ranges::all_of(digits, [](char c) { return c >= '0' && c <= '9'; }))
            return std::unexpected(value_error{at, "prefix length must be a number"});
        for (char c : digits) length = length * 10 + static_cast<unsigned>(c - '0');
        p.prefix_length = static_cast<std::uint8_t>(std::min(length, 255u));
        check = ike::address_pool::from_prefix(engine_address(p.base), length);
    } else {
        p.prefix_length = p.base.max_prefix();  // one address
        check = ike::address_pool::from_prefix(engine_address(p.base), p.prefix_length);
    }
    if (!check)
        return std::unexpected(value_error{at, std::string(ike::to_string(check.error())) +
                                                   " (write 10.3.0.0/24 or 10.3.0.10-10.3.0.50)"});
    return p;
}

// A search domain in DNS presentation format (RFC 8598 §4: A-labels).
std::expected<std::string, value_error> parse_domain(std::string_view text) {
    if (text.empty() || text.size() > 253)
        return std::unexpected(value_error{0, "a domain has 1 to 253 characters"});
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
        if (!ok)
            return std::unexpected(value_error{
                i, "not a domain character (internationalised names go in A-label form, xn--...)"});
    }
    return std::string(text);
}

pool_definition load_pool(diagnostics& diag, const map_entry& entry) {
    schema_map m(diag, entry.value, pool_keys);
    pool_definition p;
    if (auto s = m.get_scalar("addrs")) {
        if (auto parsed = parse_value(diag, *s, parse_addrs)) p = *parsed;
    } else if (m.valid()) {
        m.error_missing("pool '" + entry.key.value +
                        "' needs addrs (a prefix like 10.3.0.0/24 or a range like "
                        "10.3.0.10-10.3.0.50)");
    }
    p.name = entry.key.value;
    if (auto items = m.get_list("dns"))
        for (const auto& s : *items)
            if (auto a = parse_value(diag, s, parse_ip_address)) p.dns.push_back(*a);
    if (auto items = m.get_list("dns_domains"))
        for (const auto& s : *items)
            if (auto d = parse_value(diag, s, parse_domain)) p.dns_domains.push_back(*d);
    return p;
}

}  // namespace

std::vector<pool_definition> load_pools(diagnostics& diag, const located_node& node) {
    std::vector<pool_definition> out;
    auto entries = read_map(diag, node);
    if (!entries) return out;
    for (const auto& e : *entries) out.push_back(load_pool(diag, e));
    return out;
}

void load_virtual_ip_keys(const schema_map& m, connection_config& c) {
    if (auto items = m.get_list("pools"))
        for (const auto& s : *items) {
            m.diag().note_key(reference_key(c.name, s.value), s.line, s.column);
            c.pools.push_back(s.value);
        }
    if (auto items = m.get_list("vips"))
        for (const auto& s : *items) {
            auto a = parse_value(m.diag(), s, parse_ip_address);
            if (!a) continue;
            if (std::ranges::any_of(c.vips, [&](const auto& v) { return v.family == a->family; }))
                m.diag().error(s, "one virtual IP per address family");
            else
                c.vips.push_back(*a);
        }
}

void validate_pool_references(diagnostics& diag, const config& cfg) {
    std::vector<std::string_view> names;
    for (const auto& p : cfg.pools) names.push_back(p.name);
    for (const auto& c : cfg.connections) {
        const std::string path = "connections." + c.name + ".pools";
        for (const auto& name : c.pools) {
            if (std::ranges::find(names, name) != names.end()) continue;
            auto [line, column] = diag.position_of(reference_key(c.name, name));
            diag.error(line, column, path,
                       "no pool named '" + name + "' in pools" + did_you_mean(name, names));
        }
        if (!c.pools.empty() && !c.vips.empty()) {
            auto [line, column] = diag.position_of(reference_key(c.name, c.pools.front()));
            diag.error(line, column, path,
                       "a connection lends virtual IPs (pools) or asks for one (vips), not both");
        }
    }
}

}  // namespace ikev2d::config
