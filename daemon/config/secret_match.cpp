#include "daemon/config/secret_match.hpp"

#include <algorithm>

namespace ikev2d::config {

namespace {

// 2: one of `ids` is `id`; 1: the secret is for any identity; 0: no match.
int match_score(const std::vector<identity>& ids, const identity& id) {
    if (id.any) return 0;
    if (ids.empty()) return 1;
    int best = 0;
    for (const identity& candidate : ids) {
        if (candidate.any) best = std::max(best, 1);
        if (!candidate.any && candidate.same_as(id)) return 2;
    }
    return best;
}

}  // namespace

const shared_secret* find_shared_secret(std::span<const shared_secret> secrets,
                                        const identity& local, const identity& remote) {
    if (local.any && remote.any) return secrets.empty() ? nullptr : &secrets.front();
    const shared_secret* best = nullptr;
    int best_score = 0;
    for (const shared_secret& s : secrets) {
        int score = match_score(s.ids, local) + match_score(s.ids, remote);
        if (score > best_score) {
            best = &s;
            best_score = score;
        }
    }
    return best;
}

const eap_secret* find_eap_secret(std::span<const eap_secret> secrets, std::string_view name) {
    for (const eap_secret& s : secrets) {
        if (std::ranges::find(s.ids, name) != s.ids.end()) return &s;
    }
    return nullptr;
}

}  // namespace ikev2d::config
