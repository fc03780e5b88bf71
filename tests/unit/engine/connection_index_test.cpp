// The connection index: which IKE_SA of a connection initiate() reuses, and
// whether a connection has another IKE_SA, equal to a walk over all of them.
#include "libike/engine/connection_index.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "libike/engine/ike_sa.hpp"

namespace ike {
namespace {

std::shared_ptr<const ike_sa_config> config(std::string name) {
    auto c = std::make_shared<ike_sa_config>();
    c->name = std::move(name);
    return c;
}

struct table {
    std::vector<std::unique_ptr<ike_sa>> sas;
    connection_index index;

    ike_sa& add(std::shared_ptr<const ike_sa_config> cfg, bool initiator) {
        auto& sa = *sas.emplace_back(
            std::make_unique<ike_sa>(static_cast<ike_sa_id>(sas.size() + 1), initiator, cfg));
        index.update(sa);
        return sa;
    }
    void apply(ike_sa& sa, ike_sa_event ev) {
        (void)sa.transition(ev);
        index.update(sa);
    }
    void unfile_all() {
        for (auto& sa : sas) apply(*sa, ike_sa_event::failed);
    }
    // What a walk over every IKE_SA finds: the lowest-numbered usable one.
    ike_sa* brute_usable(const std::string& name) const {
        for (const auto& sa : sas)
            if (sa->config->name == name &&
                (sa->state() == ike_sa_state::established ||
                 (sa->state() == ike_sa_state::connecting && sa->initiator)))
                return sa.get();
        return nullptr;
    }
    bool brute_has_other(const ike_sa& sa) const {
        for (const auto& o : sas)
            if (o.get() != &sa && o->state() != ike_sa_state::gone &&
                o->config->name == sa.config->name)
                return true;
        return false;
    }
};

TEST(connection_index, usable_sas_are_established_or_connecting_as_initiator) {
    table t;
    auto site = config("site");
    auto& responder = t.add(site, false);  // half open: takes no CHILD_SAs yet
    EXPECT_EQ(t.index.usable("site"), nullptr);
    auto& initiator = t.add(site, true);
    EXPECT_EQ(t.index.usable("site"), &initiator);
    t.apply(responder, ike_sa_event::authenticated);
    EXPECT_EQ(t.index.usable("site"), &responder);  // the lower number
    t.apply(responder, ike_sa_event::delete_started);
    EXPECT_EQ(t.index.usable("site"), &initiator);
    t.apply(initiator, ike_sa_event::failed);
    EXPECT_EQ(t.index.usable("site"), nullptr);
    EXPECT_EQ(t.index.usable("other"), nullptr);
    EXPECT_EQ(t.index.size(), 1u);  // the deleting one
    t.unfile_all();
    EXPECT_EQ(t.index.size(), 0u);
}

TEST(connection_index, has_other_counts_live_sas_of_the_same_name) {
    table t;
    auto& a = t.add(config("site"), true);
    EXPECT_FALSE(t.index.has_other(a));
    auto& b = t.add(config("other"), true);
    EXPECT_FALSE(t.index.has_other(a));
    auto& c = t.add(config("site"), false);  // same name, another config object
    EXPECT_TRUE(t.index.has_other(a));
    t.apply(c, ike_sa_event::failed);
    EXPECT_FALSE(t.index.has_other(a));
    // A responder learns its connection in IKE_AUTH.
    b.config = config("site");
    t.index.update(b);
    EXPECT_TRUE(t.index.has_other(a));
    t.unfile_all();
}

TEST(connection_index, matches_a_walk_over_every_sa) {
    std::mt19937 rnd(5);
    table t;
    std::vector<std::shared_ptr<const ike_sa_config>> configs;
    for (int i = 0; i < 10; ++i) configs.push_back(config("conn" + std::to_string(i)));
    for (int step = 0; step < 3000; ++step) {
        if (t.sas.empty() || rnd() % 3 == 0) {
            t.add(configs[rnd() % configs.size()], rnd() % 2 == 0);
        } else {
            auto& sa = *t.sas[rnd() % t.sas.size()];
            const ike_sa_event events[] = {ike_sa_event::authenticated,
                                           ike_sa_event::delete_started, ike_sa_event::deleted,
                                           ike_sa_event::failed};
            t.apply(sa, events[rnd() % 4]);
        }
        const auto name = "conn" + std::to_string(rnd() % 10);
        ASSERT_EQ(t.index.usable(name), t.brute_usable(name)) << name << " at step " << step;
        const auto& probe = *t.sas[rnd() % t.sas.size()];
        if (probe.state() != ike_sa_state::gone) {
            ASSERT_EQ(t.index.has_other(probe), t.brute_has_other(probe)) << "step " << step;
        }
    }
    t.unfile_all();
}

}  // namespace
}  // namespace ike
