#include "daemon/config/secret_match.hpp"

#include <gtest/gtest.h>

namespace ikev2d::config {
namespace {

shared_secret make_secret(std::initializer_list<std::string_view> ids, std::string_view key) {
    shared_secret s;
    for (auto id : ids) s.ids.push_back(*parse_identity(id));
    s.psk = ike::secret(ike::as_view(key));
    s.origin = std::string(key);
    return s;
}

identity id(std::string_view text) {
    return *parse_identity(text);
}

TEST(secret_match, both_ids_beat_one) {
    std::vector<shared_secret> secrets{make_secret({"b.example.org"}, "one"),
                                       make_secret({"a.example.org", "b.example.org"}, "both")};
    auto* s = find_shared_secret(secrets, id("a.example.org"), id("b.example.org"));
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->origin, "both");
}

TEST(secret_match, one_id_is_enough) {
    std::vector<shared_secret> secrets{make_secret({"c.example.org"}, "other"),
                                       make_secret({"b.example.org"}, "remote")};
    auto* s = find_shared_secret(secrets, id("a.example.org"), id("b.example.org"));
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->origin, "remote");
}

TEST(secret_match, no_match) {
    std::vector<shared_secret> secrets{make_secret({"c.example.org"}, "other")};
    EXPECT_EQ(find_shared_secret(secrets, id("a.example.org"), id("b.example.org")), nullptr);
    EXPECT_EQ(find_shared_secret({}, id("a.example.org"), id("b.example.org")), nullptr);
}

TEST(secret_match, wildcards) {
    std::vector<shared_secret> secrets{make_secret({}, "no-ids"),
                                       make_secret({"%any", "b.example.org"}, "any")};
    auto* s = find_shared_secret(secrets, id("a.example.org"), id("b.example.org"));
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->origin, "any");  // %any (1) + b (2) beats no ids (1 + 1)
    auto* only_wild = find_shared_secret(secrets, id("x.example.org"), id("y.example.org"));
    ASSERT_NE(only_wild, nullptr);
    EXPECT_EQ(only_wild->origin, "no-ids");  // 2 vs 2: the earlier one
}

TEST(secret_match, unknown_local_identity) {
    std::vector<shared_secret> secrets{make_secret({"a.example.org"}, "local-only"),
                                       make_secret({"b.example.org"}, "remote")};
    auto* s = find_shared_secret(secrets, identity::make_any(), id("b.example.org"));
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->origin, "remote");
    EXPECT_EQ(find_shared_secret(secrets, identity::make_any(), identity::make_any()),
              &secrets.front());
}

TEST(secret_match, type_matters) {
    std::vector<shared_secret> secrets{make_secret({"10.1.0.2"}, "ip")};
    EXPECT_EQ(find_shared_secret(secrets, id("a.example.org"), id("fqdn:10.1.0.2")), nullptr);
    EXPECT_NE(find_shared_secret(secrets, id("a.example.org"), id("10.1.0.2")), nullptr);
}

}  // namespace
}  // namespace ikev2d::config
