#include "daemon/config_translate.hpp"

#include <gtest/gtest.h>

#include "daemon/config/config_loader.hpp"
#include "libike/proposal/proposal_string.hpp"

namespace ikev2d {
namespace {

config::config load(std::string_view yaml) {
    auto cfg = config::load_config_string(yaml, "test.yaml");
    EXPECT_TRUE(cfg) << (cfg ? "" : cfg.error().front().to_string());
    return cfg ? std::move(*cfg) : config::config{};
}

constexpr std::string_view site_to_site = R"(
secrets:
  - ids: [gw-a.example.org]
    psk: "0x101112131415161718191a1b1c1d1e1f"
  - ids: [gw-a.example.org, gw-b.example.org]
    psk: "0x000102030405060708090a0b0c0d0e0f"
connections:
  a-to-b:
    local_addrs: [10.1.0.1]
    remote_addrs: [10.1.0.2, "fd00::2"]
    remote_port: 4500
    proposals: [aes256gcm16-prfsha384-x25519]
    local: {auth: psk, id: gw-a.example.org}
    remote: {auth: psk, id: gw-b.example.org}
    dpd_delay: 30s
    rekey_time: 2h
    children:
      net:
        local_ts: [10.10.1.0/24, "fd00:1::/64"]
        remote_ts: ["10.10.2.7[tcp/443]"]
        esp_proposals: [aes128gcm16]
        mode: transport
        rekey_time: 10m
        life_time: 11m
        replay_window: 64
      host:
        start_action: trap
)";

TEST(config_translate, connection_fields) {
    const auto cfg = load(site_to_site);
    const auto c = translate_connection(cfg.connections.at(0));
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->name, "a-to-b");
    ASSERT_EQ(c->local_addrs.size(), 1u);
    EXPECT_EQ(c->local_addrs[0], ike::ip_addr::v4(10, 1, 0, 1));
    ASSERT_EQ(c->remote_addrs.size(), 2u);
    EXPECT_TRUE(c->remote_addrs[1].ipv6);
    EXPECT_EQ(c->remote_port, 4500);
    ASSERT_EQ(c->proposals.size(), 1u);
    EXPECT_EQ(ike::to_string(c->proposals[0]), "aes256gcm16-prfsha384-curve25519");
    EXPECT_EQ(ike::to_string(c->local_id), "gw-a.example.org");
    EXPECT_EQ(c->local_id.type, ike::id_type::fqdn);
    EXPECT_EQ(ike::to_string(c->remote_id), "gw-b.example.org");
    EXPECT_EQ(c->dpd_delay, std::chrono::seconds(30));
    EXPECT_EQ(c->rekey_time, std::chrono::hours(2));
    // rand_time unset: over_time, itself 10% of rekey_time.
    EXPECT_EQ(c->rand_time, std::chrono::minutes(12));
}

TEST(config_translate, fragmentation_policy) {
    const std::pair<std::string_view, ike::fragmentation_policy> cases[] = {
        {"yes", ike::fragmentation_policy::yes},
        {"force", ike::fragmentation_policy::yes},
        {"accept", ike::fragmentation_policy::accept},
        {"no", ike::fragmentation_policy::no}};
    EXPECT_EQ(translate_connection(load(site_to_site).connections.at(0))->fragmentation,
              ike::fragmentation_policy::yes)
        << "the default";
    for (const auto& [value, policy] : cases) {
        SCOPED_TRACE(value);
        std::string yaml(site_to_site);
        yaml.replace(yaml.find("    dpd_delay:"), 0,
                     "    fragmentation: " + std::string(value) + "\n");
        const auto c = translate_connection(load(yaml).connections.at(0));
        ASSERT_TRUE(c) << c.error();
        EXPECT_EQ(c->fragmentation, policy);
    }
}

TEST(config_translate, dpd_action_per_child) {
    const std::pair<std::string_view, ike::peer_dead_action> cases[] = {
        {"clear", ike::peer_dead_action::clear},
        {"trap", ike::peer_dead_action::trap},
        {"restart", ike::peer_dead_action::restart}};
    const auto plain = translate_connection(load(site_to_site).connections.at(0));
    ASSERT_TRUE(plain) << plain.error();
    EXPECT_EQ(plain->children[0].dpd_action, ike::peer_dead_action::clear) << "the default";
    for (const auto& [value, action] : cases) {
        SCOPED_TRACE(value);
        std::string yaml(site_to_site);
        yaml.replace(yaml.find("        replay_window:"), 0,
                     "        dpd_action: " + std::string(value) + "\n");
        const auto c = translate_connection(load(yaml).connections.at(0));
        ASSERT_TRUE(c) << c.error();
        EXPECT_EQ(c->children[0].dpd_action, action);
        EXPECT_EQ(c->children[1].dpd_action, ike::peer_dead_action::clear);
    }
}

