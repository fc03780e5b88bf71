#include "libike/common/secret.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <ostream>
#include <type_traits>

namespace {

template <typename T>
concept streamable = requires(std::ostream& os, const T& t) {
    os << t;
};

// The guarantee "a secret cannot be printed" is a compile-time one.
static_assert(!streamable<ike::secret>);
static_assert(!fmt::is_formattable<ike::secret>::value);
static_assert(streamable<int>);  // the concept itself works

TEST(secret, holds_and_compares_in_constant_time) {
    ike::bytes raw{1, 2, 3, 4};
    ike::secret a(raw), b(raw), c(ike::bytes{1, 2, 3, 5});
    EXPECT_EQ(a.size(), 4u);
    EXPECT_TRUE(a == b);
    EXPECT_FALSE(a == c);
}

TEST(secret, slice_and_append) {
    ike::secret s(ike::bytes{0, 1, 2, 3, 4, 5});
    auto mid = s.slice(2, 3);
    ASSERT_EQ(mid.size(), 3u);
    EXPECT_EQ(mid.data()[0], 2);
    EXPECT_EQ(mid.data()[2], 4);
    for (int i = 0; i < 100; ++i) s.append(ike::bytes{7});
    EXPECT_EQ(s.size(), 106u);
    EXPECT_EQ(s.data()[105], 7);
}

TEST(secret, clear_wipes_and_empties) {
    ike::secret s(ike::bytes{9, 9, 9});
    s.clear();
    EXPECT_TRUE(s.empty());
}

TEST(secret, moved_from_is_empty) {
    ike::secret s(ike::bytes{9, 9, 9});
    ike::secret t(std::move(s));
    EXPECT_EQ(t.size(), 3u);
    EXPECT_TRUE(s.empty());  // NOLINT(bugprone-use-after-move): checking the contract
}

}  // namespace
