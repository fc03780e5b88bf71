// IKE_SA rekeying (RFC 7296 §1.3.2, §2.18, §2.8.2, §2.25): the new IKE_SA
// takes every CHILD_SA without touching the kernel, the old one is deleted by
// the rekey's initiator, collisions leave one IKE_SA, busy peers answer
// TEMPORARY_FAILURE and the refused side tries again.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

struct ike_rekey : site_to_site {
    // Only `who` rekeys the IKE_SA, every `every` (no jitter).
    void rekey_by(char who, duration every = std::chrono::seconds(100)) {
        (who == 'a' ? a_spec : b_spec).ike_rekey_time = every;
        (who == 'a' ? a_spec : b_spec).ike_rand_time = duration(0);
        (who == 'a' ? b_spec : a_spec).ike_rekey_time = duration(0);
    }
    static ike_sa_info only_sa(const peer& p) {
        auto sas = p.eng.list_sas();
        EXPECT_EQ(sas.size(), 1u);
        return sas.empty() ? ike_sa_info{} : sas[0];
    }
    static std::vector<child_sa_id> child_ids(const ike_sa_info& sa) {
        std::vector<child_sa_id> ids;
        for (const auto& c : sa.children) ids.push_back(c.id);
        return ids;
    }
    static std::size_t count(const peer& p, sa_event::kind k) {
        return static_cast<std::size_t>(std::ranges::count(p.events, k, &sa_event::what));
    }
    // Both peers hold one IKE_SA with the same SPIs and mirrored CHILD_SAs.
    void expect_one_matching_sa() {
        const auto a = only_sa(A()), b = only_sa(B());
        EXPECT_EQ(a.state, "established");
        EXPECT_EQ(b.state, "established");
        EXPECT_EQ(a.spi_i, b.spi_i);
        EXPECT_EQ(a.spi_r, b.spi_r);
        EXPECT_NE(a.initiator, b.initiator);
        ASSERT_EQ(a.children.size(), b.children.size());
        for (const auto& c : a.children) {
            auto it = std::ranges::find(b.children, c.spi_in, &child_sa_info::spi_out);
            ASSERT_NE(it, b.children.end()) << c.name;
            EXPECT_EQ(it->spi_in, c.spi_out);
        }
    }
    // No CHILD_SA left the kernel or went down: they moved.
    void expect_children_untouched() {
        EXPECT_TRUE(A().removes.empty());
        EXPECT_TRUE(B().removes.empty());
        EXPECT_EQ(count(A(), sa_event::kind::child_down), 0u);
        EXPECT_EQ(count(B(), sa_event::kind::child_down), 0u);
    }
    // The CREATE_CHILD_SA requests and the SPIs of every request sent.
    std::size_t ccsa_requests = 0;
    std::vector<std::uint64_t> request_spis_i;
    void watch() {
        net->hook = [this](in_flight& f) {
            if (is(f, exchange_type::create_child_sa, false)) ++ccsa_requests;
            if (!f.header.is_response()) request_spis_i.push_back(f.header.spi_i);
            return verdict::deliver;
        };
    }
};

