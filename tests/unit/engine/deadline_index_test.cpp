// The deadline index against a brute-force scan: items come due in deadline
// order, moved deadlines take effect, removed items never come due.
#include "libike/engine/deadline_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

namespace ike {
namespace {

using namespace std::chrono_literals;

struct item {
    int id = 0;
    std::uint32_t slot = 0;
};
using index = deadline_index<item, &item::slot>;

const time_point t0 = time_point{} + 1000h;

std::vector<item> items(int n) {
    std::vector<item> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)].id = i;
    return v;
}

// Every item due by `now`, in the order pop_due gives them.
std::vector<int> pop_all(index& ix, time_point now) {
    std::vector<int> ids;
    while (item* i = ix.pop_due(now)) ids.push_back(i->id);
    return ids;
}

TEST(deadline_index, items_come_due_in_deadline_order) {
    auto v = items(100);
    index ix;
    // Deadlines in a scrambled order: item i is due at t0 + (i * 37 % 100) ms.
    for (auto& i : v) ix.set(i, t0 + std::chrono::milliseconds(i.id * 37 % 100));
    EXPECT_EQ(ix.size(), 100u);
    EXPECT_EQ(ix.earliest(), t0);
    EXPECT_TRUE(pop_all(ix, t0 - 1ms).empty());
    std::vector<int> expected;
    for (int ms = 0; ms < 100; ++ms)
        for (const auto& i : v)
            if (i.id * 37 % 100 == ms) expected.push_back(i.id);
    EXPECT_EQ(pop_all(ix, t0 + 99ms), expected);
    EXPECT_EQ(ix.size(), 0u);
    EXPECT_FALSE(ix.earliest());
    for (const auto& i : v) EXPECT_EQ(i.slot, 0u) << i.id;
}

TEST(deadline_index, only_items_due_by_now_are_popped) {
    auto v = items(10);
    index ix;
    for (auto& i : v) ix.set(i, t0 + std::chrono::seconds(i.id));
    EXPECT_EQ(pop_all(ix, t0 + 3s), (std::vector{0, 1, 2, 3}));
    EXPECT_EQ(ix.earliest(), t0 + 4s);
    EXPECT_EQ(ix.size(), 6u);
}

TEST(deadline_index, a_deadline_moved_earlier_or_later_takes_effect) {
    auto v = items(5);
    index ix;
    for (auto& i : v) ix.set(i, t0 + std::chrono::seconds(10 + i.id));
    ix.set(v[4], t0 + 1s);   // earlier than all
    ix.set(v[0], t0 + 20s);  // later than all
    EXPECT_EQ(ix.earliest(), t0 + 1s);
    EXPECT_EQ(ix.deadline_of(v[0]), t0 + 20s);
    EXPECT_EQ(pop_all(ix, t0 + 1s), (std::vector{4}));
    EXPECT_EQ(pop_all(ix, t0 + 19s), (std::vector{1, 2, 3}));
    EXPECT_EQ(pop_all(ix, t0 + 20s), (std::vector{0}));
}

TEST(deadline_index, removed_items_never_come_due) {
    auto v = items(6);
    index ix;
    for (auto& i : v) ix.set(i, t0 + std::chrono::seconds(i.id));
    ix.set(v[0], std::nullopt);
    ix.set(v[3], std::nullopt);
    ix.set(v[3], std::nullopt);  // removing twice is harmless
    EXPECT_FALSE(ix.deadline_of(v[3]));
    EXPECT_EQ(ix.size(), 4u);
    EXPECT_EQ(pop_all(ix, t0 + 1h), (std::vector{1, 2, 4, 5}));
}

// Random filing, moving, removing and popping, checked after every step
// against a plain map of what each item should be filed under.
TEST(deadline_index, matches_a_brute_force_scan_after_random_operations) {
    std::mt19937 rnd(7);
    auto v = items(300);
    index ix;
    std::map<int, time_point> truth;
    auto random_time = [&] { return t0 + std::chrono::milliseconds(rnd() % 5000); };
    for (int step = 0; step < 20000; ++step) {
        auto& i = v[rnd() % v.size()];
        switch (rnd() % 4) {
            case 0:
            case 1: {
                const time_point at = random_time();
                ix.set(i, at);
                truth[i.id] = at;
                break;
            }
            case 2:
                ix.set(i, std::nullopt);
                truth.erase(i.id);
                break;
            case 3: {
                const time_point now = random_time() - 4s;
                for (item* due = ix.pop_due(now); due; due = ix.pop_due(now)) {
                    ASSERT_TRUE(truth.contains(due->id));
                    ASSERT_LE(truth[due->id], now);
                    // Earliest first: nothing left is due before it.
                    for (const auto& [id, at] : truth) ASSERT_GE(at, truth[due->id]);
                    truth.erase(due->id);
                }
                for (const auto& [id, at] : truth) ASSERT_GT(at, now);
                break;
            }
        }
        ASSERT_EQ(ix.size(), truth.size());
        std::optional<time_point> min;
        for (const auto& [id, at] : truth) min = min ? std::min(*min, at) : at;
        ASSERT_EQ(ix.earliest(), min) << "step " << step;
        for (const auto& x : v) {
            auto t = truth.find(x.id);
            ASSERT_EQ(ix.deadline_of(x), t == truth.end() ? std::nullopt : std::optional(t->second))
                << "item " << x.id << " at step " << step;
        }
    }
}

}  // namespace
}  // namespace ike
