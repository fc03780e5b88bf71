// Liveness (RFC 7296 §2.4) with the kernel's usage counters, the death of a
// peer after the retransmission schedule, and dpd_action: two engines with a
// fixed clock; the fixture's fake kernel answers query_child_usage from
// peer::inbound_bytes.
#include <gtest/gtest.h>

#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

struct dpd : site_to_site {
    static constexpr duration delay = 30s;
    time_point up{};
    child_sa_id child = 0;
    bool drop_all = false;

    void SetUp() override {
        // Short, exact waits: 1 s, 1.4 s, 1.96 s, then 2.744 s until the give-up.
        settings.retransmit_timeout = 1s;
        settings.retransmit_base = 1.4;
        settings.retransmit_tries = 3;
    }

    /// A (initiator) with dpd_delay and `action` on its child; the tunnel up.
    /// B checks every `b_delay` when set.
    void start_with(peer_dead_action action, duration b_delay = 0s) {
        start();
        auto a = make_config(a_spec);
        a->dpd_delay = delay;
        a->children[0].dpd_action = action;
        A().eng.set_connections({a});
        auto b = make_config(b_spec);
        b->dpd_delay = b_delay;
        B().eng.set_connections({b});
        net->hook = [this](in_flight&) { return drop_all ? verdict::drop : verdict::deliver; };
        initiate();
        expect_up();
        up = net->now;
        child = A().installs[0].child;
    }

    /// INFORMATIONAL requests `p` sent so far.
    static std::size_t informational_requests(const peer& p) {
        std::size_t n = 0;
        for (const auto& d : p.sent) {
            auto m = decode_message(d.data);
            if (m && m->header.exchange == exchange_type::informational && !m->header.is_response())
                ++n;
        }
        return n;
    }

    /// The reason of p's last `failed` event.
    static std::string failed_reason(const peer& p) {
        std::string r;
        for (const auto& e : p.events)
            if (e.what == sa_event::kind::failed) r = e.reason;
        return r;
    }

    /// Drops everything from `up` + delay on and runs the clock until A's
    /// IKE_SA is declared dead: the liveness check goes out at up + 30 s,
    /// retransmissions follow 1, 2.4 and 4.36 s later, the give-up 7.104 s
    /// after the first send. Checks that schedule to the millisecond.
    void kill_b() {
        drop_all = true;
        std::vector<time_point> checks;
        auto old_hook = net->hook;
        net->hook = [&](in_flight& f) {
            if (f.from == 'a' && is(f, exchange_type::informational, false))
                checks.push_back(net->now);
            return verdict::drop;
        };
        net->advance(delay);
        ASSERT_EQ(checks.size(), 1u);
        EXPECT_EQ(checks[0], up + delay);
        net->advance(7104ms - 1ms);
        ASSERT_EQ(checks.size(), 4u);
        EXPECT_EQ(checks[1] - checks[0], 1000ms);
        EXPECT_EQ(checks[2] - checks[1], 1400ms);
        EXPECT_EQ(checks[3] - checks[2], 1960ms);
        ASSERT_EQ(A().eng.list_sas().size(), 1u);
        EXPECT_EQ(A().eng.list_sas()[0].state, "established");
        EXPECT_FALSE(A().has_event(sa_event::kind::failed));
        net->advance(1ms);  // 2744 ms after the last retransmission: dead
        EXPECT_TRUE(A().has_event(sa_event::kind::failed));
        EXPECT_EQ(A().eng.counters().dead_peers, 1u);
        net->hook = old_hook;
    }
};

// Inbound ESP keeps proving the peer alive: A asks for the counters every
// dpd_delay and, since they grew each time, never sends a liveness check.
TEST_F(dpd, no_check_while_the_usage_counters_grow) {
    start_with(peer_dead_action::clear);
    const auto sent = A().sent.size();
    for (int i = 1; i <= 5; ++i) {
        A().inbound_bytes[child] += 1500;
        net->advance(delay);
        ASSERT_EQ(A().usage_queries.size(), static_cast<std::size_t>(i));
        EXPECT_EQ(A().usage_queries.back().ike, A().installs[0].ike);
        EXPECT_EQ(A().usage_queries.back().children, std::vector{child});
    }
    EXPECT_EQ(A().sent.size(), sent);
    EXPECT_EQ(A().eng.counters().liveness_checks, 0u);
    EXPECT_EQ(A().eng.counters().usage_queries, 5u);
    EXPECT_EQ(A().eng.next_deadline(), net->now + delay);
}

