// Reauthentication (RFC 7296 §2.8.3), make-before-break: a fresh IKE_SA
// authenticates again and brings up a new CHILD_SA for every child; only then
// is the old IKE_SA deleted with its CHILD_SAs. A failed attempt keeps the old
// IKE_SA and tries again later.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

struct reauth : site_to_site {
    void SetUp() override {
        // Only A reauthenticates, every 100 s; no IKE rekeys interfere.
        a_spec.reauth_time = 100s;
        a_spec.ike_rand_time = b_spec.ike_rand_time = duration(0);
        a_spec.ike_rekey_time = b_spec.ike_rekey_time = duration(0);
        add_second_child();
    }
    static ike_sa_info only_sa(const peer& p) {
        auto sas = p.eng.list_sas();
        EXPECT_EQ(sas.size(), 1u);
        return sas.empty() ? ike_sa_info{} : sas[0];
    }
    static std::set<std::uint32_t> spis_in(const ike_sa_info& sa) {
        std::set<std::uint32_t> s;
        for (const auto& c : sa.children) s.insert(c.spi_in);
        return s;
    }
    // Every child_up of the new CHILD_SAs comes before the first child_down
    // of the old ones: the new SAs are in the kernel before the old go.
    static void expect_make_before_break(const peer& p, std::size_t ups_before) {
        const auto& ev = p.events;
        std::vector<std::size_t> ups, downs;
        for (std::size_t i = 0; i < ev.size(); ++i) {
            if (ev[i].what == sa_event::kind::child_up) ups.push_back(i);
            if (ev[i].what == sa_event::kind::child_down) downs.push_back(i);
        }
        ASSERT_EQ(ups.size(), ups_before + 2);
        ASSERT_EQ(downs.size(), 2u);
        EXPECT_LT(ups.back(), downs.front());
    }
    std::size_t init_requests = 0;
    bool drop_inits = false;
    void watch() {
        net->hook = [this](in_flight& f) {
            if (!is(f, exchange_type::ike_sa_init, false)) return verdict::deliver;
            ++init_requests;
            return drop_inits ? verdict::drop : verdict::deliver;
        };
    }
};

TEST_F(reauth, a_fresh_ike_sa_takes_over_and_the_old_one_goes_after) {
    start();
    initiate();
    ASSERT_EQ(A().installs.size(), 2u);
    const auto a_old = only_sa(A()), b_old = only_sa(B());
    ASSERT_EQ(a_old.children.size(), 2u);
    ASSERT_TRUE(a_old.reauth_at);
    EXPECT_EQ(*a_old.reauth_at - net->now, 100s);
    EXPECT_FALSE(b_old.reauth_at) << "B has no reauth_time";
    watch();
    net->advance(101s);
    EXPECT_EQ(init_requests, 1u) << "a fresh IKE_SA_INIT: the peer authenticates again";
    const auto a_new = only_sa(A()), b_new = only_sa(B());
    EXPECT_EQ(a_new.state, "established");
    EXPECT_EQ(b_new.state, "established");
    EXPECT_NE(a_new.id, a_old.id);
    EXPECT_NE(a_new.spi_i, a_old.spi_i);
    EXPECT_EQ(a_new.spi_i, b_new.spi_i);
    EXPECT_EQ(a_new.spi_r, b_new.spi_r);
    ASSERT_EQ(a_new.children.size(), 2u);
    ASSERT_EQ(b_new.children.size(), 2u);
    // New CHILD_SAs for both children, the old ones removed from the kernel.
    EXPECT_EQ(A().installs.size(), 4u);
    EXPECT_EQ(B().installs.size(), 4u);
    EXPECT_EQ(A().removes.size(), 2u);
    EXPECT_EQ(B().removes.size(), 2u);
    for (auto spi : spis_in(a_new)) EXPECT_FALSE(spis_in(a_old).contains(spi));
    expect_make_before_break(A(), 2);
    expect_make_before_break(B(), 2);
    // The responder held its new outbound SAs back until the initiator
    // deleted the old IKE_SA: each switches just before its old CHILD_SA goes.
    const std::vector<std::string> b_log(B().kernel_log.end() - 6, B().kernel_log.end());
    const auto old_b = b_old.children, new_b = b_new.children;
    auto n = [](const child_sa_info& c) { return "#" + std::to_string(c.id); };
    EXPECT_EQ(b_log,
              (std::vector<std::string>{"install-in " + n(new_b[0]), "install-in " + n(new_b[1]),
                                        "outbound " + n(new_b[0]), "remove " + n(old_b[0]),
                                        "outbound " + n(new_b[1]), "remove " + n(old_b[1])}));
    // The initiator installs both directions at once: the responder had them.
    EXPECT_TRUE(A().outbound_installs.empty());
    EXPECT_TRUE(A().has_notice("reauthenticated IKE_SA #" + std::to_string(a_old.id)));
    // The next reauthentication is scheduled from the new authentication.
    ASSERT_TRUE(a_new.reauth_at);
    EXPECT_EQ(*a_new.reauth_at - net->now, 100s - (net->now - a_new.established));
}

