#include "libike/engine/peer_index.hpp"

#include <functional>
#include <string_view>

#include "libike/engine/ike_sa.hpp"

namespace ike {

namespace {

std::uint64_t key_of(const ike_sa& sa) {
    const auto& id = *sa.peer_id;
    const std::string_view data(reinterpret_cast<const char*>(id.data.data()), id.data.size());
    std::uint64_t h = std::hash<std::string_view>{}(sa.config->name);
    h = h * 0x100000001b3u ^ static_cast<std::uint64_t>(id.type);
    return h * 0x100000001b3u ^ std::hash<std::string_view>{}(data);
}

bool filed(const ike_sa& sa) {
    return sa.state() != ike_sa_state::gone && sa.peer_id.has_value();
}

}  // namespace

void peer_index::update(ike_sa& sa) {
    const auto want = filed(sa) ? std::optional(key_of(sa)) : std::nullopt;
    if (want == sa.peer_filed) return;
    if (sa.peer_filed) {
        auto node = sas_.extract({*sa.peer_filed, sa.id});
        if (want) {
            node.key().first = *want;
            sas_.insert(std::move(node));
        }
    } else {
        sas_.emplace(std::pair{*want, sa.id}, &sa);
    }
    sa.peer_filed = want;
}

std::vector<ike_sa*> peer_index::same_peer(const ike_sa& sa) const {
    const std::uint64_t key = key_of(sa);
    std::vector<ike_sa*> found;
    for (auto it = sas_.lower_bound({key, 0}); it != sas_.end() && it->first.first == key; ++it) {
        ike_sa* other = it->second;
        if (other != &sa && other->config->name == sa.config->name &&
            *other->peer_id == *sa.peer_id)
            found.push_back(other);
    }
    return found;
}

}  // namespace ike
