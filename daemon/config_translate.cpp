#include "daemon/config_translate.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>

#include "daemon/address_conv.hpp"
#include "daemon/config/secret_match.hpp"
#include "daemon/pool_translate.hpp"

namespace ikev2d {
namespace {

using std::chrono::duration_cast;
using ms = std::chrono::milliseconds;

std::unexpected<std::string> fail(std::string message) {
    return std::unexpected(std::move(message));
}

ike::ts_range to_range(const config::traffic_selector& ts) {
    ike::ts_range r;
    const auto& a = ts.subnet.address;
    r.ipv6 = a.family == config::ip_family::ipv6;
    const std::size_t size = a.size();
    for (std::size_t i = 0; i < size; ++i) {
        const int bits_in_byte =
            std::clamp(static_cast<int>(ts.subnet.length) - static_cast<int>(i * 8), 0, 8);
        const auto host_mask = static_cast<std::uint8_t>(0xff >> bits_in_byte);
        r.start[i] = a.octets[i];
        r.end[i] = static_cast<std::uint8_t>(a.octets[i] | host_mask);
    }
    r.protocol = ts.protocol;
    r.start_port = ts.ports.from;
    r.end_port = ts.ports.to;
    return r;
}

/// The identity as the engine knows it from the same text (the config
/// loader's structs already carry type and payload bytes).
ike::identity from_config_identity(const config::identity& id) {
    ike::identity out;
    out.any = id.any;
    out.type = id.type;
    out.data = id.data;
    return out;
}

std::expected<std::vector<ike::ip_addr>, std::string> resolve(const std::string& name) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* res = nullptr;
    if (const int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &res); rc != 0) {
        return fail("cannot resolve " + name + ": " + ::gai_strerror(rc));
    }
    std::vector<ike::ip_addr> out;
    for (const addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
        const auto a = from_sockaddr(ai->ai_addr, ai->ai_addrlen);
        if (a && std::ranges::find(out, a->ip) == out.end()) out.push_back(a->ip);
    }
    ::freeaddrinfo(res);
    return out;
}

// swanctl's `force` only changes IKEv1; for IKEv2 it is `yes`.
ike::fragmentation_policy fragmentation_of(config::fragmentation_mode m) {
    switch (m) {
        case config::fragmentation_mode::no:
            return ike::fragmentation_policy::no;
        case config::fragmentation_mode::accept:
            return ike::fragmentation_policy::accept;
        case config::fragmentation_mode::yes:
        case config::fragmentation_mode::force:
            break;
    }
    return ike::fragmentation_policy::yes;
}

std::expected<std::vector<ike::ip_addr>, std::string> translate_addrs(
    const std::vector<config::peer_address>& list, bool allow_names) {
    std::vector<ike::ip_addr> out;
    for (const auto& entry : list) {
        if (const auto* ip = std::get_if<config::ip_address>(&entry)) {
            out.push_back(to_ike(*ip));
        } else if (std::holds_alternative<config::ip_prefix>(entry)) {
            return fail("address prefix " + config::to_string(entry) +
                        " is not supported yet (use %any or IP addresses)");
        } else if (const auto* name = std::get_if<config::host_name>(&entry)) {
            if (!allow_names)
                return fail("DNS name " + name->name + " is not supported in local_addrs");
            auto resolved = resolve(name->name);
            if (!resolved) return std::unexpected(resolved.error());
            out.insert(out.end(), resolved->begin(), resolved->end());
        }
    }
    return out;
}

bool has_kernel_extras(const config::child_config& c) {
    return c.mark_in != config::mark{} || c.mark_out != config::mark{} ||
           c.if_id_in != config::interface_id{} || c.if_id_out != config::interface_id{};
}

std::expected<ike::auth_kind, std::string> auth_kind_of(config::auth_class a) {
    switch (a) {
        case config::auth_class::psk:
            return ike::auth_kind::psk;
        case config::auth_class::pubkey:
            return ike::auth_kind::pubkey;
        case config::auth_class::eap_mschapv2:
        case config::auth_class::eap_tls:
            return ike::auth_kind::eap;
    }
    return fail("unknown auth");
}

// The gateway's side: which method, and whose EAP identity.
ike::eap_responder_config remote_eap_of(const config::auth_config& remote) {
    ike::eap_responder_config out;
    out.methods = {remote.auth == config::auth_class::eap_tls ? ike::eap_type::tls
                                                              : ike::eap_type::mschapv2};
    out.ask_identity = remote.eap_id == "%any";
    if (!out.ask_identity) out.identity = remote.eap_id;
    return out;
}

