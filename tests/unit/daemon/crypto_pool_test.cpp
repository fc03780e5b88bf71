// The daemon's crypto workers: jobs run on worker threads, come back on the
// io_context's thread, and none comes back after the pool is gone.
#include "daemon/crypto_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "libike/crypto/key_exchange.hpp"
#include "libike/crypto/random_source.hpp"

namespace ikev2d {
namespace {

using namespace std::chrono_literals;

// A job in `group` whose expected g^ir the test knows.
struct known_job {
    ike::crypto_job job;
    ike::secret expected;
};

known_job make_job(ike::ke_group group, ike::ike_sa_id id, std::uint64_t seed) {
    ike::deterministic_random rng(seed);
    auto peer = ike::make_key_exchange(group, rng);
    auto x = ike::draw_private_key(group, rng);
    EXPECT_TRUE(peer && x);
    auto ours = ike::make_key_exchange_from_private(group, x->view());
    EXPECT_TRUE(ours);
    auto expected = (*peer)->shared_secret((*ours)->public_value());
    EXPECT_TRUE(expected);
    return {ike::crypto_job{
                id, std::make_unique<ike::ke_job>(group, std::move(*x), (*peer)->public_value())},
            std::move(*expected)};
}

// Runs `io` until `done` holds or 20 s pass.
template <typename Pred>
bool run_until(boost::asio::io_context& io, Pred done) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(10ms);
    }
    return done();
}

TEST(crypto_pool, jobs_run_on_workers_and_come_back_on_the_io_thread) {
    boost::asio::io_context io;
    const auto loop_thread = std::this_thread::get_id();
    std::vector<ike::crypto_job> back;
    bool on_loop_thread = true;
    crypto_pool pool(io, 2, 64, [&](ike::crypto_job job) {
        on_loop_thread = on_loop_thread && std::this_thread::get_id() == loop_thread;
        back.push_back(std::move(job));
    });
    EXPECT_EQ(pool.threads(), 2u);
    std::vector<ike::secret> expected(9);
    for (ike::ike_sa_id id = 1; id <= 8; ++id) {
        auto k = make_job(id % 2 ? ike::ke_group::curve25519 : ike::ke_group::ecp256, id, id);
        expected[id] = std::move(k.expected);
        pool.submit(std::move(k.job));
    }
    // submit() only queues: nothing comes back before the loop runs.
    EXPECT_TRUE(back.empty());
    EXPECT_EQ(pool.stats().submitted, 8u);
    EXPECT_EQ(pool.stats().ran_inline, 0u);
    ASSERT_TRUE(run_until(io, [&] { return back.size() == 8; })) << back.size();
    EXPECT_TRUE(on_loop_thread);
    std::vector<bool> seen(9);
    for (auto& job : back) {
        ASSERT_TRUE(job.work->done());
        ASSERT_TRUE(*job.work->outcome()) << job.work->outcome()->error().message();
        EXPECT_TRUE((*job.work->outcome())->shared == expected.at(job.ike)) << job.ike;
        seen.at(job.ike) = true;
    }
    EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 8);
}

// A full queue runs the job on the submitting thread; it still comes back
// through the io_context, never from inside submit().
TEST(crypto_pool, full_queue_runs_inline_and_loses_nothing) {
    boost::asio::io_context io;
    std::size_t back = 0;
    crypto_pool pool(io, 1, 1, [&](ike::crypto_job job) {
        EXPECT_TRUE(job.work->done() && *job.work->outcome());
        ++back;
    });
    // MODP-4096 jobs take milliseconds each, submitting takes microseconds:
    // the one worker and its one queue slot are busy after the second.
    std::vector<ike::crypto_job> jobs;
    for (ike::ike_sa_id id = 1; id <= 6; ++id)
        jobs.push_back(make_job(ike::ke_group::modp4096, id, id).job);
    for (auto& job : jobs) pool.submit(std::move(job));
    EXPECT_EQ(back, 0u);
    EXPECT_GE(pool.stats().ran_inline, 1u);
    EXPECT_EQ(pool.stats().submitted, 6u);
    ASSERT_TRUE(run_until(io, [&] { return back == 6; })) << back;
}

// Shutdown joins the workers; what they finish afterwards, and what still
// waits to be posted, never reaches the handler.
TEST(crypto_pool, nothing_comes_back_after_the_pool_is_gone) {
    boost::asio::io_context io;
    bool called = false;
    {
        crypto_pool pool(io, 2, 64, [&](ike::crypto_job) { called = true; });
        for (ike::ike_sa_id id = 1; id <= 20; ++id)
            pool.submit(make_job(ike::ke_group::modp2048, id, id).job);
    }  // joins here
    io.restart();
    io.run_for(100ms);
    EXPECT_FALSE(called);
}

TEST(crypto_pool, default_threads_leave_the_loop_a_cpu) {
    const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
    EXPECT_EQ(default_crypto_threads(), cpus > 2 ? cpus - 1 : 1u);
}

}  // namespace
}  // namespace ikev2d
