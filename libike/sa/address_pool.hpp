#pragma once
// A pool of virtual IP addresses that a gateway hands to its clients
// (RFC 7296 §2.19, §3.15), with leases kept per client identity.
//
// A lease is `online` while at least one IKE_SA holds it, `offline` once the
// last holder is gone. An offline lease stays reserved for its identity, so
// a client that reconnects gets its address back; only when the pool has no
// never-used address left is the offline lease that went offline first
// handed to someone else.
//
//   never used --acquire--> online --release (last holder)--> offline
//                             ^                                  |
//                             +---acquire by the same identity---+
//                  offline --acquire by another identity, pool full--> online (new owner)
//
// Every operation is O(1) on average (hash maps and a list in the order the
// leases went offline): no walk over the range or over all leases, so a
// /16 with 50,000 clients costs the same per client as a /29 with five
// (`steps()` counts the work for tests).
//
// Sans-I/O, no clock: plain data in and out.
#include <cstdint>
#include <expected>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "libike/common/socket_address.hpp"

namespace ike {

/// Why a pool could not be built or could not give an address.
enum class pool_errc : std::uint8_t {
    bad_prefix,       ///< prefix length above 32 (IPv4) or 128 (IPv6)
    family_mismatch,  ///< a range whose two ends are of different families
    bad_range,        ///< a range whose first address is above its last
    range_too_large,  ///< a range spanning more than max_pool_size addresses
    exhausted,        ///< every address is online (held by a live IKE_SA)
};
std::string_view to_string(pool_errc e);

/// The most addresses a pool serves; a larger prefix is cut to its first
/// max_pool_size addresses (an IPv6 /64 pool is fine, it is just not served
/// in full), a larger a-b range is refused. 2^31, as charon limits it.
inline constexpr std::uint64_t max_pool_size = std::uint64_t{1} << 31;

/// What a client asks for: the address it had (reauthentication,
/// reconnect) or any (0.0.0.0 / :: or no address at all).
struct lease_request {
    std::string identity;  ///< the peer's authenticated IDi, as opaque bytes
    std::optional<ip_addr> address;
    /// The peer sent INITIAL_CONTACT: its IKE_SAs that hold an online lease
    /// are about to be dropped, so that lease may be shared with the new
    /// IKE_SA (charon gives the same address in that case).
    bool replaces_old = false;
};

class address_pool {
  public:
    /// A pool of the addresses of `base`/`prefix_length`. When the prefix
    /// spans more than two addresses, its network address (the first) and
    /// its last (the IPv4 broadcast) are never handed out, as charon does:
    /// 10.3.0.0/24 serves 10.3.0.1-10.3.0.254 (254 addresses). A base that is
    /// not the network address starts the pool there: 10.3.0.100/24 serves
    /// 10.3.0.100-10.3.0.254. IPv6 is treated the same way (the first
    /// address of a prefix is the subnet-router anycast address, RFC 4291
    /// §2.6.1). Errors: bad_prefix.
    static std::expected<address_pool, pool_errc> from_prefix(const ip_addr& base,
                                                              unsigned prefix_length);
    /// A pool of every address from `first` to `last`, both included.
    /// Errors: family_mismatch, bad_range, range_too_large.
    static std::expected<address_pool, pool_errc> from_range(const ip_addr& first,
                                                             const ip_addr& last);

    /// An address for `r.identity`, in this order: its offline lease (the
    /// requested one if it has several); its online lease when that is the
    /// requested address (a reauthentication overlaps the old IKE_SA) or
    /// when r.replaces_old; a never-used address; the oldest offline lease
    /// of another identity. A second IKE_SA of an identity that asks for any
    /// address while its first is online gets a second address.
    /// Each success must be matched by one release() of the address.
    /// Errors: exhausted.
    std::expected<ip_addr, pool_errc> acquire(const lease_request& r);

    /// One holder of `address` is gone; the lease goes offline with its
    /// last holder. Returns false when `address` holds no online lease
    /// (not from this pool, or released too often): nothing changes.
    bool release(const ip_addr& address);

    bool contains(const ip_addr& address) const;
    bool ipv6() const { return first_.ipv6; }
    const ip_addr& first() const { return first_; }
    /// The pool's last address (size() > 0).
    ip_addr last() const { return at(size_ - 1); }
    std::uint64_t size() const { return size_; }
    std::uint64_t online() const { return online_; }
    std::uint64_t offline() const { return offline_.size(); }
    /// Leases looked at by every acquire and release so far, for tests that
    /// check the cost per client stays flat.
    std::uint64_t steps() const { return steps_; }

  private:
    address_pool(const ip_addr& first, std::uint64_t size) : first_(first), size_(size) {}

    struct lease {
        std::string identity;
        unsigned holders = 0;
        std::list<std::uint64_t>::iterator offline_at;  ///< valid while holders == 0
    };
    ip_addr at(std::uint64_t offset) const;
    std::optional<std::uint64_t> offset_of(const ip_addr& address) const;
    /// The identity's lease to use again, if any.
    std::optional<std::uint64_t> existing(const lease_request& r);
    void take_online(lease& l);
    void give(std::uint64_t offset, const std::string& identity);

    ip_addr first_;
    std::uint64_t size_ = 0;
    std::uint64_t next_unused_ = 0;  ///< offsets from here on were never handed out
    std::uint64_t online_ = 0;
    std::uint64_t steps_ = 0;
    std::unordered_map<std::uint64_t, lease> leases_;  ///< by offset from first_
    std::unordered_map<std::string, std::vector<std::uint64_t>> by_identity_;
    std::list<std::uint64_t> offline_;  ///< oldest first
};

}  // namespace ike