// The client's side: our user name and its password from `secrets`.
std::expected<void, std::string> add_local_eap(const config::auth_config& local,
                                               std::span<const config::eap_secret> secrets,
                                               ike::ike_sa_config& out) {
    const auto* s = config::find_eap_secret(secrets, local.eap_user());
    if (!s) return fail("local: no eap secret for our EAP user '" + local.eap_user() + "'");
    out.local_eap_identity = local.eap_id;
    out.local_eap_password = std::make_shared<const ike::secret>(s->password);
    return {};
}

std::shared_ptr<const ike::local_certificate> local_certificate_of(const config::auth_config& a) {
    if (a.certs.empty() || !a.key) return nullptr;
    return std::make_shared<const ike::local_certificate>(
        ike::local_certificate{a.certs.front(), {a.certs.begin() + 1, a.certs.end()}, a.key});
}

// The CAs of the named authorities (all when none is named) in one store.
std::expected<std::shared_ptr<const ike::trust_anchors>, std::string> trust_of(
    const config::auth_config& remote, std::span<const config::authority_config> authorities) {
    std::vector<ike::certificate> cas;
    std::vector<ike::revocation_list> crls;
    for (const auto& a : authorities) {
        if (!remote.cacerts.empty() &&
            std::ranges::find(remote.cacerts, a.name) == remote.cacerts.end())
            continue;
        cas.insert(cas.end(), a.cacerts.begin(), a.cacerts.end());
        crls.insert(crls.end(), a.crls.begin(), a.crls.end());
    }
    if (cas.empty()) return fail("remote auth pubkey, but no CA certificate to trust");
    auto store = ike::trust_store::create(
        cas, crls,
        remote.strict_revocation ? ike::crl_policy::required : ike::crl_policy::if_available);
    if (!store) return fail("trusted CAs: " + store.error().message());
    return std::make_shared<const ike::trust_anchors>(
        ike::trust_anchors{std::move(*store), std::move(cas)});
}

ike::send_cert_policy send_cert_of(config::send_cert_mode m) {
    switch (m) {
        case config::send_cert_mode::ifasked:
            return ike::send_cert_policy::ifasked;
        case config::send_cert_mode::never:
            return ike::send_cert_policy::never;
        case config::send_cert_mode::always:
            break;
    }
    return ike::send_cert_policy::always;
}

// auth kinds, our certificate and the CAs for the peer's.
std::expected<void, std::string> add_auth(const config::connection_config& conn,
                                          const config::credentials& creds,
                                          ike::ike_sa_config& out) {
    auto local = auth_kind_of(conn.local.auth);
    if (!local) return fail("local.auth: " + local.error());
    auto remote = auth_kind_of(conn.remote.auth);
    if (!remote) return fail("remote.auth: " + remote.error());
    out.local_auth = *local, out.remote_auth = *remote;
    if (out.local_auth == ike::auth_kind::pubkey) {
        out.local_cert = local_certificate_of(conn.local);
        if (!out.local_cert) return fail("local: auth pubkey without a certificate and key");
        out.rsa_pss = conn.local.rsa_pss;
    }
    // EAP-TLS checks the client's certificate inside EAP, with the same CAs.
    if (out.remote_auth == ike::auth_kind::pubkey ||
        conn.remote.auth == config::auth_class::eap_tls) {
        auto trust = trust_of(conn.remote, creds.authorities);
        if (!trust) return fail("remote: " + trust.error());
        out.trust = std::move(*trust);
        out.remote_eku = conn.remote.eku;
    }
    if (out.remote_auth == ike::auth_kind::eap) out.remote_eap = remote_eap_of(conn.remote);
    if (out.local_auth == ike::auth_kind::eap) {
        if (auto ok = add_local_eap(conn.local, creds.eap_secrets, out); !ok) return ok;
    }
    out.send_cert = send_cert_of(conn.send_cert);
    out.send_certreq = conn.send_certreq;
    return {};
}

std::expected<void, std::string> add_children(const config::connection_config& conn,
                                              ike::ike_sa_config& out) {
    for (const auto& child : conn.children) {
        auto c = translate_child(child);
        if (!c) return fail("children." + child.name + ": " + c.error());
        out.children.push_back(std::move(*c));
    }
    return {};
}

}  // namespace

std::string translate_error::to_string() const {
    return "connections." + connection + ": " + message;
}

std::expected<ike::identity, std::string> translate_identity(const config::identity& id) {
    return from_config_identity(id);
}

std::expected<std::vector<ike::ts_range>, std::string> translate_ts(
    const std::vector<config::traffic_selector>& list) {
    const auto dynamic = std::ranges::count_if(list, [](const auto& ts) { return ts.dynamic; });
    if (dynamic == static_cast<std::ptrdiff_t>(list.size())) return std::vector<ike::ts_range>{};
    if (dynamic != 0) return fail("'dynamic' together with subnets is not supported yet");
    std::vector<ike::ts_range> out;
    std::ranges::transform(list, std::back_inserter(out), to_range);
    return out;
}