TEST(config_translate, children_selectors_and_lifetimes) {
    const auto cfg = load(site_to_site);
    const auto c = translate_connection(cfg.connections.at(0));
    ASSERT_TRUE(c) << c.error();
    ASSERT_EQ(c->children.size(), 2u);
    const auto& net = c->children[0];
    EXPECT_EQ(net.name, "net");
    EXPECT_EQ(ike::to_string(net.local_ts), "[10.10.1.0/24, fd00:1::/64]");
    EXPECT_EQ(ike::to_string(net.remote_ts), "[10.10.2.7/32[tcp/443]]");
    EXPECT_EQ(net.mode, ike::ipsec_mode::transport);
    EXPECT_EQ(net.rekey_time, std::chrono::minutes(10));
    EXPECT_EQ(net.life_time, std::chrono::minutes(11));
    EXPECT_EQ(net.replay_window, 64u);
    ASSERT_EQ(net.esp_proposals.size(), 1u);
    EXPECT_EQ(ike::to_string(net.esp_proposals[0]), "aes128gcm16-noesn");
    // `dynamic` (the default) is the engine's empty list: the IKE addresses.
    EXPECT_TRUE(c->children[1].local_ts.empty());
    EXPECT_TRUE(c->children[1].remote_ts.empty());
}

TEST(config_translate, child_rand_time_is_passed_on) {
    // Derived as life_time - rekey_time when not set (1m here, not the
    // engine's own default of 6m).
    const auto derived = translate_connection(load(site_to_site).connections.at(0));
    ASSERT_TRUE(derived) << derived.error();
    EXPECT_EQ(derived->children.at(0).rand_time, std::chrono::minutes(1));
    std::string yaml(site_to_site);
    yaml.replace(yaml.find("        replay_window:"), 0, "        rand_time: 90s\n");
    const auto set = translate_connection(load(yaml).connections.at(0));
    ASSERT_TRUE(set) << set.error();
    EXPECT_EQ(set->children.at(0).rand_time, std::chrono::seconds(90));
    EXPECT_EQ(set->children.at(1).rand_time, std::chrono::minutes(6)) << "1h rekey, 66m life";
}

TEST(config_translate, child_byte_and_packet_limits_are_passed_on) {
    std::string yaml(site_to_site);
    yaml.replace(yaml.find("        replay_window:"), 0,
                 "        rekey_bytes: 200000\n        life_bytes: 400k\n"
                 "        rekey_packets: 1000\n        rand_packets: 50\n");
    const auto c = translate_connection(load(yaml).connections.at(0));
    ASSERT_TRUE(c) << c.error();
    const auto& net = c->children.at(0);
    EXPECT_EQ(net.rekey_bytes, 200000u);
    EXPECT_EQ(net.life_bytes, 409600u) << "k is 1024";
    EXPECT_EQ(net.rand_bytes, 209600u) << "derived: life_bytes - rekey_bytes";
    EXPECT_EQ(net.rekey_packets, 1000u);
    EXPECT_EQ(net.life_packets, 1100u) << "derived: rekey_packets + 10%";
    EXPECT_EQ(net.rand_packets, 50u);
    const auto& host = c->children.at(1);
    EXPECT_EQ(host.rekey_bytes, 0u) << "off unless configured";
    EXPECT_EQ(host.rand_bytes, 0u);
}

TEST(config_translate, any_addresses_become_empty_lists) {
    const auto cfg = load(R"(
secrets: [{psk: "0x000102030405060708090a0b0c0d0e0f"}]
connections:
  rw:
    local: {auth: psk}
    remote: {auth: psk}
    children: {net: {local_ts: [0.0.0.0/0]}}
)");
    const auto c = translate_connection(cfg.connections.at(0));
    ASSERT_TRUE(c) << c.error();
    EXPECT_TRUE(c->local_addrs.empty());
    EXPECT_TRUE(c->remote_addrs.empty());
    EXPECT_TRUE(c->remote_id.any);
    EXPECT_EQ(ike::to_string(c->children[0].local_ts), "[0.0.0.0/0]");
}

TEST(config_translate, unsupported_settings_leave_the_connection_out) {
    const auto cfg = load(R"(
secrets: [{psk: "0x000102030405060708090a0b0c0d0e0f"}]
connections:
  prefix:
    remote_addrs: [10.0.0.0/8]
    local: {auth: psk}
    remote: {auth: psk}
  marked:
    local: {auth: psk}
    remote: {auth: psk}
    children: {net: {mark_in: 42}}
  mixed:
    local: {auth: psk}
    remote: {auth: psk}
    children: {net: {local_ts: [dynamic, 10.0.0.0/8]}}
  fine:
    local: {auth: psk}
    remote: {auth: psk}
)");
    const auto t = translate(cfg);
    ASSERT_EQ(t.connections.size(), 1u);
    EXPECT_EQ(t.connections[0]->name, "fine");
    ASSERT_EQ(t.errors.size(), 3u);
    EXPECT_EQ(t.errors[0].to_string(),
              "connections.prefix: remote_addrs: address prefix 10.0.0.0/8 is not supported yet "
              "(use %any or IP addresses)");
    EXPECT_EQ(t.errors[1].to_string(),
              "connections.marked: children.net: marks and interface ids are not supported yet");
    EXPECT_EQ(t.errors[2].to_string(),
              "connections.mixed: children.net: local_ts: 'dynamic' together with subnets is not "
              "supported yet");
}

