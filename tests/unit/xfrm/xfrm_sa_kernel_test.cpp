// SA installation against a kernel with ESP (the UML lab). Each test probes
// once, in its private namespace, whether the kernel can install an ESP SA at
// all; without ESP (CONFIG_INET_ESP unset, as on the build host) every test
// here skips with that reason. iproute2 is the independent reader.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/xfrm.h>

#include <cerrno>
#include <cstdio>

#include "kernel_fixture.hpp"
#include "libxfrm/netlink_backend.hpp"

namespace {

using namespace xfrm;
using xfrm_test::find_block;
using xfrm_test::ip_blocks;

ip_address addr(const char* s) {
    return *ip_address::parse(s);
}

ike::secret key(std::size_t n) {
    ike::secret k(n);
    for (std::size_t i = 0; i < n; ++i) k.data()[i] = static_cast<std::uint8_t>(0xa0 + i);
    return k;
}

std::string spi_text(std::uint32_t spi) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "spi 0x%08x", spi);
    return buf;
}

sa_config cbc_sa(const char* src, const char* dst, std::uint32_t spi) {
    sa_config sa;
    sa.src = addr(src);
    sa.dst = addr(dst);
    sa.spi = spi;
    sa.reqid = 1001;
    sa.crypt = crypt_algorithm{"cbc(aes)", key(16)};
    sa.integ = integ_algorithm{"hmac(sha256)", 128, key(32)};
    return sa;
}

class sa_kernel : public xfrm_test::kernel_test {
  protected:
    void SetUp() override {
        kernel_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        sa_config probe = cbc_sa("192.0.2.250", "192.0.2.251", 0x100);
        probe.reqid = 1999;
        auto r = backend().add_sa(probe);
        if (!r && lacks_esp(r.error()))
            GTEST_SKIP() << "kernel lacks ESP (CONFIG_INET_ESP/esp4); run inside the UML lab: "
                         << r.error().message();
        ASSERT_TRUE(r) << r.error().message();
        ASSERT_TRUE(backend().delete_sa(probe.id()));
    }

    // Installs, or skips when the kernel lacks just this algorithm (ENOSYS).
    void add_or_skip(const sa_config& sa) {
        auto r = backend().add_sa(sa);
        if (!r && r.error().value() == ENOSYS) GTEST_SKIP() << r.error().message();
        ASSERT_TRUE(r) << r.error().message();
    }
};

TEST_F(sa_kernel, tunnel_gcm_with_encap_mark_if_id_and_lifetimes) {
    sa_config sa = cbc_sa("192.0.2.1", "192.0.2.2", 0xc1000001);
    sa.crypt.reset();
    sa.integ.reset();
    sa.aead = aead_algorithm{"rfc4106(gcm(aes))", 128, key(20)};
    sa.encap = udp_encap{4500, 4501};
    sa.mark = mark{0x2a, 0xff};
    sa.if_id = 7;
    sa.lifetime.soft_bytes = 1000000;
    sa.lifetime.hard_bytes = 2000000;
    sa.lifetime.soft_add_seconds = 3000;
    sa.lifetime.hard_add_seconds = 3600;
    ASSERT_NO_FATAL_FAILURE(add_or_skip(sa));
    if (IsSkipped()) return;
    auto block = find_block(ip_blocks("state"), {"src 192.0.2.1 dst 192.0.2.2",
                                                 spi_text(0xc1000001), "reqid 1001 mode tunnel"});
    ASSERT_NE(block, "");
    EXPECT_NE(block.find("aead rfc4106(gcm(aes))"), std::string::npos) << block;
    EXPECT_NE(block.find(" 128"), std::string::npos) << block;
    EXPECT_NE(block.find("encap type espinudp sport 4500 dport 4501"), std::string::npos) << block;
    EXPECT_NE(block.find("mark 0x2a/0xff"), std::string::npos) << block;
    EXPECT_NE(block.find("if_id 0x7"), std::string::npos) << block;

    auto got = backend().get_sa(sa.id());
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->aead_name, "rfc4106(gcm(aes))");
    EXPECT_EQ(got->icv_bits, 128u);
    EXPECT_EQ(got->lifetime.hard_add_seconds, 3600u);
    EXPECT_EQ(got->lifetime.soft_bytes, 1000000u);
    ASSERT_TRUE(got->encap);
    EXPECT_EQ(got->encap->dst_port, 4501);
    EXPECT_EQ(got->mark, sa.mark);
    EXPECT_EQ(got->if_id, 7u);
    EXPECT_EQ(got->usage.bytes, 0u);
    EXPECT_NE(got->usage.add_time, 0u);
}

TEST_F(sa_kernel, chacha20_poly1305_ipv6_transport) {
    sa_config sa = cbc_sa("2001:db8::1", "2001:db8::2", 0xc1000002);
    sa.mode = mode::transport;
    sa.sel = selector::host_pair(sa.src, sa.dst);
    sa.crypt.reset();
    sa.integ.reset();
    sa.aead = aead_algorithm{"rfc7539esp(chacha20,poly1305)", 128, key(36)};
    ASSERT_NO_FATAL_FAILURE(add_or_skip(sa));
    if (IsSkipped()) return;
    EXPECT_NE(find_block(ip_blocks("state"), {"src 2001:db8::1 dst 2001:db8::2", "mode transport",
                                              "rfc7539esp(chacha20,poly1305)"}),
              "");
}

