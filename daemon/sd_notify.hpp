#pragma once
// systemd's notification protocol (sd_notify(3)) for Type=notify: READY=1
// once sockets are bound and the config is loaded, STATUS= lines for
// `systemctl status`, RELOADING=1/READY=1 around a reload, STOPPING=1 at
// shutdown, and WATCHDOG=1 pings. Every call is a no-op when the daemon was
// not started by systemd ($NOTIFY_SOCKET unset), so it runs unchanged by hand.
#include <chrono>
#include <optional>
#include <string_view>

namespace ikev2d::systemd {

/// Tells systemd start-up is complete, with a status line.
void notify_ready(std::string_view status);

/// Updates the free-form status shown by `systemctl status`.
void notify_status(std::string_view status);

/// A reload starts (RELOADING=1); call notify_ready when it is done.
void notify_reloading();

/// Shutdown has begun.
void notify_stopping();

/// One watchdog keep-alive (WATCHDOG=1).
void notify_watchdog();

/// How often to ping: half of WatchdogSec when systemd enabled the watchdog
/// for this process (sd_watchdog_enabled), nullopt otherwise.
std::optional<std::chrono::microseconds> watchdog_ping_interval();

}  // namespace ikev2d::systemd
