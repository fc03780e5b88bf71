// CHILD_SA rekeying (RFC 7296 §1.3.3), make-before-break: the rekey's
// responder installs its new inbound SA before it answers and switches its
// outbound SA only when the initiator's Delete of the old CHILD_SA arrives;
// the initiator installs both new SAs, then deletes the old CHILD_SA.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

struct child_rekey : site_to_site {
    // The one CHILD_SA of `p`, as list_sas shows it.
    static child_sa_info only_child(const peer& p) {
        auto sas = p.eng.list_sas();
        EXPECT_EQ(sas.size(), 1u);
        if (sas.empty()) return {};
        EXPECT_EQ(sas[0].children.size(), 1u);
        return sas[0].children.empty() ? child_sa_info{} : sas[0].children[0];
    }
    static std::size_t count(const peer& p, sa_event::kind k) {
        return static_cast<std::size_t>(std::ranges::count(p.events, k, &sa_event::what));
    }
    std::size_t ccsa_requests = 0;
    void count_exchanges() {
        net->hook = [this](in_flight& f) {
            if (is(f, exchange_type::create_child_sa, false)) ++ccsa_requests;
            return verdict::deliver;
        };
    }
    // The kernel's soft EXPIRE on `p`'s CHILD_SA.
    void soft_expire(peer& p) {
        p.eng.on_child_expire(net->now, only_child(p).id, false);
        net->run();
    }
    // The new CHILD_SAs mirror each other: SPIs and keys.
    void expect_mirrored(const install_child_sa& x, const install_child_sa& y) {
        EXPECT_EQ(x.spi_in, y.spi_out);
        EXPECT_EQ(x.spi_out, y.spi_in);
        EXPECT_TRUE(x.keys.encr_in == y.keys.encr_out);
        EXPECT_TRUE(x.keys.encr_out == y.keys.encr_in);
        EXPECT_EQ(x.local_ts, y.remote_ts);
        EXPECT_EQ(x.remote_ts, y.local_ts);
    }
};

TEST_F(child_rekey, initiator_side_rekey_is_make_before_break) {
    start();
    initiate();
    expect_up();
    const auto a_old = only_child(A()), b_old = only_child(B());
    count_exchanges();
    soft_expire(A());
    EXPECT_EQ(ccsa_requests, 1u);
    ASSERT_EQ(A().installs.size(), 2u);
    ASSERT_EQ(B().installs.size(), 2u);
    const auto &a_new = A().installs[1], &b_new = B().installs[1];
    EXPECT_EQ(a_new.rekey_of, a_old.id);
    EXPECT_EQ(b_new.rekey_of, b_old.id);
    EXPECT_FALSE(a_new.outbound_later) << "the rekey's initiator switches at once";
    EXPECT_TRUE(b_new.outbound_later) << "the responder holds its outbound SA back";
    expect_mirrored(a_new, b_new);
    EXPECT_NE(a_new.spi_in, a_old.spi_in);
    EXPECT_FALSE(a_new.keys.encr_in == A().installs[0].keys.encr_in) << "fresh keys";
    // A installs the new SAs, then deletes the old CHILD_SA; B switches its
    // outbound SA to the new one before it removes the old one.
    const auto id = [](std::uint32_t n) { return "#" + std::to_string(n); };
    EXPECT_EQ(A().kernel_log,
              (std::vector<std::string>{"install " + id(a_old.id), "install " + id(a_new.child),
                                        "remove " + id(a_old.id)}));
    EXPECT_EQ(B().kernel_log,
              (std::vector<std::string>{"install " + id(b_old.id), "install-in " + id(b_new.child),
                                        "outbound " + id(b_new.child), "remove " + id(b_old.id)}));
    // One CHILD_SA left on each side, the new one, with the old selectors.
    const auto a_now = only_child(A()), b_now = only_child(B());
    EXPECT_EQ(a_now.id, a_new.child);
    EXPECT_EQ(b_now.id, b_new.child);
    EXPECT_EQ(a_now.state, "installed");
    EXPECT_EQ(b_now.state, "installed");
    EXPECT_EQ(a_now.local_ts, a_old.local_ts);
    EXPECT_EQ(a_now.remote_ts, a_old.remote_ts);
    // No child_down for the replaced CHILD_SA; both logs name the rekey.
    EXPECT_EQ(count(A(), sa_event::kind::child_down), 0u);
    EXPECT_EQ(count(B(), sa_event::kind::child_down), 0u);
    EXPECT_TRUE(A().has_notice("rekeyed: " + id(a_old.id)));
    EXPECT_TRUE(B().has_notice("rekeyed: " + id(b_old.id)));
    EXPECT_EQ(A().failures() + B().failures(), "");
}

