#include "libike/sa/address_pool.hpp"

#include <gtest/gtest.h>

#include <set>

namespace {

using namespace ike;

ip_addr v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return ip_addr::v4(a, b, c, d);
}

ip_addr v6(std::uint16_t first, std::uint16_t last) {
    ip_addr a{true, {}};
    a.bytes[0] = static_cast<std::uint8_t>(first >> 8);
    a.bytes[1] = static_cast<std::uint8_t>(first);
    a.bytes[14] = static_cast<std::uint8_t>(last >> 8);
    a.bytes[15] = static_cast<std::uint8_t>(last);
    return a;
}

lease_request who(std::string id, std::optional<ip_addr> want = std::nullopt) {
    return lease_request{std::move(id), want, false};
}

address_pool prefix(const ip_addr& base, unsigned len) {
    auto p = address_pool::from_prefix(base, len);
    EXPECT_TRUE(p.has_value());
    return std::move(p.value());
}

TEST(address_pool, ipv4_prefix_skips_network_and_broadcast) {
    auto p = prefix(v4(10, 3, 0, 0), 24);
    EXPECT_EQ(p.size(), 254u);
    EXPECT_EQ(p.first(), v4(10, 3, 0, 1));
    EXPECT_FALSE(p.contains(v4(10, 3, 0, 0)));
    EXPECT_TRUE(p.contains(v4(10, 3, 0, 254)));
    EXPECT_FALSE(p.contains(v4(10, 3, 0, 255)));
    // Handing out all 254 never yields .0 or .255.
    std::set<std::uint8_t> seen;
    for (int i = 0; i < 254; ++i) {
        auto a = p.acquire(who("c" + std::to_string(i)));
        ASSERT_TRUE(a.has_value()) << i;
        seen.insert(a->bytes[3]);
    }
    EXPECT_EQ(seen.size(), 254u);
    EXPECT_EQ(*seen.begin(), 1);
    EXPECT_EQ(*seen.rbegin(), 254);
    EXPECT_EQ(p.acquire(who("one more")).error(), pool_errc::exhausted);
}

TEST(address_pool, prefix_from_inside_starts_there) {
    auto p = prefix(v4(10, 3, 0, 100), 24);
    EXPECT_EQ(p.first(), v4(10, 3, 0, 100));
    EXPECT_EQ(p.size(), 155u);  // .100 to .254
    EXPECT_EQ(prefix(v4(10, 3, 0, 7), 32).size(), 1u);
    EXPECT_EQ(prefix(v4(10, 3, 0, 6), 31).size(), 2u);
    EXPECT_EQ(address_pool::from_prefix(v4(10, 3, 0, 0), 33).error(), pool_errc::bad_prefix);
}

TEST(address_pool, ranges) {
    auto p = address_pool::from_range(v4(10, 3, 0, 10), v4(10, 3, 0, 50));
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->size(), 41u);
    EXPECT_EQ(p->acquire(who("a")).value(), v4(10, 3, 0, 10));
    EXPECT_EQ(p->acquire(who("b")).value(), v4(10, 3, 0, 11));
    EXPECT_EQ(address_pool::from_range(v4(10, 3, 0, 50), v4(10, 3, 0, 10)).error(),
              pool_errc::bad_range);
    EXPECT_EQ(address_pool::from_range(v4(10, 3, 0, 1), v6(0xfd00, 1)).error(),
              pool_errc::family_mismatch);
    EXPECT_EQ(address_pool::from_range(v4(0, 0, 0, 0), v4(255, 255, 255, 255)).error(),
              pool_errc::range_too_large);
    // Across a byte boundary: carries work.
    auto q = address_pool::from_range(v4(10, 3, 0, 255), v4(10, 3, 1, 1));
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(q->size(), 3u);
    q->acquire(who("a"));
    EXPECT_EQ(q->acquire(who("b")).value(), v4(10, 3, 1, 0));
}

TEST(address_pool, ipv6_prefix) {
    auto p = prefix(v6(0xfd00, 0), 120);
    EXPECT_EQ(p.size(), 254u);
    EXPECT_EQ(p.acquire(who("a")).value(), v6(0xfd00, 1));
    EXPECT_TRUE(p.ipv6());
    // A /64 is cut to 2^31 addresses, not refused.
    EXPECT_EQ(prefix(v6(0xfd00, 0), 64).size(), max_pool_size - 2);
    EXPECT_EQ(address_pool::from_prefix(v6(0xfd00, 0), 129).error(), pool_errc::bad_prefix);
}

