// Many IKE_SAs in one engine: deadlines come due in order and at the right
// time as they move, on_timer looks only at the IKE_SAs that are due (a count,
// never a timing), next_deadline is the earliest over the live IKE_SAs, and
// INITIAL_CONTACT drops exactly the peer's old IKE_SAs among many.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "libike/codec/message.hpp"
#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

const time_point t0 = time_point{} + std::chrono::hours(1000);

conn_spec initiator_spec(int k) {
    return {.name = "c" + std::to_string(k),
            .local_addr = "192.0.2.1",
            .remote_addr = "192.0.2.2",
            .local_id = "h" + std::to_string(k) + ".example.org",
            .remote_id = "b.example.org",
            .local_ts = {"10.1.0.0/16"},
            .remote_ts = {"10.2.0.0/16"}};
}

// An initiator whose peer never answers: every IKE_SA retransmits its
// IKE_SA_INIT request on its own schedule until it gives up.
struct lone_initiator {
    explicit lone_initiator(engine_settings s, int connections) : eng(s, rng, psks) {
        std::vector<std::shared_ptr<const ike_sa_config>> cs;
        for (int k = 0; k < connections; ++k) cs.push_back(make_config(initiator_spec(k)));
        eng.set_connections(std::move(cs));
    }

    ike_sa_id initiate(int k) {
        auto id = eng.initiate(now, "c" + std::to_string(k));
        EXPECT_TRUE(id) << (id ? "" : id.error().message);
        if (!id) return 0;
        by_spi[eng.find_sa(*id)->spi_i] = *id;
        return *id;
    }

    // The IKE_SAs that sent a datagram and those that failed since the last call.
    struct activity {
        std::vector<ike_sa_id> sent, failed;
    };
    activity drain() {
        activity a;
        while (auto o = eng.poll_output()) {
            if (const auto* d = std::get_if<send_datagram>(&*o)) {
                auto m = decode_message(d->data);
                EXPECT_TRUE(m);
                if (m) a.sent.push_back(by_spi.at(m->header.spi_i));
            } else if (const auto* e = std::get_if<sa_event>(&*o)) {
                if (e->what == sa_event::kind::failed) a.failed.push_back(e->ike);
            }
        }
        std::ranges::sort(a.sent);
        std::ranges::sort(a.failed);
        return a;
    }

    std::uint64_t visits() const { return eng.counters().timer_visits; }

    deterministic_random rng{0x5ca1e};
    map_psks psks;
    engine eng;
    time_point now = t0;
    std::map<std::uint64_t, ike_sa_id> by_spi;
};

engine_settings fast_retransmits() {
    engine_settings s;
    s.retransmit_timeout = std::chrono::seconds(1);
    s.retransmit_base = 2.0;  // waits of 1, 2, 4, 8 s: exact in milliseconds
    s.retransmit_tries = 3;
    return s;
}

// IKE_SAs started in a scrambled order at 10 ms intervals retransmit one by
// one, each exactly one timeout after its own start.
TEST(many_sas, retransmissions_come_due_in_deadline_order) {
    lone_initiator a(fast_retransmits(), 60);
    std::vector<int> order(60);
    for (int k = 0; k < 60; ++k) order[static_cast<std::size_t>(k)] = k * 37 % 60;
    std::vector<ike_sa_id> started;
    for (int k : order) {
        started.push_back(a.initiate(k));
        a.now += std::chrono::milliseconds(10);
    }
    EXPECT_EQ(a.drain().sent.size(), 60u);
    for (std::size_t j = 0; j < started.size(); ++j) {
        const auto due = t0 + std::chrono::milliseconds(10 * j) + std::chrono::seconds(1);
        ASSERT_EQ(a.eng.next_deadline(), due) << j;
        const auto visits = a.visits();
        a.eng.on_timer(due);
        EXPECT_EQ(a.drain().sent, (std::vector{started[j]})) << j;
        EXPECT_EQ(a.visits() - visits, 1u);
    }
}

