// SA message building and parsing, checked field by field against the
// <linux/xfrm.h> structs with a hand-written reader (raw_netlink.hpp).
#include "libxfrm/xfrm_sa_msg.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/udp.h>
#include <linux/xfrm.h>

#include "raw_netlink.hpp"

namespace {

using namespace xfrm;
using xfrm_test::as;
using xfrm_test::read_raw;

ip_address addr(const char* s) {
    return *ip_address::parse(s);
}

ike::secret key_of(std::size_t n, std::uint8_t first) {
    ike::secret k(n);
    for (std::size_t i = 0; i < n; ++i) k.data()[i] = static_cast<std::uint8_t>(first + i);
    return k;
}

sa_config gcm_tunnel_sa() {
    sa_config sa;
    sa.src = addr("192.0.2.1");
    sa.dst = addr("198.51.100.7");
    sa.spi = 0xc1234567;
    sa.mode = mode::tunnel;
    sa.reqid = 42;
    sa.replay_window = 32;
    sa.lifetime.soft_bytes = 1000000;
    sa.lifetime.hard_bytes = 2000000;
    sa.lifetime.soft_packets = 5000;
    sa.lifetime.hard_packets = 6000;
    sa.lifetime.soft_add_seconds = 3000;
    sa.lifetime.hard_add_seconds = 3600;
    sa.aead = aead_algorithm{"rfc4106(gcm(aes))", 128, key_of(20, 1)};  // AES-128 + 4-byte salt
    return sa;
}

TEST(xfrm_sa_msg, tunnel_gcm_sa_info_fields) {
    nl_message msg = build_new_sa(gcm_tunnel_sa());
    auto raw = read_raw(msg.view(), sizeof(xfrm_usersa_info));
    EXPECT_EQ(raw.header.nlmsg_type, XFRM_MSG_NEWSA);
    EXPECT_EQ(raw.header.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ(raw.header.nlmsg_len, msg.size());
    auto info = as<xfrm_usersa_info>(raw.fixed);

    in_addr dst{}, src{};
    inet_pton(AF_INET, "198.51.100.7", &dst);
    inet_pton(AF_INET, "192.0.2.1", &src);
    EXPECT_EQ(std::memcmp(&info.id.daddr, &dst, 4), 0);
    EXPECT_EQ(std::memcmp(&info.saddr, &src, 4), 0);
    const std::uint8_t spi_wire[4] = {0xc1, 0x23, 0x45, 0x67};  // network order on the wire
    EXPECT_EQ(std::memcmp(&info.id.spi, spi_wire, 4), 0);
    EXPECT_EQ(info.id.proto, IPPROTO_ESP);
    EXPECT_EQ(info.family, AF_INET);
    EXPECT_EQ(info.mode, XFRM_MODE_TUNNEL);
    EXPECT_EQ(info.reqid, 42u);
    EXPECT_EQ(info.replay_window, 32);
    EXPECT_EQ(info.flags, 0);
    EXPECT_EQ(info.sel.family, AF_INET);  // "any" selector of the SA's family
    EXPECT_EQ(info.sel.prefixlen_d, 0);
    EXPECT_EQ(info.lft.soft_byte_limit, 1000000u);
    EXPECT_EQ(info.lft.hard_byte_limit, 2000000u);
    EXPECT_EQ(info.lft.soft_packet_limit, 5000u);
    EXPECT_EQ(info.lft.hard_packet_limit, 6000u);
    EXPECT_EQ(info.lft.soft_add_expires_seconds, 3000u);
    EXPECT_EQ(info.lft.hard_add_expires_seconds, 3600u);
    EXPECT_EQ(info.lft.soft_use_expires_seconds, 0u);
    EXPECT_EQ(info.curlft.bytes, 0u);
    // No cipher/integrity/replay/encap attributes for this SA, only the AEAD.
    EXPECT_EQ(raw.attr_order, std::vector<std::uint16_t>{XFRMA_ALG_AEAD});
}

TEST(xfrm_sa_msg, aead_attribute_bytes) {
    nl_message msg = build_new_sa(gcm_tunnel_sa());
    auto raw = read_raw(msg.view(), sizeof(xfrm_usersa_info));
    const ike::bytes& a = raw.attrs.at(XFRMA_ALG_AEAD);
    ASSERT_EQ(a.size(), 64u + 4 + 4 + 20);  // name[64], key_len, icv_len, key
    EXPECT_STREQ(reinterpret_cast<const char*>(a.data()), "rfc4106(gcm(aes))");
    for (std::size_t i = std::strlen("rfc4106(gcm(aes))"); i < 64; ++i) EXPECT_EQ(a[i], 0);
    std::uint32_t key_bits, icv_bits;
    std::memcpy(&key_bits, a.data() + 64, 4);
    std::memcpy(&icv_bits, a.data() + 68, 4);
    EXPECT_EQ(key_bits, 160u);
    EXPECT_EQ(icv_bits, 128u);
    for (std::size_t i = 0; i < 20; ++i) EXPECT_EQ(a[72 + i], i + 1);
    EXPECT_EQ(offsetof(xfrm_algo_aead, alg_key), 72u);
}

TEST(xfrm_sa_msg, cbc_hmac_attributes) {
    sa_config sa = gcm_tunnel_sa();
    sa.aead.reset();
    sa.crypt = crypt_algorithm{"cbc(aes)", key_of(32, 0x10)};
    sa.integ = integ_algorithm{"hmac(sha384)", 192, key_of(48, 0x40)};
    auto raw = read_raw(build_new_sa(sa).view(), sizeof(xfrm_usersa_info));
    const ike::bytes& c = raw.attrs.at(XFRMA_ALG_CRYPT);
    ASSERT_EQ(c.size(), sizeof(xfrm_algo) + 32);
    EXPECT_STREQ(reinterpret_cast<const char*>(c.data()), "cbc(aes)");
    EXPECT_EQ(as<xfrm_algo>(c).alg_key_len, 256u);
    EXPECT_EQ(c[sizeof(xfrm_algo)], 0x10);
    const ike::bytes& i = raw.attrs.at(XFRMA_ALG_AUTH_TRUNC);
    ASSERT_EQ(i.size(), sizeof(xfrm_algo_auth) + 48);
    EXPECT_STREQ(reinterpret_cast<const char*>(i.data()), "hmac(sha384)");
    EXPECT_EQ(as<xfrm_algo_auth>(i).alg_key_len, 384u);
    EXPECT_EQ(as<xfrm_algo_auth>(i).alg_trunc_len, 192u);
    EXPECT_EQ(i.back(), 0x40 + 47);
    EXPECT_EQ(raw.attrs.count(XFRMA_ALG_AEAD), 0u);
}

TEST(xfrm_sa_msg, udp_encap_attribute) {
    sa_config sa = gcm_tunnel_sa();
    sa.encap = udp_encap{4500, 31337};
    auto raw = read_raw(build_new_sa(sa).view(), sizeof(xfrm_usersa_info));
    const ike::bytes& e = raw.attrs.at(XFRMA_ENCAP);
    ASSERT_EQ(e.size(), sizeof(xfrm_encap_tmpl));
    ASSERT_EQ(e.size(), 24u);  // u16 type, be16 sport, be16 dport, pad, 16-byte oa
    auto encap = as<xfrm_encap_tmpl>(e);
    EXPECT_EQ(encap.encap_type, UDP_ENCAP_ESPINUDP);
    EXPECT_EQ(e[2], 0x11);  // 4500 = 0x1194, big-endian
    EXPECT_EQ(e[3], 0x94);
    EXPECT_EQ(ntohs(encap.encap_dport), 31337);
}

TEST(xfrm_sa_msg, large_window_uses_replay_esn_attribute) {
    sa_config sa = gcm_tunnel_sa();
    sa.replay_window = 1024;
    auto raw = read_raw(build_new_sa(sa).view(), sizeof(xfrm_usersa_info));
    auto info = as<xfrm_usersa_info>(raw.fixed);
    EXPECT_EQ(info.replay_window, 0);  // the kernel requires 0 with XFRMA_REPLAY_ESN_VAL
    EXPECT_EQ(info.flags & XFRM_STATE_ESN, 0);
    const ike::bytes& r = raw.attrs.at(XFRMA_REPLAY_ESN_VAL);
    ASSERT_EQ(r.size(), sizeof(xfrm_replay_state_esn) + 1024 / 8);
    ASSERT_EQ(r.size(), 24u + 128u);
    auto esn = as<xfrm_replay_state_esn>(r);
    EXPECT_EQ(esn.bmp_len, 32u);
    EXPECT_EQ(esn.replay_window, 1024u);
    EXPECT_EQ(esn.oseq, 0u);
}

TEST(xfrm_sa_msg, esn_flag_and_odd_window_rounds_bitmap_up) {
    sa_config sa = gcm_tunnel_sa();
    sa.esn = true;
    sa.replay_window = 100;
    auto raw = read_raw(build_new_sa(sa).view(), sizeof(xfrm_usersa_info));
    auto info = as<xfrm_usersa_info>(raw.fixed);
    EXPECT_EQ(info.flags & XFRM_STATE_ESN, XFRM_STATE_ESN);
    auto esn = as<xfrm_replay_state_esn>(raw.attrs.at(XFRMA_REPLAY_ESN_VAL));
    EXPECT_EQ(esn.bmp_len, 4u);  // ceil(100 / 32)
    EXPECT_EQ(esn.replay_window, 100u);
    EXPECT_EQ(raw.attrs.at(XFRMA_REPLAY_ESN_VAL).size(), 24u + 16u);
}

TEST(xfrm_sa_msg, outbound_sa_has_no_replay_window) {
    sa_config sa = gcm_tunnel_sa();
    sa.direction = sa_direction::outbound;
    sa.replay_window = 1024;
    auto raw = read_raw(build_new_sa(sa).view(), sizeof(xfrm_usersa_info));
    EXPECT_EQ(as<xfrm_usersa_info>(raw.fixed).replay_window, 0);
    EXPECT_EQ(raw.attrs.count(XFRMA_REPLAY_ESN_VAL), 0u);

    sa.esn = true;  // ESN outbound: window 1, the smallest the kernel accepts without SA_DIR
    raw = read_raw(build_new_sa(sa).view(), sizeof(xfrm_usersa_info));
    auto esn = as<xfrm_replay_state_esn>(raw.attrs.at(XFRMA_REPLAY_ESN_VAL));
    EXPECT_EQ(esn.replay_window, 1u);
    EXPECT_EQ(esn.bmp_len, 1u);
}

TEST(xfrm_sa_msg, ipv6_transport_with_selector_mark_and_if_id) {
    sa_config sa = gcm_tunnel_sa();
    sa.src = addr("2001:db8::1");
    sa.dst = addr("2001:db8::2");
    sa.mode = mode::transport;
    selector sel = selector::host_pair(sa.src, sa.dst);
    sel.proto = IPPROTO_TCP;
    sel.dst_port = 443;
    sa.sel = sel;
    sa.mark = mark{0x2a, 0xff};
    sa.if_id = 7;
    sa.aead = aead_algorithm{"rfc7539esp(chacha20,poly1305)", 128, key_of(36, 0)};
    auto raw = read_raw(build_update_sa(sa).view(), sizeof(xfrm_usersa_info));
    EXPECT_EQ(raw.header.nlmsg_type, XFRM_MSG_UPDSA);
    auto info = as<xfrm_usersa_info>(raw.fixed);
    in6_addr dst{};
    inet_pton(AF_INET6, "2001:db8::2", &dst);
    EXPECT_EQ(std::memcmp(&info.id.daddr, &dst, 16), 0);
    EXPECT_EQ(std::memcmp(&info.sel.daddr, &dst, 16), 0);
    EXPECT_EQ(info.family, AF_INET6);
    EXPECT_EQ(info.mode, XFRM_MODE_TRANSPORT);
    EXPECT_EQ(info.sel.family, AF_INET6);
    EXPECT_EQ(info.sel.prefixlen_d, 128);
    EXPECT_EQ(info.sel.proto, IPPROTO_TCP);
    EXPECT_EQ(info.sel.dport, htons(443));
    EXPECT_EQ(info.sel.dport_mask, 0xffff);
    EXPECT_EQ(info.sel.sport_mask, 0);
    auto m = as<xfrm_mark>(raw.attrs.at(XFRMA_MARK));
    EXPECT_EQ(m.v, 0x2au);
    EXPECT_EQ(m.m, 0xffu);
    EXPECT_EQ(as<std::uint32_t>(raw.attrs.at(XFRMA_IF_ID)), 7u);
    EXPECT_EQ(as<xfrm_algo_aead>(raw.attrs.at(XFRMA_ALG_AEAD)).alg_key_len, 288u);
}

TEST(xfrm_sa_msg, delete_get_flush_alloc_spi_layouts) {
    sa_id id{addr("10.0.0.2"), 0x1000, IPPROTO_ESP, mark{1, 0xffffffff}};
    auto del = read_raw(build_delete_sa(id).view(), sizeof(xfrm_usersa_id));
    EXPECT_EQ(del.header.nlmsg_type, XFRM_MSG_DELSA);
    EXPECT_EQ(del.header.nlmsg_len, 16u + sizeof(xfrm_usersa_id) + 4 + 8);
    auto uid = as<xfrm_usersa_id>(del.fixed);
    EXPECT_EQ(uid.spi, htonl(0x1000));
    EXPECT_EQ(uid.family, AF_INET);
    EXPECT_EQ(uid.proto, IPPROTO_ESP);
    EXPECT_EQ(as<xfrm_mark>(del.attrs.at(XFRMA_MARK)).v, 1u);

    auto get = read_raw(build_get_sa(id).view(), sizeof(xfrm_usersa_id));
    EXPECT_EQ(get.header.nlmsg_type, XFRM_MSG_GETSA);
    EXPECT_EQ(get.header.nlmsg_flags, NLM_F_REQUEST);

    auto flush = read_raw(build_flush_sa(IPPROTO_ESP).view(), sizeof(xfrm_usersa_flush));
    EXPECT_EQ(flush.header.nlmsg_type, XFRM_MSG_FLUSHSA);
    EXPECT_EQ(as<xfrm_usersa_flush>(flush.fixed).proto, IPPROTO_ESP);

    spi_request req{
        addr("10.0.0.1"), addr("10.0.0.2"), IPPROTO_ESP, mode::tunnel, 9, 0x100, 0x200, {}, 0};
    auto spi = read_raw(build_alloc_spi(req).view(), sizeof(xfrm_userspi_info));
    EXPECT_EQ(spi.header.nlmsg_type, XFRM_MSG_ALLOCSPI);
    auto si = as<xfrm_userspi_info>(spi.fixed);
    EXPECT_EQ(si.min, 0x100u);
    EXPECT_EQ(si.max, 0x200u);
    EXPECT_EQ(si.info.reqid, 9u);
    EXPECT_EQ(si.info.id.proto, IPPROTO_ESP);
    EXPECT_EQ(si.info.family, AF_INET);
    EXPECT_TRUE(spi.attrs.empty());
}

TEST(xfrm_sa_msg, validate_rejects_bad_configs) {
    EXPECT_TRUE(validate(gcm_tunnel_sa()));
    sa_config both = gcm_tunnel_sa();
    both.crypt = crypt_algorithm{"cbc(aes)", key_of(16, 0)};
    EXPECT_FALSE(validate(both));
    sa_config none = gcm_tunnel_sa();
    none.aead.reset();
    EXPECT_FALSE(validate(none));
    sa_config long_name = gcm_tunnel_sa();
    long_name.aead->name = std::string(64, 'a');
    EXPECT_FALSE(validate(long_name));
    sa_config mixed = gcm_tunnel_sa();
    mixed.dst = addr("2001:db8::1");
    EXPECT_FALSE(validate(mixed));
    sa_config esn0 = gcm_tunnel_sa();
    esn0.esn = true;
    esn0.replay_window = 0;
    EXPECT_FALSE(validate(esn0));
    sa_config huge = gcm_tunnel_sa();
    huge.replay_window = max_replay_window + 1;
    EXPECT_FALSE(validate(huge));
}

// A GETSA reply as the kernel would build it, written by hand.
ike::bytes kernel_sa_reply() {
    xfrm_usersa_info info{};
    inet_pton(AF_INET, "10.9.0.2", &info.id.daddr);
    inet_pton(AF_INET, "10.9.0.1", &info.saddr);
    info.id.spi = htonl(0xdeadbeef);
    info.id.proto = IPPROTO_ESP;
    info.family = AF_INET;
    info.sel.family = AF_INET;
    info.mode = XFRM_MODE_TUNNEL;
    info.reqid = 77;
    info.curlft = xfrm_lifetime_cur{1111, 22, 1700000000, 1700000100};
    info.lft.hard_add_expires_seconds = 3600;
    xfrm_lifetime_cur ltime{3333, 44, 1700000000, 1700000200};
    ike::bytes aead(sizeof(xfrm_algo_aead) + 20, 0);
    xfrm_algo_aead alg{};
    std::strcpy(alg.alg_name, "rfc4106(gcm(aes))");
    alg.alg_key_len = 160;
    alg.alg_icv_len = 128;
    std::memcpy(aead.data(), &alg, sizeof alg);
    ike::bytes replay(sizeof(xfrm_replay_state_esn) + 16, 0);
    xfrm_replay_state_esn esn{};
    esn.bmp_len = 4;
    esn.replay_window = 128;
    std::memcpy(replay.data(), &esn, sizeof esn);
    xfrm_encap_tmpl encap{};
    encap.encap_type = UDP_ENCAP_ESPINUDP;
    encap.encap_sport = htons(4500);
    encap.encap_dport = htons(4501);
    return xfrm_test::raw_writer(XFRM_MSG_NEWSA)
        .fixed(info)
        .attr(XFRMA_ALG_AEAD, aead.data(), aead.size())
        .attr(XFRMA_LTIME_VAL, ltime)
        .attr(XFRMA_LASTUSED, std::uint64_t{1700000250})
        .attr(XFRMA_REPLAY_ESN_VAL, replay.data(), replay.size())
        .attr(XFRMA_ENCAP, encap)
        .attr(XFRMA_MARK, xfrm_mark{5, 0xf})
        .attr(XFRMA_IF_ID, std::uint32_t{3})
        .done();
}

TEST(xfrm_sa_msg, parse_kernel_reply_with_usage) {
    ike::bytes msg = kernel_sa_reply();
    auto sa = parse_sa(msg);
    ASSERT_TRUE(sa) << sa.error().what;
    EXPECT_EQ(sa->dst, addr("10.9.0.2"));
    EXPECT_EQ(sa->src, addr("10.9.0.1"));
    EXPECT_EQ(sa->spi, 0xdeadbeefu);
    EXPECT_EQ(sa->reqid, 77u);
    EXPECT_EQ(sa->mode, mode::tunnel);
    EXPECT_EQ(sa->usage, (usage{3333, 44, 1700000000, 1700000200}));  // XFRMA_LTIME_VAL wins
    EXPECT_EQ(sa->last_used, 1700000250u);
    EXPECT_EQ(sa->lifetime.hard_add_seconds, 3600u);
    EXPECT_EQ(sa->aead_name, "rfc4106(gcm(aes))");
    EXPECT_EQ(sa->icv_bits, 128u);
    EXPECT_EQ(sa->replay_window, 128u);
    ASSERT_TRUE(sa->encap);
    EXPECT_EQ(sa->encap->dst_port, 4501);
    EXPECT_EQ(sa->mark, (mark{5, 0xf}));
    EXPECT_EQ(sa->if_id, 3u);
}

TEST(xfrm_sa_msg, parse_rejects_truncation_at_every_length) {
    ike::bytes msg = kernel_sa_reply();
    for (std::size_t len = 0; len < msg.size(); ++len) {
        ike::bytes cut(msg.begin(), msg.begin() + len);
        if (len >= sizeof(nlmsghdr)) {
            std::uint32_t l = static_cast<std::uint32_t>(len);
            std::memcpy(cut.data(), &l, 4);  // a consistent but short message
        }
        auto sa = parse_sa(cut);
        // Cutting inside the fixed struct or inside an attribute must fail;
        // cutting exactly between attributes yields a shorter valid message.
        if (len < sizeof(nlmsghdr) + sizeof(xfrm_usersa_info)) {
            EXPECT_FALSE(sa) << len;
        }
    }
}

TEST(xfrm_sa_msg, parse_rejects_short_attribute_and_wrong_type) {
    xfrm_usersa_info info{};
    info.family = AF_INET;
    std::uint8_t short_encap[4] = {};
    auto msg = xfrm_test::raw_writer(XFRM_MSG_NEWSA)
                   .fixed(info)
                   .attr(XFRMA_ENCAP, short_encap, sizeof short_encap)
                   .done();
    EXPECT_FALSE(parse_sa(msg));
    auto pol = xfrm_test::raw_writer(XFRM_MSG_NEWPOLICY).fixed(info).done();
    EXPECT_FALSE(parse_sa(pol));
}

TEST(xfrm_sa_msg, af_unspec_flag_leaves_the_selector_without_a_family) {
    // A tunnel SA carrying IPv4 and IPv6 inside (XFRM_STATE_AF_UNSPEC): the
    // kernel keeps a selector of family 0 only if we send one.
    sa_config sa = gcm_tunnel_sa();
    sa.src = addr("2001:db8::1");
    sa.dst = addr("2001:db8::2");
    sa.extra_flags = XFRM_STATE_AF_UNSPEC;
    auto info =
        as<xfrm_usersa_info>(read_raw(build_new_sa(sa).view(), sizeof(xfrm_usersa_info)).fixed);
    EXPECT_EQ(info.family, AF_INET6);
    EXPECT_EQ(info.sel.family, 0);
    EXPECT_EQ(info.flags, XFRM_STATE_AF_UNSPEC);
}

}  // namespace