TEST(address_pool, reconnect_gets_the_same_address) {
    auto p = prefix(v4(10, 3, 0, 0), 29);  // .1-.6
    const ip_addr alice = p.acquire(who("alice")).value();
    const ip_addr bob = p.acquire(who("bob")).value();
    EXPECT_NE(alice, bob);
    EXPECT_TRUE(p.release(alice));
    EXPECT_EQ(p.online(), 1u);
    EXPECT_EQ(p.offline(), 1u);
    // Others come and go; alice's address stays reserved for her.
    for (int i = 0; i < 4; ++i) EXPECT_NE(p.acquire(who("x" + std::to_string(i))).value(), alice);
    EXPECT_EQ(p.acquire(who("alice")).value(), alice);
    EXPECT_EQ(p.offline(), 0u);
}

TEST(address_pool, release_is_counted_and_checked) {
    auto p = prefix(v4(10, 3, 0, 0), 29);
    const ip_addr a = p.acquire(who("alice")).value();
    EXPECT_TRUE(p.release(a));
    EXPECT_FALSE(p.release(a));  // already offline
    EXPECT_FALSE(p.release(v4(192, 0, 2, 1)));
    EXPECT_FALSE(p.release(v4(10, 3, 0, 5)));  // never handed out
    EXPECT_EQ(p.online(), 0u);
}

TEST(address_pool, second_sa_of_an_identity) {
    auto p = prefix(v4(10, 3, 0, 0), 29);
    const ip_addr first = p.acquire(who("alice")).value();
    // Another IKE_SA asking for any address while the first is online: another one.
    const ip_addr second = p.acquire(who("alice")).value();
    EXPECT_NE(first, second);
    // A reauthentication asks for the address it has: shared, released twice.
    EXPECT_EQ(p.acquire(who("alice", first)).value(), first);
    EXPECT_TRUE(p.release(first));
    EXPECT_EQ(p.online(), 2u);
    EXPECT_TRUE(p.release(first));
    EXPECT_EQ(p.online(), 1u);
    // Her offline lease comes before a new address.
    EXPECT_EQ(p.acquire(who("alice")).value(), first);
}

TEST(address_pool, initial_contact_reuses_the_online_lease) {
    auto p = prefix(v4(10, 3, 0, 0), 29);
    const ip_addr old = p.acquire(who("bob")).value();
    EXPECT_EQ(p.acquire(lease_request{"bob", std::nullopt, true}).value(), old);
    EXPECT_EQ(p.online(), 1u);
    // The replaced IKE_SA goes: the new one still holds it.
    EXPECT_TRUE(p.release(old));
    EXPECT_EQ(p.online(), 1u);
}

TEST(address_pool, full_pool_reassigns_the_oldest_offline_lease) {
    auto p = prefix(v4(10, 3, 0, 0), 30);  // .1-.2
    const ip_addr a = p.acquire(who("a")).value();
    const ip_addr b = p.acquire(who("b")).value();
    EXPECT_EQ(p.acquire(who("c")).error(), pool_errc::exhausted);
    p.release(b);
    p.release(a);
    // b went offline first: c takes it; a's stays reserved.
    EXPECT_EQ(p.acquire(who("c")).value(), b);
    EXPECT_EQ(p.acquire(who("a")).value(), a);
    // b lost its lease: nothing left for it.
    EXPECT_EQ(p.acquire(who("b")).error(), pool_errc::exhausted);
}

// 50,000 clients in a /16 connect, half disconnect, everyone reconnects and
// newcomers take what is left: the work per operation stays flat (a scan
// per client would be ~10^9 steps).
TEST(address_pool, big_pool_costs_the_same_per_client) {
    auto p = prefix(v4(10, 4, 0, 0), 16);
    EXPECT_EQ(p.size(), 65534u);
    constexpr int clients = 50000;
    std::vector<ip_addr> got(clients);
    std::uint64_t operations = 0;
    for (int i = 0; i < clients; ++i, ++operations)
        got[i] = p.acquire(who("user" + std::to_string(i))).value();
    for (int i = 0; i < clients; i += 2, ++operations) ASSERT_TRUE(p.release(got[i]));
    for (int i = 0; i < clients; i += 2, ++operations)
        ASSERT_EQ(p.acquire(who("user" + std::to_string(i))).value(), got[i]);
    for (int i = 0; i < 15534; ++i, ++operations)
        ASSERT_TRUE(p.acquire(who("new" + std::to_string(i))).has_value());
    EXPECT_EQ(p.online(), p.size());
    EXPECT_LE(p.steps(), 3 * operations);
}

}  // namespace
