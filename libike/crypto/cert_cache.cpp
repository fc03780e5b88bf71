#include "libike/crypto/cert_cache.hpp"

#include <utility>

namespace ike {

namespace {

std::string key_of(bytes_view der) {
    return std::string(reinterpret_cast<const char*>(der.data()), der.size());
}

// The store, then each certificate's length and octets: no two different
// chains give the same key.
std::string chain_key(const trust_store& store, const certificate& leaf,
                      std::span<const certificate> intermediates) {
    std::string key = std::to_string(store.id());
    auto add = [&key](const certificate& c) {
        const bytes der = c.der();
        key += '|' + std::to_string(der.size()) + ':';
        key += key_of(der);
    };
    add(leaf);
    for (const auto& c : intermediates) add(c);
    return key;
}

}  // namespace

template <class V>
void cert_cache::fifo_map<V>::put(std::string key, V value, std::size_t capacity) {
    if (capacity == 0 || entries.contains(key)) return;
    if (entries.size() >= capacity) {
        entries.erase(order.front());
        order.pop_front();
    }
    order.push_back(key);
    entries.emplace(std::move(key), std::move(value));
}

std::expected<certificate, cert_error> cert_cache::parse(bytes_view der) {
    std::string key = key_of(der);
    if (auto it = parsed_.entries.find(key); it != parsed_.entries.end()) {
        ++stats_.parse_hits;
        return it->second;
    }
    ++stats_.parse_misses;
    auto cert = certificate::from_der(der);
    if (cert) parsed_.put(std::move(key), *cert, capacity_);
    return cert;
}

std::expected<void, cert_error> cert_cache::validate(const trust_store& store,
                                                     const certificate& leaf,
                                                     std::span<const certificate> intermediates,
                                                     cert_time now) {
    std::string key = capacity_ == 0 ? std::string() : chain_key(store, leaf, intermediates);
    const auto it = verdicts_.entries.find(key);
    if (it != verdicts_.entries.end() && it->second.contains(now)) {
        ++stats_.verdict_hits;
        return {};
    }
    ++stats_.verdict_misses;
    auto window = store.validate(leaf, intermediates, now);
    if (!window) return std::unexpected(window.error());
    // A window from a clock that moved on is replaced; FIFO keeps the slot.
    if (it != verdicts_.entries.end())
        it->second = *window;
    else
        verdicts_.put(std::move(key), *window, capacity_);
    return {};
}

}  // namespace ike