TEST_F(child_rekey, responder_of_the_ike_sa_can_rekey_too) {
    start();
    initiate();
    expect_up();
    const auto a_old = only_child(A());
    soft_expire(B());
    ASSERT_EQ(A().installs.size(), 2u);
    ASSERT_EQ(B().installs.size(), 2u);
    EXPECT_TRUE(A().installs[1].outbound_later);
    EXPECT_FALSE(B().installs[1].outbound_later);
    expect_mirrored(A().installs[1], B().installs[1]);
    ASSERT_EQ(A().outbound_installs.size(), 1u);
    EXPECT_EQ(A().outbound_installs[0].child, A().installs[1].child);
    ASSERT_EQ(A().removes.size(), 1u);
    EXPECT_EQ(A().removes[0].child, a_old.id);
    EXPECT_EQ(only_child(A()).id, A().installs[1].child);
}

TEST_F(child_rekey, pfs_rekey_carries_a_key_exchange) {
    a_spec.esp = {"aes256gcm16-x25519"};
    b_spec.esp = {"aes256gcm16-x25519"};
    start();
    initiate();
    expect_up();
    std::size_t ke_payloads_seen = 0;
    net->hook = [&](in_flight& f) {
        // The KE payload is inside SK; its size shows in the message: an
        // X25519 KE payload adds 40 bytes over the same rekey without PFS.
        if (is(f, exchange_type::create_child_sa, false))
            ke_payloads_seen = f.datagram->data.size();
        return verdict::deliver;
    };
    soft_expire(A());
    ASSERT_EQ(A().installs.size(), 2u);
    ASSERT_EQ(B().installs.size(), 2u);
    expect_mirrored(A().installs[1], B().installs[1]);
    EXPECT_GT(ke_payloads_seen, 0u);
    EXPECT_EQ(A().eng.list_sas()[0].children[0].esp_proposal,
              to_string(esp_prop("aes256gcm16-x25519")));
}

TEST_F(child_rekey, soft_expire_of_both_sas_starts_one_rekey) {
    start();
    initiate();
    expect_up();
    const auto old = only_child(A());
    count_exchanges();
    // The kernel reports the inbound and the outbound SA separately.
    A().eng.on_child_expire(net->now, old.id, false);
    A().eng.on_child_expire(net->now, old.id, false);
    net->run();
    EXPECT_EQ(ccsa_requests, 1u);
    EXPECT_EQ(A().installs.size(), 2u);
    // A late soft expire of the replaced CHILD_SA does nothing.
    A().eng.on_child_expire(net->now, old.id, false);
    net->run();
    EXPECT_EQ(ccsa_requests, 1u);
}

TEST_F(child_rekey, ten_rekeys_in_a_row_leave_one_child_each) {
    start();
    initiate();
    expect_up();
    for (int i = 0; i < 10; ++i) {
        soft_expire(i % 2 ? B() : A());
        net->advance(std::chrono::seconds(1));
    }
    EXPECT_EQ(A().installs.size(), 11u);
    EXPECT_EQ(B().installs.size(), 11u);
    EXPECT_EQ(A().removes.size(), 10u);
    EXPECT_EQ(B().removes.size(), 10u);
    const auto a = only_child(A()), b = only_child(B());
    EXPECT_EQ(a.spi_in, b.spi_out);
    EXPECT_EQ(a.spi_out, b.spi_in);
    EXPECT_EQ(a.spi_in, A().installs.back().spi_in);
    EXPECT_EQ(A().failures() + B().failures(), "");
}

TEST_F(child_rekey, responder_keeps_sending_on_the_old_sa_until_the_delete_arrives) {
    start();
    initiate();
    expect_up();
    bool dropped = false;
    net->hook = [&](in_flight& f) {
        if (!dropped && f.from == 'a' && is(f, exchange_type::informational, false)) {
            dropped = true;  // A's Delete of the old CHILD_SA is lost once
            return verdict::drop;
        }
        return verdict::deliver;
    };
    soft_expire(A());
    ASSERT_TRUE(dropped);
    EXPECT_TRUE(B().outbound_installs.empty()) << "B must not switch before the Delete";
    EXPECT_TRUE(B().removes.empty());
    net->advance(std::chrono::seconds(5));  // A retransmits the Delete
    ASSERT_EQ(B().outbound_installs.size(), 1u);
    EXPECT_EQ(B().removes.size(), 1u);
    EXPECT_EQ(A().removes.size(), 1u);
}

