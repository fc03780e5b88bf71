#include "daemon/logging.hpp"

#include <array>
#include <cstdlib>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace ikev2d::logging {
namespace {

constexpr std::array<std::string_view, 6> subsystem_names{"dmn", "ike", "chd", "knl", "net", "cfg"};

constexpr std::array<std::pair<std::string_view, config::log_level>, 6> level_names{{
    {"silent", config::log_level::silent},
    {"error", config::log_level::error},
    {"warning", config::log_level::warning},
    {"info", config::log_level::info},
    {"debug", config::log_level::debug},
    {"trace", config::log_level::trace},
}};

/// "%*" in the pattern: the syslog priority journald reads from "<N>" prefixes.
class journal_priority final : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        static constexpr std::array<char, 7> prio{'7', '7', '6', '4', '3', '2', '7'};
        dest.push_back('<');
        dest.push_back(prio[static_cast<std::size_t>(msg.level)]);
        dest.push_back('>');
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<journal_priority>();
    }
};

std::unique_ptr<spdlog::formatter> make_formatter() {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    if (std::getenv("JOURNAL_STREAM") != nullptr) {
        formatter->add_flag<journal_priority>('*').set_pattern("%*%n %v");
    } else {
        formatter->set_pattern("%Y-%m-%d %H:%M:%S.%e %n %^%l%$ %v");
    }
    return formatter;
}

struct registry {
    std::array<std::shared_ptr<spdlog::logger>, subsystem_names.size()> loggers;
    registry() {
        auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        sink->set_formatter(make_formatter());
        for (std::size_t i = 0; i < loggers.size(); ++i) {
            loggers[i] = std::make_shared<spdlog::logger>(std::string(subsystem_names[i]), sink);
            loggers[i]->set_level(spdlog::level::info);
            loggers[i]->flush_on(spdlog::level::trace);
        }
    }
};

registry& loggers() {
    static registry r;
    return r;
}

}  // namespace

std::string_view name(subsystem s) {
    return subsystem_names[static_cast<std::size_t>(s)];
}

std::optional<subsystem> parse_subsystem(std::string_view text) {
    for (std::size_t i = 0; i < subsystem_names.size(); ++i) {
        if (subsystem_names[i] == text) return static_cast<subsystem>(i);
    }
    return std::nullopt;
}

spdlog::level::level_enum to_spdlog(config::log_level level) {
    switch (level) {
        case config::log_level::silent:
            return spdlog::level::off;
        case config::log_level::error:
            return spdlog::level::err;
        case config::log_level::warning:
            return spdlog::level::warn;
        case config::log_level::info:
            return spdlog::level::info;
        case config::log_level::debug:
            return spdlog::level::debug;
        case config::log_level::trace:
            return spdlog::level::trace;
    }
    return spdlog::level::info;
}

std::optional<config::log_level> parse_level(std::string_view text) {
    for (const auto& [n, level] : level_names) {
        if (n == text) return level;
    }
    return std::nullopt;
}

void setup(const config::log_config& levels) {
    apply_levels(levels);
}

void apply_levels(const config::log_config& levels) {
    for (std::size_t i = 0; i < subsystem_names.size(); ++i) {
        const auto it = levels.subsystems.find(std::string(subsystem_names[i]));
        const auto level = it == levels.subsystems.end() ? levels.default_level : it->second;
        loggers().loggers[i]->set_level(to_spdlog(level));
    }
}

void set_level(subsystem s, config::log_level level) {
    loggers().loggers[static_cast<std::size_t>(s)]->set_level(to_spdlog(level));
}

spdlog::logger& get(subsystem s) {
    return *loggers().loggers[static_cast<std::size_t>(s)];
}

std::string sa_context(std::string_view connection, std::uint32_t ike_sa,
                       const ike::ip_addr& remote) {
    return "[" + std::string(connection) + "#" + std::to_string(ike_sa) + " " +
           ike::to_string(remote) + "]";
}

}  // namespace ikev2d::logging
