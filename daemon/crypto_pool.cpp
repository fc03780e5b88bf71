#include "daemon/crypto_pool.hpp"

#include <unistd.h>

#include <algorithm>

#include <boost/asio/post.hpp>

namespace ikev2d {

crypto_pool::crypto_pool(boost::asio::io_context& io, unsigned threads, std::size_t queue_limit,
                         done_handler done)
    : io_(io),
      done_(std::move(done)),
      alive_(std::make_shared<const crypto_pool*>(this)),
      queue_limit_(std::max<std::size_t>(queue_limit, 1)) {
    threads = std::max(threads, 1u);
    workers_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i)
        workers_.emplace_back([this](const std::stop_token& stop) { work(stop); });
}

crypto_pool::~crypto_pool() {
    for (auto& w : workers_) w.request_stop();
    workers_.clear();  // joins; the stop request wakes the waiting ones
    alive_.reset();
}

// A full queue means the workers cannot keep up. Dropping the job would
// leave its IKE_SA half open until the peer retransmits and, on a busy
// responder, drop it again; running it here loses nothing and slows the
// loop down, which is the back-pressure we want: while it computes, it reads
// no new IKE_SA_INIT requests, and the half-open count (and with it the
// COOKIE threshold, RFC 7296 §2.6) does the rest.
void crypto_pool::submit(ike::crypto_job job) {
    ++stats_.submitted;
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() < queue_limit_) {
            queue_.push_back(std::move(job));
            wake_.notify_one();
            return;
        }
    }
    ++stats_.ran_inline;
    job.run();
    finish(std::move(job));
}

void crypto_pool::work(const std::stop_token& stop) {
    for (;;) {
        ike::crypto_job job;
        {
            std::unique_lock lock(mutex_);
            if (!wake_.wait(lock, stop, [this] { return !queue_.empty(); })) return;
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        job.run();
        finish(std::move(job));
    }
}

void crypto_pool::finish(ike::crypto_job job) {
    boost::asio::post(io_, [alive = std::weak_ptr(alive_), job = std::move(job)]() mutable {
        if (auto pool = alive.lock()) (*pool)->done_(std::move(job));
    });
}

unsigned default_crypto_threads() {
    const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 2 ? static_cast<unsigned>(cpus - 1) : 1u;
}

}  // namespace ikev2d
