// Virtual IPs in IKE_AUTH (RFC 7296 §2.19, §3.15; tasks/ike_config): A is a
// road warrior asking for an address, B a gateway lending it from a pool,
// both engines in one process.
#include <gtest/gtest.h>

#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

// The selector of one address.
ts_range host_of(const ip_addr& a) {
    return ts(to_string(a));
}

struct road_warrior : site_to_site {
    void SetUp() override {
        // A: dynamic local selector (its virtual IP); B: dynamic remote one.
        a_spec.local_ts = {};
        a_spec.vips = {"0.0.0.0"};
        b_spec.remote_ts = {};
        b_spec.pools = {"rw"};
    }
    std::vector<pool_config> pools = {rw_pool("10.3.0.0", 24)};

    static pool_config rw_pool(std::string_view base, unsigned prefix) {
        pool_config p;
        p.name = "rw";
        p.base = ip(base);
        p.prefix_length = prefix;
        p.dns = {ip("10.3.0.53"), ip("fd00::53")};
        p.dns_domains = {"corp.example.org", "example.org"};
        return p;
    }
    void start_rw() {
        start();
        ASSERT_TRUE(B().eng.set_pools(pools));
    }
    static ike_sa_info newest(const peer& p) {
        auto sas = p.eng.list_sas();
        EXPECT_FALSE(sas.empty());
        return sas.empty() ? ike_sa_info{} : sas.back();
    }
    pool_info rw_info() {
        auto all = B().eng.list_pools();
        EXPECT_EQ(all.size(), 1u);
        return all.empty() ? pool_info{} : all[0];
    }
};

TEST_F(road_warrior, gateway_lends_an_address_and_narrows_the_child_to_it) {
    start_rw();
    initiate();
    expect_up();
    const ip_addr vip = ip("10.3.0.1");  // the network address is skipped
    // A records the address and the attributes, and tells the daemon.
    const auto a = newest(A());
    EXPECT_EQ(a.virtual_ips, std::vector{vip});
    EXPECT_EQ(a.dns, (std::vector{ip("10.3.0.53"), ip("fd00::53")}));
    EXPECT_EQ(a.dns_domains, (std::vector<std::string>{"corp.example.org", "example.org"}));
    ASSERT_EQ(A().vips.size(), 1u);
    EXPECT_EQ(A().vips[0].addresses, std::vector{vip});
    EXPECT_EQ(A().vips[0].dns_domains.size(), 2u);
    // Both CHILD_SAs run from the virtual IP, not from A's IKE address.
    EXPECT_EQ(A().installs[0].local_ts, std::vector{host_of(vip)});
    EXPECT_EQ(A().installs[0].remote_ts, std::vector{ts("10.2.0.0/16")});
    EXPECT_EQ(B().installs[0].remote_ts, std::vector{host_of(vip)});
    EXPECT_EQ(newest(B()).virtual_ips, std::vector{vip});
    EXPECT_EQ(rw_info().online, 1u);
    EXPECT_EQ(rw_info().size, 254u);
    EXPECT_EQ(rw_info().addresses, "10.3.0.1-10.3.0.254");
}

TEST_F(road_warrior, ipv4_and_ipv6_pools_both_answer) {
    a_spec.vips = {"0.0.0.0", "::"};
    a_spec.remote_ts = {"10.2.0.0/16", "fd02::/16"};
    b_spec.local_ts = {"10.2.0.0/16", "fd02::/16"};
    b_spec.pools = {"rw", "rw6"};
    pool_config v6;
    v6.name = "rw6";
    v6.base = ip("fd03::100");
    v6.last = ip("fd03::1ff");
    v6.range = true;
    pools.push_back(v6);
    start_rw();
    initiate();
    expect_up();
    const std::vector want = {ip("10.3.0.1"), ip("fd03::100")};
    EXPECT_EQ(newest(A()).virtual_ips, want);
    EXPECT_EQ(newest(B()).virtual_ips, want);
    EXPECT_EQ(A().installs[0].local_ts, (std::vector{host_of(want[0]), host_of(want[1])}));
    EXPECT_EQ(B().installs[0].remote_ts, (std::vector{host_of(want[0]), host_of(want[1])}));
}

TEST_F(road_warrior, no_pool_no_reply_and_no_child) {
    b_spec.pools = {};
    start_rw();
    initiate();
    // As charon: the IKE_SA stands, B logs why, A sees no address and does
    // not install a CHILD_SA whose selector would be its IKE address.
    EXPECT_TRUE(A().has_event(sa_event::kind::ike_up));
    EXPECT_TRUE(B().has_notice("has no pools")) << B().failures();
    EXPECT_NE(A().failures().find("no CFG_REPLY"), std::string::npos) << A().failures();
    EXPECT_NE(A().failures().find("asked for a virtual IP and got none"), std::string::npos);
    EXPECT_TRUE(A().installs.empty());
    EXPECT_TRUE(newest(A()).virtual_ips.empty());
}

TEST_F(road_warrior, exhausted_pool_answers_internal_address_failure) {
    pools[0].base = ip("10.3.0.7");
    pools[0].prefix_length = 32;  // one address
    b_spec.remote_id = "%any";
    start_rw();
    B().psks.add("*", "s3cret-psk");
    initiate();
    expect_up();
    ASSERT_EQ(newest(A()).virtual_ips, std::vector{ip("10.3.0.7")});
    // Another client (another identity) while the only address is online.
    net->restart_a(0x5eed);
    a_spec.local_id = "c.example.org";
    A().psks.add("b.example.org", "s3cret-psk");
    A().eng.set_connections({make_config(a_spec)});
    initiate();
    // The IKE_SA is up without the CHILD_SA (§3.15.4); both sides say why.
    EXPECT_TRUE(A().has_event(sa_event::kind::ike_up));
    EXPECT_TRUE(A().installs.empty());
    EXPECT_NE(A().failures().find("INTERNAL_ADDRESS_FAILURE"), std::string::npos) << A().failures();
    EXPECT_NE(B().failures().find("pool 'rw' (1 addresses) is full"), std::string::npos)
        << B().failures();
    EXPECT_EQ(B().installs.size(), 1u);  // only the first client's
    EXPECT_EQ(rw_info().online, 1u);
}

