// Malformed configurations are refused with file:line:column, key path and
// a message, in every section: values of the wrong type, unknown keys, bad
// addresses and prefixes, bad proposal keywords. (config_loader_test.cpp
// covers these inside connections:; this file covers the other sections and
// the forms it leaves out.)
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/config_loader.hpp"

namespace ikev2d::config {
namespace {

// Inline YAML starts on the line after R"( so that line numbers read naturally.
std::string yaml(std::string_view text) {
    return std::string(text.substr(1));
}

// A connection with everything it needs, after which a test adds keys (at the
// connection's indentation) or sections.
const std::string conn_head = R"(
connections:
  a:
    local: {auth: psk, id: a.example.org}
    remote: {auth: psk, id: b.example.org}
)";

const std::string secrets = R"(
secrets:
  - ids: [a.example.org, b.example.org]
    psk: "a long random secret value"
)";

// Every error of loading `text`, as `file:line:column: key: message`.
std::vector<std::string> errors_of(const std::string& text) {
    auto cfg = load_config_string(text, "bad.yaml");
    EXPECT_FALSE(cfg) << "expected the load to fail:\n" << text;
    std::vector<std::string> out;
    if (!cfg) {
        for (const auto& e : cfg.error()) out.push_back(e.to_string());
    }
    return out;
}

using lines = std::vector<std::string>;

TEST(config_errors, sections_of_the_wrong_type) {
    EXPECT_EQ(errors_of("daemon: yes" + conn_head + secrets),
              lines{"bad.yaml:1:9: daemon: expected a map of keys, got a string"});
    EXPECT_EQ(errors_of(yaml(conn_head) + "secrets:\n  ids: [a.example.org]\n"),
              lines{"bad.yaml:6:3: secrets: expected a list, got a map"});
    EXPECT_EQ(errors_of("connections: [a]" + secrets),
              lines{"bad.yaml:1:14: connections: expected a map of keys, got a list"});
}

TEST(config_errors, values_of_the_wrong_type) {
    const std::string text = "daemon:\n  ports: {ike: abc}" + conn_head + yaml(R"(
    dpd_delay: true
    keyingtries: -1
    local_port: http
    children:
      net:
        replay_window: many
        rekey_time: [1h]
)") + secrets;
    EXPECT_EQ(errors_of(text),
              (lines{
                  "bad.yaml:2:16: daemon.ports.ike: expected a whole number in 1..65535, got "
                  "'abc'",
                  "bad.yaml:7:16: connections.a.dpd_delay: 'true' is not a number",
                  "bad.yaml:8:18: connections.a.keyingtries: expected a whole number in "
                  "0..4294967295, got '-1'",
                  "bad.yaml:9:17: connections.a.local_port: expected a whole number in 1..65535, "
                  "got 'http'",
                  "bad.yaml:12:24: connections.a.children.net.replay_window: expected a whole "
                  "number in 0..4294967295, got 'many'",
                  "bad.yaml:13:21: connections.a.children.net.rekey_time: expected a string, got "
                  "a list",
              }));
}

TEST(config_errors, unknown_keys_in_daemon_and_secrets) {
    const std::string text = yaml(R"(
daemon:
  listn: [0.0.0.0]
  log: {default: info, ikee: debug}
)") + yaml(conn_head) + yaml(R"(
secrets:
  - ids: [a.example.org, b.example.org]
    pks: x
    psk: "a long random secret value"
)");
    EXPECT_EQ(errors_of(text),
              (lines{
                  "bad.yaml:2:3: daemon.listn: unknown key 'listn'; did you mean 'listen'?",
                  "bad.yaml:3:24: daemon.log.ikee: unknown key 'ikee'; did you mean 'ike'?",
                  "bad.yaml:10:5: secrets[0].pks: unknown key 'pks'; did you mean 'psk'?",
              }));
}

TEST(config_errors, bad_addresses_and_prefixes) {
    const std::string text = "daemon:\n  listen: [10.0.0.0/8]" + conn_head + yaml(R"(
    remote_addrs: [10.0.0.0/33]
    children:
      net:
        local_ts: [10.1.0/24]
        remote_ts: ["fd00::/129", 10.2.0.0/]
)") + secrets;
    EXPECT_EQ(
        errors_of(text),
        (lines{
            "bad.yaml:2:12: daemon.listen[0]: '10.0.0.0/8' is not an IP address",
            "bad.yaml:7:29: connections.a.remote_addrs[0]: invalid prefix length '33'; expected "
            "0..32",
            "bad.yaml:10:20: connections.a.children.net.local_ts[0]: '10.1.0' is not an IP "
            "address; expected a subnet (10.1.0.0/16), an address or 'dynamic'",
            "bad.yaml:11:29: connections.a.children.net.remote_ts[0]: invalid prefix length "
            "'129'; expected 0..128; expected a subnet (10.1.0.0/16), an address or 'dynamic'",
            "bad.yaml:11:44: connections.a.children.net.remote_ts[1]: invalid prefix length ''; "
            "expected 0..32; expected a subnet (10.1.0.0/16), an address or 'dynamic'",
        }));
}

TEST(config_errors, bad_proposal_keywords) {
    const std::string text = yaml(conn_head) + yaml(R"(
    proposals: [aes128gcm16-esn-x25519, aes128--sha256-modp2048, "", aes128-x25519]
    children:
      net:
        esp_proposals: [aes128gcm16-prfsha256, sha256, aes128-sha256-modp9999]
)") + secrets;
    EXPECT_EQ(errors_of(text),
              (lines{
                  "bad.yaml:5:29: connections.a.proposals[0]: 'esn': an ESN mode is not allowed "
                  "(IKE proposal)",
                  "bad.yaml:5:48: connections.a.proposals[1]: empty algorithm keyword (IKE "
                  "proposal)",
                  "bad.yaml:5:67: connections.a.proposals[2]: empty proposal (IKE proposal)",
                  "bad.yaml:5:83: connections.a.proposals[3]: an integrity algorithm is "
                  "mandatory with classic (non-AEAD) encryption (IKE proposal)",
                  "bad.yaml:8:37: connections.a.children.net.esp_proposals[0]: 'prfsha256': a "
                  "PRF is not allowed (ESP proposal)",
                  "bad.yaml:8:54: connections.a.children.net.esp_proposals[1]: an encryption "
                  "algorithm is mandatory (ESP proposal)",
                  "bad.yaml:8:70: connections.a.children.net.esp_proposals[2]: unknown "
                  "algorithm 'modp9999' (ESP proposal)",
              }));
}

}  // namespace
}  // namespace ikev2d::config
