#include "daemon/config/config_loader.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "daemon/config/config_validation.hpp"
#include "daemon/config/connection_loader.hpp"
#include "daemon/config/credential_loader.hpp"
#include "daemon/config/decimal.hpp"
#include "daemon/config/duration.hpp"
#include "daemon/config/pool_loader.hpp"
#include "daemon/config/psk.hpp"
#include "daemon/config/yaml_reader.hpp"

namespace ikev2d::config {

namespace {

constexpr std::string_view top_keys[] = {"daemon", "secrets", "authorities", "connections",
                                         "pools"};
constexpr std::string_view daemon_keys[] = {"listen",
                                            "ports",
                                            "control_socket",
                                            "log",
                                            "reqid_range",
                                            "nat_keepalive",
                                            "fragment_size",
                                            "retransmit_timeout",
                                            "retransmit_base",
                                            "retransmit_tries",
                                            "vip_interface",
                                            "routing_table",
                                            "routing_table_prio",
                                            "crypto_threads"};
constexpr std::string_view port_keys[] = {"ike", "natt"};
constexpr std::string_view secret_keys[] = {"ids", "psk", "psk_file", "eap", "eap_file"};
// charon's logging subsystems, plus "default".
constexpr std::string_view log_keys[] = {"default", "dmn", "mgr", "ike", "chd", "job", "cfg",
                                         "knl",     "net", "asn", "enc", "lib", "esp", "tls"};
constexpr keyword<log_level> log_levels[] = {
    {"silent", log_level::silent}, {"error", log_level::error}, {"warning", log_level::warning},
    {"info", log_level::info},     {"debug", log_level::debug}, {"trace", log_level::trace}};

struct load_context {
    std::filesystem::path base_dir;
    bool file_exposed = false;  ///< the config file is accessible by group/others
};

// ---- daemon ----------------------------------------------------------------

void load_log(const schema_map& daemon, log_config& out) {
    auto node = daemon.find("log");
    if (!node) return;
    schema_map m(daemon.diag(), *node, log_keys);
    for (std::string_view key : log_keys) {
        auto s = m.get_scalar(key);
        if (!s) continue;
        auto level = parse_keyword(m.diag(), *s, log_levels);
        if (!level) continue;
        if (key == "default") {
            out.default_level = *level;
        } else {
            out.subsystems[std::string(key)] = *level;
        }
    }
}

void load_ports(const schema_map& daemon, daemon_config& out) {
    auto node = daemon.find("ports");
    if (!node) return;
    schema_map m(daemon.diag(), *node, port_keys);
    for (auto [key, port] : {std::pair{"ike", &out.ike_port}, {"natt", &out.natt_port}}) {
        if (auto s = m.get_scalar(key)) {
            if (auto v = parse_integer(m.diag(), *s, 1, 65535)) {
                *port = static_cast<std::uint16_t>(*v);
            }
        }
    }
}

void load_listen(const schema_map& m, daemon_config& out) {
    auto items = m.get_list("listen");
    if (!items) {
        out.listen = {*parse_ip_address("0.0.0.0"), *parse_ip_address("::")};
        return;
    }
    for (const scalar& item : *items) {
        if (auto ip = parse_value(m.diag(), item, parse_ip_address)) out.listen.push_back(*ip);
    }
}

// A reqid: decimal or 0x hex, 1..0xffffffff (the kernel's reqid is 32 bits
// and 0 means "none").
std::expected<std::uint32_t, value_error> parse_reqid(std::string_view text) {
    const bool hex = text.starts_with("0x") || text.starts_with("0X");
    const std::size_t prefix = hex ? 2 : 0;
    const std::string_view digits = text.substr(prefix);
    std::uint64_t value = 0;
    const char* last = digits.data() + digits.size();
    auto [end, ec] = std::from_chars(digits.data(), last, value, hex ? 16 : 10);
    if (digits.empty() || end != last ||
        (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
        const auto at =
            digits.empty() ? text.size() : prefix + static_cast<std::size_t>(end - digits.data());
        return std::unexpected(value_error{
            at, "'" + std::string(text) + "' is not a reqid; expected a decimal or 0x hex number"});
    }
    if (ec == std::errc::result_out_of_range || value > 0xffffffff) {
        return std::unexpected(value_error{
            0, "reqid " + std::string(text) + " is too large; reqids are at most 0xffffffff"});
    }
    if (value == 0) {
        return std::unexpected(value_error{
            0, "reqid 0 means 'no reqid' to the kernel; the range must start at 1 or above"});
    }
    return static_cast<std::uint32_t>(value);
}

// daemon.reqid_range: [MIN, MAX], both inclusive.
void load_reqid_range(const schema_map& daemon, daemon_config& out) {
    auto node = daemon.find("reqid_range");
    if (!node) return;
    auto items = as_list(daemon.diag(), *node);
    if (!items) return;
    if (items->size() != 2) {
        daemon.diag().error(*node, "expected [MIN, MAX], two reqids (decimal or 0x hex); got " +
                                       std::to_string(items->size()));
        return;
    }
    const scalar& first = (*items)[0];
    const scalar& last = (*items)[1];
    auto min = parse_value(daemon.diag(), first, parse_reqid);
    auto max = parse_value(daemon.diag(), last, parse_reqid);
    if (!min || !max) return;
    if (*min > *max) {
        daemon.diag().error(last, "the range ends (" + last.value + ") below its start (" +
                                      first.value + "); write [MIN, MAX]");
        return;
    }
    out.reqid_min = *min;
    out.reqid_max = *max;
}

// daemon.retransmit_*: bounded so that a typo cannot make a peer's death go
// unnoticed for days, or retransmissions flood it.
void load_retransmit(const schema_map& daemon, daemon_config& out) {
    auto& diag = daemon.diag();
    if (auto s = daemon.get_scalar("retransmit_timeout")) {
        if (auto v = parse_value(diag, *s, parse_decimal_seconds)) {
            if (*v < std::chrono::milliseconds(100) || *v > std::chrono::hours(1)) {
                diag.error(*s, "retransmit_timeout must be between 0.1 and 3600 seconds");
            } else {
                out.retransmit_timeout = *v;
            }
        }
    }
    if (auto s = daemon.get_scalar("retransmit_base")) {
        if (auto v = parse_value(diag, *s, parse_decimal)) {
            if (*v < 1.0 || *v > 10.0) {
                diag.error(*s,
                           "retransmit_base must be between 1 (equal waits) and 10; charon's "
                           "default is 1.8");
            } else {
                out.retransmit_base = *v;
            }
        }
    }
    if (auto s = daemon.get_scalar("retransmit_tries")) {
        if (auto v = parse_integer(diag, *s, 0, 100))
            out.retransmit_tries = static_cast<std::uint32_t>(*v);
    }
}

// daemon.vip_interface, routing_table, routing_table_prio: where virtual
// IPs from a gateway and their routes go.
void load_virtual_ip_settings(const schema_map& daemon, daemon_config& out) {
    auto& diag = daemon.diag();
    if (auto s = daemon.get_scalar("vip_interface")) {
        if (s->value.empty() || s->value.size() >= 16 ||
            s->value.find_first_of("/ \t") != std::string::npos) {
            diag.error(*s,
                       "vip_interface must be an interface name such as eth0 (at most 15 "
                       "characters, no '/' or blanks)");
        } else {
            out.vip_interface = s->value;
        }
    }
    if (auto s = daemon.get_scalar("routing_table")) {
        if (auto v = parse_integer(diag, *s, 0, 0x7fffffff)) {
            if (*v >= 253 && *v <= 255) {
                diag.error(*s, "routing_table " + s->value +
                                   " is one of the kernel's own tables (default, main, local); "
                                   "use a table of its own such as charon's 220, or 0 for none");
            } else {
                out.routing_table = static_cast<std::uint32_t>(*v);
            }
        }
    }
    if (auto s = daemon.get_scalar("routing_table_prio")) {
        if (auto v = parse_integer(diag, *s, 1, 32765))
            out.routing_table_prio = static_cast<std::uint32_t>(*v);
    }
}

daemon_config load_daemon(diagnostics& diag, const located_node& node) {
    schema_map m(diag, node, daemon_keys);
    daemon_config out;
    load_listen(m, out);
    load_ports(m, out);
    if (auto s = m.get_scalar("control_socket")) {
        if (s->value.empty() || s->value.front() != '/') {
            diag.error(*s, "control_socket must be an absolute path");
        } else {
            out.control_socket = s->value;
        }
    }
    load_log(m, out.log);
    load_reqid_range(m, out);
    if (auto s = m.get_scalar("nat_keepalive")) {
        if (auto v = parse_value(diag, *s, parse_duration)) out.nat_keepalive = *v;
    }
    if (auto s = m.get_scalar("fragment_size")) {
        if (auto v = parse_integer(diag, *s, 256, 65535))
            out.fragment_size = static_cast<std::uint32_t>(*v);
    }
    load_retransmit(m, out);
    if (auto s = m.get_scalar("crypto_threads")) {
        if (auto v = parse_integer(diag, *s, 0, 256))
            out.crypto_threads = static_cast<std::uint32_t>(*v);
    }
    load_virtual_ip_settings(m, out);
    return out;
}

// ---- secrets ---------------------------------------------------------------

void warn_if_weak(diagnostics& diag, const scalar& at, std::string_view text,
                  const ike::secret& key) {
    if (!is_weak_psk(text, key)) return;
    diag.warning(at, "weak pre-shared key (" + std::to_string(key.size()) +
                         " bytes); use at least " + std::to_string(min_plain_psk_chars) +
                         " random characters, e.g. from 'openssl rand -base64 32'");
}

std::optional<ike::secret> load_inline_psk(diagnostics& diag, const scalar& s,
                                           const load_context& ctx) {
    auto key = parse_value(diag, s, decode_psk);
    if (!key) return std::nullopt;
    warn_if_weak(diag, s, s.value, *key);
    if (ctx.file_exposed) {
        diag.warning(s,
                     "the config file holds a pre-shared key and is readable by group or "
                     "others; chmod 600 it, or move the key to a psk_file");
    }
    return key;
}

// `check_strength`: PSKs only; an EAP password is the user's choice.
std::optional<ike::secret> load_psk_file(diagnostics& diag, const scalar& s,
                                         const load_context& ctx, bool check_strength) {
    std::filesystem::path path = s.value;
    if (path.is_relative() && !ctx.base_dir.empty()) path = ctx.base_dir / path;
    auto content = read_psk_file(path);
    if (!content) {
        diag.error(s, content.error());
        return std::nullopt;
    }
    std::string_view text(reinterpret_cast<const char*>(content->data()), content->size());
    auto key = decode_psk(text);
    if (!key) {
        diag.error(s, "in '" + path.string() + "' at offset " + std::to_string(key.error().offset) +
                          ": " + key.error().message);
        return std::nullopt;
    }
    if (check_strength) warn_if_weak(diag, s, text, *key);
    if (is_group_or_world_accessible(path)) {
        diag.warning(s, "'" + path.string() + "' is accessible by group or others; chmod 600 it");
    }
    return std::move(*key);
}

std::vector<identity> load_ids(const schema_map& m) {
    std::vector<identity> ids;
    auto items = m.get_list("ids");
    if (!items) return ids;
    for (const scalar& item : *items) {
        if (auto id = parse_value(m.diag(), item, parse_identity)) ids.push_back(std::move(*id));
    }
    return ids;
}

// An EAP password: the same forms as a PSK (text, 0x, 0s), but no
// strength rule (users choose them) and the file warnings still apply.
std::optional<ike::secret> load_eap_password(diagnostics& diag, const schema_map& m,
                                             const load_context& ctx) {
    auto inline_value = m.get_scalar("eap");
    auto file = m.get_scalar("eap_file");
    if (inline_value && file) {
        diag.error(*file, "give either eap or eap_file, not both");
        return std::nullopt;
    }
    if (file) return load_psk_file(diag, *file, ctx, false);
    auto key = parse_value(diag, *inline_value, decode_psk);
    if (key && ctx.file_exposed) {
        diag.warning(*inline_value,
                     "the config file holds an EAP password and is readable by group or "
                     "others; chmod 600 it, or move the password to an eap_file");
    }
    return key;
}

std::optional<eap_secret> load_eap_secret(diagnostics& diag, const schema_map& m,
                                          const located_node& node, const load_context& ctx) {
    eap_secret out;
    out.origin = diag.file() + ":" + std::to_string(node.line);
    if (auto items = m.get_list("ids")) {
        for (const scalar& item : *items) out.ids.push_back(item.value);
    }
    if (out.ids.empty()) {
        m.error_missing("an eap secret needs 'ids': the EAP user names it is the password of");
        return std::nullopt;
    }
    for (std::string_view k : {"psk", "psk_file"}) {
        if (auto s = m.get_scalar(k)) {
            diag.error(*s, "give either a psk or an eap password in one entry, not both");
            return std::nullopt;
        }
    }
    auto password = load_eap_password(diag, m, ctx);
    if (!password) return std::nullopt;
    out.password = std::move(*password);
    return out;
}

std::optional<shared_secret> load_psk_secret(diagnostics& diag, const schema_map& m,
                                             const located_node& node, const load_context& ctx) {
    shared_secret out;
    out.origin = diag.file() + ":" + std::to_string(node.line);
    out.ids = load_ids(m);
    auto psk = m.get_scalar("psk");
    auto file = m.get_scalar("psk_file");
    std::optional<ike::secret> key;
    if (psk && file) {
        diag.error(*file, "give either psk or psk_file, not both");
    } else if (psk) {
        key = load_inline_psk(diag, *psk, ctx);
    } else if (file) {
        key = load_psk_file(diag, *file, ctx, true);
    } else if (m.valid()) {
        m.error_missing("missing 'psk' or 'psk_file' (or 'eap' for an EAP user's password)");
    }
    if (!key) return std::nullopt;
    out.psk = std::move(*key);
    return out;
}

void load_secrets(diagnostics& diag, const located_node& node, const load_context& ctx,
                  config& cfg) {
    auto items = read_sequence(diag, node);
    if (!items) return;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const auto& item = (*items)[i];
        schema_map m(diag, item, secret_keys);
        if (m.find("eap") || m.find("eap_file")) {
            if (auto s = load_eap_secret(diag, m, item, ctx)) {
                s->position = i;
                cfg.eap_secrets.push_back(std::move(*s));
            }
        } else if (auto s = load_psk_secret(diag, m, item, ctx)) {
            s->position = i;
            cfg.secrets.push_back(std::move(*s));
        }
    }
}

// ---- the whole file --------------------------------------------------------

config load_root(diagnostics& diag, const YAML::Node& root, const load_context& ctx) {
    config cfg;
    schema_map top(diag, root_node(root), top_keys);
    located_node empty{YAML::Node(), "daemon", 0, 0};
    cfg.daemon = load_daemon(diag, top.find("daemon").value_or(empty));
    if (auto secrets = top.find("secrets")) load_secrets(diag, *secrets, ctx, cfg);
    if (auto cas = top.find("authorities"))
        cfg.authorities = load_authorities(diag, *cas, ctx.base_dir);
    if (auto conns = top.find("connections"))
        cfg.connections = load_connections(diag, *conns, ctx.base_dir);
    if (auto pools = top.find("pools")) cfg.pools = load_pools(diag, *pools);
    return cfg;
}

// yaml-cpp's messages for a tab in the indentation do not mention the tab.
std::string syntax_hint(std::string_view yaml, int line) {
    std::size_t start = 0;
    for (int i = 0; i < line && start != std::string_view::npos; ++i) {
        start = yaml.find('\n', start);
        if (start != std::string_view::npos) ++start;
    }
    if (start == std::string_view::npos) return {};
    std::string_view text = yaml.substr(start, yaml.find('\n', start) - start);
    std::string_view indent = text.substr(0, text.find_first_not_of(" \t"));
    if (indent.find('\t') == std::string_view::npos) return {};
    return "; the line is indented with a tab, which YAML does not allow: use spaces";
}

std::expected<YAML::Node, config_error> parse_yaml(std::string_view yaml,
                                                   std::string_view display_name) {
    try {
        return YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
        return std::unexpected(
            config_error{std::string(display_name), e.mark.line + 1, e.mark.column + 1, "",
                         "YAML syntax error: " + e.msg + syntax_hint(yaml, e.mark.line)});
    } catch (const std::exception& e) {
        return std::unexpected(config_error{std::string(display_name), 0, 0, "",
                                            std::string("cannot parse: ") + e.what()});
    }
}

std::expected<config, config_errors> load(std::string_view yaml, std::string_view display_name,
                                          const load_context& ctx) {
    auto root = parse_yaml(yaml, display_name);
    if (!root) return std::unexpected(config_errors{root.error()});
    diagnostics diag{std::string(display_name)};
    config cfg;
    try {
        cfg = load_root(diag, *root, ctx);
        validate_pool_references(diag, cfg);
        if (!diag.failed()) validate_config(diag, cfg);
    } catch (const std::exception& e) {
        // yaml-cpp conversions should not throw here; if one does, say where we were.
        diag.error(0, 0, "", std::string("internal error while loading: ") + e.what());
    }
    if (diag.failed()) return std::unexpected(diag.take_errors());
    cfg.warnings = diag.take_warnings();
    cfg.source = std::string(display_name);
    return cfg;
}

}  // namespace

std::expected<config, config_errors> load_config_string(std::string_view yaml,
                                                        std::string_view display_name,
                                                        const std::filesystem::path& base_dir) {
    return load(yaml, display_name, load_context{base_dir, false});
}

std::expected<config, config_errors> load_config_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf())) {
        config_error e{path.string(), 0, 0, "",
                       "cannot read the configuration file: " + std::string(std::strerror(errno))};
        return std::unexpected(config_errors{std::move(e)});
    }
    load_context ctx{path.parent_path(), is_group_or_world_accessible(path)};
    auto cfg = load(text.str(), path.string(), ctx);
    if (cfg) cfg->source = path;
    return cfg;
}

}  // namespace ikev2d::config