// When the counters stop, the next look sends the check at once; the peer
// answers, the IKE_SA stays, and the next look comes dpd_delay after that.
TEST_F(dpd, a_check_when_the_counters_stop_and_an_answer_keeps_the_sa) {
    start_with(peer_dead_action::clear);
    A().inbound_bytes[child] = 1500;
    net->advance(delay);
    EXPECT_EQ(informational_requests(A()), 0u);
    net->advance(delay);  // still 1500 bytes
    EXPECT_EQ(A().usage_queries.size(), 2u);
    EXPECT_EQ(informational_requests(A()), 1u);
    EXPECT_EQ(A().eng.counters().liveness_checks, 1u);
    ASSERT_EQ(A().eng.list_sas().size(), 1u);
    EXPECT_EQ(A().eng.list_sas()[0].state, "established");
    EXPECT_TRUE(A().removes.empty());
    EXPECT_EQ(A().eng.next_deadline(), net->now + delay);
    net->advance(delay);
    EXPECT_EQ(informational_requests(A()), 2u);
}

// IKE messages count as well: an INFORMATIONAL from B (a liveness check of
// its own) moves A's next look to dpd_delay after it, without a query.
TEST_F(dpd, an_ike_message_from_the_peer_postpones_the_look) {
    start_with(peer_dead_action::clear, 20s);
    net->advance(delay);  // B's check came at up + 20 s
    EXPECT_EQ(informational_requests(B()), 1u);
    EXPECT_TRUE(A().usage_queries.empty());
    EXPECT_EQ(informational_requests(A()), 0u);
    EXPECT_EQ(A().eng.next_deadline(), up + 20s + delay);
}

// The kernel's last-use time places the traffic: the next look comes
// dpd_delay after it, not after the answer. A time from before the previous
// answer is not credible (the counter grew since): the answer's time counts.
TEST_F(dpd, the_next_look_follows_the_kernels_last_use_time) {
    start_with(peer_dead_action::clear);
    A().inbound_bytes[child] = 1500;
    A().inbound_last_used[child] = up + 5s;
    net->advance(delay);  // look at up + 30 s
    EXPECT_EQ(A().eng.next_deadline(), up + 35s);
    A().inbound_bytes[child] = 3000;
    A().inbound_last_used[child] = up + 20s;
    net->advance(5s);  // look at up + 35 s
    EXPECT_EQ(A().eng.next_deadline(), up + 65s);
    EXPECT_EQ(informational_requests(A()), 0u);
    net->advance(30s);  // look at up + 65 s: no growth
    EXPECT_EQ(informational_requests(A()), 1u);
    EXPECT_EQ(A().usage_queries.size(), 3u);
}

// Traffic that ended dpd_delay ago (by the kernel's clock) gets no second
// wait: the next look comes at once, finds no growth and sends the check.
TEST_F(dpd, traffic_that_ended_dpd_delay_ago_is_looked_at_again_at_once) {
    start_with(peer_dead_action::clear);
    A().inbound_bytes[child] = 1500;
    A().inbound_last_used[child] = up;
    net->advance(delay);
    EXPECT_EQ(A().usage_queries.size(), 2u);
    EXPECT_EQ(informational_requests(A()), 1u);
}

// No answer to the query (a daemon that cannot read the kernel): the check
// goes out dpd_delay later instead of never.
TEST_F(dpd, an_unanswered_query_falls_back_to_the_check) {
    start_with(peer_dead_action::clear);
    A().answer_usage = false;
    net->advance(delay);
    EXPECT_EQ(A().usage_queries.size(), 1u);
    EXPECT_EQ(informational_requests(A()), 0u);
    net->advance(delay);
    EXPECT_EQ(informational_requests(A()), 1u);
    EXPECT_EQ(A().eng.list_sas()[0].state, "established");
}

