#include "daemon/config/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <tuple>

namespace ikev2d::config {

namespace {

// yaml-cpp marks are 0-based and point at the opening quote of a quoted
// scalar; quoted scalars carry the non-specific tag "!".
located_node locate(const YAML::Node& node, std::string path, int fallback_line,
                    int fallback_column) {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null() || mark.line < 0) {
        return {node, std::move(path), fallback_line, fallback_column};
    }
    return {node, std::move(path), mark.line + 1, mark.column + 1};
}

int content_column(const located_node& at) {
    bool quoted = at.node.IsScalar() && at.node.Tag() == "!";
    return at.column + (quoted ? 1 : 0);
}

std::string_view kind_of(const YAML::Node& node) {
    if (node.IsMap()) return "a map";
    if (node.IsSequence()) return "a list";
    return "a string";
}

// Splits "a, b ,c" at commas, keeping the column of each item.
void split_commas(const scalar& s, std::vector<scalar>& out) {
    std::size_t start = 0;
    while (start <= s.value.size()) {
        std::size_t end = std::min(s.value.find(',', start), s.value.size());
        std::size_t first = start;
        std::size_t last = end;
        while (first < last && s.value[first] == ' ') ++first;
        while (last > first && s.value[last - 1] == ' ') --last;
        out.push_back({s.value.substr(first, last - first), s.path, s.line,
                       s.column + static_cast<int>(first)});
        start = end + 1;
    }
}

}  // namespace

void diagnostics::error(int line, int column, std::string path, std::string message) {
    if (errors_.size() >= max_errors) {
        dropped_ = true;
        return;
    }
    errors_.push_back({file_, line, column, std::move(path), std::move(message)});
}

void diagnostics::warning(int line, int column, std::string path, std::string message) {
    warnings_.push_back({file_, line, column, std::move(path), std::move(message)});
}

void diagnostics::error(const located_node& at, std::string message) {
    error(at.line, at.column, at.path, std::move(message));
}

void diagnostics::error(const scalar& at, std::string message, std::size_t offset) {
    error(at.line, at.column + static_cast<int>(offset), at.path, std::move(message));
}

void diagnostics::warning(const scalar& at, std::string message, std::size_t offset) {
    warning(at.line, at.column + static_cast<int>(offset), at.path, std::move(message));
}

void diagnostics::note_key(const std::string& path, int line, int column) {
    key_positions_.emplace(path, std::pair{line, column});
}

std::pair<int, int> diagnostics::position_of(std::string_view path) const {
    while (true) {
        if (auto it = key_positions_.find(path); it != key_positions_.end()) return it->second;
        std::size_t cut = path.find_last_of(".[");
        if (cut == std::string_view::npos) return {0, 0};
        path = path.substr(0, cut);
    }
}

config_errors diagnostics::take_errors() {
    // Position 0:0 (whole-file problems) sorts last.
    auto key = [](const config_error& e) {
        return std::pair{e.line == 0 ? INT32_MAX : e.line, e.column};
    };
    std::stable_sort(errors_.begin(), errors_.end(),
                     [&](const auto& a, const auto& b) { return key(a) < key(b); });
    if (dropped_) {
        errors_.push_back(
            {file_, 0, 0, "", "too many errors; stopped after " + std::to_string(max_errors)});
        dropped_ = false;
    }
    return std::move(errors_);
}

std::string join_path(std::string_view parent, std::string_view key) {
    if (parent.empty()) return std::string(key);
    return std::string(parent) + "." + std::string(key);
}

located_node root_node(const YAML::Node& root) {
    return locate(root, "", 1, 1);
}

std::optional<scalar> as_scalar(diagnostics& diag, const located_node& at) {
    if (at.node.IsNull()) return scalar{"", at.path, at.line, at.column};
    if (!at.node.IsScalar()) {
        diag.error(at, "expected a string, got " + std::string(kind_of(at.node)));
        return std::nullopt;
    }
    return scalar{at.node.Scalar(), at.path, at.line, content_column(at)};
}

std::optional<std::vector<scalar>> as_list(diagnostics& diag, const located_node& at) {
    std::vector<scalar> out;
    if (at.node.IsSequence()) {
        bool ok = true;
        for (std::size_t i = 0; i < at.node.size(); ++i) {
            auto item = as_scalar(diag, locate(at.node[i], at.path + "[" + std::to_string(i) + "]",
                                               at.line, at.column));
            if (item) {
                split_commas(*item, out);
            } else {
                ok = false;
            }
        }
        return ok ? std::optional(std::move(out)) : std::nullopt;
    }
    if (at.node.IsMap()) {
        diag.error(at, "expected a list, got a map");
        return std::nullopt;
    }
    auto s = as_scalar(diag, at);
    if (!s) return std::nullopt;
    split_commas(*s, out);
    return out;
}

