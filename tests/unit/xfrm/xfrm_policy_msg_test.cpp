// Policy message building and parsing against the <linux/xfrm.h> structs.
#include "libxfrm/xfrm_policy_msg.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/xfrm.h>

#include "raw_netlink.hpp"

namespace {

using namespace xfrm;
using xfrm_test::as;
using xfrm_test::read_raw;

ip_address addr(const char* s) {
    return *ip_address::parse(s);
}

policy_config tunnel_policy() {
    policy_config p;
    p.sel.src = addr("10.1.0.0");
    p.sel.src_prefix = 16;
    p.sel.dst = addr("10.2.0.0");
    p.sel.dst_prefix = 24;
    p.sel.proto = IPPROTO_TCP;
    p.sel.dst_port = 80;
    p.direction = direction::fwd;
    p.priority = 1234;
    p.templates.push_back(policy_template{addr("192.0.2.1"), addr("192.0.2.2"), IPPROTO_ESP,
                                          mode::tunnel, 5, 0, false});
    p.mark = mark{0x10, 0xf0};
    p.if_id = 9;
    return p;
}

TEST(xfrm_policy_msg, new_policy_layout) {
    auto raw = read_raw(build_new_policy(tunnel_policy()).view(), sizeof(xfrm_userpolicy_info));
    EXPECT_EQ(raw.header.nlmsg_type, XFRM_MSG_NEWPOLICY);
    EXPECT_EQ(raw.header.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    auto info = as<xfrm_userpolicy_info>(raw.fixed);
    EXPECT_EQ(info.dir, XFRM_POLICY_FWD);
    EXPECT_EQ(info.priority, 1234u);
    EXPECT_EQ(info.action, XFRM_POLICY_ALLOW);
    EXPECT_EQ(info.index, 0u);
    EXPECT_EQ(info.sel.family, AF_INET);
    EXPECT_EQ(info.sel.prefixlen_s, 16);
    EXPECT_EQ(info.sel.prefixlen_d, 24);
    EXPECT_EQ(info.sel.proto, IPPROTO_TCP);
    EXPECT_EQ(info.sel.dport, htons(80));
    EXPECT_EQ(info.sel.dport_mask, 0xffff);
    EXPECT_EQ(info.lft.hard_byte_limit, XFRM_INF);
    in_addr net{};
    inet_pton(AF_INET, "10.2.0.0", &net);
    EXPECT_EQ(std::memcmp(&info.sel.daddr, &net, 4), 0);

    const ike::bytes& t = raw.attrs.at(XFRMA_TMPL);
    ASSERT_EQ(t.size(), sizeof(xfrm_user_tmpl));
    ASSERT_EQ(t.size(), 64u);
    auto tmpl = as<xfrm_user_tmpl>(t);
    EXPECT_EQ(tmpl.reqid, 5u);
    EXPECT_EQ(tmpl.mode, XFRM_MODE_TUNNEL);
    EXPECT_EQ(tmpl.id.proto, IPPROTO_ESP);
    EXPECT_EQ(tmpl.family, AF_INET);
    in_addr tdst{};
    inet_pton(AF_INET, "192.0.2.2", &tdst);
    EXPECT_EQ(std::memcmp(&tmpl.id.daddr, &tdst, 4), 0);
    EXPECT_EQ(tmpl.aalgos, ~0u);
    EXPECT_EQ(tmpl.ealgos, ~0u);
    EXPECT_EQ(as<xfrm_mark>(raw.attrs.at(XFRMA_MARK)).m, 0xf0u);
    EXPECT_EQ(as<std::uint32_t>(raw.attrs.at(XFRMA_IF_ID)), 9u);
}

TEST(xfrm_policy_msg, block_policy_without_templates_and_ipv6) {
    policy_config p;
    p.sel = selector::host_pair(addr("2001:db8::1"), addr("2001:db8::2"));
    p.direction = direction::in;
    p.action = policy_action::block;
    auto raw = read_raw(build_update_policy(p).view(), sizeof(xfrm_userpolicy_info));
    EXPECT_EQ(raw.header.nlmsg_type, XFRM_MSG_UPDPOLICY);
    auto info = as<xfrm_userpolicy_info>(raw.fixed);
    EXPECT_EQ(info.action, XFRM_POLICY_BLOCK);
    EXPECT_EQ(info.dir, XFRM_POLICY_IN);
    EXPECT_EQ(info.sel.family, AF_INET6);
    EXPECT_EQ(info.sel.prefixlen_s, 128);
    EXPECT_TRUE(raw.attrs.empty());
}

TEST(xfrm_policy_msg, delete_by_selector_and_by_index) {
    policy_id id{tunnel_policy().sel, direction::out, {}, 0, std::nullopt};
    auto raw = read_raw(build_delete_policy(id).view(), sizeof(xfrm_userpolicy_id));
    EXPECT_EQ(raw.header.nlmsg_type, XFRM_MSG_DELPOLICY);
    auto uid = as<xfrm_userpolicy_id>(raw.fixed);
    EXPECT_EQ(uid.dir, XFRM_POLICY_OUT);
    EXPECT_EQ(uid.index, 0u);
    EXPECT_EQ(uid.sel.prefixlen_s, 16);
    EXPECT_TRUE(raw.attrs.empty());
    id.index = 0x69;
    uid = as<xfrm_userpolicy_id>(read_raw(build_get_policy(id).view(), sizeof uid).fixed);
    EXPECT_EQ(uid.index, 0x69u);
    auto flush = read_raw(build_flush_policy().view(), 0);
    EXPECT_EQ(flush.header.nlmsg_type, XFRM_MSG_FLUSHPOLICY);
    EXPECT_EQ(flush.header.nlmsg_len, 16u);
    auto dump = read_raw(build_dump_policy().view(), 0);
    EXPECT_EQ(dump.header.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
}

TEST(xfrm_policy_msg, parse_kernel_policy) {
    xfrm_userpolicy_info info{};
    info.sel.family = AF_INET6;
    inet_pton(AF_INET6, "2001:db8:1::", &info.sel.saddr);
    info.sel.prefixlen_s = 48;
    info.sel.proto = IPPROTO_UDP;
    info.sel.sport = htons(53);
    info.sel.sport_mask = 0xffff;
    info.dir = XFRM_POLICY_IN;
    info.priority = 77;
    info.index = 0x1a8;
    info.curlft.add_time = 1700000000;
    xfrm_user_tmpl tmpl[2]{};
    tmpl[0].family = AF_INET;
    inet_pton(AF_INET, "192.0.2.9", &tmpl[0].saddr);
    tmpl[0].id.proto = IPPROTO_ESP;
    tmpl[0].reqid = 11;
    tmpl[0].mode = XFRM_MODE_TUNNEL;
    tmpl[1] = tmpl[0];
    tmpl[1].reqid = 12;
    auto msg = xfrm_test::raw_writer(XFRM_MSG_NEWPOLICY)
                   .fixed(info)
                   .attr(XFRMA_TMPL, tmpl)
                   .attr(XFRMA_IF_ID, std::uint32_t{4})
                   .done();
    auto pol = parse_policy(msg);
    ASSERT_TRUE(pol) << pol.error().what;
    EXPECT_EQ(pol->config.sel.src, addr("2001:db8:1::"));
    EXPECT_EQ(pol->config.sel.src_prefix, 48);
    EXPECT_EQ(pol->config.sel.src_port, 53);
    EXPECT_EQ(pol->config.direction, direction::in);
    EXPECT_EQ(pol->config.priority, 77u);
    EXPECT_EQ(pol->index, 0x1a8u);
    EXPECT_EQ(pol->usage.add_time, 1700000000u);
    ASSERT_EQ(pol->config.templates.size(), 2u);
    EXPECT_EQ(pol->config.templates[0].src, addr("192.0.2.9"));
    EXPECT_EQ(pol->config.templates[1].reqid, 12u);
    EXPECT_EQ(pol->config.if_id, 4u);
    EXPECT_TRUE(pol->main_type);
    EXPECT_FALSE(pol->per_socket);

    // A template array that is not a whole number of templates is refused.
    auto bad = xfrm_test::raw_writer(XFRM_MSG_NEWPOLICY)
                   .fixed(info)
                   .attr(XFRMA_TMPL, tmpl, sizeof(xfrm_user_tmpl) + 8)
                   .done();
    EXPECT_FALSE(parse_policy(bad));
}

}  // namespace
