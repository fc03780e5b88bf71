// Routes, rules and route lookups for virtual IPs, read back (and answers
// written) with the test's own reader/writer against <linux/rtnetlink.h>.
#include "libxfrm/route_netlink.hpp"

#include <gtest/gtest.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "raw_netlink.hpp"

namespace {

using namespace xfrm;
using xfrm_test::as;
using xfrm_test::raw_writer;
using xfrm_test::read_raw;

ip_address addr(const char* s) {
    return *ip_address::parse(s);
}

route_spec lan_route() {
    return {addr("10.1.0.0"), 24, addr("192.0.2.1"), addr("10.3.0.1"), 2, 220};
}

TEST(route_netlink, add_route_with_gateway_and_source) {
    const auto msg = add_route_message(lan_route());
    auto raw = read_raw(msg.view(), sizeof(rtmsg));
    EXPECT_EQ(raw.header.nlmsg_type, RTM_NEWROUTE);
    EXPECT_EQ(raw.header.nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
    const auto rt = as<rtmsg>(raw.fixed);
    EXPECT_EQ(rt.rtm_family, AF_INET);
    EXPECT_EQ(rt.rtm_dst_len, 24);
    EXPECT_EQ(rt.rtm_table, 220);
    EXPECT_EQ(rt.rtm_type, RTN_UNICAST);
    EXPECT_EQ(rt.rtm_scope, RT_SCOPE_UNIVERSE);
    EXPECT_EQ(as<std::uint32_t>(raw.attrs[RTA_TABLE]), 220u);
    EXPECT_EQ(raw.attrs[RTA_DST], (ike::bytes{10, 1, 0, 0}));
    EXPECT_EQ(raw.attrs[RTA_GATEWAY], (ike::bytes{192, 0, 2, 1}));
    EXPECT_EQ(raw.attrs[RTA_PREFSRC], (ike::bytes{10, 3, 0, 1}));
    EXPECT_EQ(as<std::uint32_t>(raw.attrs[RTA_OIF]), 2u);
}

TEST(route_netlink, on_link_route_has_no_gateway_and_large_tables_go_in_the_attribute) {
    auto r = lan_route();
    r.gateway.reset();
    r.table = 1000;
    auto raw = read_raw(delete_route_message(r).view(), sizeof(rtmsg));
    EXPECT_EQ(raw.header.nlmsg_type, RTM_DELROUTE);
    EXPECT_FALSE(raw.attrs.contains(RTA_GATEWAY));
    EXPECT_EQ(as<rtmsg>(raw.fixed).rtm_table, RT_TABLE_UNSPEC);
    EXPECT_EQ(as<std::uint32_t>(raw.attrs[RTA_TABLE]), 1000u);
}

TEST(route_netlink, rule_looks_up_the_table_at_its_priority) {
    auto raw = read_raw(add_rule_message(af_inet6, 220, 220).view(), sizeof(fib_rule_hdr));
    EXPECT_EQ(raw.header.nlmsg_type, RTM_NEWRULE);
    EXPECT_EQ(raw.header.nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
    const auto rule = as<fib_rule_hdr>(raw.fixed);
    EXPECT_EQ(rule.family, AF_INET6);
    EXPECT_EQ(rule.action, FR_ACT_TO_TBL);
    EXPECT_EQ(rule.src_len, 0);
    EXPECT_EQ(as<std::uint32_t>(raw.attrs[FRA_TABLE]), 220u);
    EXPECT_EQ(as<std::uint32_t>(raw.attrs[FRA_PRIORITY]), 220u);
    EXPECT_EQ(read_raw(delete_rule_message(af_inet, 220, 220).view(), sizeof(fib_rule_hdr))
                  .header.nlmsg_type,
              RTM_DELRULE);
}

TEST(route_netlink, lookup_asks_for_a_host_route) {
    auto raw = read_raw(route_lookup_message(addr("192.0.2.1")).view(), sizeof(rtmsg));
    EXPECT_EQ(raw.header.nlmsg_type, RTM_GETROUTE);
    EXPECT_EQ(as<rtmsg>(raw.fixed).rtm_dst_len, 32);
    EXPECT_EQ(raw.attrs[RTA_DST], (ike::bytes{192, 0, 2, 1}));
}

ike::bytes answer(bool with_gateway, bool with_oif) {
    rtmsg rt{};
    rt.rtm_family = AF_INET;
    rt.rtm_dst_len = 32;
    const std::uint8_t dst[4] = {198, 51, 100, 7}, gw[4] = {192, 0, 2, 254},
                       src[4] = {192, 0, 2, 11};
    const std::uint32_t oif = 4;
    raw_writer w(RTM_NEWROUTE);
    w.fixed(rt).attr(RTA_DST, dst, 4).attr(RTA_PREFSRC, src, 4);
    if (with_gateway) w.attr(RTA_GATEWAY, gw, 4);
    if (with_oif) w.attr(RTA_OIF, oif);
    return w.done();
}

TEST(route_netlink, parses_the_kernels_answer) {
    const auto msg = answer(true, true);
    auto hop = parse_route_answer(msg);
    ASSERT_TRUE(hop) << hop.error().what;
    EXPECT_EQ(hop->ifindex, 4u);
    ASSERT_TRUE(hop->gateway);
    EXPECT_EQ(*hop->gateway, addr("192.0.2.254"));
    ASSERT_TRUE(hop->src);
    EXPECT_EQ(*hop->src, addr("192.0.2.11"));
    const auto on_link = answer(false, true);
    EXPECT_FALSE(parse_route_answer(on_link)->gateway);
}

TEST(route_netlink, refuses_answers_it_cannot_use) {
    const auto no_oif = answer(true, false);
    EXPECT_FALSE(parse_route_answer(no_oif));
    auto truncated = answer(true, true);
    truncated.resize(truncated.size() - 6);
    EXPECT_FALSE(parse_route_answer(truncated));
    const auto other = raw_writer(RTM_NEWADDR).fixed(rtmsg{}).done();
    EXPECT_FALSE(parse_route_answer(other));
    rtmsg rt{};
    rt.rtm_family = AF_INET;
    const std::uint8_t short_gw[2] = {1, 2};
    const std::uint32_t oif = 1;
    const auto bad_gw =
        raw_writer(RTM_NEWROUTE).fixed(rt).attr(RTA_GATEWAY, short_gw, 2).attr(RTA_OIF, oif).done();
    EXPECT_FALSE(parse_route_answer(bad_gw));
}

}  // namespace
