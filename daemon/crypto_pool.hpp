#pragma once
// The threads that run the engine's crypto jobs (issue 7; STYLE point 10:
// work leaves the event loop as data and comes back as an input event, no
// IKE_SA is shared between threads). The loop thread submits a job; a worker
// runs it and posts it back to the io_context, where `done` hands it to the
// engine (engine::crypto_done).
//
//   loop thread              workers (N std::jthread)
//   -----------              ------------------------
//   submit(job) ──queue──▶   job.run()
//   done(job)   ◀──post───   (asio::post to the io_context)
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "libike/engine/outputs.hpp"

namespace ikev2d {

class crypto_pool {
  public:
    /// Called on the io_context's thread with each finished job.
    using done_handler = std::function<void(ike::crypto_job)>;

    /// Starts `threads` workers (at least 1) whose queue holds at most
    /// `queue_limit` jobs (at least 1).
    crypto_pool(boost::asio::io_context& io, unsigned threads, std::size_t queue_limit,
                done_handler done);
    /// Stops the workers and joins them: a job a worker is running finishes,
    /// queued ones are dropped (their secrets wiped), and finished jobs
    /// still on their way to the io_context are discarded, so `done` is
    /// never called after the pool is gone.
    ~crypto_pool();
    crypto_pool(const crypto_pool&) = delete;
    crypto_pool& operator=(const crypto_pool&) = delete;

    /// Queues `job` for a worker. With the queue full the job runs at once
    /// on the calling thread (see the .cpp for why); either way `done`
    /// gets it later from the io_context, never from inside submit().
    void submit(ike::crypto_job job);

    struct counters {
        std::uint64_t submitted = 0;   ///< jobs given to submit()
        std::uint64_t ran_inline = 0;  ///< of those, run by submit() (queue full)
    };
    /// On the submitting thread.
    const counters& stats() const { return stats_; }
    unsigned threads() const { return static_cast<unsigned>(workers_.size()); }

  private:
    void work(const std::stop_token& stop);
    /// Posts a finished job to the io_context.
    void finish(ike::crypto_job job);

    boost::asio::io_context& io_;
    done_handler done_;
    /// Expires with the pool: completions posted earlier see it and drop
    /// their job instead of calling `done_`. Only the io_context's thread
    /// locks it (in the posted handler) and destroys it (with the pool).
    std::shared_ptr<const crypto_pool*> alive_;
    std::size_t queue_limit_;
    counters stats_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::deque<ike::crypto_job> queue_;
    std::vector<std::jthread> workers_;  ///< last: joined before the queue goes
};

/// daemon.crypto_threads' default: one worker per online CPU but the one the
/// event loop runs on, at least 1.
unsigned default_crypto_threads();

}  // namespace ikev2d