std::optional<std::vector<located_node>> read_sequence(diagnostics& diag, const located_node& seq) {
    std::vector<located_node> out;
    if (seq.node.IsNull()) return out;
    if (!seq.node.IsSequence()) {
        diag.error(seq, "expected a list, got " + std::string(kind_of(seq.node)));
        return std::nullopt;
    }
    for (std::size_t i = 0; i < seq.node.size(); ++i) {
        std::string path = seq.path + "[" + std::to_string(i) + "]";
        located_node item = locate(seq.node[i], path, seq.line, seq.column);
        diag.note_key(path, item.line, item.column);
        out.push_back(std::move(item));
    }
    return out;
}

std::optional<std::vector<map_entry>> read_map(diagnostics& diag, const located_node& map) {
    std::vector<map_entry> out;
    if (map.node.IsNull()) return out;
    if (!map.node.IsMap()) {
        diag.error(map, "expected a map of keys, got " + std::string(kind_of(map.node)));
        return std::nullopt;
    }
    for (auto it = map.node.begin(); it != map.node.end(); ++it) {
        located_node key = locate(it->first, map.path, map.line, map.column);
        if (!it->first.IsScalar()) {
            diag.error(key, "keys must be plain strings");
            continue;
        }
        scalar name{it->first.Scalar(), join_path(map.path, it->first.Scalar()), key.line,
                    content_column(key)};
        auto same = [&](const map_entry& e) { return e.key.value == name.value; };
        if (auto prev = std::find_if(out.begin(), out.end(), same); prev != out.end()) {
            diag.error(name, "duplicate key '" + name.value + "' (first at line " +
                                 std::to_string(prev->key.line) + "); remove one");
            continue;
        }
        diag.note_key(name.path, name.line, name.column);
        located_node value = locate(it->second, name.path, name.line, name.column);
        out.push_back({std::move(name), std::move(value)});
    }
    return out;
}

schema_map::schema_map(diagnostics& diag, const located_node& map,
                       std::span<const std::string_view> allowed)
    : diag_(&diag), self_(map) {
    auto entries = read_map(diag, map);
    if (!entries) return;
    valid_ = true;
    for (auto& e : *entries) {
        if (std::find(allowed.begin(), allowed.end(), e.key.value) == allowed.end()) {
            diag.error(e.key,
                       "unknown key '" + e.key.value + "'" + did_you_mean(e.key.value, allowed));
            continue;
        }
        entries_.push_back(std::move(e));
    }
}

void schema_map::error_missing(std::string message) const {
    auto [line, column] = diag_->position_of(self_.path);
    if (line == 0) std::tie(line, column) = std::pair{self_.line, self_.column};
    diag_->error(line, column, self_.path, std::move(message));
}

std::optional<located_node> schema_map::find(std::string_view key) const {
    for (const auto& e : entries_) {
        if (e.key.value == key && !e.value.node.IsNull()) return e.value;
    }
    return std::nullopt;
}

std::optional<scalar> schema_map::get_scalar(std::string_view key) const {
    auto node = find(key);
    if (!node) return std::nullopt;
    return as_scalar(*diag_, *node);
}

std::optional<std::vector<scalar>> schema_map::get_list(std::string_view key) const {
    auto node = find(key);
    if (!node) return std::nullopt;
    return as_list(*diag_, *node);
}

std::optional<bool> parse_bool(diagnostics& diag, const scalar& s) {
    static constexpr keyword<bool> table[] = {
        {"yes", true}, {"no", false}, {"true", true}, {"false", false}};
    return parse_keyword(diag, s, table);
}

std::optional<std::int64_t> parse_integer(diagnostics& diag, const scalar& s, std::int64_t min,
                                          std::int64_t max) {
    std::int64_t value = 0;
    const char* end = s.value.data() + s.value.size();
    auto [ptr, ec] = std::from_chars(s.value.data(), end, value);
    if (s.value.empty() || ec != std::errc{} || ptr != end || value < min || value > max) {
        diag.error(s, "expected a whole number in " + std::to_string(min) + ".." +
                          std::to_string(max) + ", got '" + s.value + "'");
        return std::nullopt;
    }
    return value;
}

}  // namespace ikev2d::config
