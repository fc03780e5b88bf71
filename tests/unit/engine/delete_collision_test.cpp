// Delete against delete (RFC 7296 §1.4.1, RFC 4718 §5.11.2): both peers
// delete the same CHILD_SA, or the same IKE_SA, at the same moment. Each
// answers the other's Delete; everything is removed exactly once on each
// side, nothing is left and nothing fails.
#include <gtest/gtest.h>

#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

struct delete_collision : site_to_site {
    static ike_sa_id only_sa(const peer& p) {
        auto sas = p.eng.list_sas();
        EXPECT_EQ(sas.size(), 1u);
        return sas.empty() ? 0 : sas[0].id;
    }
    static child_sa_id only_child(const peer& p) {
        auto sas = p.eng.list_sas();
        EXPECT_EQ(sas.size(), 1u);
        return sas.empty() || sas[0].children.empty() ? 0 : sas[0].children[0].id;
    }
    // Both requests leave before either peer reads the other's.
    std::size_t informational_requests = 0;
    void count_requests() {
        net->hook = [this](in_flight& f) {
            if (is(f, exchange_type::informational, false)) ++informational_requests;
            return verdict::deliver;
        };
    }
};

TEST_F(delete_collision, both_delete_the_same_child_sa) {
    start();
    initiate();
    expect_up();
    count_requests();
    ASSERT_TRUE(A().eng.terminate_child(net->now, only_child(A())));
    ASSERT_TRUE(B().eng.terminate_child(net->now, only_child(B())));
    net->run();
    net->advance(30s);
    EXPECT_EQ(informational_requests, 2u) << "one Delete from each side, no retransmission";
    EXPECT_EQ(A().removes.size(), 1u);
    EXPECT_EQ(B().removes.size(), 1u);
    EXPECT_TRUE(A().eng.list_sas()[0].children.empty());
    EXPECT_TRUE(B().eng.list_sas()[0].children.empty());
    EXPECT_EQ(A().eng.list_sas()[0].state, "established") << "the IKE_SA stays";
    EXPECT_EQ(B().eng.list_sas()[0].state, "established");
    EXPECT_EQ(A().failures() + B().failures(), "");
}

TEST_F(delete_collision, both_delete_the_ike_sa) {
    start();
    initiate();
    expect_up();
    count_requests();
    ASSERT_TRUE(A().eng.terminate(net->now, only_sa(A())));
    ASSERT_TRUE(B().eng.terminate(net->now, only_sa(B())));
    net->run();
    net->advance(30s);
    EXPECT_EQ(informational_requests, 2u);
    EXPECT_EQ(A().removes.size(), 1u);
    EXPECT_EQ(B().removes.size(), 1u);
    EXPECT_TRUE(A().eng.list_sas().empty());
    EXPECT_TRUE(B().eng.list_sas().empty());
    EXPECT_TRUE(A().has_event(sa_event::kind::ike_down));
    EXPECT_TRUE(B().has_event(sa_event::kind::ike_down));
    EXPECT_EQ(A().failures() + B().failures(), "");
    EXPECT_EQ(A().eng.next_deadline(), std::nullopt) << "no retransmission left behind";
    EXPECT_EQ(B().eng.next_deadline(), std::nullopt);
}

}  // namespace
}  // namespace ike::test