TEST_F(ike_rekey, initiator_of_the_ike_sa_rekeys_it) {
    rekey_by('a');
    add_second_child();
    start();
    const ike_sa_id old_a = initiate("net");
    expect_up();
    const auto a_old = only_sa(A()), b_old = only_sa(B());
    watch();
    net->advance(std::chrono::seconds(101));
    EXPECT_EQ(ccsa_requests, 1u);
    const auto a_new = only_sa(A()), b_new = only_sa(B());
    EXPECT_NE(a_new.id, old_a);
    EXPECT_FALSE(A().eng.find_sa(old_a)) << "the old IKE_SA is gone";
    EXPECT_FALSE(B().eng.find_sa(b_old.id));
    EXPECT_NE(a_new.spi_i, a_old.spi_i);
    EXPECT_NE(a_new.spi_r, a_old.spi_r);
    EXPECT_TRUE(a_new.initiator) << "the rekey's initiator is the new IKE_SA's initiator";
    EXPECT_EQ(a_new.ike_proposal, a_old.ike_proposal);
    EXPECT_EQ(a_new.remote_id, a_old.remote_id);
    expect_one_matching_sa();
    // The CHILD_SAs kept their numbers and SPIs, and nothing went to the kernel.
    EXPECT_EQ(child_ids(a_new), child_ids(a_old));
    EXPECT_EQ(child_ids(b_new), child_ids(b_old));
    EXPECT_EQ(a_new.children[0].spi_in, a_old.children[0].spi_in);
    expect_children_untouched();
    EXPECT_EQ(A().installs.size(), 1u);
    // Both report the move; the old IKE_SA's end says it was replaced.
    for (peer* p : {&A(), &B()}) {
        EXPECT_EQ(count(*p, sa_event::kind::ike_rekeyed), 1u);
        const auto& moved =
            *std::ranges::find(p->events, sa_event::kind::ike_rekeyed, &sa_event::what);
        EXPECT_EQ(moved.ike, only_sa(*p).id);
        EXPECT_NE(moved.reason.find("rekeyed to #" + std::to_string(moved.ike)), std::string::npos)
            << moved.reason;
        EXPECT_NE(moved.reason.find(p == &A() ? ") by us," : ") by the peer,"), std::string::npos)
            << moved.reason;
        const auto down = std::ranges::find(p->events, sa_event::kind::ike_down, &sa_event::what);
        ASSERT_NE(down, p->events.end());
        EXPECT_EQ(down->ike, moved.old_ike);
        EXPECT_NE(down->reason.find("replaced by IKE_SA #"), std::string::npos);
    }
    EXPECT_EQ(A().failures() + B().failures(), "");
    // The last request on the old IKE_SA was A's Delete of it (§1.3.2).
    ASSERT_GE(request_spis_i.size(), 2u);
    EXPECT_EQ(request_spis_i[0], a_old.spi_i);
    EXPECT_EQ(request_spis_i[1], a_old.spi_i);
}

TEST_F(ike_rekey, children_work_on_the_new_ike_sa) {
    rekey_by('a');
    add_second_child();
    start();
    initiate("net");
    expect_up();
    net->advance(std::chrono::seconds(101));
    const auto a_new = only_sa(A());
    watch();
    // A CHILD_SA rekey, a new CHILD_SA and a CHILD_SA delete, all on the new
    // IKE_SA's SPIs and keys.
    A().eng.on_child_expire(net->now, a_new.children[0].id, false);
    net->run();
    ASSERT_EQ(A().installs.size(), 2u);
    ASSERT_EQ(B().installs.size(), 2u);
    EXPECT_EQ(A().installs[1].ike, a_new.id);
    auto created = A().eng.initiate(net->now, "site", "web");
    ASSERT_TRUE(created) << created.error().message;
    EXPECT_EQ(*created, a_new.id) << "the new IKE_SA takes the new CHILD_SA";
    net->run();
    ASSERT_EQ(A().installs.size(), 3u);
    ASSERT_EQ(B().installs.size(), 3u);
    EXPECT_TRUE(A().eng.terminate_child(net->now, A().installs[2].child));
    net->run();
    EXPECT_EQ(B().removes.back().child, B().installs[2].child);
    EXPECT_EQ(only_sa(B()).children.size(), 1u);
    for (auto spi : request_spis_i) EXPECT_EQ(spi, a_new.spi_i);
    EXPECT_EQ(A().failures() + B().failures(), "");
    EXPECT_EQ(A().eng.counters().dropped_integrity + B().eng.counters().dropped_integrity, 0u);
}

TEST_F(ike_rekey, responder_of_the_ike_sa_rekeys_it) {
    rekey_by('b');
    start();
    initiate();
    expect_up();
    const auto a_old = only_sa(A());
    net->advance(std::chrono::seconds(101));
    const auto a_new = only_sa(A()), b_new = only_sa(B());
    EXPECT_NE(a_new.id, a_old.id);
    EXPECT_FALSE(a_new.initiator);
    EXPECT_TRUE(b_new.initiator);
    expect_one_matching_sa();
    EXPECT_EQ(child_ids(a_new), child_ids(a_old));
    expect_children_untouched();
    // A, now the responder of the IKE_SA, rekeys a CHILD_SA on it.
    A().eng.on_child_expire(net->now, a_new.children[0].id, false);
    net->run();
    EXPECT_EQ(A().installs.size(), 2u);
    EXPECT_EQ(B().installs.size(), 2u);
    EXPECT_EQ(A().failures() + B().failures(), "");
}

