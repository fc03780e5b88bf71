#include "daemon/config/config_validation.hpp"

#include <algorithm>

#include "daemon/config/secret_match.hpp"

namespace ikev2d::config {

namespace {

bool uses_psk(const connection_config& c) {
    return c.local.auth == auth_class::psk || c.remote.auth == auth_class::psk;
}

void report(diagnostics& diag, const std::string& path, std::string message, bool is_error) {
    auto [line, column] = diag.position_of(path);
    if (is_error) {
        diag.error(line, column, path, std::move(message));
    } else {
        diag.warning(line, column, path, std::move(message));
    }
}

void check_psk_secret(diagnostics& diag, const config& cfg, const connection_config& c) {
    if (!uses_psk(c) || find_shared_secret(cfg.secrets, c.local.id, c.remote.id)) return;
    report(diag, "connections." + c.name,
           "uses auth: psk but no entry in 'secrets' matches its identities (local '" +
               c.local.id.text + "', remote '" + c.remote.id.text + "'); add a secret with ids: [" +
               c.local.id.text + ", " + c.remote.id.text + "]",
           true);
}

bool has_authority(const config& cfg, const std::string& name) {
    return std::any_of(cfg.authorities.begin(), cfg.authorities.end(),
                       [&](const authority_config& a) { return a.name == name; });
}

// A peer's certificate needs a CA to chain to: the named ones must exist.
void check_authorities(diagnostics& diag, const config& cfg, const connection_config& c) {
    const std::string path = "connections." + c.name + ".remote";
    if (c.remote.auth != auth_class::pubkey) {
        if (!c.remote.cacerts.empty())
            report(diag, path + ".cacerts", "cacerts is used with auth: pubkey only", true);
        return;
    }
    if (cfg.authorities.empty()) {
        report(diag, path + ".auth",
               "auth: pubkey needs a CA to check the peer's certificate: add an 'authorities' "
               "entry with its cacert",
               true);
        return;
    }
    for (const auto& name : c.remote.cacerts) {
        if (!has_authority(cfg, name))
            report(diag, path + ".cacerts",
                   "no authority named '" + name + "'; define it under 'authorities'", true);
    }
}

bool secret_is_used(const shared_secret& s, const config& cfg) {
    if (s.ids.empty()) return true;
    return std::any_of(cfg.connections.begin(), cfg.connections.end(), [&](const auto& c) {
        return std::any_of(s.ids.begin(), s.ids.end(), [&](const identity& id) {
            return id.any || id.same_as(c.local.id) || id.same_as(c.remote.id);
        });
    });
}

}  // namespace

void validate_config(diagnostics& diag, const config& cfg) {
    if (cfg.connections.empty()) {
        diag.warning(0, 0, "connections", "no connections defined; the daemon will do nothing");
    }
    for (const auto& c : cfg.connections) {
        check_psk_secret(diag, cfg, c);
        check_authorities(diag, cfg, c);
    }
    for (std::size_t i = 0; i < cfg.secrets.size(); ++i) {
        if (!secret_is_used(cfg.secrets[i], cfg)) {
            report(diag, "secrets[" + std::to_string(i) + "].ids",
                   "no connection uses any of these identities; check them for typos", false);
        }
    }
}

}  // namespace ikev2d::config