TEST_F(reauth, a_failed_attempt_keeps_the_old_ike_sa_and_tries_again) {
    settings.retransmit_tries = 1;
    start();
    initiate();
    const auto a_old = only_sa(A());
    watch();
    drop_inits = true;
    // The fresh IKE_SA gives up (4 s + one more wait of 7.2 s).
    net->advance(115s);
    EXPECT_GE(init_requests, 2u);
    const auto still = only_sa(A());
    EXPECT_EQ(still.id, a_old.id) << "the old IKE_SA stays";
    EXPECT_EQ(still.state, "established");
    EXPECT_EQ(spis_in(still), spis_in(a_old));
    EXPECT_TRUE(A().removes.empty());
    EXPECT_TRUE(B().removes.empty());
    ASSERT_TRUE(still.reauth_at) << "another attempt is scheduled";
    const auto wait = std::chrono::duration_cast<duration>(*still.reauth_at - net->now);
    EXPECT_GT(wait, 0s);
    EXPECT_LE(wait, 90s);
    // With the network back, the next attempt succeeds.
    drop_inits = false;
    net->advance(wait + 1s);
    const auto a_new = only_sa(A());
    EXPECT_NE(a_new.id, a_old.id);
    EXPECT_EQ(a_new.children.size(), 2u);
    EXPECT_EQ(A().removes.size(), 2u);
}

TEST_F(reauth, an_ike_rekey_keeps_the_reauthentication_deadline) {
    a_spec.ike_rekey_time = 60s;
    start();
    initiate();
    const auto first = only_sa(A());
    ASSERT_TRUE(first.reauth_at);
    watch();
    net->advance(61s);
    const auto rekeyed = only_sa(A());
    EXPECT_NE(rekeyed.id, first.id) << "the IKE_SA was rekeyed";
    EXPECT_EQ(init_requests, 0u);
    ASSERT_TRUE(rekeyed.reauth_at);
    EXPECT_EQ(*rekeyed.reauth_at, *first.reauth_at);
    net->advance(40s);
    EXPECT_EQ(init_requests, 1u) << "reauthenticated at the first deadline";
    EXPECT_EQ(only_sa(A()).children.size(), 2u);
    EXPECT_EQ(only_sa(B()).children.size(), 2u);
}

TEST_F(reauth, a_responder_only_connection_leaves_it_to_the_peer) {
    a_spec.reauth_time = duration(0);
    b_spec.reauth_time = 100s;
    b_spec.remote_addr.clear();
    start();
    initiate();
    const auto before = only_sa(B());
    EXPECT_FALSE(before.reauth_at);
    watch();
    net->advance(150s);
    EXPECT_EQ(init_requests, 0u);
    EXPECT_EQ(only_sa(B()).id, before.id);
    EXPECT_TRUE(B().removes.empty());
}

}  // namespace
}  // namespace ike::test