TEST_F(ike_rekey, repeated_rekeys_keep_one_ike_sa) {
    rekey_by('a', std::chrono::seconds(60));
    b_spec.ike_rekey_time = std::chrono::seconds(90);
    b_spec.ike_rand_time = std::chrono::seconds(20);
    start();
    initiate();
    expect_up();
    const auto first = only_sa(A());
    net->advance(std::chrono::minutes(10));
    expect_one_matching_sa();
    EXPECT_GE(count(A(), sa_event::kind::ike_rekeyed), 7u);
    EXPECT_EQ(count(A(), sa_event::kind::ike_rekeyed), count(B(), sa_event::kind::ike_rekeyed));
    EXPECT_EQ(child_ids(only_sa(A())), child_ids(first));
    expect_children_untouched();
    EXPECT_EQ(A().eng.counters().ike_sas, 1u);
    EXPECT_EQ(B().eng.counters().ike_sas, 1u);
}

TEST_F(ike_rekey, lost_request_and_lost_response_are_retransmitted) {
    for (bool lose_response : {false, true}) {
        SCOPED_TRACE(lose_response);
        rekey_by('a');
        start();
        initiate();
        expect_up();
        bool dropped = false;
        net->hook = [&](in_flight& f) {
            if (!dropped && is(f, exchange_type::create_child_sa, lose_response)) {
                dropped = true;
                return verdict::drop;
            }
            return verdict::deliver;
        };
        net->advance(std::chrono::seconds(101));
        EXPECT_TRUE(dropped);
        net->advance(std::chrono::seconds(10));
        expect_one_matching_sa();
        EXPECT_EQ(count(A(), sa_event::kind::ike_rekeyed), 1u);
        EXPECT_EQ(count(B(), sa_event::kind::ike_rekeyed), 1u) << "one new IKE_SA, not two";
        EXPECT_GE(A().eng.counters().retransmits, 1u);
        expect_children_untouched();
    }
}

// §2.8.2: both rekey at the same instant; each answers the other, and the
// IKE_SA made by the exchange with the lowest nonce is deleted by its
// initiator. Exactly one IKE_SA survives, the same on both sides.
TEST_F(ike_rekey, simultaneous_rekeys_leave_one_ike_sa) {
    unsigned a_won = 0, b_won = 0;
    for (int seed = 0; seed < 10; ++seed) {
        SCOPED_TRACE(seed);
        a_spec.ike_rekey_time = b_spec.ike_rekey_time = std::chrono::seconds(100);
        a_spec.ike_rand_time = b_spec.ike_rand_time = duration(0);
        start();
        // Both sides' streams move, so both sides' nonces differ per round.
        std::array<std::uint8_t, 8> skip{};
        for (int i = 0; i < seed; ++i) A().rng.fill(skip);
        for (int i = 0; i < (seed * 7) % 10; ++i) B().rng.fill(skip);
        initiate();
        expect_up();
        const auto a_old = only_sa(A());
        watch();
        net->advance(std::chrono::seconds(100));
        EXPECT_EQ(ccsa_requests, 2u) << "both rekeyed";
        ccsa_requests = 0;
        net->advance(std::chrono::seconds(5));
        expect_one_matching_sa();
        EXPECT_EQ(child_ids(only_sa(A())), child_ids(a_old));
        expect_children_untouched();
        EXPECT_TRUE(A().has_notice("rekey collision")) << A().failures();
        EXPECT_TRUE(B().has_notice("rekey collision")) << B().failures();
        EXPECT_EQ(A().eng.counters().ike_sas, 1u) << "no redundant IKE_SA left";
        EXPECT_EQ(B().eng.counters().ike_sas, 1u);
        EXPECT_EQ(A().failures() + B().failures(), "");
        (only_sa(A()).initiator ? a_won : b_won)++;
    }
    EXPECT_GT(a_won, 0u) << "each side's rekey won in some round";
    EXPECT_GT(b_won, 0u);
}