TEST_F(child_rekey, a_lost_response_is_retransmitted_without_a_second_install) {
    start();
    initiate();
    expect_up();
    bool dropped = false;
    net->hook = [&](in_flight& f) {
        if (!dropped && is(f, exchange_type::create_child_sa, true)) {
            dropped = true;
            return verdict::drop;
        }
        return verdict::deliver;
    };
    soft_expire(A());
    EXPECT_EQ(A().installs.size(), 1u);
    net->advance(std::chrono::seconds(5));
    EXPECT_EQ(A().installs.size(), 2u);
    EXPECT_EQ(B().installs.size(), 2u) << "the retransmitted request got the cached answer";
    expect_mirrored(A().installs[1], B().installs[1]);
    EXPECT_EQ(only_child(B()).id, B().installs[1].child);
}

// Rekey against delete (§2.25.1): B deletes the CHILD_SA while A's rekey
// request is on its way; B answers TEMPORARY_FAILURE, A keeps the old
// CHILD_SA until B's Delete removes it (and with it A's retry of the
// rekey). Nothing is left on either side.
TEST_F(child_rekey, rekey_colliding_with_a_delete_leaves_nothing) {
    start();
    initiate();
    expect_up();
    const auto a_old = only_child(A()), b_old = only_child(B());
    bool collided = false;
    net->hook = [&](in_flight& f) {
        if (!collided && is(f, exchange_type::create_child_sa, false)) {
            collided = true;
            EXPECT_TRUE(B().eng.terminate_child(net->now, b_old.id));
        }
        return verdict::deliver;
    };
    soft_expire(A());
    ASSERT_TRUE(collided);
    EXPECT_EQ(A().installs.size(), 1u);
    EXPECT_EQ(B().installs.size(), 1u);
    EXPECT_TRUE(A().has_notice("rekeying CHILD_SA #" + std::to_string(a_old.id) +
                               ": peer answered TEMPORARY_FAILURE"));
    EXPECT_EQ(A().removes.size(), 1u);
    net->advance(std::chrono::seconds(10));  // the retry finds the CHILD_SA gone
    EXPECT_EQ(A().installs.size(), 1u);
    EXPECT_EQ(B().installs.size(), 1u);
    EXPECT_EQ(B().removes.size(), 1u);
    EXPECT_TRUE(A().eng.list_sas()[0].children.empty());
    EXPECT_TRUE(B().eng.list_sas()[0].children.empty());
}

TEST_F(child_rekey, hard_expire_deletes_the_child_on_both_sides) {
    start();
    initiate();
    expect_up();
    const auto old = only_child(A());
    A().eng.on_child_expire(net->now, old.id, true);
    net->run();
    EXPECT_EQ(A().removes.size(), 1u);
    EXPECT_EQ(B().removes.size(), 1u);
    EXPECT_EQ(count(B(), sa_event::kind::child_down), 1u);
    EXPECT_NE(A().failures().find("reached its hard lifetime without a rekey"), std::string::npos);
    EXPECT_EQ(A().eng.list_sas()[0].children.size(), 0u) << "the IKE_SA stays";
}

TEST_F(child_rekey, rekey_times_are_jittered_within_rand_time) {
    start();
    initiate();
    expect_up();
    // Defaults: rekey_time 1h, rand_time 6m, life_time 66m.
    const auto c = only_child(A());
    ASSERT_TRUE(c.rekey_at && c.expire_at);
    EXPECT_LE(*c.rekey_at, c.established + std::chrono::hours(1));
    EXPECT_GE(*c.rekey_at, c.established + std::chrono::minutes(54));
    EXPECT_EQ(*c.expire_at, c.established + std::chrono::minutes(66));
    EXPECT_EQ(A().installs[0].soft_time,
              std::chrono::duration_cast<std::chrono::seconds>(*c.rekey_at - c.established));
    // The two peers drew different jitter.
    EXPECT_NE(A().installs[0].soft_time, B().installs[0].soft_time);
}

}  // namespace
}  // namespace ike::test