// The scaling check: on_timer looks at the IKE_SAs that are due and no
// others, however many there are.
TEST(many_sas, on_timer_visits_only_the_due_sas) {
    for (int n : {100, 2000}) {
        lone_initiator a(fast_retransmits(), n);
        for (int k = 0; k < n; ++k) {
            a.initiate(k);
            a.now += std::chrono::milliseconds(1);
        }
        a.drain();
        auto visits = a.visits();
        a.eng.on_timer(t0 + std::chrono::milliseconds(1009));  // the first ten are due
        EXPECT_EQ(a.drain().sent.size(), 10u) << n;
        EXPECT_EQ(a.visits() - visits, 10u) << n;
        visits = a.visits();
        a.eng.on_timer(t0 + std::chrono::milliseconds(1009));
        EXPECT_TRUE(a.drain().sent.empty()) << n;
        EXPECT_EQ(a.visits(), visits) << n;
        EXPECT_EQ(a.eng.next_deadline(), t0 + std::chrono::milliseconds(1010)) << n;
    }
}

// Random starts, terminations and timer calls against a model of each
// IKE_SA's retransmission schedule: after every step next_deadline is the
// model's earliest, and each on_timer retransmits and gives up exactly the
// IKE_SAs the model says are due.
TEST(many_sas, next_deadline_is_the_earliest_live_deadline_after_random_operations) {
    const auto settings = fast_retransmits();
    lone_initiator a(settings, 40);
    struct modelled {
        int connection;
        time_point deadline;
        unsigned retransmits = 0;
    };
    std::map<ike_sa_id, modelled> model;
    std::mt19937 rnd(3);
    for (int step = 0; step < 1500; ++step) {
        const unsigned what = rnd() % 10;
        if (what < 4) {
            const int k = static_cast<int>(rnd() % 40);
            if (std::ranges::any_of(model, [&](const auto& m) { return m.second.connection == k; }))
                continue;
            const ike_sa_id id = a.initiate(k);
            model[id] = {k, a.now + settings.retransmit_timeout};
            ASSERT_EQ(a.drain().sent, (std::vector{id}));
        } else if (what < 5 && !model.empty()) {
            auto it = std::next(model.begin(), static_cast<long>(rnd() % model.size()));
            const ike_sa_id id = it->first;
            ASSERT_TRUE(a.eng.terminate(a.now, id));
            model.erase(it);
            auto act = a.drain();
            EXPECT_TRUE(act.sent.empty());
            EXPECT_EQ(act.failed, (std::vector{id}));
        } else {
            a.now += std::chrono::milliseconds(rnd() % 2500);
            std::vector<ike_sa_id> resent, gave_up;
            for (auto it = model.begin(); it != model.end();) {
                auto& m = it->second;
                if (m.deadline > a.now) {
                    ++it;
                } else if (m.retransmits >= settings.retransmit_tries) {
                    gave_up.push_back(it->first);
                    it = model.erase(it);
                } else {
                    ++m.retransmits;
                    m.deadline = a.now + std::chrono::duration_cast<duration>(
                                             settings.retransmit_timeout *
                                             std::pow(settings.retransmit_base, m.retransmits));
                    resent.push_back(it->first);
                    ++it;
                }
            }
            const auto visits = a.visits();
            a.eng.on_timer(a.now);
            auto act = a.drain();
            ASSERT_EQ(act.sent, resent) << "step " << step;
            ASSERT_EQ(act.failed, gave_up) << "step " << step;
            ASSERT_EQ(a.visits() - visits, resent.size() + gave_up.size());
        }
        std::optional<time_point> earliest;
        for (const auto& [id, m] : model)
            if (!earliest || m.deadline < *earliest) earliest = m.deadline;
        ASSERT_EQ(a.eng.next_deadline(), earliest) << "step " << step;
        ASSERT_EQ(a.eng.counters().ike_sas, model.size());
    }
}

// Half-open responder IKE_SAs (IKE_AUTH never arrives) expire one by one in
// the order they were created, each half_open_timeout after its creation.
TEST(many_sas, half_open_sas_expire_in_creation_order) {
    two_peers net;
    net.hook = [](in_flight& f) {
        return is(f, exchange_type::ike_auth, false) ? verdict::drop : verdict::deliver;
    };
    std::vector<std::shared_ptr<const ike_sa_config>> cs;
    for (int k = 0; k < 30; ++k) cs.push_back(make_config(initiator_spec(k)));
    net.a.eng.set_connections(cs);
    conn_spec b{.name = "rw",
                .local_addr = "192.0.2.2",
                .remote_addr = "",  // a responder template: any peer
                .local_id = "b.example.org",
                .remote_id = "%any",
                .local_ts = {"10.2.0.0/16"},
                .remote_ts = {"10.1.0.0/16"}};
    net.b.eng.set_connections({make_config(b)});
    for (int k = 0; k < 30; ++k) {
        net.now = t0 + std::chrono::milliseconds(100 * (k * 7 % 30));
        ASSERT_TRUE(net.a.eng.initiate(net.now, "c" + std::to_string(k)));
        net.run();
    }
    ASSERT_EQ(net.b.eng.counters().half_open, 30u);
    for (int j = 0; j < 30; ++j) {
        const auto due =
            t0 + std::chrono::milliseconds(100 * j) + engine_settings{}.half_open_timeout;
        ASSERT_EQ(net.b.eng.next_deadline(), due) << j;
        net.b.eng.on_timer(due);
        EXPECT_EQ(net.b.eng.counters().half_open, 29u - static_cast<unsigned>(j));
    }
    EXPECT_FALSE(net.b.eng.next_deadline());
    EXPECT_TRUE(net.b.eng.list_sas().empty());
}