// The same with one side's answer lost once: the peer's Delete (of the old or
// of the redundant IKE_SA) arrives before the retransmitted answer. When the
// old IKE_SA goes first, the rekey that was waiting for it dies with it
// (§2.25.2) and the peer drops the redundant IKE_SA it made after 30 s.
// Still one IKE_SA with every CHILD_SA on both sides, and nothing left over.
TEST_F(ike_rekey, simultaneous_rekeys_with_a_lost_answer_leave_one_ike_sa) {
    unsigned handed_back = 0, dropped_redundant = 0;
    for (int seed = 0; seed < 12; ++seed) {
        SCOPED_TRACE(seed);
        const char loser = seed % 2 ? 'a' : 'b';  // whose answer is lost
        a_spec.ike_rekey_time = b_spec.ike_rekey_time = std::chrono::seconds(100);
        a_spec.ike_rand_time = b_spec.ike_rand_time = duration(0);
        start();
        for (int i = 0; i < seed / 2; ++i) {
            std::array<std::uint8_t, 8> skip{};
            B().rng.fill(skip);
        }
        initiate();
        expect_up();
        const auto a_old = only_sa(A());
        bool dropped = false;
        net->hook = [&](in_flight& f) {
            if (!dropped && f.from != loser && is(f, exchange_type::create_child_sa, true)) {
                dropped = true;
                return verdict::drop;
            }
            return verdict::deliver;
        };
        net->advance(std::chrono::seconds(100));
        ASSERT_TRUE(dropped);
        // 30 s for a redundant IKE_SA that the peer could not delete.
        net->advance(std::chrono::seconds(40));
        expect_one_matching_sa();
        EXPECT_EQ(child_ids(only_sa(A())), child_ids(a_old));
        expect_children_untouched();
        EXPECT_EQ(A().eng.counters().ike_sas, 1u) << "no redundant IKE_SA left";
        EXPECT_EQ(B().eng.counters().ike_sas, 1u);
        EXPECT_EQ(A().failures() + B().failures(), "");
        for (peer* p : {&A(), &B()}) {
            handed_back += p->has_notice("withdrew its rekey") ||
                           std::ranges::any_of(p->events, [](const sa_event& e) {
                               return e.reason.find("withdrew its rekey") != std::string::npos;
                           });
            dropped_redundant += p->has_notice("the peer did not delete it");
        }
    }
    EXPECT_GT(handed_back, 0u) << "the peer's Delete of its redundant IKE_SA came first";
    EXPECT_GT(dropped_redundant, 0u) << "our Delete of the old IKE_SA came first";
}

// §2.25: B rekeys a CHILD_SA while A's IKE rekey request is on its way. Each
// refuses the other's request with TEMPORARY_FAILURE (a request of its own
// is outstanding); both try again after a random wait and both succeed.
TEST_F(ike_rekey, crossing_child_rekey_gets_temporary_failure_and_both_retry) {
    rekey_by('a');
    start();
    initiate();
    expect_up();
    const auto b_child = only_sa(B()).children[0].id;
    bool crossed = false;
    net->hook = [&](in_flight& f) {
        if (!crossed && f.from == 'a' && is(f, exchange_type::create_child_sa, false)) {
            crossed = true;
            B().eng.on_child_expire(net->now, b_child, false);
        }
        return verdict::deliver;
    };
    // Both refusals are in by 100.5 s; the retries wait at least 1 s.
    net->advance(std::chrono::milliseconds(100500));
    ASSERT_TRUE(crossed);
    EXPECT_TRUE(A().has_notice("TEMPORARY_FAILURE")) << A().failures();
    EXPECT_TRUE(B().has_notice("TEMPORARY_FAILURE")) << B().failures();
    EXPECT_EQ(count(A(), sa_event::kind::ike_rekeyed), 0u);
    EXPECT_EQ(B().installs.size(), 1u);
    net->advance(std::chrono::seconds(30));
    EXPECT_EQ(count(A(), sa_event::kind::ike_rekeyed), 1u) << "the IKE rekey was retried";
    EXPECT_EQ(B().installs.size(), 2u) << "the CHILD_SA rekey was retried";
    EXPECT_EQ(A().installs.size(), 2u);
    expect_one_matching_sa();
    EXPECT_EQ(only_sa(A()).children.size(), 1u);
    EXPECT_EQ(count(A(), sa_event::kind::child_down) + count(B(), sa_event::kind::child_down), 0u);
    EXPECT_EQ(A().failures() + B().failures(), "");
}

// A CREATE_CHILD_SA that arrives while we rekey the IKE_SA is refused with
// TEMPORARY_FAILURE, also when its sender was idle: A's rekey request is lost
// once, B rekeys its CHILD_SA meanwhile, and A (waiting to retransmit)
// refuses. B tries again later, on the new IKE_SA once A's retransmitted
// rekey has moved the CHILD_SA there.
TEST_F(ike_rekey, child_rekey_arriving_during_our_ike_rekey_is_refused_then_retried) {
    rekey_by('a');
    start();
    initiate();
    expect_up();
    const auto b_child = only_sa(B()).children[0].id;
    bool lost = false;
    net->hook = [&](in_flight& f) {
        if (!lost && f.from == 'a' && is(f, exchange_type::create_child_sa, false)) {
            lost = true;
            B().eng.on_child_expire(net->now, b_child, false);
            return verdict::drop;
        }
        return verdict::deliver;
    };
    net->advance(std::chrono::seconds(100));
    ASSERT_TRUE(lost);
    EXPECT_TRUE(B().has_notice("TEMPORARY_FAILURE")) << B().failures();
    EXPECT_EQ(B().installs.size(), 1u);
    net->advance(std::chrono::seconds(30));
    EXPECT_EQ(count(A(), sa_event::kind::ike_rekeyed), 1u);
    EXPECT_EQ(B().installs.size(), 2u) << "the CHILD_SA rekey was retried";
    expect_one_matching_sa();
    EXPECT_EQ(only_sa(A()).children.size(), 1u);
    EXPECT_EQ(count(A(), sa_event::kind::child_down) + count(B(), sa_event::kind::child_down), 0u);
    EXPECT_EQ(A().failures() + B().failures(), "");
}

