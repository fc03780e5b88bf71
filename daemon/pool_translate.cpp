// Virtual IP configuration → engine structs (pool_translate.hpp).
#include "daemon/pool_translate.hpp"

#include "daemon/address_conv.hpp"

namespace ikev2d {

std::vector<ike::pool_config> translate_pools(const config::config& cfg) {
    std::vector<ike::pool_config> out;
    for (const auto& p : cfg.pools) {
        ike::pool_config c;
        c.name = p.name;
        c.base = to_ike(p.base);
        c.prefix_length = p.prefix_length;
        c.range = p.range;
        c.last = to_ike(p.last);
        for (const auto& d : p.dns) c.dns.push_back(to_ike(d));
        c.dns_domains = p.dns_domains;
        out.push_back(std::move(c));
    }
    return out;
}

void translate_virtual_ips(const config::connection_config& conn, ike::ike_sa_config& out) {
    out.pools = conn.pools;
    for (const auto& v : conn.vips) out.vips.push_back(to_ike(v));
}

}  // namespace ikev2d
