#include "daemon/config/config_validation.hpp"

#include <algorithm>

#include "daemon/config/secret_match.hpp"
#include "libike/eap/legacy_provider.hpp"

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
    if (c.remote.auth != auth_class::pubkey && c.remote.auth != auth_class::eap_tls) {
        if (!c.remote.cacerts.empty())
            report(diag, path + ".cacerts", "cacerts is used with auth: pubkey or eap-tls only",
                   true);
        return;
    }
    if (cfg.authorities.empty()) {
        report(diag, path + ".auth",
               "auth: " + std::string(c.remote.auth == auth_class::pubkey ? "pubkey" : "eap-tls") +
                   " needs a CA to check the peer's certificate: add an 'authorities' entry "
                   "with its cacert",
               true);
        return;
    }
    for (const auto& name : c.remote.cacerts) {
        if (!has_authority(cfg, name))
            report(diag, path + ".cacerts",
                   "no authority named '" + name + "'; define it under 'authorities'", true);
    }
}

// The gateway side: users to check, and a way to prove itself first
// (RFC 7296 §2.16: EAP only authenticates the client).
void check_remote_eap(diagnostics& diag, const config& cfg, const connection_config& c) {
    if (!is_eap(c.remote.auth)) return;
    const std::string path = "connections." + c.name;
    if (is_eap(c.local.auth)) {
        report(diag, path + ".local.auth",
               "with remote auth " +
                   std::string(c.remote.auth == auth_class::eap_tls ? "eap-tls" : "eap-mschapv2") +
                   " the gateway proves itself with pubkey (a certificate) or psk, not EAP",
               true);
    }
    if (c.remote.auth == auth_class::eap_tls && c.local.auth != auth_class::pubkey) {
        report(diag, path + ".local.auth",
               "with remote auth eap-tls the gateway needs a certificate for the TLS handshake: "
               "use auth: pubkey with certs and key",
               true);
    }
    if (c.remote.auth != auth_class::eap_mschapv2) return;
    if (cfg.eap_secrets.empty()) {
        report(diag, path + ".remote.auth",
               "auth eap-mschapv2 checks users' passwords, but 'secrets' has no EAP user; add "
               "an entry with ids: [USER] and eap: PASSWORD",
               true);
    } else if (!c.remote.eap_id.empty() && c.remote.eap_id != "%any" &&
               !find_eap_secret(cfg.eap_secrets, c.remote.eap_id)) {
        report(diag, path + ".remote.eap_id",
               "no eap secret in 'secrets' is for '" + c.remote.eap_id + "'", true);
    }
}

// The client side: our own password.
void check_local_eap(diagnostics& diag, const config& cfg, const connection_config& c) {
    if (c.local.auth != auth_class::eap_mschapv2) return;
    const std::string path = "connections." + c.name + ".local";
    const std::string& name = c.local.eap_user();
    if (c.local.eap_id.empty() && c.local.id.any) {
        report(diag, path + ".auth", "auth eap-mschapv2 needs a user name: set eap_id (or id)",
               true);
    } else if (!find_eap_secret(cfg.eap_secrets, name)) {
        report(diag, path + (c.local.eap_id.empty() ? ".id" : ".eap_id"),
               "no eap secret in 'secrets' is for our EAP user '" + name +
                   "'; add an entry with ids: [" + name + "] and eap: PASSWORD",
               true);
    }
}

// MS-CHAPv2 needs MD4 and DES from OpenSSL's legacy provider: say so at load
// rather than when the first road warrior fails.
void check_legacy_provider(diagnostics& diag, const config& cfg) {
    for (const auto& c : cfg.connections) {
        const bool remote = c.remote.auth == auth_class::eap_mschapv2;
        if (!remote && c.local.auth != auth_class::eap_mschapv2) continue;
        if (auto ok = ike::load_legacy_provider(); !ok) {
            report(diag, "connections." + c.name + (remote ? ".remote" : ".local") + ".auth",
                   ok.error().message(), true);
        }
        return;
    }
}

bool eap_secret_is_used(const eap_secret& s, const config& cfg) {
    return std::ranges::any_of(cfg.connections, [&](const connection_config& c) {
        if (c.remote.auth == auth_class::eap_mschapv2) return true;
        if (c.local.auth != auth_class::eap_mschapv2) return false;
        return std::ranges::find(s.ids, c.local.eap_user()) != s.ids.end();
    });
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
        check_remote_eap(diag, cfg, c);
        check_local_eap(diag, cfg, c);
    }
    check_legacy_provider(diag, cfg);
    for (const auto& s : cfg.eap_secrets) {
        if (!eap_secret_is_used(s, cfg)) {
            report(diag, "secrets[" + std::to_string(s.position) + "].ids",
                   "no connection uses EAP with these users; check auth and eap_id", false);
        }
    }
    for (std::size_t i = 0; i < cfg.secrets.size(); ++i) {
        if (!secret_is_used(cfg.secrets[i], cfg)) {
            report(diag, "secrets[" + std::to_string(cfg.secrets[i].position) + "].ids",
                   "no connection uses any of these identities; check them for typos", false);
        }
    }
}

}  // namespace ikev2d::config
