// RTM_NEWADDR / RTM_DELADDR for virtual IPs, read back with the test's own
// reader against <linux/if_addr.h>.
#include "libxfrm/address_netlink.hpp"

#include <gtest/gtest.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "raw_netlink.hpp"

namespace {

using namespace xfrm;
using xfrm_test::as;
using xfrm_test::read_raw;

ip_address addr(const char* s) {
    return *ip_address::parse(s);
}

TEST(address_netlink, add_ipv4_host_address) {
    const auto msg = add_address_message(3, addr("10.3.0.1"));
    auto raw = read_raw(msg.view(), sizeof(ifaddrmsg));
    EXPECT_EQ(raw.header.nlmsg_type, RTM_NEWADDR);
    EXPECT_EQ(raw.header.nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
    EXPECT_EQ(raw.header.nlmsg_len, msg.size());
    const auto ifa = as<ifaddrmsg>(raw.fixed);
    EXPECT_EQ(ifa.ifa_family, AF_INET);
    EXPECT_EQ(ifa.ifa_prefixlen, 32);
    EXPECT_EQ(ifa.ifa_index, 3u);
    EXPECT_EQ(ifa.ifa_scope, RT_SCOPE_UNIVERSE);
    EXPECT_EQ(ifa.ifa_flags, 0);
    const ike::bytes expected{10, 3, 0, 1};
    EXPECT_EQ(raw.attrs[IFA_LOCAL], expected);
    EXPECT_EQ(raw.attrs[IFA_ADDRESS], expected);
}

TEST(address_netlink, ipv6_is_a_128_without_dad) {
    const auto msg = add_address_message(7, addr("fd03::5"));
    auto raw = read_raw(msg.view(), sizeof(ifaddrmsg));
    const auto ifa = as<ifaddrmsg>(raw.fixed);
    EXPECT_EQ(ifa.ifa_family, AF_INET6);
    EXPECT_EQ(ifa.ifa_prefixlen, 128);
    EXPECT_EQ(ifa.ifa_flags, IFA_F_NODAD);
    ASSERT_EQ(raw.attrs[IFA_LOCAL].size(), 16u);
    EXPECT_EQ(raw.attrs[IFA_LOCAL][0], 0xfd);
    EXPECT_EQ(raw.attrs[IFA_LOCAL][15], 5);
}

TEST(address_netlink, delete_names_the_same_address) {
    const auto msg = delete_address_message(3, addr("10.3.0.1"));
    auto raw = read_raw(msg.view(), sizeof(ifaddrmsg));
    EXPECT_EQ(raw.header.nlmsg_type, RTM_DELADDR);
    EXPECT_EQ(raw.header.nlmsg_flags, NLM_F_REQUEST);
    EXPECT_EQ(as<ifaddrmsg>(raw.fixed).ifa_prefixlen, 32);
    EXPECT_EQ(raw.attrs[IFA_LOCAL], (ike::bytes{10, 3, 0, 1}));
}

}  // namespace
