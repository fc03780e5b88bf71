// The peer index finds exactly the IKE_SAs an INITIAL_CONTACT replaces —
// same connection name, same peer identity, not gone — among many.
#include "libike/engine/peer_index.hpp"

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

id_payload id_of(id_type type, const std::string& text) {
    return id_payload{type, bytes(text.begin(), text.end())};
}

id_payload fqdn(const std::string& name) {
    return id_of(id_type::fqdn, name);
}

struct table {
    std::vector<std::unique_ptr<ike_sa>> sas;
    peer_index index;

    ike_sa& add(std::shared_ptr<const ike_sa_config> cfg, std::optional<id_payload> peer) {
        auto& sa = *sas.emplace_back(
            std::make_unique<ike_sa>(static_cast<ike_sa_id>(sas.size() + 1), false, cfg));
        sa.peer_id = std::move(peer);
        if (sa.peer_id) (void)sa.transition(ike_sa_event::authenticated);
        index.update(sa);
        return sa;
    }
    void unfile_all() {
        for (auto& sa : sas) {
            (void)sa->transition(ike_sa_event::failed);
            index.update(*sa);
        }
    }
    // What a walk over every IKE_SA finds.
    std::vector<ike_sa*> brute_force(const ike_sa& fresh) const {
        std::vector<ike_sa*> found;
        for (const auto& sa : sas)
            if (sa.get() != &fresh && sa->state() != ike_sa_state::gone && sa->peer_id &&
                sa->config->name == fresh.config->name && *sa->peer_id == *fresh.peer_id)
                found.push_back(sa.get());
        return found;
    }
};

std::vector<ike_sa_id> ids(const std::vector<ike_sa*>& v) {
    std::vector<ike_sa_id> out;
    for (const auto* sa : v) out.push_back(sa->id);
    return out;
}

TEST(peer_index, finds_the_same_connection_and_identity_only) {
    table t;
    auto site = config("site"), other = config("other");
    auto& a1 = t.add(site, fqdn("a.example.org"));
    auto& a2 = t.add(site, fqdn("a.example.org"));
    t.add(site, fqdn("b.example.org"));
    t.add(other, fqdn("a.example.org"));
    t.add(site, id_of(id_type::rfc822_addr, "a.example.org"));
    t.add(site, std::nullopt);  // before IKE_AUTH: no identity, not filed
    EXPECT_EQ(t.index.size(), 5u);
    EXPECT_EQ(ids(t.index.same_peer(a2)), (std::vector<ike_sa_id>{a1.id}));
    // After a reload the connection is another object with the same name.
    auto& fresh = t.add(config("site"), fqdn("a.example.org"));
    EXPECT_EQ(ids(t.index.same_peer(fresh)), (std::vector<ike_sa_id>{a1.id, a2.id}));
    t.unfile_all();
}

TEST(peer_index, gone_sas_and_changed_connections_are_refiled) {
    table t;
    auto site = config("site"), other = config("other");
    auto& a1 = t.add(site, fqdn("a.example.org"));
    auto& a2 = t.add(site, fqdn("a.example.org"));
    auto& a3 = t.add(site, fqdn("a.example.org"));
    (void)a1.transition(ike_sa_event::failed);
    t.index.update(a1);
    // The responder learnt in IKE_AUTH that a2 belongs to another connection.
    a2.config = other;
    t.index.update(a2);
    EXPECT_TRUE(t.index.same_peer(a3).empty());
    EXPECT_EQ(ids(t.index.same_peer(t.add(other, fqdn("a.example.org")))),
              (std::vector<ike_sa_id>{a2.id}));
    EXPECT_EQ(t.index.size(), 3u);
    t.unfile_all();
    EXPECT_EQ(t.index.size(), 0u);
}

// Many IKE_SAs over few connections and identities, some gone, some moved:
// every lookup equals the walk over all of them.
TEST(peer_index, matches_a_walk_over_every_sa) {
    std::mt19937 rnd(11);
    table t;
    std::vector<std::shared_ptr<const ike_sa_config>> configs;
    for (int i = 0; i < 8; ++i) configs.push_back(config("conn" + std::to_string(i % 6)));
    auto pick_config = [&] { return configs[rnd() % configs.size()]; };
    auto pick_id = [&] { return fqdn("peer" + std::to_string(rnd() % 12) + ".example.org"); };
    for (int i = 0; i < 1500; ++i) {
        auto& sa = t.add(pick_config(), pick_id());
        if (rnd() % 5 == 0) {
            (void)sa.transition(ike_sa_event::failed);
            t.index.update(sa);
        } else if (rnd() % 7 == 0) {
            auto& moved = *t.sas[rnd() % t.sas.size()];
            if (moved.state() != ike_sa_state::gone) moved.config = pick_config();
            t.index.update(moved);
        }
    }
    for (const auto& sa : t.sas) {
        if (sa->state() == ike_sa_state::gone) continue;
        EXPECT_EQ(ids(t.index.same_peer(*sa)), ids(t.brute_force(*sa))) << "IKE_SA #" << sa->id;
    }
    t.unfile_all();
}

}  // namespace
}  // namespace ike
