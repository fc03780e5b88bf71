// draw_private_key and ke_job: a key exchange split into a draw on one
// thread and the scalar multiplications on another must give what
// make_key_exchange gives with the same randomness, in every group.
#include "libike/crypto/ke_job.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <string>
#include <thread>

#include "libike/crypto/ke_key_pool.hpp"
#include "libike/crypto/key_exchange.hpp"
#include "libike/crypto/random_source.hpp"

namespace {

using ike::ke_group;

class every_group : public ::testing::TestWithParam<ke_group> {};

TEST_P(every_group, draw_takes_the_bytes_make_key_exchange_takes) {
    for (std::uint64_t seed : {1u, 2u, 3u, 0xfeedu}) {
        ike::deterministic_random for_make(seed), for_draw(seed);
        auto made = ike::make_key_exchange(GetParam(), for_make);
        auto drawn = ike::draw_private_key(GetParam(), for_draw);
        ASSERT_TRUE(made && drawn);
        auto rebuilt = ike::make_key_exchange_from_private(GetParam(), drawn->view());
        ASSERT_TRUE(rebuilt) << rebuilt.error().message();
        EXPECT_EQ((*rebuilt)->public_value(), (*made)->public_value()) << seed;
        // The same number of bytes was consumed: the next draw agrees too.
        std::array<std::uint8_t, 8> next_make{}, next_draw{};
        for_make.fill(next_make);
        for_draw.fill(next_draw);
        EXPECT_EQ(next_make, next_draw) << seed;
    }
}

TEST_P(every_group, job_on_another_thread_agrees_with_the_peer) {
    ike::deterministic_random rng(42);
    auto peer = ike::make_key_exchange(GetParam(), rng);
    auto x = ike::draw_private_key(GetParam(), rng);
    ASSERT_TRUE(peer && x);
    const ike::secret x_copy = *x;
    ike::ke_job job(GetParam(), std::move(*x), (*peer)->public_value());
    EXPECT_FALSE(job.done());
    EXPECT_FALSE(job.outcome());
    std::thread([&] { job.run(); }).join();
    ASSERT_TRUE(job.done());
    ASSERT_TRUE(*job.outcome()) << job.outcome()->error().message();
    const auto& result = **job.outcome();
    auto ours = ike::make_key_exchange_from_private(GetParam(), x_copy.view());
    ASSERT_TRUE(ours);
    EXPECT_EQ(result.public_value, (*ours)->public_value());
    auto peer_view = (*peer)->shared_secret(result.public_value);
    ASSERT_TRUE(peer_view);
    EXPECT_TRUE(result.shared == *peer_view);
    EXPECT_EQ(result.shared.size(), peer_view->size());
}

TEST_P(every_group, unusable_peer_value_is_reported) {
    ike::deterministic_random rng(7);
    auto x = ike::draw_private_key(GetParam(), rng);
    ASSERT_TRUE(x);
    ike::ke_job job(GetParam(), std::move(*x), ike::bytes(3, 1));  // wrong length
    job.run();
    ASSERT_TRUE(job.done());
    ASSERT_FALSE(*job.outcome());
    EXPECT_EQ(job.outcome()->error().code, ike::crypto_errc::invalid_public_value);
}

INSTANTIATE_TEST_SUITE_P(ke_job, every_group,
                         ::testing::ValuesIn(ike::supported_ke_groups().begin(),
                                             ike::supported_ke_groups().end()),
                         [](const auto& info) {
                             // gtest names: letters, digits and '_' only.
                             std::string name = ike::to_string(info.param);
                             for (char& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return name;
                         });

TEST(ke_job, unsupported_group_cannot_be_drawn) {
    ike::deterministic_random rng(1);
    auto x = ike::draw_private_key(static_cast<ke_group>(1), rng);
    ASSERT_FALSE(x);
    EXPECT_EQ(x.error().code, ike::crypto_errc::unsupported_algorithm);
}

// A pair made ahead (ke_key_pool's X25519 pairs) goes into the job whole; on
// another thread the job gives the pair's own public value and the g^ir the
// peer computes.
TEST(ke_job, pair_made_ahead_computes_only_the_shared_secret) {
    ike::deterministic_random rng(8);
    ike::ke_key_pool pool(4);
    auto ours = pool.take(ke_group::curve25519, rng);
    auto peer = ike::make_key_exchange(ke_group::curve25519, rng);
    ASSERT_TRUE(ours && peer);
    const ike::bytes our_public = (*ours)->public_value();
    ike::ke_job job(std::move(*ours), (*peer)->public_value());
    EXPECT_EQ(job.group(), ke_group::curve25519);
    std::thread([&job] { job.run(); }).join();
    ASSERT_TRUE(job.done());
    auto& outcome = *job.outcome();
    ASSERT_TRUE(outcome) << outcome.error().message();
    EXPECT_EQ(outcome->public_value, our_public);
    auto theirs = (*peer)->shared_secret(our_public);
    ASSERT_TRUE(theirs);
    EXPECT_EQ(ike::to_hex(outcome->shared.view()), ike::to_hex(theirs->view()));
}

}  // namespace
