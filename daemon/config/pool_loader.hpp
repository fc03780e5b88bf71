#pragma once
// YAML `pools` → pool_definition, and the connection keys that refer to
// pools (`pools`) or ask for virtual IPs (`vips`). Kept apart from
// connection_loader so that virtual IPs and authentication evolve in
// separate files. Internal to the config loader (config_loader.hpp is the API).
#include <vector>

#include "daemon/config/config.hpp"
#include "daemon/config/yaml_reader.hpp"

namespace ikev2d::config {

/// The keys load_virtual_ip_keys reads in a connection.
inline constexpr std::string_view virtual_ip_keys[] = {"pools", "vips"};

/// Loads the top-level `pools` map: NAME: {addrs, dns, dns_domains}.
/// Reports to `diag`: a missing or malformed `addrs` (an a-b range mixing
/// IPv4 and IPv6, reversed, or of more than 2^31 addresses; a prefix
/// length beyond the address), a malformed DNS server or domain.
std::vector<pool_definition> load_pools(diagnostics& diag, const located_node& node);

/// A connection's `pools` (names) and `vips` (addresses) keys.
void load_virtual_ip_keys(const schema_map& m, connection_config& c);

/// Every pool a connection names must be defined (error at the name, with a
/// "did you mean"); a connection with both `pools` and `vips` is an error
/// (it would be both gateway and client).
void validate_pool_references(diagnostics& diag, const config& cfg);

}  // namespace ikev2d::config
