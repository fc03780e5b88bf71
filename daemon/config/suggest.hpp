#pragma once
// "Did you mean" hints for misspelt keys and keywords.
#include <span>
#include <string_view>

namespace ikev2d::config {

/// The candidate closest to `word` by edit distance (insertions, deletions,
/// substitutions, adjacent transpositions), if that distance is at most 2
/// and smaller than `word` itself; empty when nothing is close.
std::string_view closest_match(std::string_view word, std::span<const std::string_view> candidates);

/// "; did you mean 'x'?" for the closest candidate, or "" when there is none.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace ikev2d::config
