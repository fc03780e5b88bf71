#pragma once
// The plumbing between yaml-cpp nodes and the section loaders: where each
// value sits (line, column, key path), collecting errors and warnings, and
// maps whose keys are checked against the schema (unknown keys get a "did
// you mean", duplicate keys are reported; yaml-cpp itself keeps both). Used
// only by the loaders in this folder.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/config/config_error.hpp"
#include "daemon/config/suggest.hpp"

namespace ikev2d::config {

/// A scalar value and where its first character is (1-based).
struct scalar {
    std::string value;
    std::string path;
    int line = 0;
    int column = 0;
};

/// A node with its key path and the position to blame when the node has no
/// position of its own (a missing value after "key:").
struct located_node {
    YAML::Node node;
    std::string path;
    int line = 0;
    int column = 0;
};

/// Collects errors and warnings for one file.
class diagnostics {
  public:
    explicit diagnostics(std::string file) : file_(std::move(file)) {}

    void error(int line, int column, std::string path, std::string message);
    void warning(int line, int column, std::string path, std::string message);
    /// At the node's position.
    void error(const located_node& at, std::string message);
    /// At the scalar's first character plus `offset`.
    void error(const scalar& at, std::string message, std::size_t offset = 0);
    void error(const scalar& at, const value_error& e) { error(at, e.message, e.offset); }
    void warning(const scalar& at, std::string message, std::size_t offset = 0);

    /// Remembers where a key was, for checks that run after loading.
    void note_key(const std::string& path, int line, int column);
    /// The position of `path`, else of its nearest recorded parent, else 0:0.
    std::pair<int, int> position_of(std::string_view path) const;

    bool failed() const { return !errors_.empty(); }
    const std::string& file() const { return file_; }
    /// The errors in file order, with a final "too many errors" entry if some
    /// were dropped.
    config_errors take_errors();
    config_errors take_warnings() { return std::move(warnings_); }

  private:
    std::string file_;
    config_errors errors_;
    config_errors warnings_;
    bool dropped_ = false;
    std::map<std::string, std::pair<int, int>, std::less<>> key_positions_;
};

/// "a.b" (or "b" at the top).
std::string join_path(std::string_view parent, std::string_view key);

/// The root of a document, path "".
located_node root_node(const YAML::Node& root);

/// The elements of a sequence with paths "path[i]"; a null node is an
/// empty list; anything else is an error (returns nullopt).
std::optional<std::vector<located_node>> read_sequence(diagnostics& diag, const located_node& seq);

/// A map entry: the key as a scalar (position of the key) and the value.
struct map_entry {
    scalar key;
    located_node value;
};

/// The entries of a map in file order, each key reported once: an error at
/// every later duplicate, and at non-scalar keys. A null node is an empty
/// map; anything else that is not a map is an error (returns nullopt).
std::optional<std::vector<map_entry>> read_map(diagnostics& diag, const located_node& map);

/// A map whose keys must come from a fixed schema.
class schema_map {
  public:
    /// Reports unknown keys (with a suggestion) and duplicates.
    schema_map(diagnostics& diag, const located_node& map,
               std::span<const std::string_view> allowed);

    /// The value of `key`, if present (null values count as absent).
    std::optional<located_node> find(std::string_view key) const;
    /// Its value as a string; an error if it is a map or a list.
    std::optional<scalar> get_scalar(std::string_view key) const;
    /// A list of strings: a YAML sequence, or one string with comma-separated
    /// items as swanctl writes them. Blanks around items are dropped.
    std::optional<std::vector<scalar>> get_list(std::string_view key) const;
    /// The position of the map's value (its first key).
    const located_node& self() const { return self_; }
    /// False when the node was not a map (already reported).
    bool valid() const { return valid_; }
    /// Reports a missing key at the key that names this map ("local:").
    void error_missing(std::string message) const;
    diagnostics& diag() const { return *diag_; }

  private:
    diagnostics* diag_;
    located_node self_;
    std::vector<map_entry> entries_;
    bool valid_ = false;
};

/// The node as a scalar; an error (and nullopt) for maps and sequences.
std::optional<scalar> as_scalar(diagnostics& diag, const located_node& at);

/// The node as a list of scalars (see schema_map::get_list).
std::optional<std::vector<scalar>> as_list(diagnostics& diag, const located_node& at);

/// A keyword and the value it stands for.
template <class T>
struct keyword {
    std::string_view name;
    T value;
};

/// Looks `s` up in `table`; an error listing the choices (and the closest
/// one) when it is not there.
template <class T, std::size_t N>
std::optional<T> parse_keyword(diagnostics& diag, const scalar& s, const keyword<T> (&table)[N]) {
    std::vector<std::string_view> names;
    for (const auto& k : table) {
        if (k.name == s.value) return k.value;
        names.push_back(k.name);
    }
    std::string choices;
    for (std::size_t i = 0; i < names.size(); ++i) {
        choices += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(names[i]);
    }
    diag.error(s, "unknown value '" + s.value + "'; use " + choices + did_you_mean(s.value, names));
    return std::nullopt;
}

/// "yes"/"no"/"true"/"false" (swanctl's spellings).
std::optional<bool> parse_bool(diagnostics& diag, const scalar& s);

/// A decimal integer in [min, max].
std::optional<std::int64_t> parse_integer(diagnostics& diag, const scalar& s, std::int64_t min,
                                          std::int64_t max);

/// Runs a value parser (returning std::expected<T, value_error>) on `s`,
/// reporting its error at the right column.
template <class Parser>
auto parse_value(diagnostics& diag, const scalar& s, Parser parse)
    -> std::optional<typename decltype(parse(std::string_view{}))::value_type> {
    auto result = parse(std::string_view(s.value));
    if (!result) {
        diag.error(s, result.error());
        return std::nullopt;
    }
    return std::move(*result);
}

}  // namespace ikev2d::config
