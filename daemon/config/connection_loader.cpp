#include "daemon/config/connection_loader.hpp"

#include <algorithm>
#include <array>

#include "daemon/config/count.hpp"
#include "daemon/config/credential_loader.hpp"
#include "daemon/config/default_proposals.hpp"
#include "daemon/config/duration.hpp"
#include "daemon/config/pool_loader.hpp"
#include "libike/crypto/distinguished_name.hpp"
#include "libike/proposal/proposal_string.hpp"

namespace ikev2d::config {

namespace {

constexpr std::string_view connection_keys[] = {
    "version",   "local_addrs", "remote_addrs", "local_port",    "remote_port", "proposals",
    "local",     "remote",      "dpd_delay",    "dpd_timeout",   "rekey_time",  "reauth_time",
    "over_time", "rand_time",   "keyingtries",  "fragmentation", "unique",      "mobike",
    "encap",     "send_cert",   "send_certreq", "children"};

constexpr std::string_view child_keys[] = {
    "local_ts",     "remote_ts",    "esp_proposals", "mode",       "rekey_time",    "life_time",
    "rand_time",    "rekey_bytes",  "life_bytes",    "rand_bytes", "rekey_packets", "life_packets",
    "rand_packets", "start_action", "close_action",  "dpd_action", "ipcomp",        "replay_window",
    "mark_in",      "mark_out",     "if_id_in",      "if_id_out",  "hw_offload"};

constexpr std::string_view local_auth_keys[] = {"auth", "id", "certs", "key", "rsa_pss", "eap_id"};
constexpr std::string_view remote_auth_keys[] = {"auth",        "id",         "cacerts",
                                                 "require_eku", "revocation", "eap_id"};

constexpr keyword<auth_class> auth_classes[] = {{"psk", auth_class::psk},
                                                {"pubkey", auth_class::pubkey},
                                                {"eap-mschapv2", auth_class::eap_mschapv2},
                                                {"eap-tls", auth_class::eap_tls}};
constexpr keyword<send_cert_mode> send_cert_modes[] = {{"always", send_cert_mode::always},
                                                       {"ifasked", send_cert_mode::ifasked},
                                                       {"never", send_cert_mode::never}};
constexpr keyword<ike::eku_requirement> eku_requirements[] = {
    {"none", ike::eku_requirement::none},
    {"serverAuth", ike::eku_requirement::server_auth},
    {"clientAuth", ike::eku_requirement::client_auth}};
constexpr keyword<bool> revocation_modes[] = {
    {"strict", true}, {"ifuri", false}, {"relaxed", false}};
constexpr keyword<fragmentation_mode> fragmentation_modes[] = {
    {"yes", fragmentation_mode::yes},
    {"no", fragmentation_mode::no},
    {"accept", fragmentation_mode::accept},
    {"force", fragmentation_mode::force}};
constexpr keyword<unique_policy> unique_policies[] = {{"no", unique_policy::no},
                                                      {"never", unique_policy::never},
                                                      {"keep", unique_policy::keep},
                                                      {"replace", unique_policy::replace}};
constexpr keyword<ipsec_mode> ipsec_modes[] = {{"tunnel", ipsec_mode::tunnel},
                                               {"transport", ipsec_mode::transport}};
constexpr keyword<child_action> child_actions[] = {
    {"none", child_action::none}, {"trap", child_action::trap}, {"start", child_action::start}};
constexpr keyword<peer_dead_action> dpd_actions[] = {{"clear", peer_dead_action::clear},
                                                     {"trap", peer_dead_action::trap},
                                                     {"restart", peer_dead_action::restart}};

// ---- small typed readers: leave `out` alone when the key is absent or bad --

bool read_duration(const schema_map& m, std::string_view key, seconds& out) {
    auto s = m.get_scalar(key);
    if (!s) return false;
    if (auto v = parse_value(m.diag(), *s, parse_duration)) out = *v;
    return true;
}

bool read_count(const schema_map& m, std::string_view key, std::uint64_t& out) {
    auto s = m.get_scalar(key);
    if (!s) return false;
    if (auto v = parse_value(m.diag(), *s, parse_count)) out = *v;
    return true;
}

void read_bool(const schema_map& m, std::string_view key, bool& out) {
    if (auto s = m.get_scalar(key)) {
        if (auto v = parse_bool(m.diag(), *s)) out = *v;
    }
}

template <class T, std::size_t N>
void read_keyword(const schema_map& m, std::string_view key, const keyword<T> (&table)[N], T& out) {
    if (auto s = m.get_scalar(key)) {
        if (auto v = parse_keyword(m.diag(), *s, table)) out = *v;
    }
}

template <class T>
void read_integer(const schema_map& m, std::string_view key, std::int64_t min, std::int64_t max,
                  T& out) {
    if (auto s = m.get_scalar(key)) {
        if (auto v = parse_integer(m.diag(), *s, min, max)) out = static_cast<T>(*v);
    }
}

// "not supported yet" for features a later issue implements.
void reject_unsupported(const schema_map& m, std::string_view key, std::string_view allowed,
                        std::string_view what) {
    auto s = m.get_scalar(key);
    if (s && s->value != allowed) {
        m.diag().error(*s, std::string(what) + " is not supported yet; use " +
                               std::string(allowed) + " or leave '" + std::string(key) + "' out");
    }
}

// proposal_error::message() says "at offset N"; we point at the column instead.
std::string without_offset(const ike::proposal_error& e) {
    std::string text = e.message();
    std::string at = " at offset " + std::to_string(e.offset);
    if (auto pos = text.find(at); pos != std::string::npos) text.erase(pos, at.size());
    return text;
}

// ---- lifetimes -------------------------------------------------------------

// charon: life = rekey + 10%, jitter = life - rekey, unless configured.
template <class T>
void derive_limits(T rekey, T& life, T& rand, bool life_set, bool rand_set) {
    if (!life_set) life = rekey + rekey / 10;
    if (!rand_set) rand = life > rekey ? life - rekey : T{};
}

struct limit_keys {
    std::string_view rekey;
    std::string_view life;
    std::string_view rand;
};

// Reported only against keys the operator wrote: derived values are consistent.
template <class T>
void check_limits(const schema_map& m, const limit_keys& keys, T rekey, T life, T rand) {
    auto life_at = m.get_scalar(keys.life);
    auto rand_at = m.get_scalar(keys.rand);
    if (rekey != T{} && life != T{} && life <= rekey && life_at) {
        m.diag().error(*life_at, std::string(keys.life) + " must be greater than " +
                                     std::string(keys.rekey) +
                                     " (the hard limit comes after the rekeying)");
    } else if (rekey != T{} && rand >= rekey && rand_at) {
        m.diag().error(*rand_at,
                       std::string(keys.rand) + " must be smaller than " + std::string(keys.rekey));
    }
}

void load_child_lifetimes(const schema_map& m, child_config& c) {
    read_duration(m, "rekey_time", c.rekey_time);
    bool life = read_duration(m, "life_time", c.life_time);
    bool rand = read_duration(m, "rand_time", c.rand_time);
    derive_limits(c.rekey_time, c.life_time, c.rand_time, life, rand);
    check_limits(m, {"rekey_time", "life_time", "rand_time"}, c.rekey_time, c.life_time,
                 c.rand_time);

    read_count(m, "rekey_bytes", c.rekey_bytes);
    life = read_count(m, "life_bytes", c.life_bytes);
    rand = read_count(m, "rand_bytes", c.rand_bytes);
    derive_limits(c.rekey_bytes, c.life_bytes, c.rand_bytes, life, rand);
    check_limits(m, {"rekey_bytes", "life_bytes", "rand_bytes"}, c.rekey_bytes, c.life_bytes,
                 c.rand_bytes);

    read_count(m, "rekey_packets", c.rekey_packets);
    life = read_count(m, "life_packets", c.life_packets);
    rand = read_count(m, "rand_packets", c.rand_packets);
    derive_limits(c.rekey_packets, c.life_packets, c.rand_packets, life, rand);
    check_limits(m, {"rekey_packets", "life_packets", "rand_packets"}, c.rekey_packets,
                 c.life_packets, c.rand_packets);
}

void load_ike_lifetimes(const schema_map& m, connection_config& c) {
    read_duration(m, "rekey_time", c.rekey_time);
    read_duration(m, "reauth_time", c.reauth_time);
    if (!read_duration(m, "over_time", c.over_time)) {
        c.over_time = std::max(c.rekey_time, c.reauth_time) / 10;
    }
    if (!read_duration(m, "rand_time", c.rand_time)) c.rand_time = c.over_time;
    read_duration(m, "dpd_delay", c.dpd_delay);
    if (read_duration(m, "dpd_timeout", c.dpd_timeout)) {
        auto at = m.get_scalar("dpd_timeout");
        m.diag().warning(*at,
                         "dpd_timeout applies to IKEv1 only and is ignored; an IKEv2 peer "
                         "is declared dead when DPD retransmissions time out");
    }
}

// ---- traffic selectors -----------------------------------------------------

std::vector<traffic_selector> load_selectors(const schema_map& m, std::string_view key,
                                             std::vector<scalar>& where) {
    auto items = m.get_list(key);
    if (!items) {
        traffic_selector dynamic;
        dynamic.dynamic = true;
        return {dynamic};
    }
    std::vector<traffic_selector> out;
    for (const scalar& item : *items) {
        auto ts = parse_value(m.diag(), item, parse_traffic_selector);
        if (!ts) continue;
        if (ts->host_bits_cleared) {
            m.diag().warning(item, "host bits set; using " + ts->subnet.to_string());
        }
        out.push_back(*ts);
        where.push_back(item);
    }
    return out;
}

bool has_family(const std::vector<traffic_selector>& list, ip_family family) {
    return std::any_of(list.begin(), list.end(), [&](const traffic_selector& ts) {
        return ts.dynamic || ts.subnet.address.family == family;
    });
}

void check_selectors(const schema_map& m, const child_config& c,
                     const std::vector<scalar>& local_at, const std::vector<scalar>& remote_at) {
    bool v4 = has_family(c.local_ts, ip_family::ipv4) && has_family(c.remote_ts, ip_family::ipv4);
    bool v6 = has_family(c.local_ts, ip_family::ipv6) && has_family(c.remote_ts, ip_family::ipv6);
    if (!v4 && !v6 && !c.local_ts.empty() && !c.remote_ts.empty() && !remote_at.empty()) {
        m.diag().error(remote_at.front(),
                       "local_ts and remote_ts have no address family in "
                       "common; no policy could be installed");
    }
    if (c.mode != ipsec_mode::transport) return;
    auto warn_subnets = [&](const std::vector<traffic_selector>& list,
                            const std::vector<scalar>& at) {
        for (std::size_t i = 0; i < list.size() && i < at.size(); ++i) {
            if (!list[i].dynamic && !list[i].subnet.is_host()) {
                m.diag().warning(at[i],
                                 "transport mode protects traffic of the hosts "
                                 "themselves; subnet " +
                                     list[i].subnet.to_string() + " needs mode: tunnel");
            }
        }
    };
    warn_subnets(c.local_ts, local_at);
    warn_subnets(c.remote_ts, remote_at);
}

// ---- children --------------------------------------------------------------

void load_mode(const schema_map& m, child_config& c) {
    auto s = m.get_scalar("mode");
    if (!s) return;
    if (s->value == "beet" || s->value == "pass" || s->value == "drop") {
        m.diag().error(*s, "mode '" + s->value +
                               "' is not supported yet; use tunnel or "
                               "transport");
        return;
    }
    if (auto v = parse_keyword(m.diag(), *s, ipsec_modes)) c.mode = *v;
}

void load_marks(const schema_map& m, child_config& c) {
    auto mark_of = [&](std::string_view key, bool allow_same, mark& out) {
        if (auto s = m.get_scalar(key)) {
            auto parse = [&](std::string_view t) { return parse_mark(t, allow_same); };
            if (auto v = parse_value(m.diag(), *s, parse)) out = *v;
        }
    };
    mark_of("mark_in", false, c.mark_in);
    mark_of("mark_out", true, c.mark_out);
    for (auto [key, out] : {std::pair{"if_id_in", &c.if_id_in}, {"if_id_out", &c.if_id_out}}) {
        if (auto s = m.get_scalar(key)) {
            if (auto v = parse_value(m.diag(), *s, parse_interface_id)) *out = *v;
        }
    }
}

child_config load_child(diagnostics& diag, const map_entry& entry) {
    schema_map m(diag, entry.value, child_keys);
    child_config c;
    c.name = entry.key.value;
    std::vector<scalar> local_at;
    std::vector<scalar> remote_at;
    c.local_ts = load_selectors(m, "local_ts", local_at);
    c.remote_ts = load_selectors(m, "remote_ts", remote_at);
    c.esp_proposals = load_proposals(m, "esp_proposals", ike::protocol_id::esp);
    load_mode(m, c);
    load_child_lifetimes(m, c);
    read_keyword(m, "start_action", child_actions, c.start_action);
    read_keyword(m, "close_action", child_actions, c.close_action);
    read_keyword(m, "dpd_action", dpd_actions, c.dpd_action);
    reject_unsupported(m, "ipcomp", "no", "IPComp");
    reject_unsupported(m, "hw_offload", "no", "hardware offload");
    read_integer(m, "replay_window", 0, UINT32_MAX, c.replay_window);
    load_marks(m, c);
    check_selectors(m, c, local_at, remote_at);
    return c;
}

// ---- connections -----------------------------------------------------------

std::vector<peer_address> load_addresses(const schema_map& m, std::string_view key) {
    auto items = m.get_list(key);
    if (!items) return {any_address{}};
    std::vector<peer_address> out;
    for (const scalar& item : *items) {
        if (auto a = parse_value(m.diag(), item, parse_peer_address)) out.push_back(*a);
    }
    return out;
}

bool can_initiate_to(const std::vector<peer_address>& remote) {
    return std::any_of(remote.begin(), remote.end(), [](const peer_address& a) {
        return std::holds_alternative<ip_address>(a) || std::holds_alternative<host_name>(a);
    });
}

identity default_local_id(const std::vector<peer_address>& local) {
    for (const auto& a : local) {
        if (auto* ip = std::get_if<ip_address>(&a)) return identity_from_address(*ip);
    }
    return identity::make_any();
}

// False when `auth` is missing or bad (reported): nothing depends on it then.
bool load_auth_class(const schema_map& m, auth_config& out) {
    if (!m.find("auth")) {
        m.error_missing("missing 'auth'; set auth: psk, pubkey, eap-mschapv2 or eap-tls");
        return false;
    }
    auto s = m.get_scalar("auth");
    if (!s) return false;
    auto v = parse_keyword(m.diag(), *s, auth_classes);
    if (!v) return false;
    out.auth = *v;
    return true;
}

// eap_id belongs to EAP auth; anywhere else it would silently do nothing.
void load_eap_id(const schema_map& m, auth_config& out) {
    auto s = m.get_scalar("eap_id");
    if (!s) return;
    if (!is_eap(out.auth)) {
        m.diag().error(*s, "eap_id is used with an EAP auth (eap-mschapv2, eap-tls) only");
        return;
    }
    out.eap_id = s->value;
}

void load_identity(const schema_map& m, auth_config& out) {
    if (auto s = m.get_scalar("id")) {
        if (auto id = parse_value(m.diag(), *s, parse_identity)) {
            out.id = std::move(*id);
            out.id_configured = true;
        }
    }
}

// Our certificate must name the identity we send, or the peer rejects us
// with nothing but AUTHENTICATION_FAILED; without an id we send its subject.
void check_local_identity(const schema_map& m, auth_config& out) {
    const ike::certificate& cert = out.certs.front();
    if (!out.id_configured) {
        out.id.any = false;
        out.id.type = ike::id_type::der_asn1_dn;
        out.id.data = cert.subject_der();
        out.id.text = cert.subject();
        return;
    }
    if (out.id.any) {
        m.diag().error(*m.get_scalar("id"),
                       "with auth: pubkey, id must be an identity the "
                       "certificate names, not %any");
        return;
    }
    if (out.id.type == ike::id_type::der_asn1_dn &&
        ike::dn_equal(out.id.data, cert.subject_der())) {
        out.id.data = cert.subject_der();  // sent exactly as the certificate encodes it
        return;
    }
    if (auto ok = ike::match_identity(cert, out.id.type, out.id.data); !ok) {
        m.diag().error(*m.get_scalar("id"),
                       "our certificate does not name this identity: " + ok.error().detail +
                           "; set id to one of its subjectAltNames or its subject DN");
    }
}

void load_local_certificate(const schema_map& m, auth_config& out,
                            const std::filesystem::path& base_dir) {
    auto files = m.get_list("certs");
    auto key = m.get_scalar("key");
    if (!files || files->empty()) {
        m.error_missing("auth: pubkey needs 'certs' (our certificate's PEM file)");
        return;
    }
    for (const scalar& f : *files) {
        if (auto certs = load_certificate_file(m.diag(), f, base_dir))
            out.certs.insert(out.certs.end(), certs->begin(), certs->end());
    }
    if (!key) {
        m.error_missing("auth: pubkey needs 'key' (the private key's PEM file)");
        return;
    }
    out.key = load_private_key_file(m.diag(), *key, base_dir);
    if (out.certs.empty() || !out.key) return;
    if (!out.key->matches(out.certs.front().public_key())) {
        m.diag().error(*key, "this key does not belong to the certificate '" +
                                 out.certs.front().subject() + "' (the first one in certs)");
        return;
    }
    check_local_identity(m, out);
}

auth_config load_local_auth(const schema_map& conn, identity default_id,
                            const std::filesystem::path& base_dir) {
    auth_config out;
    out.id = std::move(default_id);
    auto node = conn.find("local");
    if (!node) {
        conn.error_missing("missing 'local' section (with auth and id)");
        return out;
    }
    schema_map m(conn.diag(), *node, local_auth_keys);
    if (!m.valid()) return out;
    const bool auth_known = load_auth_class(m, out);
    load_identity(m, out);
    read_bool(m, "rsa_pss", out.rsa_pss);
    if (!auth_known) return out;
    if (out.auth == auth_class::eap_tls) {
        m.diag().error(*m.get_scalar("auth"),
                       "auth 'eap-tls' as a client is not supported yet; use eap-mschapv2 or "
                       "pubkey");
    }
    load_eap_id(m, out);
    if (out.auth == auth_class::pubkey) {
        load_local_certificate(m, out, base_dir);
    } else {
        for (std::string_view k : {"certs", "key"}) {
            if (auto s = m.get_scalar(k))
                m.diag().error(*s, std::string(k) + " is used with auth: pubkey only");
        }
    }
    return out;
}

auth_config load_remote_auth(const schema_map& conn) {
    auth_config out;
    auto node = conn.find("remote");
    if (!node) {
        conn.error_missing("missing 'remote' section (with auth and id)");
        return out;
    }
    schema_map m(conn.diag(), *node, remote_auth_keys);
    if (!m.valid()) return out;
    if (load_auth_class(m, out)) load_eap_id(m, out);
    load_identity(m, out);
    if (auto names = m.get_list("cacerts")) {
        for (const scalar& n : *names) out.cacerts.push_back(n.value);
    }
    read_keyword(m, "require_eku", eku_requirements, out.eku);
    read_keyword(m, "revocation", revocation_modes, out.strict_revocation);
    return out;
}

// charon's 0 ("either") is accepted: we speak IKEv2 only, so it means 2.
void load_version(const schema_map& m) {
    auto s = m.get_scalar("version");
    if (!s) return;
    if (s->value == "1") {
        m.diag().error(*s, "IKEv1 is not supported; use version 2");
    } else if (s->value != "0" && s->value != "2") {
        m.diag().error(*s, "unknown IKE version '" + s->value + "'; use 2");
    }
}

void load_children(const schema_map& m, connection_config& c) {
    auto node = m.find("children");
    if (!node) return;
    auto entries = read_map(m.diag(), *node);
    if (!entries) return;
    for (const auto& e : *entries) c.children.push_back(load_child(m.diag(), e));
}

// connection_keys plus the virtual IP keys that pool_loader.cpp reads.
std::span<const std::string_view> all_connection_keys() {
    static const std::vector<std::string_view> keys = [] {
        std::vector<std::string_view> k(std::begin(connection_keys), std::end(connection_keys));
        k.insert(k.end(), std::begin(virtual_ip_keys), std::end(virtual_ip_keys));
        return k;
    }();
    return keys;
}

connection_config load_connection(diagnostics& diag, const map_entry& entry,
                                  const std::filesystem::path& base_dir) {
    schema_map m(diag, entry.value, all_connection_keys());
    connection_config c;
    c.name = entry.key.value;
    load_version(m);
    c.local_addrs = load_addresses(m, "local_addrs");
    c.remote_addrs = load_addresses(m, "remote_addrs");
    c.responder_only = !can_initiate_to(c.remote_addrs);
    read_integer(m, "local_port", 1, 65535, c.local_port);
    read_integer(m, "remote_port", 1, 65535, c.remote_port);
    c.proposals = load_proposals(m, "proposals", ike::protocol_id::ike);
    c.local = load_local_auth(m, default_local_id(c.local_addrs), base_dir);
    c.remote = load_remote_auth(m);
    load_ike_lifetimes(m, c);
    read_integer(m, "keyingtries", 0, UINT32_MAX, c.keyingtries);
    read_keyword(m, "fragmentation", fragmentation_modes, c.fragmentation);
    read_keyword(m, "unique", unique_policies, c.unique);
    if (c.unique == unique_policy::keep || c.unique == unique_policy::replace) {
        m.diag().error(*m.get_scalar("unique"),
                       "unique: keep and replace are not supported yet; use no (a peer's "
                       "INITIAL_CONTACT replaces its older IKE_SAs) or never (it does not)");
    }
    read_bool(m, "mobike", c.mobike);
    read_bool(m, "encap", c.encap);
    read_keyword(m, "send_cert", send_cert_modes, c.send_cert);
    read_bool(m, "send_certreq", c.send_certreq);
    load_children(m, c);
    load_virtual_ip_keys(m, c);
    return c;
}

}  // namespace

std::vector<ike::proposal> load_proposals(const schema_map& map, std::string_view key,
                                          ike::protocol_id protocol) {
    bool ike = protocol == ike::protocol_id::ike;
    auto items = map.get_list(key);
    if (!items) return ike ? default_ike_proposals() : default_esp_proposals();
    std::vector<ike::proposal> out;
    for (const scalar& item : *items) {
        if (item.value == "default") {
            auto defaults = ike ? default_ike_proposals() : default_esp_proposals();
            out.insert(out.end(), defaults.begin(), defaults.end());
            continue;
        }
        auto p = ike ? ike::parse_ike_proposal(item.value) : ike::parse_esp_proposal(item.value);
        if (p) {
            out.push_back(std::move(*p));
        } else {
            map.diag().error(item, without_offset(p.error()), p.error().offset);
        }
    }
    if (out.empty() && items->empty()) {
        map.diag().error(*map.find(key), "empty list; give at least one proposal or 'default'");
    }
    return out;
}

std::vector<connection_config> load_connections(diagnostics& diag, const located_node& node,
                                                const std::filesystem::path& base_dir) {
    std::vector<connection_config> out;
    auto entries = read_map(diag, node);
    if (!entries) return out;
    for (const auto& e : *entries) out.push_back(load_connection(diag, e, base_dir));
    return out;
}

}  // namespace ikev2d::config
