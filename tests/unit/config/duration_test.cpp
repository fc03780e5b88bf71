#include "daemon/config/duration.hpp"

#include <gtest/gtest.h>

#include "daemon/config/count.hpp"

namespace ikev2d::config {
namespace {

using std::chrono::seconds;

TEST(duration, units) {
    EXPECT_EQ(parse_duration("30s"), seconds(30));
    EXPECT_EQ(parse_duration("5m"), seconds(300));
    EXPECT_EQ(parse_duration("4h"), seconds(14400));
    EXPECT_EQ(parse_duration("1d"), seconds(86400));
    EXPECT_EQ(parse_duration("90"), seconds(90));
    EXPECT_EQ(parse_duration("0"), seconds(0));
}

TEST(duration, errors_point_at_the_problem) {
    auto unit = parse_duration("30x");
    ASSERT_FALSE(unit);
    EXPECT_EQ(unit.error().offset, 2u);
    EXPECT_EQ(unit.error().message, "unknown time unit 'x'; use s, m, h or d (e.g. 30s, 4h)");

    EXPECT_EQ(parse_duration("4hours").error().offset, 1u);
    EXPECT_EQ(parse_duration("").error().offset, 0u);
    EXPECT_EQ(parse_duration("h").error().message, "'h' is not a number");
    EXPECT_FALSE(parse_duration("-5s"));
    EXPECT_FALSE(parse_duration("1.5h"));
    EXPECT_FALSE(parse_duration(" 5s"));
    EXPECT_FALSE(parse_duration("99999999999d"));
    EXPECT_FALSE(parse_duration("99999999999999999999999"));
}

TEST(duration, format) {
    EXPECT_EQ(format_duration(seconds(14400)), "4h");
    EXPECT_EQ(format_duration(seconds(90)), "90s");
    EXPECT_EQ(format_duration(seconds(120)), "2m");
    EXPECT_EQ(format_duration(seconds(172800)), "2d");
    EXPECT_EQ(format_duration(seconds(0)), "0s");
}

TEST(count, plain_and_binary_suffixes) {
    EXPECT_EQ(parse_count("0"), 0u);
    EXPECT_EQ(parse_count("500000"), 500000u);
    EXPECT_EQ(parse_count("1k"), 1024u);
    EXPECT_EQ(parse_count("2K"), 2048u);
    EXPECT_EQ(parse_count("512M"), 512ULL << 20);
    EXPECT_EQ(parse_count("4G"), 4ULL << 30);
    EXPECT_EQ(parse_count("3m"), 3ULL << 20);
}

TEST(count, errors) {
    auto bad = parse_count("10T");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().offset, 2u);
    EXPECT_EQ(bad.error().message, "unknown suffix 'T'; use k, M or G (or none)");
    EXPECT_FALSE(parse_count("-1"));
    EXPECT_FALSE(parse_count(""));
    EXPECT_FALSE(parse_count("kb"));
    EXPECT_FALSE(parse_count("18446744073709551615G"));
}

}  // namespace
}  // namespace ikev2d::config