TEST_F(sa_kernel, cbc_with_each_hmac_truncation) {
    struct {
        const char* name;
        std::size_t key_len;
        std::uint32_t trunc;
    } integs[] = {{"hmac(sha1)", 20, 96},
                  {"hmac(sha256)", 32, 128},
                  {"hmac(sha384)", 48, 192},
                  {"hmac(sha512)", 64, 256}};
    std::uint32_t spi = 0xc1000010;
    for (const auto& i : integs) {
        sa_config sa = cbc_sa("192.0.2.1", "192.0.2.2", spi++);
        sa.crypt = crypt_algorithm{"cbc(aes)", key(32)};
        sa.integ = integ_algorithm{i.name, i.trunc, key(i.key_len)};
        auto r = backend().add_sa(sa);
        if (!r && r.error().value() == ENOSYS) continue;  // algorithm not built in
        ASSERT_TRUE(r) << i.name << ": " << r.error().message();
        auto got = backend().get_sa(sa.id());
        ASSERT_TRUE(got);
        EXPECT_EQ(got->integ_name, i.name);
        EXPECT_EQ(got->icv_bits, i.trunc);
        EXPECT_NE(
            find_block(ip_blocks("state"), {spi_text(sa.spi), std::string("auth-trunc ") + i.name,
                                            " " + std::to_string(i.trunc)}),
            "");
    }
}

TEST_F(sa_kernel, esn_and_large_replay_window) {
    sa_config in = cbc_sa("192.0.2.2", "192.0.2.1", 0xc1000020);
    in.esn = true;
    in.replay_window = 1024;
    ASSERT_TRUE(backend().add_sa(in)) << "inbound ESN";
    auto got = backend().get_sa(in.id());
    ASSERT_TRUE(got);
    EXPECT_EQ(got->replay_window, 1024u);
    EXPECT_TRUE(got->flags & XFRM_STATE_ESN);
    EXPECT_NE(find_block(ip_blocks("state"), {spi_text(in.spi), "flag esn"}), "");

    sa_config out = cbc_sa("192.0.2.1", "192.0.2.2", 0xc1000021);
    out.direction = sa_direction::outbound;
    out.esn = true;
    auto r = backend().add_sa(out);
    ASSERT_TRUE(r) << "outbound ESN: " << r.error().message();

    sa_config wide = cbc_sa("192.0.2.2", "192.0.2.1", 0xc1000022);
    wide.replay_window = 4096;  // > 32 without ESN: via XFRMA_REPLAY_ESN_VAL
    ASSERT_TRUE(backend().add_sa(wide));
    EXPECT_EQ(backend().get_sa(wide.id())->replay_window, 4096u);
}

TEST_F(sa_kernel, allocspi_then_update_completes_larval_sa) {
    auto spi = backend().alloc_spi(spi_request{addr("192.0.2.2"),
                                               addr("192.0.2.1"),
                                               proto_esp,
                                               mode::tunnel,
                                               1001,
                                               0xc2000000,
                                               0xc20000ff,
                                               {},
                                               0});
    ASSERT_TRUE(spi) << spi.error().message();
    sa_config sa = cbc_sa("192.0.2.2", "192.0.2.1", *spi);
    ASSERT_TRUE(backend().update_sa(sa));
    auto got = backend().get_sa(sa.id());
    ASSERT_TRUE(got);
    EXPECT_EQ(got->crypt_name, "cbc(aes)");
    EXPECT_EQ(ip_blocks("state").size(), 1u);
}

TEST_F(sa_kernel, duplicate_delete_and_flush_owned) {
    sa_config sa = cbc_sa("192.0.2.1", "192.0.2.2", 0xc1000030);
    ASSERT_TRUE(backend().add_sa(sa));
    auto dup = backend().add_sa(sa);
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().value(), EEXIST);
    ASSERT_TRUE(backend().delete_sa(sa.id()));
    EXPECT_EQ(backend().get_sa(sa.id()).error().value(), ESRCH);

    ASSERT_TRUE(backend().add_sa(sa));
    xfrm_test::run(
        "ip xfrm state add src 192.0.2.1 dst 192.0.2.9 proto esp spi 0x300 reqid 7 mode tunnel "
        "enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff "
        "auth-trunc 'hmac(sha256)' "
        "0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 128");
    ASSERT_EQ(ip_blocks("state").size(), 2u);
    auto report = backend().flush_owned();
    ASSERT_TRUE(report);
    EXPECT_EQ(report->sas_deleted, 1u);
    auto left = ip_blocks("state");
    ASSERT_EQ(left.size(), 1u);
    EXPECT_NE(left[0].find("reqid 7"), std::string::npos);
}

// An algorithm the kernel does not have is refused with a value that names
// the cause, and nothing is left installed.
TEST_F(sa_kernel, algorithm_the_kernel_lacks_is_a_clear_error) {
    sa_config sa = cbc_sa("192.0.2.1", "192.0.2.2", 0xc1000040);
    sa.crypt->name = "cbc(no-such-cipher)";
    auto added = backend().add_sa(sa);
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error().value(), ENOSYS);
    EXPECT_NE(added.error().message().find("lacks a requested algorithm"), std::string::npos)
        << added.error().message();
    EXPECT_TRUE(ip_blocks("state").empty());
}

}  // namespace
