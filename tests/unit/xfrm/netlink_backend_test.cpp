// netlink_backend against the host kernel, in a private network namespace,
// cross-checked with iproute2's reading of the same kernel state. These run
// on a kernel without ESP; SA installation lives in xfrm_sa_kernel_test.cpp.
#include "libxfrm/netlink_backend.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstdio>

#include "kernel_fixture.hpp"

namespace {

using namespace xfrm;
using xfrm_test::find_block;
using xfrm_test::ip_blocks;
using xfrm_test::run;

ip_address addr(const char* s) {
    return *ip_address::parse(s);
}

struct policy_case {
    const char* name;
    policy_config config;
    std::vector<std::string> ip_text;  // what iproute2 must print for it
};

policy_config v4_tcp(direction dir) {
    policy_config p;
    p.sel.src = addr("10.1.0.0");
    p.sel.src_prefix = 16;
    p.sel.dst = addr("10.2.0.0");
    p.sel.dst_prefix = 24;
    p.sel.proto = IPPROTO_TCP;
    p.sel.dst_port = 80;
    p.direction = dir;
    p.priority = 1234;
    p.templates.push_back(
        policy_template{addr("192.0.2.1"), addr("192.0.2.2"), IPPROTO_ESP, mode::tunnel, 1001});
    return p;
}

policy_config v6_udp(direction dir) {
    policy_config p;
    p.sel.src = addr("2001:db8:1::");
    p.sel.src_prefix = 48;
    p.sel.dst = addr("2001:db8:2::");
    p.sel.dst_prefix = 64;
    p.sel.proto = IPPROTO_UDP;
    p.sel.src_port = 53;
    p.direction = dir;
    p.priority = 77;
    p.templates.push_back(
        policy_template{addr("2001:db8::1"), addr("2001:db8::2"), IPPROTO_ESP, mode::tunnel, 1002});
    return p;
}

const char* dir_name(direction d) {
    return d == direction::in ? "in" : d == direction::out ? "out" : "fwd";
}

std::vector<policy_case> all_cases() {
    std::vector<policy_case> cases;
    for (direction d : {direction::in, direction::out, direction::fwd}) {
        cases.push_back({"v4",
                         v4_tcp(d),
                         {"src 10.1.0.0/16 dst 10.2.0.0/24 proto tcp dport 80",
                          std::string("dir ") + dir_name(d) + " priority 1234",
                          "tmpl src 192.0.2.1 dst 192.0.2.2", "proto esp reqid 1001 mode tunnel"}});
        cases.push_back(
            {"v6",
             v6_udp(d),
             {"src 2001:db8:1::/48 dst 2001:db8:2::/64 proto udp sport 53",
              std::string("dir ") + dir_name(d) + " priority 77",
              "tmpl src 2001:db8::1 dst 2001:db8::2", "proto esp reqid 1002 mode tunnel"}});
    }
    return cases;
}

policy_id id_of(const policy_config& p) {
    return policy_id{p.sel, p.direction, p.mark, p.if_id, std::nullopt};
}

class netlink_backend_host : public xfrm_test::kernel_test {};

TEST_F(netlink_backend_host, policy_add_get_update_delete_all_directions) {
    auto cases = all_cases();
    for (const auto& c : cases) {
        auto added = backend().add_policy(c.config);
        ASSERT_TRUE(added) << c.name << ": " << added.error().message();
    }
    auto blocks = ip_blocks("policy");
    EXPECT_EQ(blocks.size(), cases.size());
    for (const auto& c : cases) {
        EXPECT_NE(find_block(blocks, c.ip_text), "") << c.name << " " << c.ip_text[1];
        auto got = backend().get_policy(id_of(c.config));
        ASSERT_TRUE(got) << got.error().message();
        EXPECT_EQ(got->config.sel, c.config.sel);
        EXPECT_EQ(got->config.direction, c.config.direction);
        EXPECT_EQ(got->config.priority, c.config.priority);
        EXPECT_EQ(got->config.templates, c.config.templates);
        EXPECT_NE(got->index, 0u);
        EXPECT_NE(got->usage.add_time, 0u);
    }

    policy_config changed = cases[0].config;
    changed.priority = 4321;
    ASSERT_TRUE(backend().update_policy(changed));
    blocks = ip_blocks("policy");
    EXPECT_NE(find_block(blocks, {"src 10.1.0.0/16", "dir in priority 4321"}), "");
    EXPECT_EQ(find_block(blocks, {"src 10.1.0.0/16", "dir in priority 1234"}), "");
    EXPECT_EQ(backend().get_policy(id_of(changed))->config.priority, 4321u);

    for (const auto& c : cases) ASSERT_TRUE(backend().delete_policy(id_of(c.config)));
    EXPECT_TRUE(ip_blocks("policy").empty());
    auto gone = backend().get_policy(id_of(cases[0].config));
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().value(), ENOENT);
    auto again = backend().delete_policy(id_of(cases[0].config));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().value(), ENOENT);
}

