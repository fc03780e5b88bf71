#include "daemon/kernel_translate.hpp"

#include <linux/xfrm.h>

#include <gtest/gtest.h>

namespace ikev2d {
namespace {

ike::install_child_sa sample_install(ike::ipsec_mode mode = ike::ipsec_mode::tunnel) {
    ike::install_child_sa req;
    req.ike = 3, req.child = 7, req.name = "a-to-b/net";
    req.spi_in = 0xc0000001, req.spi_out = 0xc1000002;
    req.mode = mode;
    req.local = {ike::ip_addr::v4(10, 1, 0, 1), 4500};
    req.remote = {ike::ip_addr::v4(192, 0, 2, 9), 61000};
    req.udp_encap = true;
    req.local_ts = {ike::ts_from_cidr("10.10.1.0/24").value()};
    req.remote_ts = {ike::ts_from_cidr("10.10.2.0/24").value()};
    req.keys.encr = ike::encr_id::aes_gcm_16;
    req.keys.encr_key_bits = 256;
    req.keys.encr_in = ike::secret(ike::bytes(36, 0x11));
    req.keys.encr_out = ike::secret(ike::bytes(36, 0x22));
    req.keys.esn = true;
    req.replay_window = 64;
    req.soft_bytes = 1000, req.hard_bytes = 2000;
    req.soft_time = std::chrono::seconds(3000), req.hard_time = std::chrono::seconds(3300);
    return req;
}

TEST(kernel_translate, aead_and_classic_algorithms) {
    ike::esp_keys keys;
    keys.encr = ike::encr_id::aes_gcm_16;
    keys.encr_in = ike::secret(ike::bytes(20, 1));
    auto a = to_kernel_algorithms(keys, true);
    ASSERT_TRUE(a);
    ASSERT_TRUE(a->aead);
    EXPECT_EQ(a->aead->name, "rfc4106(gcm(aes))");
    EXPECT_EQ(a->aead->icv_bits, 128u);
    EXPECT_EQ(a->aead->key.size(), 20u);
    keys.encr = ike::encr_id::aes_cbc;
    keys.integ = ike::integ_id::hmac_sha2_256_128;
    keys.integ_out = ike::secret(ike::bytes(32, 2));
    a = to_kernel_algorithms(keys, false);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->crypt->name, "cbc(aes)");
    EXPECT_EQ(a->integ->name, "hmac(sha256)");
    EXPECT_EQ(a->integ->trunc_bits, 128u);
    EXPECT_EQ(a->integ->key.size(), 32u);
    keys.integ = ike::integ_id::none;
    EXPECT_FALSE(to_kernel_algorithms(keys, false));
}

TEST(kernel_translate, inbound_sa_first_with_encapsulation_and_lifetimes) {
    const auto changes = sa_changes(sample_install(), 0x4b450001);
    ASSERT_TRUE(changes) << changes.error();
    ASSERT_EQ(changes->size(), 2u);
    const auto& in = std::get<xfrm::sa_add>((*changes)[0]).sa;
    const auto& out = std::get<xfrm::sa_add>((*changes)[1]).sa;
    EXPECT_EQ(in.direction, xfrm::sa_direction::inbound);
    EXPECT_EQ(in.spi, 0xc0000001u);
    EXPECT_EQ(in.src.to_string(), "192.0.2.9");
    EXPECT_EQ(in.dst.to_string(), "10.1.0.1");
    EXPECT_EQ(in.replay_window, 64u);
    EXPECT_EQ(in.encap, (xfrm::udp_encap{61000, 4500}));
    EXPECT_EQ(in.reqid, 0x4b450001u);
    EXPECT_TRUE(in.esn);
    EXPECT_EQ(in.lifetime.soft_bytes, 1000u);
    EXPECT_EQ(in.lifetime.hard_add_seconds, 3300u);
    EXPECT_EQ(in.lifetime.soft_packets, xfrm::infinite);
    EXPECT_EQ(out.direction, xfrm::sa_direction::outbound);
    EXPECT_EQ(out.spi, 0xc1000002u);
    EXPECT_EQ(out.dst.to_string(), "192.0.2.9");
    EXPECT_EQ(out.encap, (xfrm::udp_encap{4500, 61000}));
    EXPECT_EQ(out.replay_window, 0u);
    EXPECT_EQ(in.mode, xfrm::mode::tunnel);
}

TEST(kernel_translate, no_encapsulation_without_nat) {
    auto req = sample_install(ike::ipsec_mode::transport);
    req.udp_encap = false;
    const auto changes = sa_changes(req, 1);
    ASSERT_TRUE(changes);
    EXPECT_FALSE(std::get<xfrm::sa_add>((*changes)[0]).sa.encap);
    EXPECT_EQ(std::get<xfrm::sa_add>((*changes)[0]).sa.mode, xfrm::mode::transport);
}

TEST(kernel_translate, ranges_split_into_prefixes) {
    const auto sels = range_to_selectors(ike::ts_from_cidr("10.0.0.1-10.0.0.6").value(), true);
    ASSERT_EQ(sels.size(), 4u);  // .1/32 .2/31 .4/31 .6/32
    EXPECT_EQ(sels[0].src.to_string(), "10.0.0.1");
    EXPECT_EQ(sels[0].src_prefix, 32);
    EXPECT_EQ(sels[1].src_prefix, 31);
    EXPECT_EQ(sels[2].src.to_string(), "10.0.0.4");
    EXPECT_EQ(sels[3].src_prefix, 32);
    const auto all = range_to_selectors(ike::ts_range::any(true), false);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].dst_prefix, 0);
    EXPECT_TRUE(all[0].dst.is_v6());
}

