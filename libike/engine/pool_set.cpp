// Virtual IP pools by name, kept across reloads (see pool_set.hpp).
#include "libike/engine/pool_set.hpp"

#include <algorithm>

namespace ike {

namespace {

bool same_addresses(const pool_config& a, const pool_config& b) {
    return a.base == b.base && a.range == b.range &&
           (a.range ? a.last == b.last : a.prefix_length == b.prefix_length);
}

}  // namespace

std::expected<address_pool, pool_errc> make_pool(const pool_config& c) {
    return c.range ? address_pool::from_range(c.base, c.last)
                   : address_pool::from_prefix(c.base, c.prefix_length);
}

std::expected<void, std::string> pool_set::replace(std::vector<pool_config> configs) {
    std::vector<pool_entry> next;
    next.reserve(configs.size());
    for (auto& c : configs) {
        if (std::ranges::any_of(next, [&](const auto& e) { return e.config.name == c.name; }))
            return std::unexpected("pool '" + c.name + "' is defined twice");
        const pool_entry* old = find(c.name);
        std::shared_ptr<address_pool> pool;
        if (old && same_addresses(old->config, c)) {
            pool = old->pool;
        } else {
            auto p = make_pool(c);
            if (!p)
                return std::unexpected("pool '" + c.name +
                                       "': " + std::string(to_string(p.error())));
            pool = std::make_shared<address_pool>(std::move(*p));
        }
        next.push_back(pool_entry{std::move(c), std::move(pool)});
    }
    pools_ = std::move(next);
    return {};
}

const pool_entry* pool_set::find(std::string_view name) const {
    auto it = std::ranges::find_if(pools_, [&](const auto& e) { return e.config.name == name; });
    return it == pools_.end() ? nullptr : &*it;
}

std::vector<pool_info> pool_set::info() const {
    std::vector<pool_info> all;
    for (const auto& e : pools_) {
        const auto& p = *e.pool;
        const std::string addresses =
            p.size() == 0 ? "" : to_string(p.first()) + "-" + to_string(p.last());
        all.push_back(pool_info{e.config.name, addresses, p.size(), p.online(), p.offline()});
    }
    return all;
}

}  // namespace ike
