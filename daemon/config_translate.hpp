#pragma once
// The YAML configuration (daemon/config) as the engine wants it
// (libike/engine/sa_config.hpp), and the configured secrets as the engine's
// psk_store. Config parsing stays out of the engine (STYLE point 11): the
// engine only ever sees these plain structs.
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "daemon/config/config.hpp"
#include "libike/eap/eap_user_store.hpp"
#include "libike/engine/sa_config.hpp"

namespace ikev2d {

/// One connection that could not be given to the engine, and why.
struct translate_error {
    std::string connection;
    std::string message;
    /// "connections.NAME: message".
    std::string to_string() const;
};

/// The engine's connection set for a config.
struct translation {
    std::vector<std::shared_ptr<const ike::ike_sa_config>> connections;
    std::vector<translate_error> errors;  ///< connections left out
};

/// Config identity → engine identity. Errors: a distinguished name (no DER
/// encoding yet).
std::expected<ike::identity, std::string> translate_identity(const config::identity& id);

/// Config selectors → engine ranges. An all-`dynamic` list becomes empty
/// (the engine's "the IKE address"). Errors: `dynamic` mixed with subnets.
std::expected<std::vector<ike::ts_range>, std::string> translate_ts(
    const std::vector<config::traffic_selector>& list);

/// One child. Errors: as translate_ts; marks or interface ids (not
/// supported by the daemon yet); ipcomp or hw_offload.
std::expected<ike::child_sa_config, std::string> translate_child(const config::child_config& child);

/// One connection. Addresses: %any entries are dropped (empty = any); DNS
/// names in remote_addrs are resolved now (getaddrinfo, both families).
/// With auth: pubkey, our certificate and key come from the connection and
/// the CAs from `authorities` (those named by remote cacerts, else all).
/// With local auth eap-mschapv2, our password comes from the eap secrets.
/// Errors: as translate_child and translate_identity; EAP-TLS; an address
/// prefix (engine matches exact addresses only); a DNS name that does not
/// resolve; a trust store OpenSSL cannot build.
std::expected<ike::ike_sa_config, std::string> translate_connection(
    const config::connection_config& conn, const config::credentials& creds = {});

/// Every connection of `cfg`; those that fail are listed in `errors`.
translation translate(const config::config& cfg);

/// The eap entries of `secrets` as the local EAP backend's users: every id
/// of an entry gets its password (a later entry wins).
ike::eap_user_store eap_users_of(std::span<const config::eap_secret> secrets);

/// The configured secrets as the engine's psk_store, chosen as charon does
/// (config::find_shared_secret: both identities match best, then one).
/// Holds its own copy of the secrets, so a reload can swap stores.
class config_psk_store final : public ike::psk_store {
  public:
    explicit config_psk_store(std::vector<config::shared_secret> secrets)
        : secrets_(std::move(secrets)) {}

    /// The key for `local` and the peer's `remote` ID payload, or nullptr.
    const ike::secret* find(const ike::identity& local,
                            const ike::id_payload& remote) const override;

    /// Replaces the secrets (reload).
    void replace(std::vector<config::shared_secret> secrets) { secrets_ = std::move(secrets); }

  private:
    std::vector<config::shared_secret> secrets_;
};

}  // namespace ikev2d
