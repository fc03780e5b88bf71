#include "libxfrm/ownership.hpp"

#include <gtest/gtest.h>

namespace {

using namespace xfrm;

TEST(ownership, reqid_range_and_bypass_band) {
    ownership own{1000, 1999, 50, 59};
    EXPECT_FALSE(own.owns_reqid(0));
    EXPECT_FALSE(own.owns_reqid(999));
    EXPECT_TRUE(own.owns_reqid(1000));
    EXPECT_TRUE(own.owns_reqid(1999));
    EXPECT_FALSE(own.owns_reqid(2000));

    sa_state sa;
    sa.reqid = 1500;
    EXPECT_TRUE(own.owns(sa));
    sa.reqid = 5;
    EXPECT_FALSE(own.owns(sa));

    policy_state pol;
    pol.config.templates.push_back(policy_template{});
    pol.config.templates[0].reqid = 1001;
    EXPECT_TRUE(own.owns(pol));
    pol.config.templates.push_back(policy_template{});
    pol.config.templates[1].reqid = 7;  // one foreign template: not ours
    EXPECT_FALSE(own.owns(pol));

    policy_state bypass;
    bypass.config.priority = 55;
    EXPECT_TRUE(own.owns(bypass));
    bypass.config.priority = 60;
    EXPECT_FALSE(own.owns(bypass));
    bypass.config.priority = 55;
    bypass.per_socket = true;
    EXPECT_FALSE(own.owns(bypass));
}

TEST(ownership, default_owns_nothing) {
    ownership none;
    policy_state pol;
    EXPECT_FALSE(none.owns(pol));
    sa_state sa;
    EXPECT_FALSE(none.owns(sa));
}

}  // namespace
