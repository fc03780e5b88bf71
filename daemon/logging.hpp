#pragma once
// Logging: spdlog to stderr, which journald collects under systemd. One
// logger per subsystem, named as charon names them, each with its own level
// from the config (daemon.log) or `ikev2ctl log-level`:
//   dmn  daemon start/stop/reload     ike  IKE_SA events
//   chd  CHILD_SA events               knl  kernel (XFRM) requests and events
//   net  datagrams in and out          cfg  configuration
// Lines about one IKE_SA carry its context, "[a-to-b#3 10.1.0.2]". Key
// material never reaches a log line: ike::secret has no formatter.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "daemon/config/config.hpp"
#include "libike/common/socket_address.hpp"

namespace ikev2d::logging {

enum class subsystem : std::uint8_t { dmn, ike, chd, knl, net, cfg };

/// "dmn", "ike", ...
std::string_view name(subsystem s);

/// The subsystem called `text`, or nullopt.
std::optional<subsystem> parse_subsystem(std::string_view text);

/// spdlog's level for a config level (silent → off, warning → warn).
spdlog::level::level_enum to_spdlog(config::log_level level);

/// The config level named `text` (silent, error, warning, info, debug, trace).
std::optional<config::log_level> parse_level(std::string_view text);

/// Creates the loggers (stderr; with journald priority prefixes "<3>" when
/// $JOURNAL_STREAM says stderr is the journal, with timestamps otherwise) and
/// applies `levels`. Call once at start-up; later calls only re-apply levels.
void setup(const config::log_config& levels);

/// Re-applies levels after a reload.
void apply_levels(const config::log_config& levels);

/// Sets one subsystem's level (ikev2ctl log-level).
void set_level(subsystem s, config::log_level level);

/// The logger of `s`. Works before setup() (then at info level).
spdlog::logger& get(subsystem s);

/// "[a-to-b#3 10.1.0.2]": the context prefix of lines about one IKE_SA.
std::string sa_context(std::string_view connection, std::uint32_t ike_sa,
                       const ike::ip_addr& remote);

}  // namespace ikev2d::logging
