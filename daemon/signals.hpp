#pragma once
// POSIX signals as event-loop events: SIGTERM and SIGINT ask the daemon to
// stop, SIGHUP to reload its configuration. Delivered through asio's
// signal_set, so the callbacks run on the loop thread like every other input.
#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace ikev2d {

class signal_watch {
  public:
    /// Starts watching. `on_stop` runs for SIGTERM/SIGINT (again for each
    /// repetition, so a second ^C can force the exit), `on_reload` for SIGHUP.
    signal_watch(boost::asio::io_context& io, std::function<void(int signal)> on_stop,
                 std::function<void()> on_reload);

    /// Stops watching (pending waits are cancelled).
    void cancel();

  private:
    void wait_next();

    boost::asio::signal_set signals_;
    std::function<void(int)> on_stop_;
    std::function<void()> on_reload_;
};

}  // namespace ikev2d