TEST_F(netlink_backend_host, list_and_flush_policies) {
    for (const auto& c : all_cases()) ASSERT_TRUE(backend().add_policy(c.config));
    auto listed = backend().list_policies();
    ASSERT_TRUE(listed) << listed.error().message();
    EXPECT_EQ(listed->size(), 6u);
    ASSERT_TRUE(backend().flush_all_policies());
    EXPECT_TRUE(ip_blocks("policy").empty());
    EXPECT_TRUE(backend().list_policies()->empty());
}

TEST_F(netlink_backend_host, mark_if_id_and_block_policy) {
    policy_config p = v4_tcp(direction::out);
    p.mark = mark{0x10, 0xf0};
    p.if_id = 9;
    ASSERT_TRUE(backend().add_policy(p));
    policy_config drop;
    drop.sel = selector::host_pair(addr("10.0.0.1"), addr("10.0.0.2"));
    drop.direction = direction::out;
    drop.action = policy_action::block;
    drop.priority = 550;  // template-less: must be in the bypass band to be ours
    ASSERT_TRUE(backend().add_policy(drop));
    auto blocks = ip_blocks("policy");
    EXPECT_NE(find_block(blocks, {"src 10.1.0.0/16", "mark 0x10/0xf0", "if_id 0x9"}), "")
        << testing::PrintToString(blocks);
    EXPECT_NE(find_block(blocks, {"src 10.0.0.1/32 dst 10.0.0.2/32", "action block"}), "");
    auto got = backend().get_policy(id_of(p));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->config.mark, p.mark);
    EXPECT_EQ(got->config.if_id, 9u);
}

TEST_F(netlink_backend_host, batch_attributes_duplicate_error_to_its_request) {
    std::vector<kernel_change> changes;
    for (int i = 0; i < 40; ++i) {
        policy_config p = v4_tcp(direction::out);
        p.sel.dst_port = static_cast<std::uint16_t>(1000 + i);
        changes.push_back(policy_add{p});
    }
    policy_config dup = v4_tcp(direction::out);
    dup.sel.dst_port = 1000 + 3;  // same as request 3
    changes.insert(changes.begin() + 17, policy_add{dup});

    auto results = backend().apply(changes);
    ASSERT_EQ(results.size(), 41u);
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (i == 17) {
            ASSERT_FALSE(results[i]);
            EXPECT_EQ(results[i].error().value(), EEXIST);
            EXPECT_NE(results[i].error().what.find("XFRM_MSG_NEWPOLICY"), std::string::npos);
        } else {
            EXPECT_TRUE(results[i]) << i << ": " << results[i].error().message();
        }
    }
    EXPECT_EQ(ip_blocks("policy").size(), 40u);
    EXPECT_NE(find_block(ip_blocks("policy"), {"dport 1039 "}), "");
}

TEST_F(netlink_backend_host, batch_larger_than_one_chunk) {
    std::vector<kernel_change> changes;
    for (int i = 0; i < 300; ++i) {
        policy_config p = v6_udp(direction::in);
        p.sel.src_port = static_cast<std::uint16_t>(2000 + i);
        changes.push_back(policy_add{p});
    }
    auto results = backend().apply(changes);
    std::size_t ok = 0;
    for (const auto& r : results) ok += r ? 1 : 0;
    EXPECT_EQ(ok, 300u);
    EXPECT_EQ(ip_blocks("policy").size(), 300u);
}

TEST_F(netlink_backend_host, refuses_untagged_install) {
    policy_config p = v4_tcp(direction::out);
    p.templates[0].reqid = 5;  // outside 1000-1999
    auto r = backend().add_policy(p);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().value(), EINVAL);
    EXPECT_TRUE(ip_blocks("policy").empty());
}

