#include "daemon/daemon_cli.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace ikev2d {
namespace {

const std::string example = IKEV2D_TEST_DATA "/../../conf/ikev2d.yaml";
const std::string broken = IKEV2D_TEST_DATA "/../unit/daemon/data/broken.yaml";

std::pair<int, std::string> run_check(const std::string& path) {
    std::FILE* f = std::tmpfile();
    const int rc = check_config(path, f);
    std::rewind(f);
    std::string out;
    for (int c; (c = std::fgetc(f)) != EOF;) out.push_back(static_cast<char>(c));
    std::fclose(f);
    return {rc, out};
}

TEST(daemon_cli, options) {
    const std::vector<std::string_view> args{"--config", "/x.yaml", "--control-socket", "/s"};
    const auto cli = parse_daemon_cli(args);
    ASSERT_TRUE(cli);
    EXPECT_EQ(cli->config, "/x.yaml");
    EXPECT_EQ(cli->control_socket, std::filesystem::path("/s"));
    EXPECT_FALSE(cli->check_config);
    const std::vector<std::string_view> none;
    EXPECT_EQ(parse_daemon_cli(none)->config, std::string(default_config_path));
    const std::vector<std::string_view> bad{"--config"};
    EXPECT_EQ(parse_daemon_cli(bad).error(), "--config needs a value");
    const std::vector<std::string_view> unknown{"-x"};
    EXPECT_FALSE(parse_daemon_cli(unknown));
}

TEST(daemon_cli, kernel_backend_option) {
    const std::vector<std::string_view> none_args{"--kernel-backend", "none"};
    EXPECT_EQ(parse_daemon_cli(none_args)->kernel_backend, kernel_backend_kind::none);
    const std::vector<std::string_view> netlink_args{"--kernel-backend", "netlink"};
    EXPECT_EQ(parse_daemon_cli(netlink_args)->kernel_backend, kernel_backend_kind::netlink);
    const std::vector<std::string_view> defaults;
    EXPECT_EQ(parse_daemon_cli(defaults)->kernel_backend, kernel_backend_kind::netlink);
    const std::vector<std::string_view> bad{"--kernel-backend", "fake"};
    EXPECT_EQ(parse_daemon_cli(bad).error(), "--kernel-backend takes netlink or none");
    const std::vector<std::string_view> missing{"--kernel-backend"};
    EXPECT_EQ(parse_daemon_cli(missing).error(), "--kernel-backend needs a value");
}

TEST(daemon_cli, example_config_checks_ok) {
    const auto [rc, out] = run_check(example);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("OK, 1 connection"), std::string::npos) << out;
}

TEST(daemon_cli, broken_config_fails_with_position) {
    const auto [rc, out] = run_check(broken);
    EXPECT_EQ(rc, 1);
    EXPECT_NE(out.find("broken.yaml:11:15: connections.a-to-b.children.net.mode:"),
              std::string::npos)
        << out;
}

TEST(daemon_cli, missing_file_fails) {
    EXPECT_EQ(run_check("/nonexistent/ikev2d.yaml").first, 1);
}

}  // namespace
}  // namespace ikev2d
