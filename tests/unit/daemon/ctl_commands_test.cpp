#include "daemon/ctl_commands.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ikev2d::ctl {
namespace {

std::expected<invocation, std::string> parse(std::vector<std::string_view> args) {
    return parse_command_line(args);
}

TEST(ctl_commands, global_options_and_simple_commands) {
    const auto inv = parse({"--socket", "/tmp/x.sock", "--json", "list-sas"});
    ASSERT_TRUE(inv);
    EXPECT_EQ(inv->socket, "/tmp/x.sock");
    EXPECT_TRUE(inv->json);
    EXPECT_EQ(inv->request.cmd, control::command::list_sas);
    EXPECT_EQ(parse({"status"})->socket, std::string(default_socket));
}

TEST(ctl_commands, initiate_conn_and_child) {
    auto inv = parse({"initiate", "a-to-b/net"});
    ASSERT_TRUE(inv);
    EXPECT_EQ(inv->request.conn, "a-to-b");
    EXPECT_EQ(inv->request.child, "net");
    inv = parse({"initiate", "a-to-b"});
    ASSERT_TRUE(inv);
    EXPECT_TRUE(inv->request.child.empty());
    EXPECT_FALSE(parse({"initiate", "a-to-b/"}));
    EXPECT_FALSE(parse({"initiate"}));
}

// initiate waits for the outcome by default; --timeout sets how long (0: not at all).
TEST(ctl_commands, initiate_waits_unless_told_otherwise) {
    EXPECT_EQ(parse({"initiate", "a-to-b"})->request.wait_seconds, default_initiate_wait);
    EXPECT_EQ(parse({"initiate", "a-to-b", "--timeout", "5"})->request.wait_seconds, 5u);
    EXPECT_EQ(parse({"initiate", "a-to-b", "--timeout", "0"})->request.wait_seconds, 0u);
    EXPECT_FALSE(parse({"initiate", "a-to-b", "--timeout", "x"}));
    EXPECT_FALSE(parse({"initiate", "a-to-b", "--timeout", "3601"}));
    EXPECT_FALSE(parse({"initiate", "a-to-b", "--timeout"}));
}

TEST(ctl_commands, terminate_forms) {
    EXPECT_EQ(parse({"terminate", "a-to-b"})->request.conn, "a-to-b");
    EXPECT_EQ(parse({"terminate", "--ike", "3"})->request.ike_id, 3u);
    EXPECT_EQ(parse({"terminate", "--ike", "#3"})->request.ike_id, 3u);
    EXPECT_EQ(parse({"terminate", "--child", "12"})->request.child_id, 12u);
    EXPECT_EQ(parse({"terminate", "--ike", "x"}).error(), "terminate: 'x' is not an SA number");
    EXPECT_FALSE(parse({"terminate"}));
}

TEST(ctl_commands, log_level_takes_two_words) {
    const auto inv = parse({"log-level", "knl", "debug"});
    ASSERT_TRUE(inv);
    EXPECT_EQ(inv->request.subsystem, "knl");
    EXPECT_EQ(inv->request.level, "debug");
    EXPECT_EQ(parse({"log-level", "knl"}).error(), "log-level: expected 2 arguments, got 1");
}

TEST(ctl_commands, usage_errors) {
    EXPECT_EQ(parse({}).error(), "no command given");
    EXPECT_EQ(parse({"--frobnicate", "status"}).error(), "unknown option '--frobnicate'");
    EXPECT_EQ(parse({"--socket"}).error(), "--socket needs a path");
    EXPECT_EQ(parse({"status", "extra"}).error(), "status: expected 0 arguments, got 1");
    EXPECT_EQ(parse({"fly"}).error(), "unknown command 'fly'");
}

TEST(ctl_commands, help_documents_exit_codes) {
    EXPECT_TRUE(parse({"--help"})->help);
    const auto text = usage_text();
    for (const char* s : {"0  the command succeeded", "1  the daemon refused", "2  usage error",
                          "3  the daemon is not reachable"}) {
        EXPECT_NE(text.find(s), std::string::npos) << s;
    }
}

}  // namespace
}  // namespace ikev2d::ctl
