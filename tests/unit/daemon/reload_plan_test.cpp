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

}  // namespace
}  // namespace ikev2d
