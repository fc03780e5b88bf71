#include "daemon/config/suggest.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace ikev2d::config {

namespace {

// Optimal string alignment distance (Damerau-Levenshtein without repeated edits).
std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t w = b.size() + 1;
    std::vector<std::size_t> d((a.size() + 1) * w);
    for (std::size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            std::size_t best = std::min(
                {d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                best = std::min(best, d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = best;
        }
    }
    return d[a.size() * w + b.size()];
}

}  // namespace

std::string_view closest_match(std::string_view word,
                               std::span<const std::string_view> candidates) {
    std::string_view best;
    std::size_t best_distance = 3;
    for (std::string_view c : candidates) {
        std::size_t dist = edit_distance(word, c);
        if (dist < best_distance && dist < word.size()) {
            best = c;
            best_distance = dist;
        }
    }
    return best;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
    std::string_view match = closest_match(word, candidates);
    if (match.empty()) return {};
    return "; did you mean '" + std::string(match) + "'?";
}

}  // namespace ikev2d::config