TEST(config_translate, initiated_ike_sas_send_from_the_configured_ike_port) {
    const auto cfg = load(R"(
daemon: {ports: {ike: 1500, natt: 4501}}
secrets: [{psk: "0x000102030405060708090a0b0c0d0e0f"}]
connections:
  c:
    remote_addrs: [192.0.2.2]
    local: {auth: psk}
    remote: {auth: psk}
)");
    const auto t = translate(cfg);
    ASSERT_EQ(t.connections.size(), 1u);
    EXPECT_EQ(t.connections[0]->local_port, 1500);
    EXPECT_EQ(translate(load(site_to_site)).connections.at(0)->local_port, 500);
}

ike::id_payload fqdn(std::string_view name) {
    return {ike::id_type::fqdn, ike::bytes(name.begin(), name.end())};
}

TEST(config_translate, psk_store_prefers_the_best_match) {
    const auto cfg = load(site_to_site);
    const config_psk_store store(cfg.secrets);
    const auto local = ike::parse_identity("gw-a.example.org").value();
    const auto* both = store.find(local, fqdn("gw-b.example.org"));
    ASSERT_NE(both, nullptr);
    EXPECT_EQ(both->view()[0], 0x00);  // the later entry naming both identities wins
    const auto* one = store.find(local, fqdn("gw-c.example.org"));
    ASSERT_NE(one, nullptr);
    EXPECT_EQ(one->view()[0], 0x10);  // a tie on the local identity: the first entry
    const auto other = ike::parse_identity("gw-x.example.org").value();
    EXPECT_EQ(store.find(other, fqdn("gw-y.example.org")), nullptr);
}

constexpr std::string_view eap_config = R"(
secrets:
  - ids: [gw.example.org]
    psk: "a long random secret value"
  - ids: [carol]
    eap: "carol's password"
connections:
  rw:
    local: {auth: psk, id: gw.example.org}
    remote: {auth: eap-mschapv2, eap_id: "%any"}
  rw-carol:
    local: {auth: psk, id: gw.example.org}
    remote: {auth: eap-mschapv2, eap_id: carol}
  client:
    remote_addrs: [192.0.2.1]
    local: {auth: eap-mschapv2, id: client.example.org, eap_id: carol}
    remote: {auth: psk, id: gw.example.org}
)";

TEST(config_translate, eap_gateway_and_client) {
    const auto cfg = load(eap_config);
    const auto t = translate(cfg);
    ASSERT_TRUE(t.errors.empty()) << t.errors.front().to_string();
    ASSERT_EQ(t.connections.size(), 3u);
    const auto& any = *t.connections[0];
    EXPECT_EQ(any.remote_auth, ike::auth_kind::eap);
    EXPECT_EQ(any.local_auth, ike::auth_kind::psk);
    EXPECT_EQ(any.remote_eap.methods, std::vector<ike::eap_type>{ike::eap_type::mschapv2});
    EXPECT_TRUE(any.remote_eap.ask_identity);
    EXPECT_EQ(any.remote_eap.identity, "");
    const auto& carol = *t.connections[1];
    EXPECT_FALSE(carol.remote_eap.ask_identity);
    EXPECT_EQ(carol.remote_eap.identity, "carol");
    const auto& client = *t.connections[2];
    EXPECT_EQ(client.local_auth, ike::auth_kind::eap);
    EXPECT_EQ(client.local_eap_identity, "carol");
    ASSERT_TRUE(client.local_eap_password);
    const std::string_view pw = "carol's password";
    EXPECT_EQ(ike::bytes(client.local_eap_password->data(),
                         client.local_eap_password->data() + client.local_eap_password->size()),
              ike::bytes(pw.begin(), pw.end()));
}

TEST(config_translate, eap_users_for_the_backend) {
    const auto cfg = load(eap_config);
    const auto users = eap_users_of(cfg.eap_secrets);
    EXPECT_EQ(users.size(), 1u);
    EXPECT_NE(users.find("carol"), nullptr);
    EXPECT_EQ(users.find("Carol"), nullptr);
    EXPECT_EQ(users.find("gw.example.org"), nullptr);
}

}  // namespace
}  // namespace ikev2d
