// initiate_waiters: which events answer a waiting initiate, and how.
#include "daemon/initiate_waiters.hpp"

#include <gtest/gtest.h>

namespace ikev2d {
namespace {

using kind = ike::sa_event::kind;
using namespace std::chrono_literals;

ike::sa_event ev(kind k, ike::ike_sa_id ike, std::string child_name = {},
                 ike::child_sa_id child = 0, std::string reason = {}) {
    ike::sa_event e;
    e.what = k;
    e.ike = ike;
    e.child = child;
    e.child_name = std::move(child_name);
    e.reason = std::move(reason);
    return e;
}

struct waiters_test : ::testing::Test {
    initiate_waiters w;
    std::vector<control::handler_result> answers;
    ike::time_point t0 = ike::time_point{} + 1h;

    void add(ike::ike_sa_id ike, std::vector<std::string> children) {
        w.add(ike, std::move(children), t0 + 30s, 30s,
              [this](control::handler_result r) { answers.push_back(std::move(r)); });
    }
};

TEST_F(waiters_test, answers_when_every_child_is_up) {
    add(3, {"c/net", "c/web"});
    w.on_event(ev(kind::ike_up, 3));
    w.on_event(ev(kind::child_up, 3, "c/net", 1));
    w.on_event(ev(kind::child_up, 4, "c/web", 9));  // another IKE_SA
    EXPECT_TRUE(answers.empty());
    w.on_event(ev(kind::child_up, 3, "c/web", 2));
    ASSERT_EQ(answers.size(), 1u);
    ASSERT_TRUE(answers[0]);
    EXPECT_EQ((*answers[0])["ike"], 3);
    EXPECT_EQ((*answers[0])["children"].size(), 2u);
    EXPECT_EQ((*answers[0])["children"][1]["name"], "c/web");
    EXPECT_EQ((*answers[0])["children"][1]["id"], 2);
    EXPECT_TRUE(w.empty());
}

TEST_F(waiters_test, an_ike_rekey_moves_the_wait_to_the_new_ike_sa) {
    add(3, {"c/net", "c/web"});
    w.on_event(ev(kind::child_up, 3, "c/net", 1));
    auto moved = ev(kind::ike_rekeyed, 5);
    moved.old_ike = 3;
    w.on_event(moved);
    w.on_event(ev(kind::ike_down, 3, {}, 0, "rekeyed, replaced by IKE_SA #5"));
    EXPECT_TRUE(answers.empty()) << "the old IKE_SA's end is no failure";
    w.on_event(ev(kind::child_up, 5, "c/web", 2));
    ASSERT_EQ(answers.size(), 1u);
    ASSERT_TRUE(answers[0]);
    EXPECT_EQ((*answers[0])["children"].size(), 2u);
}

TEST_F(waiters_test, a_failed_ike_sa_answers_with_its_reason) {
    add(3, {"c/net"});
    w.on_event(ev(kind::failed, 3, {}, 0, "AUTHENTICATION_FAILED: wrong PSK"));
    ASSERT_EQ(answers.size(), 1u);
    ASSERT_FALSE(answers[0]);
    EXPECT_EQ(answers[0].error(), "IKE_SA #3 failed: AUTHENTICATION_FAILED: wrong PSK");
}

TEST_F(waiters_test, a_refused_child_fails_the_initiate_and_names_what_came_up) {
    add(3, {"c/net", "c/web"});
    w.on_event(ev(kind::child_up, 3, "c/net", 1));
    w.on_event(ev(kind::child_failed, 3, "c/web", 0, "CHILD_SA c/web refused: NO_PROPOSAL_CHOSEN"));
    ASSERT_EQ(answers.size(), 1u);
    ASSERT_FALSE(answers[0]);
    EXPECT_EQ(answers[0].error(), "CHILD_SA c/web refused: NO_PROPOSAL_CHOSEN (up: c/net)");
}

TEST_F(waiters_test, nothing_to_wait_for_answers_at_once) {
    add(3, {});
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_TRUE(answers[0]);
}

TEST_F(waiters_test, the_deadline_answers_with_where_it_stands) {
    add(3, {"c/net"});
    EXPECT_EQ(w.next_deadline(), t0 + 30s);
    w.expire(t0 + 29s, [](ike::ike_sa_id) { return std::string("connecting"); });
    EXPECT_TRUE(answers.empty());
    w.expire(t0 + 30s, [](ike::ike_sa_id) { return std::string("connecting"); });
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].error(),
              "no outcome within 30 s: IKE_SA #3 is connecting, waiting for c/net");
    EXPECT_FALSE(w.next_deadline());
}

TEST_F(waiters_test, shutdown_answers_everyone) {
    add(3, {"c/net"});
    add(4, {"d/net"});
    w.cancel_all("ikev2d is shutting down");
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[1].error(), "ikev2d is shutting down");
}

}  // namespace
}  // namespace ikev2d