// An IKE_SA's deadline moves earlier (a request goes out: its
// retransmission comes before the liveness check) and later (the answer
// restarts the liveness check's wait); each fires at its new time, not the old.
TEST_F(site_to_site, a_moved_deadline_fires_at_its_new_time) {
    start();
    auto cfg = make_config(a_spec);
    cfg->dpd_delay = std::chrono::seconds(30);
    A().eng.set_connections({cfg});
    initiate();
    expect_up();
    const time_point up = net->now;
    EXPECT_EQ(A().eng.next_deadline(), up + 30s);
    bool dropped = false;
    net->hook = [&](in_flight& f) {
        if (f.from != 'a' || !is(f, exchange_type::informational, false) || dropped)
            return verdict::deliver;
        dropped = true;
        return verdict::drop;
    };
    net->now = up + 10s;
    ASSERT_TRUE(A().eng.terminate_child(net->now, A().installs[0].child));
    net->run();
    EXPECT_EQ(A().eng.next_deadline(), up + 14s);  // the Delete's retransmission
    net->advance(4s);
    ASSERT_EQ(A().removes.size(), 1u);             // answered this time
    EXPECT_EQ(A().eng.next_deadline(), up + 44s);  // 30 s after that answer
    const auto sent = A().sent.size();
    net->advance(29s);  // past the old up + 30 s: nothing
    EXPECT_EQ(A().sent.size(), sent);
    net->advance(1s);
    ASSERT_EQ(A().sent.size(), sent + 1);  // the liveness check
    EXPECT_EQ(decode_message(A().sent.back().data)->header.exchange, exchange_type::informational);
}

// A's connections: c0.. as h0.., each met by B's r0.. (exactly that
// identity), w0.. as x0.., all met by B's "rw" (any identity), and c5b, a
// second name for h5.
std::vector<std::shared_ptr<const ike_sa_config>> a_connections(int n) {
    std::vector<std::shared_ptr<const ike_sa_config>> cs;
    for (int k = 0; k < n; ++k) {
        cs.push_back(make_config(initiator_spec(k)));
        auto w = initiator_spec(k);
        w.name = "w" + std::to_string(k);
        w.local_id = "x" + std::to_string(k) + ".example.org";
        cs.push_back(make_config(w));
    }
    auto again = initiator_spec(5);
    again.name = "c5b";
    cs.push_back(make_config(again));
    return cs;
}

std::vector<std::shared_ptr<const ike_sa_config>> b_connections(int n) {
    conn_spec spec{.name = "rw",
                   .local_addr = "192.0.2.2",
                   .remote_addr = "192.0.2.1",
                   .local_id = "b.example.org",
                   .remote_id = "%any",
                   .local_ts = {"10.2.0.0/16"},
                   .remote_ts = {"10.1.0.0/16"}};
    std::vector<std::shared_ptr<const ike_sa_config>> cs{make_config(spec)};
    for (int k = 0; k < n; ++k) {
        spec.name = "r" + std::to_string(k);
        spec.remote_id = "h" + std::to_string(k) + ".example.org";
        cs.push_back(make_config(spec));
    }
    return cs;
}

// B's IKE_SAs by the peer's identity, each checked to sit under the
// connection that identity belongs to.
std::map<std::string, std::vector<ike_sa_id>> by_peer(const engine& b) {
    std::map<std::string, std::vector<ike_sa_id>> sas;
    for (const auto& sa : b.list_sas()) {
        const auto number = sa.remote_id.substr(1, sa.remote_id.find('.') - 1);
        EXPECT_EQ(sa.connection, sa.remote_id[0] == 'h' ? "r" + number : "rw");
        sas[sa.remote_id].push_back(sa.id);
    }
    return sas;
}