// §2.25.2: a Delete of the IKE_SA while its rekey is on the way wins;
// nothing is left on either side.
TEST_F(ike_rekey, delete_during_a_rekey_wins) {
    rekey_by('a');
    start();
    initiate();
    expect_up();
    const auto b_sa = only_sa(B()).id;
    bool collided = false;
    net->hook = [&](in_flight& f) {
        if (!collided && f.from == 'a' && is(f, exchange_type::create_child_sa, false)) {
            collided = true;
            EXPECT_TRUE(B().eng.terminate(net->now, b_sa));
        }
        return verdict::deliver;
    };
    net->advance(std::chrono::seconds(101));
    ASSERT_TRUE(collided);
    net->advance(std::chrono::seconds(200));
    EXPECT_TRUE(A().eng.list_sas().empty());
    EXPECT_TRUE(B().eng.list_sas().empty());
    EXPECT_EQ(A().removes.size(), 1u);
    EXPECT_EQ(B().removes.size(), 1u);
    EXPECT_EQ(count(A(), sa_event::kind::ike_rekeyed), 0u);
}

// The operator deletes the IKE_SA while our own rekey of it runs: both the
// old and the new IKE_SA go, with the CHILD_SAs.
TEST_F(ike_rekey, operator_delete_during_our_rekey_deletes_old_and_new) {
    rekey_by('a');
    start();
    const ike_sa_id a_sa = initiate();
    expect_up();
    bool terminated = false;
    net->hook = [&](in_flight& f) {
        if (!terminated && f.from == 'a' && is(f, exchange_type::create_child_sa, false)) {
            terminated = true;
            EXPECT_TRUE(A().eng.terminate(net->now, a_sa));
        }
        return verdict::deliver;
    };
    net->advance(std::chrono::seconds(101));
    ASSERT_TRUE(terminated);
    net->advance(std::chrono::seconds(30));
    EXPECT_TRUE(A().eng.list_sas().empty());
    EXPECT_TRUE(B().eng.list_sas().empty());
    EXPECT_EQ(A().removes.size(), 1u);
    EXPECT_EQ(B().removes.size(), 1u);
}

TEST_F(ike_rekey, invalid_ke_payload_is_retried_with_the_group_asked_for) {
    rekey_by('a');
    a_spec.ike = {"aes256gcm16-prfsha256-x25519-ecp256"};
    b_spec.ike = {"aes256gcm16-prfsha256-ecp256-x25519"};
    start();
    initiate();
    expect_up();
    watch();
    net->advance(std::chrono::seconds(101));
    EXPECT_EQ(ccsa_requests, 2u) << "the first with x25519, again with ecp256";
    EXPECT_TRUE(A().has_notice("INVALID_KE_PAYLOAD")) << A().failures();
    expect_one_matching_sa();
    EXPECT_NE(only_sa(A()).ike_proposal.find("ecp256"), std::string::npos)
        << only_sa(A()).ike_proposal;
    expect_children_untouched();
}

// rekey_time 0: never rekeyed; otherwise within rand_time before rekey_time.
TEST_F(ike_rekey, rekey_time_is_jittered_and_zero_disables_it) {
    a_spec.ike_rekey_time = std::chrono::seconds(1000);
    a_spec.ike_rand_time = std::chrono::seconds(100);
    b_spec.ike_rekey_time = duration(0);
    start();
    initiate();
    expect_up();
    net->advance(std::chrono::seconds(899));
    EXPECT_EQ(count(A(), sa_event::kind::ike_rekeyed), 0u);
    net->advance(std::chrono::seconds(102));
    EXPECT_EQ(count(A(), sa_event::kind::ike_rekeyed), 1u);
    EXPECT_EQ(count(B(), sa_event::kind::ike_rekeyed), 1u);
}

}  // namespace
}  // namespace ike::test