// An answer for an IKE_SA that is gone, or that did not ask, changes nothing.
TEST_F(dpd, a_usage_answer_nobody_asked_for_is_ignored) {
    start_with(peer_dead_action::clear);
    const ike_sa_id sa = A().installs[0].ike;
    const std::vector<inbound_usage> unchanged{{child, 0, std::nullopt}};
    A().eng.on_child_usage(net->now, sa, unchanged);  // not asked: no check
    EXPECT_FALSE(A().eng.poll_output());
    EXPECT_EQ(A().eng.next_deadline(), up + delay);

    A().answer_usage = false;
    net->advance(delay);
    ASSERT_EQ(A().usage_queries.size(), 1u);
    ASSERT_TRUE(A().eng.terminate(net->now, sa));
    net->run();
    ASSERT_TRUE(A().eng.list_sas().empty());
    A().eng.on_child_usage(net->now, sa, unchanged);  // the IKE_SA is gone
    EXPECT_FALSE(A().eng.poll_output());
    EXPECT_EQ(A().eng.counters().liveness_checks, 0u);
}

// dpd_action clear: the peer stops answering; after the check and its three
// retransmissions A declares it dead, removes the SAs, and does nothing more.
TEST_F(dpd, a_dropped_peer_is_declared_dead_on_schedule_and_cleared) {
    start_with(peer_dead_action::clear);
    kill_b();
    const auto reason = failed_reason(A());
    EXPECT_NE(reason.find("peer 192.0.2.2 did not answer 3 retransmissions of the liveness "
                          "check over 7.1 s: declared dead; dpd_action=clear: site/net"),
              std::string::npos)
        << reason;
    ASSERT_EQ(A().removes.size(), 1u);
    EXPECT_EQ(A().removes[0].child, child);
    EXPECT_TRUE(A().eng.list_sas().empty());
    EXPECT_TRUE(A().traps.empty());
    const auto sent = A().sent.size();
    net->advance(10min);
    EXPECT_EQ(A().sent.size(), sent);  // no new IKE_SA
    EXPECT_EQ(A().eng.next_deadline(), std::nullopt);
}

// dpd_action restart: a new IKE_SA goes to the same peer at once; when the
// peer is reachable again it comes up and, with INITIAL_CONTACT, replaces
// the peer's old IKE_SA: one IKE_SA and one CHILD_SA on each side.
TEST_F(dpd, restart_reinitiates_and_the_tunnel_comes_back) {
    start_with(peer_dead_action::restart);
    const ike_sa_id old = A().installs[0].ike;
    kill_b();
    EXPECT_NE(failed_reason(A()).find("dpd_action=restart: re-initiating site/net"),
              std::string::npos)
        << failed_reason(A());
    EXPECT_TRUE(A().has_notice("re-initiating to 192.0.2.2 after the peer was declared dead"));
    auto sas = A().eng.list_sas();
    ASSERT_EQ(sas.size(), 1u);
    EXPECT_NE(sas[0].id, old);
    EXPECT_EQ(sas[0].state, "connecting");
    EXPECT_EQ(to_string(sas[0].remote.ip), "192.0.2.2");
    auto last = decode_message(A().sent.back().data);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->header.exchange, exchange_type::ike_sa_init);

    drop_all = false;  // B is back: the next retransmission gets through
    net->advance(2s);
    sas = A().eng.list_sas();
    ASSERT_EQ(sas.size(), 1u);
    EXPECT_EQ(sas[0].state, "established");
    ASSERT_EQ(sas[0].children.size(), 1u);
    ASSERT_EQ(A().installs.size(), 2u);
    EXPECT_EQ(A().installs[1].name, "site/net");
    const auto b_sas = B().eng.list_sas();
    ASSERT_EQ(b_sas.size(), 1u) << "B kept the IKE_SA from before";
    EXPECT_EQ(b_sas[0].children.size(), 1u);
    EXPECT_EQ(B().removes.size(), 1u);  // the old CHILD_SA
}