TEST_F(netlink_backend_host, alloc_spi_and_query_larval_sa) {
    spi_request req{addr("192.0.2.1"),
                    addr("192.0.2.2"),
                    IPPROTO_ESP,
                    mode::tunnel,
                    1003,
                    0xc0000100,
                    0xc00001ff,
                    {},
                    0};
    auto spi = backend().alloc_spi(req);
    ASSERT_TRUE(spi) << spi.error().message();
    EXPECT_GE(*spi, 0xc0000100u);
    EXPECT_LE(*spi, 0xc00001ffu);
    char spi_text[32];
    std::snprintf(spi_text, sizeof spi_text, "spi 0x%08x", *spi);
    EXPECT_NE(find_block(ip_blocks("state"),
                         {"src 192.0.2.1 dst 192.0.2.2", spi_text, "reqid 1003 mode tunnel"}),
              "");
    auto sa = backend().get_sa(sa_id{addr("192.0.2.2"), *spi, IPPROTO_ESP, {}});
    ASSERT_TRUE(sa) << sa.error().message();
    EXPECT_EQ(sa->reqid, 1003u);
    EXPECT_EQ(sa->src, addr("192.0.2.1"));
    EXPECT_EQ(sa->usage.bytes, 0u);
    ASSERT_TRUE(backend().delete_sa(sa_id{addr("192.0.2.2"), *spi, IPPROTO_ESP, {}}));
    EXPECT_TRUE(ip_blocks("state").empty());
    auto missing = backend().get_sa(sa_id{addr("192.0.2.2"), *spi, IPPROTO_ESP, {}});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().value(), ESRCH);

    req.reqid = 7;  // not ours
    EXPECT_FALSE(backend().alloc_spi(req));
}

TEST_F(netlink_backend_host, sa_add_without_esp_names_the_missing_support) {
    sa_config sa;
    sa.src = addr("192.0.2.1");
    sa.dst = addr("192.0.2.2");
    sa.spi = 0xc0000001;
    sa.reqid = 1004;
    sa.crypt = crypt_algorithm{"cbc(aes)", ike::secret(16)};
    sa.integ = integ_algorithm{"hmac(sha256)", 128, ike::secret(32)};
    auto r = backend().add_sa(sa);
    if (r) GTEST_SKIP() << "this kernel has ESP; see xfrm_sa_kernel_test";
    EXPECT_EQ(r.error().value(), EPROTONOSUPPORT) << r.error().message();
    EXPECT_TRUE(lacks_esp(r.error()));
    EXPECT_NE(r.error().message().find("lacks ESP support"), std::string::npos);
    EXPECT_NE(r.error().message().find("esp4/esp6"), std::string::npos);
    EXPECT_NE(r.error().message().find("XFRM_MSG_NEWSA"), std::string::npos);
}

TEST_F(netlink_backend_host, flush_owned_removes_only_our_state) {
    ASSERT_TRUE(backend().add_policy(v4_tcp(direction::out)));
    ASSERT_TRUE(backend().add_policy(v6_udp(direction::in)));
    policy_config bypass;
    bypass.sel = selector::host_pair(addr("10.0.0.1"), addr("10.0.0.2"));
    bypass.direction = direction::out;
    bypass.priority = 510;
    ASSERT_TRUE(backend().add_policy(bypass));
    auto spi = backend().alloc_spi(spi_request{addr("192.0.2.1"),
                                               addr("192.0.2.2"),
                                               IPPROTO_ESP,
                                               mode::tunnel,
                                               1005,
                                               0x100,
                                               0x1ff,
                                               {},
                                               0});
    ASSERT_TRUE(spi) << spi.error().message();

    // Foreign state, installed by an administrator with iproute2.
    run("ip xfrm policy add src 10.5.0.0/16 dst 10.6.0.0/16 dir out priority 100 "
        "tmpl src 192.0.2.1 dst 192.0.2.9 proto esp reqid 5 mode tunnel");
    run("ip xfrm policy add src 10.0.0.3/32 dst 10.0.0.4/32 dir out priority 100");
    run("ip xfrm state allocspi src 192.0.2.1 dst 192.0.2.9 proto esp mode tunnel reqid 7 "
        "min 0x200 max 0x2ff");
    ASSERT_EQ(ip_blocks("policy").size(), 5u);
    ASSERT_EQ(ip_blocks("state").size(), 2u);

    auto report = backend().flush_owned();
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_EQ(report->policies_deleted, 3u);
    EXPECT_EQ(report->sas_deleted, 1u);
    EXPECT_TRUE(report->failures.empty());

    auto policies = ip_blocks("policy");
    ASSERT_EQ(policies.size(), 2u) << testing::PrintToString(policies);
    EXPECT_NE(find_block(policies, {"src 10.5.0.0/16", "reqid 5"}), "");
    EXPECT_NE(find_block(policies, {"src 10.0.0.3/32", "priority 100"}), "");
    auto states = ip_blocks("state");
    ASSERT_EQ(states.size(), 1u);
    EXPECT_NE(states[0].find("reqid 7"), std::string::npos);

    auto second = backend().flush_owned();  // idempotent
    ASSERT_TRUE(second);
    EXPECT_EQ(second->policies_deleted + second->sas_deleted, 0u);
}

}  // namespace
