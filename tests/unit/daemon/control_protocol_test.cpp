#include "daemon/control_protocol.hpp"

#include <gtest/gtest.h>

namespace ikev2d::control {
namespace {

std::string error_of(std::string_view line) {
    const auto r = parse_request(line);
    return r ? std::string("(parsed)") : r.error().message;
}

TEST(control_protocol, parses_simple_commands) {
    for (auto [text, cmd] : {std::pair{"status", command::status},
                             {"list-conns", command::list_conns},
                             {"list-sas", command::list_sas},
                             {"list-pools", command::list_pools},
                             {"reload", command::reload}}) {
        const auto r = parse_request(std::string(R"({"v":1,"cmd":")") + text + "\"}");
        ASSERT_TRUE(r) << text;
        EXPECT_EQ(r->cmd, cmd);
    }
}

TEST(control_protocol, parses_initiate_with_and_without_child) {
    auto r = parse_request(R"({"v":1,"cmd":"initiate","conn":"a-to-b","child":"net"})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->conn, "a-to-b");
    EXPECT_EQ(r->child, "net");
    r = parse_request(R"({"v":1,"cmd":"initiate","conn":"a-to-b"})");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->child.empty());
    EXPECT_EQ(error_of(R"({"v":1,"cmd":"initiate"})"), "missing \"conn\"");
}

TEST(control_protocol, terminate_needs_exactly_one_target) {
    auto r = parse_request(R"({"v":1,"cmd":"terminate","ike":3})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->ike_id, 3u);
    r = parse_request(R"({"v":1,"cmd":"terminate","child":7})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->child_id, 7u);
    EXPECT_EQ(error_of(R"({"v":1,"cmd":"terminate"})"),
              "terminate needs exactly one of \"conn\", \"ike\", \"child\"");
    EXPECT_EQ(error_of(R"({"v":1,"cmd":"terminate","conn":"a","ike":1})"),
              "terminate needs exactly one of \"conn\", \"ike\", \"child\"");
    EXPECT_EQ(error_of(R"({"v":1,"cmd":"terminate","ike":-1})"),
              "\"ike\" must be an SA number (unsigned integer)");
    EXPECT_EQ(error_of(R"({"v":1,"cmd":"terminate","ike":4294967296})"),
              "\"ike\" must be an SA number (unsigned integer)");
}

TEST(control_protocol, log_level_arguments) {
    const auto r = parse_request(R"({"v":1,"cmd":"log-level","subsystem":"ike","level":"debug"})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->subsystem, "ike");
    EXPECT_EQ(r->level, "debug");
    EXPECT_EQ(error_of(R"({"v":1,"cmd":"log-level","subsystem":"ike"})"), "missing \"level\"");
}

TEST(control_protocol, rejects_malformed_requests) {
    EXPECT_EQ(error_of("not json"), "request is not valid JSON");
    EXPECT_EQ(error_of("[1,2]"), "request must be a JSON object");
    EXPECT_EQ(error_of(R"({"cmd":"status"})"), "missing \"v\" (protocol version)");
    EXPECT_EQ(error_of(R"({"v":2,"cmd":"status"})"),
              "unsupported protocol version 2 (this daemon speaks 1)");
    EXPECT_EQ(error_of(R"({"v":"1","cmd":"status"})"), "\"v\" must be an integer");
    EXPECT_EQ(error_of(R"({"v":1})"), "missing \"cmd\"");
    EXPECT_EQ(error_of(R"({"v":1,"cmd":"explode"})"), "unknown command \"explode\"");
    EXPECT_EQ(error_of(R"({"v":1,"cmd":"status","conn":"x"})"),
              "command \"status\" takes no \"conn\"");
    EXPECT_EQ(error_of(R"({"v":1,"cmd":"initiate","conn":""})"),
              "\"conn\" must be a non-empty string");
    EXPECT_EQ(error_of(std::string(max_line_length + 1, ' ')), "request line too long");
}

TEST(control_protocol, format_request_round_trips) {
    request req;
    req.cmd = command::initiate;
    req.conn = "a-to-b";
    req.child = "net";
    EXPECT_EQ(format_request(req), R"({"child":"net","cmd":"initiate","conn":"a-to-b","v":1})");
    EXPECT_EQ(parse_request(format_request(req)).value(), req);
    request term;
    term.cmd = command::terminate;
    term.child_id = 9;
    EXPECT_EQ(parse_request(format_request(term)).value(), term);
}

TEST(control_protocol, formats_responses) {
    EXPECT_EQ(format_ok({{"ike", 3}}), R"({"ike":3,"ok":true,"v":1})");
    EXPECT_EQ(format_ok(nlohmann::json::object()), R"({"ok":true,"v":1})");
    EXPECT_EQ(format_ok({{"ok", false}, {"v", 9}}), R"({"ok":true,"v":1})");
    EXPECT_EQ(format_error("no connection named 'x'"),
              R"({"error":"no connection named 'x'","ok":false,"v":1})");
}

TEST(control_protocol, invalid_utf8_in_error_text_is_replaced_not_thrown) {
    EXPECT_NO_THROW((void)format_error("bad \xff name"));
}

TEST(control_protocol, parses_responses) {
    auto r = parse_response(R"({"v":1,"ok":true,"ike":3})");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->ok);
    EXPECT_EQ(r->body["ike"], 3);
    r = parse_response(R"({"v":1,"ok":false,"error":"nope"})");
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->ok);
    EXPECT_EQ(r->error, "nope");
    EXPECT_FALSE(parse_response(R"({"v":1,"ok":false})"));
    EXPECT_FALSE(parse_response(R"({"v":1})"));
    EXPECT_FALSE(parse_response("garbage"));
}

TEST(control_protocol, initiate_wait_is_seconds_within_bounds) {
    auto r = parse_request(R"({"v":1,"cmd":"initiate","conn":"a","wait":30})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->wait_seconds, 30u);
    EXPECT_EQ(parse_request(format_request(*r))->wait_seconds, 30u);
    EXPECT_FALSE(parse_request(R"({"v":1,"cmd":"initiate","conn":"a","wait":3601})"));
    EXPECT_FALSE(parse_request(R"({"v":1,"cmd":"initiate","conn":"a","wait":"30"})"));
    EXPECT_FALSE(parse_request(R"({"v":1,"cmd":"status","wait":30})"));
}

}  // namespace
}  // namespace ikev2d::control