// dpd_action trap: the daemon is asked for trap policies of the child, with
// the configured selectors and the dead IKE_SA's endpoints; no new IKE_SA.
TEST_F(dpd, trap_asks_the_daemon_for_trap_policies) {
    start_with(peer_dead_action::trap);
    kill_b();
    EXPECT_NE(failed_reason(A()).find("dpd_action=trap: trap policies for site/net"),
              std::string::npos)
        << failed_reason(A());
    ASSERT_EQ(A().traps.size(), 1u);
    const auto& t = A().traps[0];
    EXPECT_EQ(t.connection, "site");
    EXPECT_EQ(t.child, "net");
    EXPECT_EQ(t.local, ip("192.0.2.1"));
    EXPECT_EQ(t.remote, ip("192.0.2.2"));
    EXPECT_EQ(t.local_ts, std::vector{ts("10.1.0.0/16")});
    EXPECT_EQ(t.remote_ts, std::vector{ts("10.2.0.0/16")});
    EXPECT_EQ(t.mode, ipsec_mode::tunnel);
    // The trap comes after the CHILD_SA's removal, whose policies it replaces.
    ASSERT_EQ(A().removes.size(), 1u);
    EXPECT_TRUE(A().eng.list_sas().empty());
}

// The responder declares the initiator dead too, and with restart initiates
// to the address it knew the peer by (its connection may have no remote_addrs).
TEST_F(dpd, a_responder_restarts_to_the_peer_it_knew) {
    b_spec.remote_addr.clear();  // responder template
    start();
    auto b = make_config(b_spec);
    b->dpd_delay = delay;
    b->children[0].dpd_action = peer_dead_action::restart;
    B().eng.set_connections({b});
    bool drop = false;
    net->hook = [&](in_flight&) { return drop ? verdict::drop : verdict::deliver; };
    initiate();
    expect_up();
    drop = true;
    net->advance(delay + 7104ms);
    EXPECT_EQ(B().eng.counters().dead_peers, 1u);
    const auto sas = B().eng.list_sas();
    ASSERT_EQ(sas.size(), 1u);
    EXPECT_TRUE(sas[0].initiator);
    EXPECT_EQ(to_string(sas[0].remote.ip), "192.0.2.1");
    EXPECT_EQ(sas[0].state, "connecting");
}

// A responder-only connection cannot be trapped: the ACQUIRE would have no
// address to initiate to. The child is cleared, and the log says why.
TEST_F(dpd, trap_without_remote_addrs_clears_and_says_why) {
    b_spec.remote_addr.clear();
    start();
    auto b = make_config(b_spec);
    b->dpd_delay = delay;
    b->children[0].dpd_action = peer_dead_action::trap;
    B().eng.set_connections({b});
    bool drop = false;
    net->hook = [&](in_flight&) { return drop ? verdict::drop : verdict::deliver; };
    initiate();
    expect_up();
    drop = true;
    net->advance(delay + 7104ms);
    EXPECT_NE(failed_reason(B()).find("dpd_action=trap for site/net needs remote_addrs to "
                                      "initiate to: cleared"),
              std::string::npos)
        << failed_reason(B());
    EXPECT_TRUE(B().traps.empty());
    EXPECT_TRUE(B().eng.list_sas().empty());
}

// A give-up before the IKE_SA is established is no death of an established
// peer: the IKE_SA fails and no dpd_action follows.
TEST_F(dpd, a_give_up_while_connecting_starts_no_action) {
    start();
    auto a = make_config(a_spec);
    a->dpd_delay = delay;
    a->children[0].dpd_action = peer_dead_action::restart;
    A().eng.set_connections({a});
    net->hook = [](in_flight&) { return verdict::drop; };
    initiate();
    net->advance(1min);
    EXPECT_NE(A().failures().find("peer not responding: no answer to 3 retransmissions of the "
                                  "IKE_SA_INIT request over 7.1 s"),
              std::string::npos)
        << A().failures();
    EXPECT_TRUE(A().eng.list_sas().empty());
    EXPECT_EQ(A().eng.counters().dead_peers, 0u);
}

}  // namespace
}  // namespace ike::test
