#include "daemon/config/config_loader.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "daemon/config/default_proposals.hpp"
#include "daemon/config/psk.hpp"
#include "libike/proposal/proposal_string.hpp"

namespace ikev2d::config {

void PrintTo(const config_error& e, std::ostream* os) {
    *os << e.to_string();
}

namespace {

const std::filesystem::path example = IKEV2D_TEST_DATA "/../../conf/ikev2d.yaml";
const std::filesystem::path data_dir = IKEV2D_TEST_DATA "/config";

// Inline YAML starts on the line after R"( so that line numbers read naturally.
std::string_view yaml(std::string_view text) {
    return text.substr(1);
}

// A valid connection + secret, to which tests add one mistake.
constexpr std::string_view good_tail = R"(
secrets:
  - ids: [a.example.org, b.example.org]
    psk: "a long random secret value"
)";

config_errors errors_of(std::string_view text) {
    auto cfg = load_config_string(text, "test.yaml");
    EXPECT_FALSE(cfg) << "expected the load to fail";
    return cfg ? config_errors{} : cfg.error();
}

config_error only_error(std::string_view text) {
    auto errors = errors_of(text);
    EXPECT_EQ(errors.size(), 1u);
    if (errors.size() > 1) {
        for (const auto& e : errors) ADD_FAILURE() << "  " << e.to_string();
    }
    return errors.empty() ? config_error{} : errors.front();
}

config load_ok(std::string_view text) {
    auto cfg = load_config_string(text, "test.yaml");
    if (!cfg) {
        for (const auto& e : cfg.error()) ADD_FAILURE() << e.to_string();
        return {};
    }
    return std::move(*cfg);
}

std::string with_secret(std::string_view connections) {
    return std::string(connections) + std::string(good_tail);
}

ike::bytes bytes_of(const ike::secret& s) {
    return {s.data(), s.data() + s.size()};
}

// ---- the shipped example -----------------------------------------------------

TEST(config_loader, example_loads_with_every_field) {
    auto loaded = load_config_file(example);
    ASSERT_TRUE(loaded) << (loaded ? "" : loaded.error().front().to_string());
    const config& cfg = *loaded;
    // The only possible warning: the checked-out example is world-readable and holds a key.
    std::size_t readable = is_group_or_world_accessible(example) ? 1 : 0;
    ASSERT_EQ(cfg.warnings.size(), readable);
    if (readable) {
        EXPECT_EQ(cfg.warnings[0].key_path, "secrets[0].psk");
    }
    EXPECT_EQ(cfg.source, example);

    ASSERT_EQ(cfg.daemon.listen.size(), 2u);
    EXPECT_EQ(cfg.daemon.listen[0].to_string(), "0.0.0.0");
    EXPECT_EQ(cfg.daemon.listen[1].to_string(), "::");
    EXPECT_EQ(cfg.daemon.ike_port, 500);
    EXPECT_EQ(cfg.daemon.natt_port, 4500);
    EXPECT_EQ(cfg.daemon.control_socket, "/run/ikev2d/ikev2d.sock");
    EXPECT_EQ(cfg.daemon.log.default_level, log_level::info);
    EXPECT_EQ(cfg.daemon.log.subsystems, (std::map<std::string, log_level>{
                                             {"ike", log_level::debug}, {"knl", log_level::info}}));
    EXPECT_EQ(cfg.daemon.reqid_min, 0x4b450001u);
    EXPECT_EQ(cfg.daemon.reqid_max, 0x4b45ffffu);
    EXPECT_EQ(cfg.daemon.nat_keepalive, seconds(20));

    ASSERT_EQ(cfg.secrets.size(), 1u);
    ASSERT_EQ(cfg.secrets[0].ids.size(), 2u);
    EXPECT_EQ(cfg.secrets[0].ids[0].type, ike::id_type::fqdn);
    EXPECT_EQ(cfg.secrets[0].ids[0].text, "gw-a.example.org");
    EXPECT_EQ(cfg.secrets[0].ids[1].text, "gw-b.example.org");
    std::string_view key = "example only - replace with a long random secret";
    EXPECT_EQ(bytes_of(cfg.secrets[0].psk), ike::bytes(key.begin(), key.end()));

    ASSERT_EQ(cfg.connections.size(), 1u);
    const connection_config& c = cfg.connections[0];
    EXPECT_EQ(c.name, "a-to-b");
    EXPECT_EQ(c.version, 2);
    ASSERT_EQ(c.local_addrs.size(), 1u);
    EXPECT_EQ(to_string(c.local_addrs[0]), "10.1.0.1");
    ASSERT_EQ(c.remote_addrs.size(), 1u);
    EXPECT_EQ(std::get<ip_address>(c.remote_addrs[0]).to_string(), "10.1.0.2");
    EXPECT_FALSE(c.responder_only);
    EXPECT_EQ(c.local_port, 500);
    EXPECT_EQ(c.remote_port, 500);
    ASSERT_EQ(c.proposals.size(), 2u);
    EXPECT_EQ(ike::to_string(c.proposals[0]), "aes256gcm16-prfsha384-curve25519");
    EXPECT_EQ(c.proposals[1], *ike::parse_ike_proposal("aes128-sha256-modp2048"));
    EXPECT_EQ(c.local.auth, auth_class::psk);
    EXPECT_EQ(c.local.id.type, ike::id_type::fqdn);
    EXPECT_EQ(c.local.id.text, "gw-a.example.org");
    EXPECT_TRUE(c.local.id_configured);
    EXPECT_EQ(c.remote.auth, auth_class::psk);
    EXPECT_EQ(c.remote.id.text, "gw-b.example.org");
    EXPECT_EQ(c.dpd_delay, seconds(30));
    EXPECT_EQ(c.dpd_timeout, seconds(0));
    EXPECT_EQ(c.rekey_time, seconds(4 * 3600));
    EXPECT_EQ(c.reauth_time, seconds(0));
    EXPECT_EQ(c.over_time, seconds(1440));
    EXPECT_EQ(c.rand_time, seconds(1440));
    EXPECT_EQ(c.keyingtries, 1u);
    EXPECT_EQ(c.fragmentation, fragmentation_mode::yes);
    EXPECT_EQ(c.unique, unique_policy::no);
    EXPECT_TRUE(c.mobike);
    EXPECT_FALSE(c.encap);

    ASSERT_EQ(c.children.size(), 1u);
    const child_config& child = c.children[0];
    EXPECT_EQ(child.name, "net");
    ASSERT_EQ(child.local_ts.size(), 1u);
    EXPECT_EQ(child.local_ts[0].to_string(), "10.10.1.0/24");
    ASSERT_EQ(child.remote_ts.size(), 1u);
    EXPECT_EQ(child.remote_ts[0].to_string(), "10.10.2.0/24");
    ASSERT_EQ(child.esp_proposals.size(), 2u);
    EXPECT_EQ(ike::to_string(child.esp_proposals[0]), "aes256gcm16-esn");
    EXPECT_EQ(ike::to_string(child.esp_proposals[1]), "aes128gcm16-noesn");
    EXPECT_EQ(child.mode, ipsec_mode::tunnel);
    EXPECT_EQ(child.rekey_time, seconds(3600));
    EXPECT_EQ(child.life_time, seconds(3960));
    EXPECT_EQ(child.rand_time, seconds(360));
    EXPECT_EQ(child.rekey_bytes, 0u);
    EXPECT_EQ(child.life_bytes, 0u);
    EXPECT_EQ(child.start_action, child_action::start);
    EXPECT_EQ(child.close_action, child_action::none);
    EXPECT_EQ(child.dpd_action, peer_dead_action::trap);
    EXPECT_FALSE(child.ipcomp);
    EXPECT_EQ(child.replay_window, 32u);
    EXPECT_EQ(child.mark_in, mark{});
    EXPECT_EQ(child.if_id_out, interface_id{});
    EXPECT_FALSE(child.hw_offload);
}

// ---- defaults and optional keys ----------------------------------------------

TEST(config_loader, defaults_and_responder_template) {
    config cfg = load_ok(with_secret(yaml(R"(
connections:
  roadwarriors:
    local_addrs: 192.0.2.1
    local: {auth: psk}
    remote: {auth: psk, id: b.example.org}
    children:
      net: {}
)")));
    ASSERT_EQ(cfg.connections.size(), 1u);
    const auto& c = cfg.connections[0];
    EXPECT_TRUE(c.responder_only);
    ASSERT_EQ(c.remote_addrs.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<any_address>(c.remote_addrs[0]));
    EXPECT_EQ(c.local.id.type, ike::id_type::ipv4_addr);  // from local_addrs
    EXPECT_EQ(c.local.id.text, "192.0.2.1");
    EXPECT_FALSE(c.local.id_configured);
    EXPECT_EQ(c.proposals, default_ike_proposals());
    EXPECT_EQ(c.proposals.size(), default_ike_proposal_strings().size());
    ASSERT_EQ(c.children.size(), 1u);
    const auto& child = c.children[0];
    ASSERT_EQ(child.local_ts.size(), 1u);
    EXPECT_TRUE(child.local_ts[0].dynamic);
    EXPECT_TRUE(child.remote_ts[0].dynamic);
    EXPECT_EQ(child.esp_proposals, default_esp_proposals());
    EXPECT_EQ(cfg.daemon.listen.size(), 2u);
    EXPECT_EQ(cfg.daemon.log.default_level, log_level::info);
}

TEST(config_loader, every_optional_key) {
    config cfg = load_ok(with_secret(yaml(R"(
connections:
  full:
    version: 0
    remote_addrs: "vpn.example.org, 198.51.100.0/24"
    local_port: 4500
    remote_port: 4501
    proposals: [default, aes128-sha256-modp3072]
    local: {auth: psk, id: "@a.example.org"}
    remote: {auth: psk, id: "b.example.org"}
    reauth_time: 10h
    over_time: 5m
    rand_time: 1m
    keyingtries: 0
    fragmentation: force
    unique: never
    mobike: no
    encap: yes
    children:
      web:
        local_ts: dynamic[tcp/443]
        remote_ts: [0.0.0.0/0, "::/0[udp/1000-2000]"]
        esp_proposals: aes128gcm16-x25519
        mode: transport
        rekey_time: 0
        life_time: 2h
        rand_bytes: 1k
        rekey_bytes: 1G
        life_bytes: 2G
        rekey_packets: 1000000
        close_action: trap
        dpd_action: restart
        ipcomp: no
        hw_offload: no
        replay_window: 0
        mark_in: 0x10/0xf0
        mark_out: "%same"
        if_id_in: 42
        if_id_out: "%unique"
)")));
    ASSERT_EQ(cfg.connections.size(), 1u);
    const auto& c = cfg.connections[0];
    EXPECT_EQ(c.version, 2);
    ASSERT_EQ(c.remote_addrs.size(), 2u);
    EXPECT_EQ(std::get<host_name>(c.remote_addrs[0]).name, "vpn.example.org");
    EXPECT_EQ(std::get<ip_prefix>(c.remote_addrs[1]).to_string(), "198.51.100.0/24");
    EXPECT_FALSE(c.responder_only);
    EXPECT_EQ(c.local_port, 4500);
    EXPECT_EQ(c.remote_port, 4501);
    EXPECT_EQ(c.proposals.size(), default_ike_proposals().size() + 1);
    EXPECT_EQ(ike::to_string(c.proposals.back()), "aes128-sha256-prfsha256-modp3072");
    EXPECT_EQ(c.local.id.text, "@a.example.org");
    EXPECT_EQ(c.rekey_time, seconds(14400));
    EXPECT_EQ(c.reauth_time, seconds(36000));
    EXPECT_EQ(c.over_time, seconds(300));
    EXPECT_EQ(c.rand_time, seconds(60));
    EXPECT_EQ(c.keyingtries, 0u);
    EXPECT_EQ(c.fragmentation, fragmentation_mode::force);
    EXPECT_EQ(c.unique, unique_policy::never);
    EXPECT_FALSE(c.mobike);
    EXPECT_TRUE(c.encap);
    const auto& child = c.children.at(0);
    EXPECT_TRUE(child.local_ts.at(0).dynamic);
    EXPECT_EQ(child.local_ts.at(0).protocol, 6);
    ASSERT_EQ(child.remote_ts.size(), 2u);
    EXPECT_EQ(child.remote_ts[1].to_string(), "::/0[17/1000-2000]");
    ASSERT_EQ(child.esp_proposals.size(), 1u);
    EXPECT_TRUE(child.esp_proposals[0].has_pfs());
    EXPECT_EQ(child.mode, ipsec_mode::transport);
    EXPECT_EQ(child.rekey_time, seconds(0));
    EXPECT_EQ(child.life_time, seconds(7200));
    EXPECT_EQ(child.rekey_bytes, 1ULL << 30);
    EXPECT_EQ(child.life_bytes, 2ULL << 30);
    EXPECT_EQ(child.rand_bytes, 1024u);
    EXPECT_EQ(child.rekey_packets, 1000000u);
    EXPECT_EQ(child.life_packets, 1100000u);
    EXPECT_EQ(child.rand_packets, 100000u);
    EXPECT_EQ(child.start_action, child_action::none);
    EXPECT_EQ(child.close_action, child_action::trap);
    EXPECT_EQ(child.dpd_action, peer_dead_action::restart);
    EXPECT_EQ(child.replay_window, 0u);
    EXPECT_EQ(child.mark_in, (mark{0x10, 0xf0, unique_value::none}));
    EXPECT_EQ(child.mark_out.placeholder, unique_value::same);
    EXPECT_EQ(child.if_id_in.value, 42u);
    EXPECT_EQ(child.if_id_out.placeholder, unique_value::unique);
    // transport mode with 0.0.0.0/0 and ::/0 as remote_ts: two warnings.
    ASSERT_EQ(cfg.warnings.size(), 2u);
    EXPECT_EQ(cfg.warnings[0].to_string(),
              "test.yaml:21:21: connections.full.children.web.remote_ts[0]: transport mode "
              "protects traffic of the hosts themselves; subnet 0.0.0.0/0 needs mode: tunnel");
}

// ---- YAML syntax -------------------------------------------------------------

TEST(config_loader, yaml_syntax_error_with_position) {
    auto e = only_error(yaml(R"(
connections:
  a:
    local_addrs: [10.0.0.1
    remote_addrs: [10.0.0.2]
)"));
    EXPECT_EQ(e.file, "test.yaml");
    EXPECT_EQ(e.line, 4);
    EXPECT_EQ(e.column, 17);
    EXPECT_EQ(e.message, "YAML syntax error: end of sequence flow not found");
}

TEST(config_loader, yaml_syntax_error_bad_indentation) {
    auto e = only_error(yaml(R"(
daemon:
  listen: a: b
)"));
    EXPECT_EQ(e.to_string(), "test.yaml:2:12: YAML syntax error: illegal map value");
}

TEST(config_loader, top_level_must_be_a_map) {
    auto e = only_error("- a\n- b\n");
    EXPECT_EQ(e.to_string(), "test.yaml:1:1: expected a map of keys, got a list");
}

// ---- unknown and duplicate keys ------------------------------------------------

TEST(config_loader, unknown_keys_with_suggestions) {
    auto errors = errors_of(with_secret(yaml(R"(
conections: {}
connections:
  a:
    remote_adrs: [10.0.0.2]
    local: {auth: psk, id: a.example.org}
    remote: {auth: psk, id: b.example.org, idd: x}
    children:
      net:
        esp_proposal: [aes128gcm16]
        lifetime: 1h
)")));
    ASSERT_EQ(errors.size(), 5u);
    EXPECT_EQ(errors[0].to_string(),
              "test.yaml:1:1: conections: unknown key 'conections'; did you mean 'connections'?");
    EXPECT_EQ(errors[1].to_string(),
              "test.yaml:4:5: connections.a.remote_adrs: unknown key 'remote_adrs'; did you "
              "mean 'remote_addrs'?");
    EXPECT_EQ(errors[2].to_string(),
              "test.yaml:6:44: connections.a.remote.idd: unknown key 'idd'; did you mean 'id'?");
    EXPECT_EQ(errors[3].to_string(),
              "test.yaml:9:9: connections.a.children.net.esp_proposal: unknown key "
              "'esp_proposal'; did you mean 'esp_proposals'?");
    EXPECT_EQ(errors[4].to_string(),
              "test.yaml:10:9: connections.a.children.net.lifetime: unknown key 'lifetime'; "
              "did you mean 'life_time'?");
}

TEST(config_loader, duplicate_keys) {
    auto errors = errors_of(with_secret(yaml(R"(
connections:
  a:
    local: {auth: psk, id: a.example.org}
    remote: {auth: psk, id: b.example.org}
    rekey_time: 1h
    rekey_time: 2h
  a:
    local: {auth: psk}
)")));
    ASSERT_EQ(errors.size(), 2u);  // in file order
    EXPECT_EQ(errors[0].to_string(),
              "test.yaml:6:5: connections.a.rekey_time: duplicate key 'rekey_time' (first at "
              "line 5); remove one");
    EXPECT_EQ(errors[1].to_string(),
              "test.yaml:7:3: connections.a: duplicate key 'a' (first at line 2); remove one");
}

// ---- values --------------------------------------------------------------------

TEST(config_loader, proposal_errors_point_into_the_scalar) {
    auto errors = errors_of(with_secret(yaml(R"(
connections:
  a:
    proposals: aes128-sha256-x25519, aes256-sha384-x2551
    local: {auth: psk, id: a.example.org}
    remote: {auth: psk, id: b.example.org}
    children:
      net:
        esp_proposals: [aes256gcm16-esn, aes257gcm16]
      web:
        esp_proposals:
          - "aes128gcm16-prfsha256"
)")));
    ASSERT_EQ(errors.size(), 3u);
    EXPECT_EQ(errors[0].to_string(),
              "test.yaml:3:52: connections.a.proposals: unknown algorithm 'x2551' (IKE "
              "proposal); did you mean 'x25519'?");
    EXPECT_EQ(errors[1].to_string(),
              "test.yaml:8:42: connections.a.children.net.esp_proposals[1]: unknown algorithm "
              "'aes257gcm16' (ESP proposal); did you mean 'aes256gcm16'?");
    EXPECT_EQ(errors[2].line, 11);
    EXPECT_EQ(errors[2].column, 26);  // inside the quotes, at "prfsha256"
    EXPECT_EQ(errors[2].key_path, "connections.a.children.web.esp_proposals[0]");
}

TEST(config_loader, bad_values) {
    auto errors = errors_of(with_secret(yaml(R"(
daemon:
  listen: [0.0.0.0, 10.0.0.300]
  ports: {ike: 500, natt: 70000}
  control_socket: run/ikev2d.sock
  log: {default: verbose}
connections:
  a:
    version: 1
    local_addrs: [10.0.0.1-10.0.0.5]
    local: {auth: psk, id: "@#abc"}
    remote: {auth: psk, id: b.example.org}
    dpd_delay: 30 s
    fragmentation: maybe
    mobike: perhaps
    children:
      net:
        local_ts: [10.1.0.0/33]
        remote_ts: ["10.2.0.0/16[tcp/99999]"]
        mode: beet
        start_action: started
        rekey_bytes: 1T
        mark_in: "%sometimes"
)")));
    std::vector<std::string> got;
    for (const auto& e : errors) got.push_back(e.to_string());
    std::vector<std::string> expected{
        "test.yaml:2:21: daemon.listen[1]: '10.0.0.300' is not an IP address",
        "test.yaml:3:27: daemon.ports.natt: expected a whole number in 1..65535, got '70000'",
        "test.yaml:4:19: daemon.control_socket: control_socket must be an absolute path",
        "test.yaml:5:18: daemon.log.default: unknown value 'verbose'; use silent, error, "
        "warning, info, debug or trace",
        "test.yaml:8:14: connections.a.version: IKEv1 is not supported; use version 2",
        "test.yaml:9:27: connections.a.local_addrs[0]: address ranges are not supported yet; "
        "use a CIDR prefix",
        "test.yaml:10:31: connections.a.local.id: key id 'abc' is not an even number of hex "
        "digits",
        "test.yaml:12:18: connections.a.dpd_delay: unknown time unit ' s'; use s, m, h or d "
        "(e.g. 30s, 4h)",
        "test.yaml:13:20: connections.a.fragmentation: unknown value 'maybe'; use yes, no, "
        "accept or force",
        "test.yaml:14:13: connections.a.mobike: unknown value 'perhaps'; use yes, no, true or "
        "false",
        "test.yaml:17:29: connections.a.children.net.local_ts[0]: invalid prefix length '33'; "
        "expected 0..32; expected a subnet (10.1.0.0/16), an address or 'dynamic'",
        "test.yaml:18:38: connections.a.children.net.remote_ts[0]: invalid port '99999'; "
        "expected 0..65535 or a range like 1000-2000",
        "test.yaml:19:15: connections.a.children.net.mode: mode 'beet' is not supported yet; "
        "use tunnel or transport",
        "test.yaml:20:23: connections.a.children.net.start_action: unknown value 'started'; "
        "use none, trap or start; did you mean 'start'?",
        "test.yaml:21:23: connections.a.children.net.rekey_bytes: unknown suffix 'T'; use k, "
        "M or G (or none)",
        "test.yaml:22:19: connections.a.children.net.mark_in: unknown placeholder "
        "'%sometimes'; use %unique or %unique-dir",
    };
    EXPECT_EQ(got, expected);
}

TEST(config_loader, wrong_node_kinds) {
    auto errors = errors_of(with_secret(yaml(R"(
connections:
  a:
    local_addrs: {ip: 10.0.0.1}
    local: psk
    remote: {auth: [psk], id: b.example.org}
    children: [net]
)")));
    ASSERT_EQ(errors.size(), 4u);
    EXPECT_EQ(errors[0].to_string(),
              "test.yaml:3:18: connections.a.local_addrs: expected a list, got a map");
    EXPECT_EQ(errors[1].to_string(),
              "test.yaml:4:12: connections.a.local: expected a map of keys, got a string");
    EXPECT_EQ(errors[2].to_string(),
              "test.yaml:5:20: connections.a.remote.auth: expected a string, got a list");
    EXPECT_EQ(errors[3].to_string(),
              "test.yaml:6:15: connections.a.children: expected a map of keys, got a list");
}

// ---- daemon.reqid_range and daemon.nat_keepalive -----------------------------

// A config whose `daemon:` section is exactly `daemon_line` (on line 2).
std::string with_daemon_line(std::string_view daemon_line) {
    return "daemon:\n  " + std::string(daemon_line) + with_secret(R"(
connections:
  a: {local: {auth: psk, id: a.example.org}, remote: {auth: psk, id: b.example.org}}
)");
}

TEST(config_loader, reqid_range_and_nat_keepalive_defaults) {
    config cfg = load_ok(with_daemon_line("ports: {ike: 500}"));
    EXPECT_EQ(cfg.daemon.reqid_min, 0x4b450001u);
    EXPECT_EQ(cfg.daemon.reqid_max, 0x4b45ffffu);
    EXPECT_EQ(cfg.daemon.nat_keepalive, seconds(20));
}

TEST(config_loader, reqid_range_accepted_values) {
    struct case_ {
        std::string_view line;
        std::uint32_t min, max;
    };
    const case_ cases[] = {
        {"reqid_range: [1, 100]", 1, 100},
        {"reqid_range: [0x10000, 0x1ffff]", 0x10000, 0x1ffff},
        {"reqid_range: [0X4B450001, 1262878719]", 0x4b450001, 0x4b45ffff},
        {"reqid_range: [1, 0xffffffff]", 1, 0xffffffff},
        {"reqid_range: [4294967295, 4294967295]", 0xffffffff, 0xffffffff},
        {"reqid_range: [7, 7]", 7, 7},
        {"reqid_range: \"500, 0x2ff\"", 500, 0x2ff},  // swanctl-style list string
        {"reqid_range:\n    - 0x100\n    - 0x1ff", 0x100, 0x1ff},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.line);
        config cfg = load_ok(with_daemon_line(c.line));
        EXPECT_EQ(cfg.daemon.reqid_min, c.min);
        EXPECT_EQ(cfg.daemon.reqid_max, c.max);
    }
}

TEST(config_loader, reqid_range_rejected_values) {
    struct case_ {
        std::string_view line;
        std::string_view error;
    };
    const case_ cases[] = {
        {"reqid_range: [0, 100]",
         "test.yaml:2:17: daemon.reqid_range[0]: reqid 0 means 'no reqid' to the kernel; the "
         "range must start at 1 or above"},
        {"reqid_range: [0x0, 0x10]",
         "test.yaml:2:17: daemon.reqid_range[0]: reqid 0 means 'no reqid' to the kernel; the "
         "range must start at 1 or above"},
        {"reqid_range: [100, 0x100000000]",
         "test.yaml:2:22: daemon.reqid_range[1]: reqid 0x100000000 is too large; reqids are at "
         "most 0xffffffff"},
        {"reqid_range: [1, 4294967296]",
         "test.yaml:2:20: daemon.reqid_range[1]: reqid 4294967296 is too large; reqids are at "
         "most 0xffffffff"},
        {"reqid_range: [1, 99999999999999999999999]",
         "test.yaml:2:20: daemon.reqid_range[1]: reqid 99999999999999999999999 is too large; "
         "reqids are at most 0xffffffff"},
        {"reqid_range: [0x200, 0x1ff]",
         "test.yaml:2:24: daemon.reqid_range[1]: the range ends (0x1ff) below its start "
         "(0x200); write [MIN, MAX]"},
        {"reqid_range: [abc, 5]",
         "test.yaml:2:17: daemon.reqid_range[0]: 'abc' is not a reqid; expected a decimal or 0x "
         "hex number"},
        {"reqid_range: [0x4b45zz01, 0x4b45ffff]",
         "test.yaml:2:23: daemon.reqid_range[0]: '0x4b45zz01' is not a reqid; expected a "
         "decimal or 0x hex number"},
        {"reqid_range: [1, 0x]",
         "test.yaml:2:22: daemon.reqid_range[1]: '0x' is not a reqid; expected a decimal or 0x "
         "hex number"},
        {"reqid_range: [-1, 5]",
         "test.yaml:2:17: daemon.reqid_range[0]: '-1' is not a reqid; expected a decimal or 0x "
         "hex number"},
        {"reqid_range: [1, 10k]",
         "test.yaml:2:22: daemon.reqid_range[1]: '10k' is not a reqid; expected a decimal or 0x "
         "hex number"},
        {"reqid_range: [1]",
         "test.yaml:2:16: daemon.reqid_range: expected [MIN, MAX], two reqids (decimal or 0x "
         "hex); got 1"},
        {"reqid_range: [1, 2, 3]",
         "test.yaml:2:16: daemon.reqid_range: expected [MIN, MAX], two reqids (decimal or 0x "
         "hex); got 3"},
        {"reqid_range: 5",
         "test.yaml:2:16: daemon.reqid_range: expected [MIN, MAX], two reqids (decimal or 0x "
         "hex); got 1"},
        {"reqid_range: \"100, 50\"",
         "test.yaml:2:22: daemon.reqid_range: the range ends (50) below its start (100); write "
         "[MIN, MAX]"},
        {"reqid_range: {min: 1, max: 2}",
         "test.yaml:2:16: daemon.reqid_range: expected a list, got a map"},
        {"reqid_rnage: [1, 2]",
         "test.yaml:2:3: daemon.reqid_rnage: unknown key 'reqid_rnage'; did you mean "
         "'reqid_range'?"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.line);
        EXPECT_EQ(only_error(with_daemon_line(c.line)).to_string(), c.error);
    }
}

TEST(config_loader, nat_keepalive_accepted_values) {
    const std::pair<std::string_view, seconds> cases[] = {
        {"nat_keepalive: 20s", seconds(20)}, {"nat_keepalive: 1s", seconds(1)},
        {"nat_keepalive: 45", seconds(45)},  {"nat_keepalive: 2m", seconds(120)},
        {"nat_keepalive: 0", seconds(0)},    {"nat_keepalive: 0s", seconds(0)},
    };
    for (const auto& [line, value] : cases) {
        SCOPED_TRACE(line);
        EXPECT_EQ(load_ok(with_daemon_line(line)).daemon.nat_keepalive, value);
    }
}

TEST(config_loader, nat_keepalive_rejected_values) {
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"nat_keepalive: 20 s",
         "test.yaml:2:20: daemon.nat_keepalive: unknown time unit ' s'; use s, m, h or d (e.g. "
         "30s, 4h)"},
        {"nat_keepalive: 500ms",
         "test.yaml:2:21: daemon.nat_keepalive: unknown time unit 'ms'; use s, m, h or d (e.g. "
         "30s, 4h)"},
        {"nat_keepalive: -1s", "test.yaml:2:18: daemon.nat_keepalive: '-1s' is not a number"},
        {"nat_keepalive: off", "test.yaml:2:18: daemon.nat_keepalive: 'off' is not a number"},
        {"nat_keepalive: [20s]",
         "test.yaml:2:18: daemon.nat_keepalive: expected a string, got a list"},
    };
    for (const auto& [line, error] : cases) {
        SCOPED_TRACE(line);
        EXPECT_EQ(only_error(with_daemon_line(line)).to_string(), error);
    }
}

// ---- daemon.retransmit_* --------------------------------------------------

TEST(config_loader, retransmit_defaults_are_charons) {
    const config cfg = load_ok(with_daemon_line("ports: {ike: 500}"));
    EXPECT_EQ(cfg.daemon.retransmit_timeout, std::chrono::milliseconds(4000));
    EXPECT_EQ(cfg.daemon.retransmit_base, 1.8);
    EXPECT_EQ(cfg.daemon.retransmit_tries, 5u);
}

TEST(config_loader, retransmit_accepted_values) {
    const std::pair<std::string_view, std::chrono::milliseconds> timeouts[] = {
        {"retransmit_timeout: 1", std::chrono::milliseconds(1000)},
        {"retransmit_timeout: 1.5", std::chrono::milliseconds(1500)},
        {"retransmit_timeout: 0.25s", std::chrono::milliseconds(250)},
        {"retransmit_timeout: 0.1", std::chrono::milliseconds(100)},
        {"retransmit_timeout: 3600s", std::chrono::milliseconds(3600000)},
    };
    for (const auto& [line, value] : timeouts) {
        SCOPED_TRACE(line);
        EXPECT_EQ(load_ok(with_daemon_line(line)).daemon.retransmit_timeout, value);
    }
    const std::pair<std::string_view, double> bases[] = {
        {"retransmit_base: 1.4", 1.4}, {"retransmit_base: 1", 1.0}, {"retransmit_base: 10", 10.0}};
    for (const auto& [line, value] : bases) {
        SCOPED_TRACE(line);
        EXPECT_EQ(load_ok(with_daemon_line(line)).daemon.retransmit_base, value);
    }
    EXPECT_EQ(load_ok(with_daemon_line("retransmit_tries: 3")).daemon.retransmit_tries, 3u);
    EXPECT_EQ(load_ok(with_daemon_line("retransmit_tries: 0")).daemon.retransmit_tries, 0u);
}

TEST(config_loader, retransmit_rejected_values) {
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"retransmit_timeout: 0.05",
         "test.yaml:2:23: daemon.retransmit_timeout: retransmit_timeout must be between 0.1 and "
         "3600 seconds"},
        {"retransmit_timeout: 2h",
         "test.yaml:2:24: daemon.retransmit_timeout: unknown time unit 'h'; give seconds, e.g. 4 "
         "or 1.5s"},
        {"retransmit_timeout: 1.",
         "test.yaml:2:25: daemon.retransmit_timeout: '1.': digits must follow the point"},
        {"retransmit_timeout: 1.2345",
         "test.yaml:2:28: daemon.retransmit_timeout: '1.2345': at most three decimals "
         "(milliseconds)"},
        {"retransmit_timeout: fast",
         "test.yaml:2:23: daemon.retransmit_timeout: 'fast' is not a number"},
        {"retransmit_base: 0.5",
         "test.yaml:2:20: daemon.retransmit_base: retransmit_base must be between 1 (equal "
         "waits) and 10; charon's default is 1.8"},
        {"retransmit_base: 1,8",
         "test.yaml:2:21: daemon.retransmit_base: '1,8' is not a number (e.g. 1.8)"},
        {"retransmit_base: -2", "test.yaml:2:20: daemon.retransmit_base: '-2' is not a number"},
        {"retransmit_tries: 101",
         "test.yaml:2:21: daemon.retransmit_tries: expected a whole number in 0..100, got "
         "'101'"},
        {"retransmit_tires: 3",
         "test.yaml:2:3: daemon.retransmit_tires: unknown key 'retransmit_tires'; did you mean "
         "'retransmit_tries'?"},
    };
    for (const auto& [line, error] : cases) {
        SCOPED_TRACE(line);
        EXPECT_EQ(only_error(with_daemon_line(line)).to_string(), error);
    }
}

// ---- daemon.vip_interface, routing_table, routing_table_prio ----------------

TEST(config_loader, virtual_ip_settings) {
    const config defaults = load_ok(with_daemon_line("ports: {ike: 500}"));
    EXPECT_EQ(defaults.daemon.vip_interface, "");
    EXPECT_EQ(defaults.daemon.routing_table, 220u);
    EXPECT_EQ(defaults.daemon.routing_table_prio, 220u);
    EXPECT_EQ(load_ok(with_daemon_line("vip_interface: wg0")).daemon.vip_interface, "wg0");
    EXPECT_EQ(load_ok(with_daemon_line("routing_table: 0")).daemon.routing_table, 0u);
    EXPECT_EQ(load_ok(with_daemon_line("routing_table: 1000")).daemon.routing_table, 1000u);
    EXPECT_EQ(load_ok(with_daemon_line("routing_table_prio: 100")).daemon.routing_table_prio, 100u);
    EXPECT_NE(only_error(with_daemon_line("routing_table: 254")).to_string().find("main"),
              std::string::npos);
    EXPECT_NE(only_error(with_daemon_line("vip_interface: a/b")).to_string().find("eth0"),
              std::string::npos);
    EXPECT_NE(
        only_error(with_daemon_line("routing_table_prio: 32766")).to_string().find("1..32765"),
        std::string::npos);
}

TEST(config_loader, lifetimes_must_be_consistent) {
    auto errors = errors_of(with_secret(yaml(R"(
connections:
  a:
    local: {auth: psk, id: a.example.org}
    remote: {auth: psk, id: b.example.org}
    children:
      net:
        rekey_time: 1h
        life_time: 30m
      web:
        rekey_packets: 1000
        rand_packets: 1000
)")));
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].to_string(),
              "test.yaml:8:20: connections.a.children.net.life_time: life_time must be greater "
              "than rekey_time (the hard limit comes after the rekeying)");
    EXPECT_EQ(errors[1].to_string(),
              "test.yaml:11:23: connections.a.children.web.rand_packets: rand_packets must be "
              "smaller than rekey_packets");
}

TEST(config_loader, selectors_without_a_common_family) {
    auto e = only_error(with_secret(yaml(R"(
connections:
  a:
    local: {auth: psk, id: a.example.org}
    remote: {auth: psk, id: b.example.org}
    children:
      net: {local_ts: 10.1.0.0/16, remote_ts: "fd00::/64"}
)")));
    EXPECT_EQ(e.to_string(),
              "test.yaml:6:48: connections.a.children.net.remote_ts: local_ts and remote_ts "
              "have no address family in common; no policy could be installed");
}

// ---- authentication ------------------------------------------------------------

TEST(config_loader, auth_method_errors) {
    auto errors = errors_of(with_secret(yaml(R"(
connections:
  a:
    local: {auth: pubkey, id: a.example.org}
    remote: {auth: eap-mschapv2}
  b:
    local: {auth: eap-tls}
    remote: {auth: pks}
  c:
    local: {id: a.example.org}
)")));
    std::vector<std::string> got;
    for (const auto& e : errors) got.push_back(e.to_string());
    std::vector<std::string> expected{
        "test.yaml:3:5: connections.a.local: auth: pubkey needs 'certs' (our certificate's PEM "
        "file)",
        "test.yaml:6:19: connections.b.local.auth: auth 'eap-tls' as a client is not supported "
        "yet; use eap-mschapv2 or pubkey",
        "test.yaml:7:20: connections.b.remote.auth: unknown value 'pks'; use psk, pubkey, "
        "eap-mschapv2 or eap-tls; did you mean 'psk'?",
        "test.yaml:8:3: connections.c: missing 'remote' section (with auth and id)",
        "test.yaml:9:5: connections.c.local: missing 'auth'; set auth: psk, pubkey, "
        "eap-mschapv2 or eap-tls",
    };
    EXPECT_EQ(got, expected);
}

// ---- EAP -----------------------------------------------------------------------

constexpr std::string_view eap_gateway = R"(
secrets:
  - ids: [gw.example.org]
    psk: "a long random secret value"
  - ids: [carol, dave]
    eap: "carol's password"
  - ids: [erin]
    eap: 0x41424344
connections:
  rw:
    local: {auth: psk, id: gw.example.org}
    remote: {auth: eap-mschapv2, eap_id: "%any"}
)";

TEST(config_loader, eap_users_come_from_secrets) {
    config cfg = load_ok(yaml(eap_gateway));
    ASSERT_EQ(cfg.secrets.size(), 1u);
    ASSERT_EQ(cfg.eap_secrets.size(), 2u);
    EXPECT_EQ(cfg.eap_secrets[0].ids, (std::vector<std::string>{"carol", "dave"}));
    EXPECT_EQ(bytes_of(cfg.eap_secrets[0].password),
              ike::bytes(std::string_view("carol's password").begin(),
                         std::string_view("carol's password").end()));
    EXPECT_EQ(bytes_of(cfg.eap_secrets[1].password), (ike::bytes{0x41, 0x42, 0x43, 0x44}));
    EXPECT_EQ(cfg.eap_secrets[1].origin, "test.yaml:6");
    EXPECT_EQ(cfg.eap_secrets[1].position, 2u);
    EXPECT_EQ(cfg.connections[0].remote.auth, auth_class::eap_mschapv2);
    EXPECT_EQ(cfg.connections[0].remote.eap_id, "%any");
    EXPECT_TRUE(cfg.warnings.empty());
}

TEST(config_loader, eap_secret_errors) {
    auto errors = errors_of(yaml(R"(
secrets:
  - eap: "no user"
  - ids: [carol]
    eap: "x"
    eap_file: carol.pw
  - ids: [dave]
    eap: "x"
    psk: "a long random secret value"
connections:
  rw2:
    local: {auth: eap-mschapv2}
    remote: {auth: psk, eap_id: carol}
)"));
    std::vector<std::string> got;
    for (const auto& e : errors) got.push_back(e.to_string());
    std::vector<std::string> expected{
        "test.yaml:2:5: secrets[0]: an eap secret needs 'ids': the EAP user names it is the "
        "password of",
        "test.yaml:5:15: secrets[1].eap_file: give either eap or eap_file, not both",
        "test.yaml:8:11: secrets[2].psk: give either a psk or an eap password in one entry, not "
        "both",
        "test.yaml:12:33: connections.rw2.remote.eap_id: eap_id is used with an EAP auth "
        "(eap-mschapv2, eap-tls) only",
    };
    EXPECT_EQ(got, expected);
    for (const auto& e : got) EXPECT_EQ(e.find("no user"), std::string::npos) << e;
}

TEST(config_loader, eap_connection_cross_checks) {
    auto errors = errors_of(yaml(R"(
secrets:
  - ids: [gw.example.org]
    psk: "a long random secret value"
connections:
  rw:
    local: {auth: eap-mschapv2, eap_id: carol}
    remote: {auth: eap-mschapv2}
  rw2:
    local: {auth: eap-mschapv2}
    remote: {auth: psk, id: gw.example.org}
  rw3:
    local: {auth: psk, id: gw.example.org}
    remote: {auth: eap-tls, eap_id: "%any"}
)"));
    std::vector<std::string> got;
    for (const auto& e : errors) got.push_back(e.to_string());
    std::vector<std::string> expected{
        "test.yaml:6:13: connections.rw.local.auth: with remote auth eap-mschapv2 the gateway "
        "proves itself with pubkey (a certificate) or psk, not EAP",
        "test.yaml:6:33: connections.rw.local.eap_id: no eap secret in 'secrets' is for our EAP "
        "user 'carol'; add an entry with ids: [carol] and eap: PASSWORD",
        "test.yaml:7:14: connections.rw.remote.auth: auth eap-mschapv2 checks users' passwords, "
        "but 'secrets' has no EAP user; add an entry with ids: [USER] and eap: PASSWORD",
        "test.yaml:9:13: connections.rw2.local.auth: auth eap-mschapv2 needs a user name: set "
        "eap_id (or id)",
        "test.yaml:12:13: connections.rw3.local.auth: with remote auth eap-tls the gateway needs a "
        "certificate for the TLS handshake: use auth: pubkey with certs and key",
        "test.yaml:13:14: connections.rw3.remote.auth: auth: eap-tls needs a CA to check the "
        "peer's certificate: add an 'authorities' entry with its cacert",
    };
    EXPECT_EQ(got, expected);
}

TEST(config_loader, eap_ids_must_have_a_password) {
    auto e = only_error(yaml(R"(
secrets:
  - ids: [gw.example.org]
    psk: "a long random secret value"
  - ids: [carol]
    eap: "carol's password"
connections:
  rw:
    local: {auth: psk, id: gw.example.org}
    remote: {auth: eap-mschapv2, eap_id: dave}
  client:
    local: {auth: eap-mschapv2, id: carol}
    remote: {auth: psk, id: gw.example.org}
)"));
    EXPECT_EQ(e.to_string(),
              "test.yaml:9:34: connections.rw.remote.eap_id: no eap secret in 'secrets' is for "
              "'dave'");
}

TEST(config_loader, psk_connection_needs_a_matching_secret) {
    auto e = only_error(yaml(R"(
secrets:
  - ids: [c.example.org]
    psk: "a long random secret value"
connections:
  a-to-b:
    local: {auth: psk, id: a.example.org}
    remote: {auth: psk, id: b.example.org}
)"));
    EXPECT_EQ(e.to_string(),
              "test.yaml:5:3: connections.a-to-b: uses auth: psk but no entry in 'secrets' "
              "matches its identities (local 'a.example.org', remote 'b.example.org'); add a "
              "secret with ids: [a.example.org, b.example.org]");
}

// ---- secrets -------------------------------------------------------------------

TEST(config_loader, psk_forms) {
    config cfg = load_ok(yaml(R"(
secrets:
  - ids: [a.example.org]
    psk: 0x000102030405060708090a0b0c0d0e0f
  - ids: "b.example.org, 10.0.0.2"
    psk: 0sAAECAwQFBgcICQoLDA0ODw==
connections:
  a:
    local: {auth: psk, id: a.example.org}
    remote: {auth: psk, id: b.example.org}
)"));
    ASSERT_EQ(cfg.secrets.size(), 2u);
    ike::bytes expected{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    EXPECT_EQ(bytes_of(cfg.secrets[0].psk), expected);
    EXPECT_EQ(bytes_of(cfg.secrets[1].psk), expected);
    ASSERT_EQ(cfg.secrets[1].ids.size(), 2u);
    EXPECT_EQ(cfg.secrets[1].ids[1].type, ike::id_type::ipv4_addr);
    EXPECT_EQ(cfg.secrets[0].origin, "test.yaml:2");
    EXPECT_TRUE(cfg.warnings.empty());
}

TEST(config_loader, psk_errors_never_show_the_key) {
    auto errors = errors_of(yaml(R"(
secrets:
  - ids: [a.example.org]
    psk: 0xdeadbeefzz
  - ids: [b.example.org]
    psk: "topsecret-but-long-enough"
    psk_file: b.psk
  - ids: [c.example.org]
)"));
    ASSERT_EQ(errors.size(), 3u);
    EXPECT_EQ(errors[0].to_string(), "test.yaml:3:20: secrets[0].psk: invalid hex digit in key");
    EXPECT_EQ(errors[1].to_string(),
              "test.yaml:6:15: secrets[1].psk_file: give either psk or psk_file, not both");
    EXPECT_EQ(errors[2].to_string(),
              "test.yaml:7:5: secrets[2]: missing 'psk' or 'psk_file' (or 'eap' for an EAP "
              "user's password)");
    for (const auto& e : errors) {
        EXPECT_EQ(e.to_string().find("deadbeef"), std::string::npos);
        EXPECT_EQ(e.to_string().find("topsecret"), std::string::npos);
    }
}

TEST(config_loader, weak_psk_warns) {
    config cfg = load_ok(yaml(R"(
secrets:
  - ids: [a.example.org]
    psk: short
connections:
  a:
    local: {auth: psk, id: a.example.org}
    remote: {auth: psk}
)"));
    ASSERT_EQ(cfg.warnings.size(), 1u);
    EXPECT_EQ(cfg.warnings[0].to_string(),
              "test.yaml:3:10: secrets[0].psk: weak pre-shared key (5 bytes); use at least 20 "
              "random characters, e.g. from 'openssl rand -base64 32'");
    EXPECT_EQ(cfg.warnings[0].to_string().find("short"), std::string::npos);
}

class config_files : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("ikev2d_config_test_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path write(const std::string& name, std::string_view content,
                                mode_t mode = 0600) {
        auto path = dir_ / name;
        std::ofstream(path, std::ios::binary) << content;
        ::chmod(path.c_str(), mode);
        return path;
    }
    std::filesystem::path dir_;
};

constexpr std::string_view psk_file_config = R"(
secrets:
  - ids: [a.example.org, b.example.org]
    psk_file: keys/ab.psk
connections:
  a:
    local: {auth: psk, id: a.example.org}
    remote: {auth: psk, id: b.example.org}
)";

TEST_F(config_files, psk_file_relative_to_the_config) {
    std::filesystem::create_directories(dir_ / "keys");
    write("keys/ab.psk", "0x00112233445566778899aabbccddeeff\n");
    auto cfg = load_config_file(write("ikev2d.yaml", yaml(psk_file_config)));
    ASSERT_TRUE(cfg) << cfg.error().front().to_string();
    EXPECT_EQ(bytes_of(cfg->secrets.at(0).psk),
              (ike::bytes{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
                          0xcc, 0xdd, 0xee, 0xff}));
    EXPECT_TRUE(cfg->warnings.empty());
}

TEST_F(config_files, psk_file_permissions_warn) {
    std::filesystem::create_directories(dir_ / "keys");
    auto key = write("keys/ab.psk", "a long enough secret value for the test\n", 0644);
    auto cfg = load_config_file(write("ikev2d.yaml", yaml(psk_file_config)));
    ASSERT_TRUE(cfg) << cfg.error().front().to_string();
    ASSERT_EQ(cfg->warnings.size(), 1u);
    EXPECT_EQ(cfg->warnings[0].line, 3);
    EXPECT_EQ(cfg->warnings[0].column, 15);
    EXPECT_EQ(cfg->warnings[0].message,
              "'" + key.string() + "' is accessible by group or others; chmod 600 it");
}

TEST_F(config_files, missing_psk_file) {
    auto path = write("ikev2d.yaml", yaml(psk_file_config));
    auto cfg = load_config_file(path);
    ASSERT_FALSE(cfg);
    ASSERT_EQ(cfg.error().size(), 1u);
    EXPECT_EQ(cfg.error()[0].to_string(),
              path.string() + ":3:15: secrets[0].psk_file: cannot read '" +
                  (dir_ / "keys/ab.psk").string() + "': No such file or directory");
}

TEST_F(config_files, inline_psk_in_readable_config_warns) {
    auto path = write("ikev2d.yaml", with_secret(yaml(R"(
connections:
  a:
    local: {auth: psk, id: a.example.org}
    remote: {auth: psk, id: b.example.org}
)")),
                      0644);
    auto cfg = load_config_file(path);
    ASSERT_TRUE(cfg) << cfg.error().front().to_string();
    ASSERT_EQ(cfg->warnings.size(), 1u);
    EXPECT_EQ(cfg->warnings[0].to_string(),
              path.string() +
                  ":8:11: secrets[0].psk: the config file holds a pre-shared key and is "
                  "readable by group or others; chmod 600 it, or move the key to a psk_file");
}

TEST_F(config_files, unreadable_config) {
    auto cfg = load_config_file(dir_ / "nope.yaml");
    ASSERT_FALSE(cfg);
    EXPECT_EQ(cfg.error().at(0).to_string(),
              (dir_ / "nope.yaml").string() +
                  ": cannot read the configuration file: No such file or directory");
}

// ---- warnings and bounds ---------------------------------------------------------

TEST(config_loader, warnings_do_not_fail_the_load) {
    config cfg = load_ok(with_secret(yaml(R"(
connections:
  a:
    local: {auth: psk, id: a.example.org}
    remote: {auth: psk, id: b.example.org}
    dpd_timeout: 150s
    children:
      net:
        local_ts: 10.1.2.3/16
)")));
    ASSERT_EQ(cfg.warnings.size(), 2u);
    EXPECT_EQ(cfg.warnings[0].to_string(),
              "test.yaml:5:18: connections.a.dpd_timeout: dpd_timeout applies to IKEv1 only "
              "and is ignored; an IKEv2 peer is declared dead when DPD retransmissions time "
              "out");
    EXPECT_EQ(cfg.warnings[1].to_string(),
              "test.yaml:8:19: connections.a.children.net.local_ts: host bits set; using "
              "10.1.0.0/16");
    EXPECT_EQ(cfg.connections.at(0).children.at(0).local_ts.at(0).to_string(), "10.1.0.0/16");
}

TEST(config_loader, unused_secret_and_empty_config_warn) {
    config cfg = load_ok(std::string(good_tail.substr(1)));
    ASSERT_EQ(cfg.warnings.size(), 2u);
    EXPECT_EQ(cfg.warnings[0].to_string(),
              "test.yaml: connections: no connections defined; the daemon will do nothing");
    EXPECT_EQ(cfg.warnings[1].to_string(),
              "test.yaml:2:5: secrets[0].ids: no connection uses any of these identities; "
              "check them for typos");
}

TEST(config_loader, error_count_is_bounded) {
    std::string text = "connections:\n  a:\n";
    for (int i = 0; i < 80; ++i) text += "    bad" + std::to_string(i) + ": 1\n";
    auto errors = errors_of(text);
    ASSERT_EQ(errors.size(), max_errors + 1);
    EXPECT_EQ(errors.back().to_string(), "test.yaml: too many errors; stopped after 50");
}

TEST(config_loader, broken_files_in_test_data) {
    auto cfg = load_config_file(data_dir / "tab_indent.yaml");
    ASSERT_FALSE(cfg);
    ASSERT_EQ(cfg.error().size(), 1u);
    EXPECT_EQ(cfg.error()[0].line, 3);
    EXPECT_EQ(cfg.error()[0].column, 2);  // yaml-cpp points after the tab
    EXPECT_EQ(cfg.error()[0].message,
              "YAML syntax error: end of map not found; the line is indented with a tab, which "
              "YAML does not allow: use spaces");
}

TEST(config_loader, fragment_size_default_and_range) {
    EXPECT_EQ(load_ok(with_daemon_line("nat_keepalive: 20s")).daemon.fragment_size, 1280u);
    EXPECT_EQ(load_ok(with_daemon_line("fragment_size: 576")).daemon.fragment_size, 576u);
    for (std::string_view line :
         {"fragment_size: 100", "fragment_size: 70000", "fragment_size: big"}) {
        SCOPED_TRACE(line);
        const std::string error = only_error(with_daemon_line(line)).to_string();
        EXPECT_NE(error.find("test.yaml:2:"), std::string::npos) << error;
        EXPECT_NE(error.find("daemon.fragment_size"), std::string::npos) << error;
    }
}

TEST(config_loader, crypto_threads_default_and_range) {
    // Unset: the daemon picks (online CPUs but one, crypto_pool.hpp).
    EXPECT_FALSE(load_ok(with_daemon_line("nat_keepalive: 20s")).daemon.crypto_threads);
    EXPECT_EQ(load_ok(with_daemon_line("crypto_threads: 0")).daemon.crypto_threads, 0u);
    EXPECT_EQ(load_ok(with_daemon_line("crypto_threads: 3")).daemon.crypto_threads, 3u);
    EXPECT_EQ(load_ok(with_daemon_line("crypto_threads: 256")).daemon.crypto_threads, 256u);
    EXPECT_EQ(only_error(with_daemon_line("crypto_threads: 257")).to_string(),
              "test.yaml:2:19: daemon.crypto_threads: expected a whole number in 0..256, got "
              "'257'");
    for (std::string_view line : {"crypto_threads: -1", "crypto_threads: many"}) {
        SCOPED_TRACE(line);
        const std::string error = only_error(with_daemon_line(line)).to_string();
        EXPECT_NE(error.find("daemon.crypto_threads"), std::string::npos) << error;
    }
}

}  // namespace
}  // namespace ikev2d::config
