#include "daemon/signals.hpp"

#include <csignal>

namespace ikev2d {

signal_watch::signal_watch(boost::asio::io_context& io, std::function<void(int)> on_stop,
                           std::function<void()> on_reload)
    : signals_(io, SIGTERM, SIGINT, SIGHUP),
      on_stop_(std::move(on_stop)),
      on_reload_(std::move(on_reload)) {
    wait_next();
}

void signal_watch::cancel() {
    boost::system::error_code ec;
    signals_.cancel(ec);
}

void signal_watch::wait_next() {
    signals_.async_wait([this](boost::system::error_code ec, int signal) {
        if (ec) return;  // cancelled
        if (signal == SIGHUP) {
            on_reload_();
        } else {
            on_stop_(signal);
        }
        wait_next();
    });
}

}  // namespace ikev2d
