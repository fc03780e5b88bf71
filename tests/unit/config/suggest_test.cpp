#include "daemon/config/suggest.hpp"

#include <gtest/gtest.h>

namespace ikev2d::config {
namespace {

constexpr std::string_view keys[] = {"local_addrs", "remote_addrs", "proposals", "rekey_time"};

TEST(suggest, close_words) {
    EXPECT_EQ(closest_match("remote_adrs", keys), "remote_addrs");
    EXPECT_EQ(closest_match("proposal", keys), "proposals");
    EXPECT_EQ(closest_match("rekey_tiem", keys), "rekey_time");  // transposition
    EXPECT_EQ(closest_match("lifetime", keys), "");
    EXPECT_EQ(did_you_mean("proposal", keys), "; did you mean 'proposals'?");
    EXPECT_EQ(did_you_mean("xyz", keys), "");
}

TEST(suggest, short_words_do_not_match_everything) {
    constexpr std::string_view small[] = {"id", "auth"};
    EXPECT_EQ(closest_match("x", small), "");
    EXPECT_EQ(closest_match("ids", small), "id");
}

}  // namespace
}  // namespace ikev2d::config