// Between two snapshots, exactly the IKE_SAs of `peers` were replaced by new ones.
void expect_replaced(const std::map<std::string, std::vector<ike_sa_id>>& before,
                     const std::map<std::string, std::vector<ike_sa_id>>& after,
                     const std::set<std::string>& peers) {
    EXPECT_EQ(after.size(), before.size());
    for (const auto& [peer, ids] : before) {
        ASSERT_TRUE(after.contains(peer)) << peer;
        ASSERT_EQ(after.at(peer).size(), 1u) << peer;
        if (peers.contains(peer)) {
            EXPECT_GT(after.at(peer)[0], ids[0]) << peer;
        } else {
            EXPECT_EQ(after.at(peer), ids) << peer;
        }
    }
}

// Among many IKE_SAs of many peers, under one connection each or all under
// one, INITIAL_CONTACT drops exactly the old IKE_SA of the same connection
// and peer identity, nothing else.
TEST(many_sas, initial_contact_drops_exactly_the_peers_old_sas) {
    constexpr int n = 16;
    two_peers net;
    net.a.psks.add("b.example.org", "s3cret-psk");
    net.a.eng.set_connections(a_connections(n));
    net.b.psks.add("*", "s3cret-psk");
    net.b.eng.set_connections(b_connections(n));
    for (int k = 0; k < n; ++k)
        for (const auto* prefix : {"c", "w"}) {
            ASSERT_TRUE(net.a.eng.initiate(net.now, prefix + std::to_string(k)));
            net.run();
        }
    const auto before = by_peer(net.b.eng);
    ASSERT_EQ(before.size(), 2u * n) << net.b.failures();
    for (const auto& [peer, ids] : before) ASSERT_EQ(ids.size(), 1u) << peer;
    ASSERT_TRUE(net.b.removes.empty());

    // c5b has no IKE_SA of its own, so it sends INITIAL_CONTACT: B's IKE_SA
    // with h5 under r5 goes, whatever A still thinks of c5.
    ASSERT_TRUE(net.a.eng.initiate(net.now, "c5b"));
    net.run();
    const auto after = by_peer(net.b.eng);
    expect_replaced(before, after, {"h5.example.org"});
    ASSERT_EQ(net.b.removes.size(), 1u);
    EXPECT_EQ(net.b.removes[0].ike, before.at("h5.example.org")[0]);

    // A restarts and brings up c9 and w3 only: B drops its old IKE_SAs with
    // h9 and x3 (not the other peers' under "rw"), no other.
    net.restart_a(0x5eed);
    net.a.psks.add("b.example.org", "s3cret-psk");
    net.a.eng.set_connections(a_connections(n));
    for (const auto* name : {"c9", "w3"}) {
        ASSERT_TRUE(net.a.eng.initiate(net.now, name));
        net.run();
    }
    expect_replaced(after, by_peer(net.b.eng), {"h9.example.org", "x3.example.org"});
    ASSERT_EQ(net.b.removes.size(), 3u);
    EXPECT_EQ(net.b.removes[1].ike, after.at("h9.example.org")[0]);
    EXPECT_EQ(net.b.removes[2].ike, after.at("x3.example.org")[0]);
    EXPECT_EQ(net.b.eng.counters().ike_sas, 2u * n);
}

// unique: never (honour_initial_contact off): the peer's INITIAL_CONTACT
// leaves its older IKE_SA in place, as charon's uniqueids=never does.
TEST(many_sas, initial_contact_ignored_when_unique_is_never) {
    constexpr int n = 6;
    two_peers net;
    net.a.psks.add("b.example.org", "s3cret-psk");
    net.a.eng.set_connections(a_connections(n));
    net.b.psks.add("*", "s3cret-psk");
    auto b = b_connections(n);
    for (auto& c : b) {
        auto copy = std::make_shared<ike_sa_config>(*c);
        copy->honour_initial_contact = false;
        c = std::move(copy);
    }
    net.b.eng.set_connections(b);
    ASSERT_TRUE(net.a.eng.initiate(net.now, "c5"));
    net.run();
    ASSERT_TRUE(net.a.eng.initiate(net.now, "c5b"));
    net.run();
    const auto sas = by_peer(net.b.eng);
    ASSERT_EQ(sas.count("h5.example.org"), 1u) << net.b.failures();
    EXPECT_EQ(sas.at("h5.example.org").size(), 2u);
    EXPECT_TRUE(net.b.removes.empty());
}

}  // namespace
}  // namespace ike::test