TEST_F(road_warrior, delete_releases_and_reconnect_gets_the_same_address) {
    pools[0] = rw_pool("10.3.0.0", 29);
    start_rw();
    const auto id = initiate();
    const ip_addr first = newest(B()).virtual_ips.at(0);
    ASSERT_TRUE(A().eng.terminate(net->now, id));
    net->run();
    EXPECT_TRUE(B().eng.list_sas().empty());
    EXPECT_EQ(rw_info().online, 0u);
    EXPECT_EQ(rw_info().offline, 1u);
    initiate();
    EXPECT_EQ(newest(B()).virtual_ips, std::vector{first});
    EXPECT_EQ(newest(A()).virtual_ips, std::vector{first});
    EXPECT_EQ(rw_info().online, 1u);
    EXPECT_EQ(rw_info().offline, 0u);
}

TEST_F(road_warrior, restarted_client_with_initial_contact_keeps_its_address) {
    start_rw();
    initiate();
    const ip_addr first = newest(B()).virtual_ips.at(0);
    net->restart_a(0x5eed);
    A().psks.add("b.example.org", "s3cret-psk");
    A().eng.set_connections({make_config(a_spec)});
    initiate();
    // The old IKE_SA was replaced (INITIAL_CONTACT) and its lease went to the new one.
    ASSERT_EQ(B().eng.list_sas().size(), 1u);
    EXPECT_EQ(newest(B()).virtual_ips, std::vector{first});
    EXPECT_EQ(rw_info().online, 1u);
    EXPECT_EQ(rw_info().offline, 0u);
}

TEST_F(road_warrior, ike_rekey_keeps_the_lease) {
    a_spec.ike_rekey_time = 100s;
    a_spec.ike_rand_time = b_spec.ike_rand_time = duration(0);
    b_spec.ike_rekey_time = duration(0);
    start_rw();
    initiate();
    const ip_addr first = newest(B()).virtual_ips.at(0);
    const auto old_id = newest(B()).id;
    net->advance(150s);
    const auto sas = B().eng.list_sas();
    ASSERT_EQ(sas.size(), 1u);
    EXPECT_NE(sas[0].id, old_id);  // rekeyed
    EXPECT_EQ(sas[0].virtual_ips, std::vector{first});
    EXPECT_EQ(newest(A()).virtual_ips, std::vector{first});
    EXPECT_EQ(rw_info().online, 1u);
    EXPECT_EQ(rw_info().offline, 0u);
    // A CHILD_SA made on the new IKE_SA (CREATE_CHILD_SA) still uses the
    // virtual IP on both sides.
    ASSERT_TRUE(A().eng.terminate_child(net->now, A().installs.back().child));
    net->run();
    const auto before = B().installs.size();
    initiate();
    ASSERT_EQ(B().installs.size(), before + 1) << B().failures();
    EXPECT_EQ(B().installs.back().remote_ts, std::vector{host_of(first)});
    EXPECT_EQ(A().installs.back().local_ts, std::vector{host_of(first)});
}

TEST_F(road_warrior, reauthentication_gets_the_same_address) {
    a_spec.reauth_time = 100s;
    a_spec.ike_rand_time = b_spec.ike_rand_time = duration(0);
    a_spec.ike_rekey_time = b_spec.ike_rekey_time = duration(0);
    start_rw();
    initiate();
    const ip_addr first = newest(B()).virtual_ips.at(0);
    const auto old_id = newest(B()).id;
    net->advance(150s);
    const auto sas = B().eng.list_sas();
    ASSERT_EQ(sas.size(), 1u) << B().failures();
    EXPECT_NE(sas[0].id, old_id);
    EXPECT_EQ(sas[0].virtual_ips, std::vector{first});
    EXPECT_EQ(newest(A()).virtual_ips, std::vector{first});
    EXPECT_EQ(A().installs.back().local_ts, std::vector{host_of(first)});
    EXPECT_EQ(rw_info().online, 1u);
    EXPECT_EQ(rw_info().offline, 0u);
}

TEST_F(road_warrior, reloading_an_unchanged_pool_keeps_its_leases) {
    start_rw();
    initiate();
    pools[0].dns_domains = {"other.example.org"};  // attributes may change
    ASSERT_TRUE(B().eng.set_pools(pools));
    EXPECT_EQ(rw_info().online, 1u);
    pools[0] = rw_pool("10.30.0.0", 24);  // new addresses: a new pool
    ASSERT_TRUE(B().eng.set_pools(pools));
    EXPECT_EQ(rw_info().online, 0u);
    // The IKE_SA still holds its old address and gives it back harmlessly.
    EXPECT_EQ(newest(B()).virtual_ips, std::vector{ip("10.3.0.1")});
    pools.push_back(pools[0]);
    auto twice = B().eng.set_pools(pools);
    ASSERT_FALSE(twice);
    EXPECT_NE(twice.error().message.find("'rw' is defined twice"), std::string::npos);
}

}  // namespace
}  // namespace ike::test
