#include "daemon/reload_plan.hpp"

#include <gtest/gtest.h>

#include "daemon/config/config_loader.hpp"

namespace ikev2d {
namespace {

config::config load(std::string_view yaml) {
    auto cfg = config::load_config_string(yaml, "test.yaml");
    EXPECT_TRUE(cfg) << (cfg ? "" : cfg.error().front().to_string());
    return cfg ? std::move(*cfg) : config::config{};
}

constexpr std::string_view before = R"(
secrets: [{psk: "0x000102030405060708090a0b0c0d0e0f"}]
connections:
  keep:   {local: {auth: psk}, remote: {auth: psk}, children: {net: {local_ts: [10.0.0.0/8]}}}
  change: {local: {auth: psk}, remote: {auth: psk}, rekey_time: 1h}
  drop:   {local: {auth: psk}, remote: {auth: psk}}
)";

constexpr std::string_view after = R"(
secrets: [{psk: "0x000102030405060708090a0b0c0d0e0f"}]
connections:
  new:    {local: {auth: psk}, remote: {auth: psk}}
  keep:   {local: {auth: psk}, remote: {auth: psk}, children: {net: {local_ts: [10.0.0.0/8]}}}
  change: {local: {auth: psk}, remote: {auth: psk}, rekey_time: 2h}
)";

TEST(reload_plan, sorts_connections_into_four_lists) {
    const auto plan = plan_reload(load(before), load(after));
    EXPECT_EQ(plan.added, std::vector<std::string>{"new"});
    EXPECT_EQ(plan.removed, std::vector<std::string>{"drop"});
    EXPECT_EQ(plan.changed, std::vector<std::string>{"change"});
    EXPECT_EQ(plan.unchanged, std::vector<std::string>{"keep"});
}

TEST(reload_plan, child_settings_count_as_changes) {
    const auto a = load(
        "{secrets: [{psk: \"0x000102030405060708090a0b0c0d0e0f\"}], connections: {c: {local: "
        "{auth: psk}, remote: {auth: psk}, children: {n: {start_action: none}}}}}");
    const auto b = load(
        "{secrets: [{psk: \"0x000102030405060708090a0b0c0d0e0f\"}], connections: {c: {local: "
        "{auth: psk}, remote: {auth: psk}, children: {n: {start_action: trap}}}}}");
    const auto c = load(
        "{secrets: [{psk: \"0x000102030405060708090a0b0c0d0e0f\"}], connections: {c: {local: "
        "{auth: psk}, remote: {auth: psk}, children: {n: {replay_window: 64}}}}}");
    EXPECT_EQ(plan_reload(a, b).changed.size(), 1u);
    EXPECT_EQ(plan_reload(a, c).changed.size(), 1u);
    EXPECT_EQ(plan_reload(a, a).unchanged.size(), 1u);
}

TEST(reload_plan, restart_only_daemon_settings) {
    const config::daemon_config running;
    EXPECT_TRUE(restart_only_changes(running, running).empty());

    // nat_keepalive and log levels apply on reload: nothing to say.
    auto next = running;
    next.nat_keepalive = std::chrono::seconds(5);
    next.log.default_level = config::log_level::debug;
    EXPECT_TRUE(restart_only_changes(running, next).empty());

    next = running;
    next.reqid_min = 0x100, next.reqid_max = 0x1ff;
    EXPECT_EQ(restart_only_changes(running, next),
              std::vector<std::string>{
                  "daemon.reqid_range changed to 0x00000100-0x000001ff: takes effect on restart; "
                  "until then ikev2d keeps using and owning 0x4b450001-0x4b45ffff (its SAs, "
                  "policies and traps carry those reqids)"});

    next = running;
    next.natt_port = 4501;
    next.control_socket = "/run/other.sock";
    next.reqid_max = 0x4b450fff;
    const auto lines = restart_only_changes(running, next);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "daemon.ports changed: takes effect on restart");
    EXPECT_EQ(lines[1], "daemon.control_socket changed: takes effect on restart");
    EXPECT_TRUE(lines[2].starts_with("daemon.reqid_range changed to 0x4b450001-0x4b450fff"))
        << lines[2];

    // The worker threads start with the daemon.
    next = running;
    next.crypto_threads = 0;
    EXPECT_EQ(restart_only_changes(running, next),
              std::vector<std::string>{"daemon.crypto_threads changed: takes effect on restart"});
}

}  // namespace
}  // namespace ikev2d
