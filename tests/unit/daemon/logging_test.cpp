#include "daemon/logging.hpp"

#include <gtest/gtest.h>

namespace ikev2d::logging {
namespace {

TEST(logging, sa_context_names_connection_number_and_peer) {
    EXPECT_EQ(sa_context("a-to-b", 3, ike::ip_addr::v4(10, 1, 0, 2)), "[a-to-b#3 10.1.0.2]");
}

TEST(logging, subsystems_and_levels) {
    EXPECT_EQ(parse_subsystem("knl"), subsystem::knl);
    EXPECT_EQ(name(subsystem::cfg), "cfg");
    EXPECT_FALSE(parse_subsystem("xyz"));
    EXPECT_EQ(parse_level("warning"), config::log_level::warning);
    EXPECT_FALSE(parse_level("loud"));
    EXPECT_EQ(to_spdlog(config::log_level::silent), spdlog::level::off);
}

TEST(logging, per_subsystem_levels_from_config) {
    config::log_config levels;
    levels.default_level = config::log_level::warning;
    levels.subsystems["ike"] = config::log_level::debug;
    apply_levels(levels);
    EXPECT_EQ(get(subsystem::ike).level(), spdlog::level::debug);
    EXPECT_EQ(get(subsystem::knl).level(), spdlog::level::warn);
    set_level(subsystem::knl, config::log_level::trace);
    EXPECT_EQ(get(subsystem::knl).level(), spdlog::level::trace);
}

}  // namespace
}  // namespace ikev2d::logging
