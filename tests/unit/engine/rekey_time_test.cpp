#include "libike/engine/rekey_time.hpp"

#include <gtest/gtest.h>

#include <set>

namespace ike {
namespace {

TEST(rekey_time, byte_and_packet_limits_are_jittered_down_within_rand) {
    deterministic_random rng(7);
    std::set<std::uint64_t> seen;
    for (int i = 0; i < 200; ++i) {
        const auto soft = jittered_count(100000, 10000, rng);
        EXPECT_LE(soft, 100000u);
        EXPECT_GE(soft, 90000u);
        seen.insert(soft);
    }
    EXPECT_GT(seen.size(), 100u) << "the draws spread over the range";
}

TEST(rekey_time, count_jitter_never_reaches_zero_and_zero_stays_off) {
    deterministic_random rng(1);
    EXPECT_EQ(jittered_count(0, 500, rng), 0u) << "no limit stays no limit";
    EXPECT_EQ(jittered_count(5000, 0, rng), 5000u) << "rand 0: exactly the limit";
    for (int i = 0; i < 100; ++i) {
        const auto soft = jittered_count(3, 1000, rng);
        EXPECT_GE(soft, 1u) << "0 would be no limit in the kernel";
        EXPECT_LE(soft, 3u);
    }
}

}  // namespace
}  // namespace ike
