#include "daemon/config/mark.hpp"

#include <gtest/gtest.h>

namespace ikev2d::config {
namespace {

TEST(mark, values_and_masks) {
    EXPECT_EQ(parse_mark("42", false), (mark{42, 0xffffffff, unique_value::none}));
    EXPECT_EQ(parse_mark("0x2a/0xff", false), (mark{42, 0xff, unique_value::none}));
    EXPECT_EQ(parse_mark("%unique", false), (mark{0, 0xffffffff, unique_value::unique}));
    EXPECT_EQ(parse_mark("%unique-dir/0xff00", false), (mark{0, 0xff00, unique_value::unique_dir}));
    EXPECT_EQ(parse_mark("%same", true), (mark{0, 0xffffffff, unique_value::same}));
}

TEST(mark, errors) {
    auto same = parse_mark("%same", false);
    ASSERT_FALSE(same);
    EXPECT_EQ(same.error().message, "unknown placeholder '%same'; use %unique or %unique-dir");
    auto mask = parse_mark("1/0xfg", false);
    ASSERT_FALSE(mask);
    EXPECT_EQ(mask.error().offset, 2u);
    EXPECT_FALSE(parse_mark("4294967296", false));
    EXPECT_FALSE(parse_mark("", false));
}

TEST(interface_id, forms) {
    EXPECT_EQ(parse_interface_id("7"), (interface_id{7, unique_value::none}));
    EXPECT_EQ(parse_interface_id("0x10"), (interface_id{16, unique_value::none}));
    EXPECT_EQ(parse_interface_id("%unique"), (interface_id{0, unique_value::unique}));
    EXPECT_FALSE(parse_interface_id("%same"));
    EXPECT_FALSE(parse_interface_id("seven"));
}

}  // namespace
}  // namespace ikev2d::config
