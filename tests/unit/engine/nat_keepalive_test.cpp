// engine::nat_keepalive_targets(): the established IKE_SAs behind a NAT of
// ours, from an index the engine keeps (not a walk over every IKE_SA).
#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

TEST_F(site_to_site, keepalive_targets_are_the_sas_behind_our_nat) {
    b_spec.remote_addr = "";  // responder template: A arrives from its public address
    start();
    net->nat_a = ip("203.0.113.5");
    auto id = A().eng.initiate(net->now, "site");
    ASSERT_TRUE(id);
    // Connecting: nothing to keep alive yet.
    EXPECT_TRUE(A().eng.nat_keepalive_targets().empty());
    net->run();
    expect_up();
    const auto targets = A().eng.nat_keepalive_targets();
    ASSERT_EQ(targets.size(), 1u);
    EXPECT_EQ(targets[0].local, (socket_address{ip("192.0.2.1"), 4500}));
    EXPECT_EQ(targets[0].remote, (socket_address{ip("192.0.2.2"), 4500}));
    // B is not behind a NAT (A is): it sends none.
    EXPECT_TRUE(B().eng.nat_keepalive_targets().empty());
    ASSERT_TRUE(A().eng.terminate(net->now, *id));
    net->run();
    EXPECT_TRUE(A().eng.nat_keepalive_targets().empty());
}

TEST_F(site_to_site, no_keepalive_targets_without_a_nat) {
    start();
    initiate();
    expect_up();
    EXPECT_TRUE(A().eng.nat_keepalive_targets().empty());
    EXPECT_TRUE(B().eng.nat_keepalive_targets().empty());
}

}  // namespace
}  // namespace ike::test
