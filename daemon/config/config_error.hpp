#pragma once
// Problems found while loading a configuration file. Every problem points at
// the place an operator has to edit: file, 1-based line and column, and the
// key path in swanctl's dot notation (connections.a-to-b.children.net.mode,
// list elements as esp_proposals[0]). Errors stop the load; warnings travel
// with the successfully loaded config.
#include <cstddef>
#include <string>
#include <vector>

namespace ikev2d::config {

struct config_error {
    std::string file;
    int line = 0;    ///< 1-based; 0 when the problem concerns the whole file
    int column = 0;  ///< 1-based; 0 when the problem concerns the whole file
    std::string key_path;
    std::string message;

    /// "file:line:column: key.path: message", leaving out what is unknown.
    std::string to_string() const;
    friend bool operator==(const config_error&, const config_error&) = default;
};

using config_errors = std::vector<config_error>;

/// A load collects at most this many errors; one more entry then says so.
inline constexpr std::size_t max_errors = 50;

/// A problem inside one scalar value, found by a value parser (duration,
/// address, identity, ...): the character offset where it starts and what is
/// wrong. The loader turns it into a config_error at column + offset.
struct value_error {
    std::size_t offset = 0;
    std::string message;
    friend bool operator==(const value_error&, const value_error&) = default;
};

}  // namespace ikev2d::config
