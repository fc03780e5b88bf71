// Virtual IP pools with per-identity leases (see address_pool.hpp).
#include "libike/sa/address_pool.hpp"

#include <algorithm>
#include <array>

namespace ike {

namespace {

// The low 64 bits of an address, as a number (IPv4: the whole address).
std::uint64_t low_bits(const ip_addr& a) {
    std::uint64_t v = 0;
    const std::size_t n = a.size();
    for (std::size_t i = n > 8 ? n - 8 : 0; i < n; ++i) v = (v << 8) | a.bytes[i];
    return v;
}

// a + v, big-endian with carry over the whole address (a pool never wraps:
// its size was checked against the address family).
ip_addr plus(ip_addr a, std::uint64_t v) {
    for (std::size_t i = a.size(); i-- > 0 && v != 0;) {
        const std::uint64_t sum = a.bytes[i] + (v & 0xff);
        a.bytes[i] = static_cast<std::uint8_t>(sum);
        v = (v >> 8) + (sum >> 8);
    }
    return a;
}

// b - a when a <= b and the difference fits 64 bits, else nullopt.
std::optional<std::uint64_t> difference(const ip_addr& a, const ip_addr& b) {
    if (a.ipv6 != b.ipv6) return std::nullopt;
    const std::size_t n = a.size();
    std::array<std::uint8_t, 16> d{};
    int borrow = 0;
    for (std::size_t i = n; i-- > 0;) {
        int x = int{b.bytes[i]} - int{a.bytes[i]} - borrow;
        borrow = x < 0;
        d[i] = static_cast<std::uint8_t>(x + (borrow ? 256 : 0));
    }
    if (borrow) return std::nullopt;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (i + 8 < n && d[i] != 0) return std::nullopt;
        if (i + 8 >= n) v = (v << 8) | d[i];
    }
    return v;
}

}  // namespace

std::string_view to_string(pool_errc e) {
    switch (e) {
        case pool_errc::bad_prefix:
            return "prefix length longer than the address";
        case pool_errc::family_mismatch:
            return "range mixes IPv4 and IPv6";
        case pool_errc::bad_range:
            return "range's first address is above its last";
        case pool_errc::range_too_large:
            return "range holds more than 2^31 addresses";
        case pool_errc::exhausted:
            return "every address of the pool is in use";
    }
    return "unknown pool error";
}

std::expected<address_pool, pool_errc> address_pool::from_prefix(const ip_addr& base,
                                                                 unsigned prefix_length) {
    const unsigned addr_bits = base.ipv6 ? 128 : 32;
    if (prefix_length > addr_bits) return std::unexpected(pool_errc::bad_prefix);
    // Cut to max_pool_size: the pool is then the 2^31 block that holds base.
    const unsigned host_bits = std::min(addr_bits - prefix_length, 31u);
    std::uint64_t size = std::uint64_t{1} << host_bits;
    // How far base is into its block; the block's first address is its
    // network address.
    const std::uint64_t into = low_bits(base) & (size - 1);
    if (size > 2) {
        // Neither the network address nor the last (IPv4 broadcast): a /24
        // from its network address serves .1 to .254.
        if (into == 0) return address_pool(plus(base, 1), size - 2);
        return address_pool(base, size - into - 1);
    }
    // A /31 or /32 (/127, /128): every address of it, from base on.
    return address_pool(base, size - into);
}

std::expected<address_pool, pool_errc> address_pool::from_range(const ip_addr& first,
                                                                const ip_addr& last) {
    if (first.ipv6 != last.ipv6) return std::unexpected(pool_errc::family_mismatch);
    auto d = difference(first, last);
    if (!d) {
        // Either last < first, or the span is beyond 64 bits.
        if (!difference(last, first)) return std::unexpected(pool_errc::range_too_large);
        return std::unexpected(pool_errc::bad_range);
    }
    if (*d >= max_pool_size) return std::unexpected(pool_errc::range_too_large);
    return address_pool(first, *d + 1);
}

ip_addr address_pool::at(std::uint64_t offset) const {
    return plus(first_, offset);
}

std::optional<std::uint64_t> address_pool::offset_of(const ip_addr& address) const {
    auto d = difference(first_, address);
    if (!d || *d >= size_) return std::nullopt;
    return d;
}

bool address_pool::contains(const ip_addr& address) const {
    return offset_of(address).has_value();
}

void address_pool::take_online(lease& l) {
    if (l.holders == 0) {
        offline_.erase(l.offline_at);
        ++online_;
    }
    ++l.holders;
}

std::optional<std::uint64_t> address_pool::existing(const lease_request& r) {
    auto it = by_identity_.find(r.identity);
    if (it == by_identity_.end()) return std::nullopt;
    const auto requested = r.address ? offset_of(*r.address) : std::nullopt;
    std::optional<std::uint64_t> offline_one, online_one;
    // An identity holds one lease per IKE_SA it has at once: a handful.
    for (std::uint64_t offset : it->second) {
        ++steps_;
        const lease& l = leases_.at(offset);
        if (l.holders == 0 && (!offline_one || offset == requested)) offline_one = offset;
        if (l.holders > 0 && (offset == requested || (r.replaces_old && !online_one)))
            online_one = offset;
    }
    return offline_one ? offline_one : online_one;
}

void address_pool::give(std::uint64_t offset, const std::string& identity) {
    lease& l = leases_[offset];
    l.identity = identity;
    l.holders = 1;
    ++online_;
    by_identity_[identity].push_back(offset);
}

std::expected<ip_addr, pool_errc> address_pool::acquire(const lease_request& r) {
    ++steps_;
    if (auto offset = existing(r)) {
        take_online(leases_.at(*offset));
        return at(*offset);
    }
    if (next_unused_ < size_) {
        give(next_unused_, r.identity);
        return at(next_unused_++);
    }
    if (offline_.empty()) return std::unexpected(pool_errc::exhausted);
    // The pool is full: the lease that has been offline longest changes owner.
    const std::uint64_t offset = offline_.front();
    offline_.pop_front();
    auto& previous = by_identity_[leases_.at(offset).identity];
    std::erase(previous, offset);
    if (previous.empty()) by_identity_.erase(leases_.at(offset).identity);
    give(offset, r.identity);
    return at(offset);
}

bool address_pool::release(const ip_addr& address) {
    ++steps_;
    const auto offset = offset_of(address);
    if (!offset) return false;
    auto it = leases_.find(*offset);
    if (it == leases_.end() || it->second.holders == 0) return false;
    if (--it->second.holders == 0) {
        --online_;
        it->second.offline_at = offline_.insert(offline_.end(), *offset);
    }
    return true;
}

}  // namespace ike