std::expected<ike::child_sa_config, std::string> translate_child(
    const config::child_config& child) {
    if (has_kernel_extras(child)) return fail("marks and interface ids are not supported yet");
    if (child.ipcomp || child.hw_offload) return fail("ipcomp and hw_offload are not supported");
    ike::child_sa_config out;
    out.name = child.name;
    auto local = translate_ts(child.local_ts);
    if (!local) return fail("local_ts: " + local.error());
    auto remote = translate_ts(child.remote_ts);
    if (!remote) return fail("remote_ts: " + remote.error());
    out.local_ts = std::move(*local), out.remote_ts = std::move(*remote);
    out.esp_proposals = child.esp_proposals;
    out.mode = child.mode == config::ipsec_mode::tunnel ? ike::ipsec_mode::tunnel
                                                        : ike::ipsec_mode::transport;
    out.rekey_time = duration_cast<ms>(child.rekey_time);
    out.life_time = duration_cast<ms>(child.life_time);
    out.rand_time = duration_cast<ms>(child.rand_time);
    out.rekey_bytes = child.rekey_bytes, out.life_bytes = child.life_bytes;
    out.rekey_packets = child.rekey_packets, out.life_packets = child.life_packets;
    out.rand_bytes = child.rand_bytes, out.rand_packets = child.rand_packets;
    out.replay_window = child.replay_window;
    switch (child.dpd_action) {
        case config::peer_dead_action::clear:
            out.dpd_action = ike::peer_dead_action::clear;
            break;
        case config::peer_dead_action::trap:
            out.dpd_action = ike::peer_dead_action::trap;
            break;
        case config::peer_dead_action::restart:
            out.dpd_action = ike::peer_dead_action::restart;
            break;
    }
    return out;
}

std::expected<ike::ike_sa_config, std::string> translate_connection(
    const config::connection_config& conn, const config::credentials& creds) {
    ike::ike_sa_config out;
    if (auto ok = add_auth(conn, creds, out); !ok) return std::unexpected(ok.error());
    out.name = conn.name;
    auto local = translate_addrs(conn.local_addrs, false);
    if (!local) return fail("local_addrs: " + local.error());
    auto remote = translate_addrs(conn.remote_addrs, true);
    if (!remote) return fail("remote_addrs: " + remote.error());
    out.local_addrs = std::move(*local), out.remote_addrs = std::move(*remote);
    out.remote_port = conn.remote_port;
    out.proposals = conn.proposals;
    auto local_id = translate_identity(conn.local.id);
    if (!local_id) return fail("local.id: " + local_id.error());
    auto remote_id = translate_identity(conn.remote.id);
    if (!remote_id) return fail("remote.id: " + remote_id.error());
    out.local_id = std::move(*local_id), out.remote_id = std::move(*remote_id);
    out.dpd_delay = duration_cast<ms>(conn.dpd_delay);
    out.rekey_time = duration_cast<ms>(conn.rekey_time);
    out.reauth_time = duration_cast<ms>(conn.reauth_time);
    out.rand_time = duration_cast<ms>(conn.rand_time);
    out.fragmentation = fragmentation_of(conn.fragmentation);
    out.honour_initial_contact = conn.unique != config::unique_policy::never;
    if (auto ok = add_children(conn, out); !ok) return std::unexpected(ok.error());
    translate_virtual_ips(conn, out);
    return out;
}

translation translate(const config::config& cfg) {
    translation out;
    for (const auto& conn : cfg.connections) {
        auto c = translate_connection(conn, config::credentials_of(cfg));
        if (c) {
            // An IKE_SA we initiate sends from our IKE socket's port.
            c->local_port = cfg.daemon.ike_port;
            out.connections.push_back(std::make_shared<const ike::ike_sa_config>(std::move(*c)));
        } else {
            out.errors.push_back({conn.name, c.error()});
        }
    }
    return out;
}

ike::eap_user_store eap_users_of(std::span<const config::eap_secret> secrets) {
    ike::eap_user_store users;
    for (const auto& s : secrets) {
        for (const auto& id : s.ids) users.add(id, s.password);
    }
    return users;
}

const ike::secret* config_psk_store::find(const ike::identity& local,
                                          const ike::id_payload& remote) const {
    config::identity l = config::identity::make_any();
    if (!local.any) l.any = false, l.type = local.type, l.data = local.data;
    config::identity r;
    r.type = remote.type;
    r.data = remote.data;
    const auto* s = config::find_shared_secret(secrets_, l, r);
    return s == nullptr ? nullptr : &s->psk;
}

}  // namespace ikev2d
