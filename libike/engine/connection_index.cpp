#include "libike/engine/connection_index.hpp"

#include <functional>

#include "libike/engine/ike_sa.hpp"

namespace ike {

namespace {

std::uint64_t hash_of(std::string_view connection) {
    return std::hash<std::string_view>{}(connection);
}

// An IKE_SA that initiate() may queue CHILD_SAs on: its queue runs once
// IKE_AUTH is done when it is still connecting as initiator.
bool takes_children(const ike_sa& sa) {
    return sa.state() == ike_sa_state::established ||
           (sa.state() == ike_sa_state::connecting && sa.initiator);
}

}  // namespace

void connection_index::update(ike_sa& sa) {
    const bool live = sa.state() != ike_sa_state::gone;
    const auto want = live ? std::optional(hash_of(sa.config->name)) : std::nullopt;
    const bool want_usable = live && takes_children(sa);
    if (want == sa.connection_filed && want_usable == sa.connection_filed_usable) return;
    if (sa.connection_filed) {
        auto node = sas_.extract({*sa.connection_filed, !sa.connection_filed_usable, sa.id});
        if (want) {
            node.key() = {*want, !want_usable, sa.id};
            sas_.insert(std::move(node));
        }
    } else {
        sas_.emplace(key{*want, !want_usable, sa.id}, &sa);
    }
    sa.connection_filed = want;
    sa.connection_filed_usable = want_usable;
}

ike_sa* connection_index::usable(std::string_view connection) const {
    const std::uint64_t name = hash_of(connection);
    for (auto it = sas_.lower_bound({name, false, 0});
         it != sas_.end() && it->first.name == name && !it->first.unusable; ++it)
        if (it->second->config->name == connection) return it->second;
    return nullptr;
}

bool connection_index::has_other(const ike_sa& sa) const {
    const std::uint64_t name = hash_of(sa.config->name);
    for (auto it = sas_.lower_bound({name, false, 0}); it != sas_.end() && it->first.name == name;
         ++it)
        if (it->second != &sa && it->second->config->name == sa.config->name) return true;
    return false;
}

}  // namespace ike