namespace ike::test {
namespace {

// §2.8.1: both peers rekey the same CHILD_SA at once. Each answers the
// other's request; the exchange with the lowest nonce made the redundant
// CHILD_SA, which its initiator deletes, while the other initiator deletes
// the old one. Exactly one CHILD_SA pair survives, the same on both sides.
TEST_F(child_rekey, simultaneous_rekeys_leave_one_pair) {
    for (int seed = 0; seed < 8; ++seed) {
        SCOPED_TRACE(seed);
        start();
        // Different randomness per round: either side's exchange may win.
        for (int i = 0; i < seed; ++i) {
            std::array<std::uint8_t, 8> skip{};
            A().rng.fill(skip);
        }
        initiate();
        expect_up();
        const auto a_old = only_child(A()), b_old = only_child(B());
        A().eng.on_child_expire(net->now, a_old.id, false);
        B().eng.on_child_expire(net->now, b_old.id, false);
        net->run();
        net->advance(std::chrono::seconds(1));
        EXPECT_EQ(A().installs.size(), 3u);
        EXPECT_EQ(B().installs.size(), 3u);
        EXPECT_EQ(A().removes.size(), 2u) << "the old and the redundant CHILD_SA";
        EXPECT_EQ(B().removes.size(), 2u);
        const auto a = only_child(A()), b = only_child(B());
        EXPECT_EQ(a.spi_in, b.spi_out);
        EXPECT_EQ(a.spi_out, b.spi_in);
        EXPECT_EQ(a.state, "installed");
        EXPECT_EQ(b.state, "installed");
        // Whoever holds the survivor as the rekey's responder switched its
        // outbound SA to it.
        for (peer* p : {&A(), &B()}) {
            const auto& ins =
                *std::ranges::find(p->installs, p == &A() ? a.id : b.id, &install_child_sa::child);
            if (!ins.outbound_later) continue;
            EXPECT_EQ(
                std::ranges::count(p->outbound_installs, ins.child, &install_outbound_sa::child),
                1);
        }
        // The redundant CHILD_SA never carried our traffic: neither its
        // initiator (whose exchange lost) nor its responder installed its
        // outbound SA, so nothing was sent on an SA the peer removes first.
        for (peer* p : {&A(), &B()}) {
            const child_sa_id old_id = p == &A() ? a_old.id : b_old.id;
            for (const auto& r : p->removes) {
                if (r.child == old_id) continue;
                const auto& ins =
                    *std::ranges::find(p->installs, r.child, &install_child_sa::child);
                EXPECT_TRUE(ins.outbound_later) << "redundant #" << r.child;
                EXPECT_EQ(
                    std::ranges::count(p->outbound_installs, r.child, &install_outbound_sa::child),
                    0);
            }
        }
        EXPECT_EQ(count(A(), sa_event::kind::child_down) + count(B(), sa_event::kind::child_down),
                  0u);
        EXPECT_TRUE(A().has_notice("rekey collision"));
        EXPECT_TRUE(B().has_notice("rekey collision"));
        EXPECT_EQ(A().failures() + B().failures(), "");
    }
}

}  // namespace
}  // namespace ike::test

namespace ike::test {
namespace {

// §2.8.1 with our answer delayed: when the peer's rekey survives a collision
// and our answer to it is lost once, the peer installs its inbound SA only
// when the retransmitted answer comes. Our deleting our redundant CHILD_SA
// must not switch our outbound SA to the survivor before then; the peer's
// Delete of the old CHILD_SA does (make-before-break).
TEST_F(child_rekey, outbound_switch_in_a_collision_waits_for_the_delete_of_the_old_sa) {
    unsigned checked = 0;
    for (int seed = 0; seed < 8; ++seed) {
        SCOPED_TRACE(seed);
        start();
        for (int i = 0; i < seed; ++i) {
            std::array<std::uint8_t, 8> skip{};
            A().rng.fill(skip);
        }
        initiate();
        expect_up();
        const auto a_old = only_child(A()), b_old = only_child(B());
        const char late = seed % 2 ? 'a' : 'b';  // whose answer is lost once
        bool dropped = false;
        net->hook = [&](in_flight& f) {
            if (!dropped && f.from == late && is(f, exchange_type::create_child_sa, true)) {
                dropped = true;
                return verdict::drop;
            }
            return verdict::deliver;
        };
        A().eng.on_child_expire(net->now, a_old.id, false);
        B().eng.on_child_expire(net->now, b_old.id, false);
        net->run();
        net->advance(std::chrono::seconds(10));
        ASSERT_TRUE(dropped);
        const auto a = only_child(A()), b = only_child(B());
        EXPECT_EQ(a.spi_in, b.spi_out);
        EXPECT_EQ(a.spi_out, b.spi_in);
        for (peer* p : {&A(), &B()}) {
            const child_sa_id survivor = p == &A() ? a.id : b.id;
            const child_sa_id old = p == &A() ? a_old.id : b_old.id;
            const auto& log = p->kernel_log;
            auto it = std::ranges::find(log, "outbound #" + std::to_string(survivor));
            if (it == log.end()) continue;  // it made the survivor itself
            ++checked;
            ASSERT_NE(it + 1, log.end());
            EXPECT_EQ(*(it + 1), "remove #" + std::to_string(old))
                << "the outbound switch comes with the Delete of the old CHILD_SA";
        }
        EXPECT_EQ(A().failures() + B().failures(), "");
    }
    EXPECT_GT(checked, 0u);
}

}  // namespace
}  // namespace ike::test