TEST(kernel_translate, tunnel_policies_in_fwd_out) {
    const auto req = sample_install();
    const auto sels = outbound_selectors(req.local_ts, req.remote_ts);
    ASSERT_EQ(sels.size(), 1u);
    EXPECT_EQ(sels[0].src.to_string(), "10.10.1.0");
    EXPECT_EQ(sels[0].src_prefix, 24);
    EXPECT_EQ(sels[0].dst.to_string(), "10.10.2.0");
    const auto changes = policy_changes(sels[0], req.local.ip, req.remote.ip, req.mode, 9);
    ASSERT_EQ(changes.size(), 3u);
    const auto& in = std::get<xfrm::policy_update>(changes[0]).policy;
    const auto& fwd = std::get<xfrm::policy_update>(changes[1]).policy;
    const auto& out = std::get<xfrm::policy_update>(changes[2]).policy;
    EXPECT_EQ(in.direction, xfrm::direction::in);
    EXPECT_EQ(in.sel.src.to_string(), "10.10.2.0");
    EXPECT_EQ(in.templates.at(0).src.to_string(), "192.0.2.9");
    EXPECT_EQ(in.templates.at(0).reqid, 9u);
    EXPECT_EQ(fwd.direction, xfrm::direction::fwd);
    EXPECT_EQ(out.direction, xfrm::direction::out);
    EXPECT_EQ(out.templates.at(0).dst.to_string(), "192.0.2.9");
    EXPECT_EQ(out.priority, policy_priority(sels[0]));
    EXPECT_EQ(policy_deletes(sels[0], req.mode).size(), 3u);
    EXPECT_EQ(
        policy_changes(sels[0], req.local.ip, req.remote.ip, ike::ipsec_mode::transport, 9).size(),
        2u);
}

TEST(kernel_translate, families_do_not_mix_and_ports_carry_over) {
    const std::vector local{ike::ts_from_cidr("10.0.0.0/8[tcp/443]").value(),
                            ike::ts_from_cidr("fd00::/64").value()};
    const std::vector remote{ike::ts_from_cidr("10.9.0.0/16").value()};
    const auto sels = outbound_selectors(local, remote);
    ASSERT_EQ(sels.size(), 1u);
    EXPECT_EQ(sels[0].proto, 6);
    EXPECT_EQ(sels[0].src_port, 443);
    EXPECT_EQ(sels[0].dst_port, 0);
    EXPECT_LT(policy_priority(sels[0]), policy_priority(xfrm::selector{}));
}

TEST(kernel_translate, tunnel_sas_carry_both_families) {
    // IPv4 in IPv6 and back: tunnel SAs have no selector family (charon's
    // XFRM_STATE_AF_UNSPEC); transport SAs keep their family.
    for (auto mode : {ike::ipsec_mode::tunnel, ike::ipsec_mode::transport}) {
        const auto changes = sa_changes(sample_install(mode), 1);
        ASSERT_TRUE(changes);
        for (const auto& c : *changes) {
            const auto& sa = std::get<xfrm::sa_add>(c).sa;
            EXPECT_FALSE(sa.sel);
            EXPECT_EQ((sa.extra_flags & XFRM_STATE_AF_UNSPEC) != 0,
                      mode == ike::ipsec_mode::tunnel);
        }
    }
}

TEST(kernel_translate, expire_names_the_limit_reached) {
    xfrm::sa_state sa;
    sa.lifetime.soft_bytes = 100000, sa.lifetime.hard_bytes = 110000;
    sa.lifetime.soft_packets = 500, sa.lifetime.hard_packets = 550;
    sa.lifetime.soft_add_seconds = 3600, sa.lifetime.hard_add_seconds = 3960;
    sa.usage.bytes = 100100, sa.usage.packets = 90;
    EXPECT_EQ(expire_limit(sa, false), "soft byte limit");
    EXPECT_EQ(expire_limit(sa, true), "hard time limit");
    sa.usage.bytes = 110000;
    EXPECT_EQ(expire_limit(sa, true), "hard byte limit");
    sa.usage.bytes = 900, sa.usage.packets = 500;
    EXPECT_EQ(expire_limit(sa, false), "soft packet limit");
    sa.usage.packets = 499;
    EXPECT_EQ(expire_limit(sa, false), "soft time limit");
    // No byte or packet limit at all (infinite): only time can have expired it.
    xfrm::sa_state timed;
    timed.usage.bytes = 1ull << 40, timed.usage.packets = 1ull << 30;
    EXPECT_EQ(expire_limit(timed, false), "soft time limit");
}

}  // namespace
}  // namespace ikev2d
