#include "daemon/sd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <string>

namespace ikev2d::systemd {
namespace {

void send(const std::string& state) {
    (void)sd_notify(0, state.c_str());
}

/// STATUS= values are one line: newlines would start a new assignment.
std::string one_line(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return out;
}

}  // namespace

void notify_ready(std::string_view status) {
    send("READY=1\nSTATUS=" + one_line(status));
}

void notify_status(std::string_view status) {
    send("STATUS=" + one_line(status));
}

void notify_reloading() {
    send("RELOADING=1\nSTATUS=reloading configuration");
}

void notify_stopping() {
    send("STOPPING=1\nSTATUS=shutting down");
}

void notify_watchdog() {
    send("WATCHDOG=1");
}

std::optional<std::chrono::microseconds> watchdog_ping_interval() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
    return std::chrono::microseconds(usec / 2);
}

}  // namespace ikev2d::systemd
