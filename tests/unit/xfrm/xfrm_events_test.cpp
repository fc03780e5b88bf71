// Event parsing from hand-built kernel multicast messages.
#include "libxfrm/xfrm_events.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/xfrm.h>

#include "raw_netlink.hpp"

namespace {

using namespace xfrm;

ip_address addr(const char* s) {
    return *ip_address::parse(s);
}

template <class T>
const T& as_event(const std::expected<std::optional<event>, parse_error>& r) {
    EXPECT_TRUE(r);
    EXPECT_TRUE(r->has_value());
    return std::get<T>(**r);
}

TEST(xfrm_events, acquire_with_selector_and_template) {
    xfrm_user_acquire acq{};
    inet_pton(AF_INET, "192.0.2.2", &acq.id.daddr);
    inet_pton(AF_INET, "192.0.2.1", &acq.saddr);
    acq.id.proto = IPPROTO_ESP;
    acq.sel.family = AF_INET;
    inet_pton(AF_INET, "10.1.0.5", &acq.sel.saddr);
    inet_pton(AF_INET, "10.2.0.9", &acq.sel.daddr);
    acq.sel.prefixlen_s = acq.sel.prefixlen_d = 32;
    acq.sel.proto = IPPROTO_TCP;
    acq.sel.dport = htons(443);
    acq.sel.dport_mask = 0xffff;
    acq.policy.sel = acq.sel;
    acq.policy.index = 0x81;
    acq.policy.dir = XFRM_POLICY_OUT;
    acq.seq = 0x1234;
    xfrm_user_tmpl tmpl{};
    tmpl.family = AF_INET;
    tmpl.reqid = 1001;
    tmpl.mode = XFRM_MODE_TUNNEL;
    tmpl.id.proto = IPPROTO_ESP;
    auto msg = xfrm_test::raw_writer(XFRM_MSG_ACQUIRE)
                   .fixed(acq)
                   .attr(XFRMA_TMPL, tmpl)
                   .attr(XFRMA_MARK, xfrm_mark{3, 0xff})
                   .done();
    auto r = parse_event(msg);
    const auto& ev = as_event<acquire_event>(r);
    EXPECT_EQ(ev.src, addr("192.0.2.1"));
    EXPECT_EQ(ev.dst, addr("192.0.2.2"));
    EXPECT_EQ(ev.reqid, 1001u);
    EXPECT_EQ(ev.sel.src, addr("10.1.0.5"));
    EXPECT_EQ(ev.sel.dst, addr("10.2.0.9"));
    EXPECT_EQ(ev.sel.dst_port, 443);
    EXPECT_EQ(ev.sel.proto, IPPROTO_TCP);
    EXPECT_EQ(ev.policy_index, 0x81u);
    EXPECT_EQ(ev.direction, direction::out);
    EXPECT_EQ(ev.seq, 0x1234u);
    EXPECT_EQ(ev.mark, (mark{3, 0xff}));
}

ike::bytes expire_msg(bool hard) {
    xfrm_user_expire exp{};
    inet_pton(AF_INET6, "2001:db8::2", &exp.state.id.daddr);
    inet_pton(AF_INET6, "2001:db8::1", &exp.state.saddr);
    exp.state.id.spi = htonl(0xc0ffee01);
    exp.state.id.proto = IPPROTO_ESP;
    exp.state.family = AF_INET6;
    exp.state.reqid = 1002;
    exp.state.curlft.bytes = 999;
    exp.hard = hard ? 1 : 0;
    return xfrm_test::raw_writer(XFRM_MSG_EXPIRE).fixed(exp).done();
}

TEST(xfrm_events, soft_and_hard_expire) {
    auto soft = parse_event(expire_msg(false));
    const auto& s = as_event<expire_event>(soft);
    EXPECT_FALSE(s.hard);
    EXPECT_EQ(s.sa.spi, 0xc0ffee01u);
    EXPECT_EQ(s.sa.dst, addr("2001:db8::2"));
    EXPECT_EQ(s.sa.reqid, 1002u);
    EXPECT_EQ(s.sa.usage.bytes, 999u);
    auto hard = parse_event(expire_msg(true));
    EXPECT_TRUE(as_event<expire_event>(hard).hard);
}

TEST(xfrm_events, mapping_change) {
    xfrm_user_mapping map{};
    inet_pton(AF_INET, "198.51.100.1", &map.id.daddr);
    map.id.spi = htonl(0xabcdef01);
    map.id.family = AF_INET;
    map.id.proto = IPPROTO_ESP;
    map.reqid = 1003;
    inet_pton(AF_INET, "203.0.113.5", &map.old_saddr);
    inet_pton(AF_INET, "203.0.113.6", &map.new_saddr);
    map.old_sport = htons(4500);
    map.new_sport = htons(61000);
    auto r = parse_event(xfrm_test::raw_writer(XFRM_MSG_MAPPING).fixed(map).done());
    const auto& ev = as_event<mapping_event>(r);
    EXPECT_EQ(ev.id.spi, 0xabcdef01u);
    EXPECT_EQ(ev.id.dst, addr("198.51.100.1"));
    EXPECT_EQ(ev.reqid, 1003u);
    EXPECT_EQ(ev.old_src, addr("203.0.113.5"));
    EXPECT_EQ(ev.new_src, addr("203.0.113.6"));
    EXPECT_EQ(ev.old_src_port, 4500);
    EXPECT_EQ(ev.new_src_port, 61000);
}

TEST(xfrm_events, policy_expire) {
    xfrm_user_polexpire pe{};
    pe.pol.sel.family = AF_INET;
    pe.pol.dir = XFRM_POLICY_IN;
    pe.pol.index = 0x50;
    pe.pol.priority = 9;
    pe.hard = 1;
    auto r = parse_event(xfrm_test::raw_writer(XFRM_MSG_POLEXPIRE).fixed(pe).done());
    const auto& ev = as_event<policy_expire_event>(r);
    EXPECT_TRUE(ev.hard);
    EXPECT_EQ(ev.policy.index, 0x50u);
    EXPECT_EQ(ev.policy.config.direction, direction::in);
    EXPECT_EQ(ev.policy.config.priority, 9u);
}

TEST(xfrm_events, non_events_and_malformed_events) {
    xfrm_usersa_info info{};
    auto newsa = xfrm_test::raw_writer(XFRM_MSG_NEWSA).fixed(info).done();
    auto r = parse_event(newsa);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->has_value());

    auto truncated = expire_msg(true);
    truncated.resize(truncated.size() - 8);
    std::uint32_t len = static_cast<std::uint32_t>(truncated.size());
    std::memcpy(truncated.data(), &len, 4);
    EXPECT_FALSE(parse_event(truncated));

    ike::bytes garbage(10, 0xff);
    EXPECT_FALSE(parse_event(garbage));
}

TEST(xfrm_events, groups_cover_acquire_expire_mapping) {
    auto groups = event_groups();
    EXPECT_NE(std::find(groups.begin(), groups.end(), XFRMNLGRP_ACQUIRE), groups.end());
    EXPECT_NE(std::find(groups.begin(), groups.end(), XFRMNLGRP_EXPIRE), groups.end());
    EXPECT_NE(std::find(groups.begin(), groups.end(), XFRMNLGRP_MAPPING), groups.end());
}

}  // namespace
