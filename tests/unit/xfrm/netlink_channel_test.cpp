// netlink_channel's batched path against the host kernel, in a private network
// namespace: NLM_F_ACK only on the last request of each sendmsg, so a failing
// request is known only by the NLMSG_ERROR carrying its sequence number. These
// check that every failure still lands on its own request, wherever it sits in
// a chunk, and that a chunk of failures fits the receive buffer.
#include "libxfrm/netlink_channel.hpp"

#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <netinet/in.h>

#include <cerrno>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "kernel_fixture.hpp"
#include "libxfrm/xfrm_policy_msg.hpp"
#include "libxfrm/xfrm_sa_msg.hpp"

namespace {

using namespace xfrm;
using xfrm_test::ip_blocks;

ip_address addr(const char* s) {
    return *ip_address::parse(s);
}

// Policy number `i` of a test set: distinct by destination port.
policy_config policy(int i) {
    policy_config p;
    p.sel.src = addr("10.1.0.0");
    p.sel.src_prefix = 16;
    p.sel.dst = addr("10.2.0.0");
    p.sel.dst_prefix = 24;
    p.sel.proto = IPPROTO_TCP;
    p.sel.dst_port = static_cast<std::uint16_t>(1000 + i);
    p.direction = direction::out;
    p.priority = 1234;
    p.templates.push_back(
        policy_template{addr("192.0.2.1"), addr("192.0.2.2"), IPPROTO_ESP, mode::tunnel, 1001});
    return p;
}

policy_id id_of(const policy_config& p) {
    return policy_id{p.sel, p.direction, p.mark, p.if_id, std::nullopt};
}

class netlink_channel_host : public xfrm_test::kernel_test {};

#define OPEN_CHANNEL(ch)                                       \
    auto ch##_opened = netlink_channel::open();                \
    ASSERT_TRUE(ch##_opened) << ch##_opened.error().message(); \
    netlink_channel& ch = *ch##_opened

TEST_F(netlink_channel_host, chunk_is_256_messages_within_the_socket_buffers) {
    OPEN_CHANNEL(ch);
    EXPECT_EQ(ch.max_chunk_messages(), 256u);  // root: SO_RCVBUFFORCE gives room for 256 errors
    // 256 of the largest messages the daemon sends (NEWSA with keys) fit.
    EXPECT_GE(ch.max_chunk_bytes(), 256u * 1024u / 2u);
}

// Failures at the first, a middle and the last position of one chunk, and on
// both sides of a chunk boundary, with different errnos; the rest install.
TEST_F(netlink_channel_host, several_failures_in_one_batch_are_each_attributed) {
    for (int i : {9000, 9001, 9002, 9003, 9004}) ASSERT_TRUE(backend().add_policy(policy(i)));

    constexpr int count = 600;  // three chunks: 0-255, 256-511, 512-599
    std::vector<kernel_change> changes;
    for (int i = 0; i < count; ++i) changes.push_back(policy_add{policy(i)});
    changes[0] = policy_add{policy(9000)};              // EEXIST, first of chunk 1
    changes[100] = policy_delete{id_of(policy(7000))};  // ENOENT, middle
    changes[255] = policy_add{policy(9001)};            // EEXIST, last of chunk 1
    changes[256] = policy_add{policy(9002)};            // EEXIST, first of chunk 2
    changes[400] = policy_add{policy(9003)};            // EEXIST, middle of chunk 2
    changes[401] = policy_delete{id_of(policy(7001))};  // ENOENT, right after it
    changes[count - 1] = policy_add{policy(9004)};      // EEXIST, last of the batch
    const std::set<std::size_t> eexist{0, 255, 256, 400, count - 1};
    const std::set<std::size_t> enoent{100, 401};

    auto results = backend().apply(changes);
    ASSERT_EQ(results.size(), static_cast<std::size_t>(count));
    std::size_t ok = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (eexist.count(i)) {
            ASSERT_FALSE(results[i]) << i;
            EXPECT_EQ(results[i].error().value(), EEXIST) << i;
            EXPECT_NE(results[i].error().what.find("XFRM_MSG_NEWPOLICY"), std::string::npos);
        } else if (enoent.count(i)) {
            ASSERT_FALSE(results[i]) << i;
            EXPECT_EQ(results[i].error().value(), ENOENT) << i;
            EXPECT_NE(results[i].error().what.find("XFRM_MSG_DELPOLICY"), std::string::npos);
        } else {
            EXPECT_TRUE(results[i]) << i << ": " << results[i].error().message();
            ok += results[i] ? 1 : 0;
        }
    }
    EXPECT_EQ(ok, static_cast<std::size_t>(count) - eexist.size() - enoent.size());
    // 5 pre-installed + the 593 successful adds.
    EXPECT_EQ(ip_blocks("policy").size(), 5u + ok);
    auto listed = backend().list_policies();
    ASSERT_TRUE(listed) << listed.error().message();
    EXPECT_EQ(listed->size(), 5u + ok);
}

// Every request of a full chunk fails: 256 NLMSG_ERRORs queue up before the
// channel reads any. None may be lost (ENOBUFS), and each is attributed.
TEST_F(netlink_channel_host, a_chunk_where_every_request_fails) {
    OPEN_CHANNEL(ch);
    const std::size_t n = ch.max_chunk_messages();
    ASSERT_EQ(n, 256u);
    std::vector<nl_message> adds;
    for (std::size_t i = 0; i < n; ++i) adds.push_back(build_new_policy(policy(int(i))));
    for (const auto& r : ch.execute_batch(adds)) ASSERT_TRUE(r) << r.error().message();

    auto again = ch.execute_batch(adds);  // every one a duplicate
    ASSERT_EQ(again.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
        ASSERT_FALSE(again[i]) << i;
        EXPECT_EQ(again[i].error().value(), EEXIST) << i << ": " << again[i].error().message();
    }

    std::vector<nl_message> missing;  // deletes of policies that do not exist
    for (std::size_t i = 0; i < n; ++i)
        missing.push_back(build_delete_policy(id_of(policy(int(5000 + i)))));
    auto gone = ch.execute_batch(std::move(missing));
    for (std::size_t i = 0; i < n; ++i) {
        ASSERT_FALSE(gone[i]) << i;
        EXPECT_EQ(gone[i].error().value(), ENOENT) << i << ": " << gone[i].error().message();
    }

    // The channel is still in step: a mixed batch gets exactly its own answers.
    std::vector<nl_message> dels;
    for (std::size_t i = 0; i < n; ++i) dels.push_back(build_delete_policy(id_of(policy(int(i)))));
    for (const auto& r : ch.execute_batch(std::move(dels))) EXPECT_TRUE(r) << r.error().message();
    EXPECT_TRUE(ip_blocks("policy").empty());
}

// The last request's NLMSG_ERROR (no separate ACK comes) ends the chunk: the
// call returns at once, not after the receive timeout.
TEST_F(netlink_channel_host, last_request_failing_ends_the_chunk) {
    ASSERT_TRUE(backend().add_policy(policy(0)));
    for (std::size_t size : {std::size_t{1}, std::size_t{2}, std::size_t{10}, std::size_t{256}}) {
        std::vector<kernel_change> changes;
        for (std::size_t i = 1; i < size; ++i)
            changes.push_back(policy_add{policy(static_cast<int>(100 * size + i))});
        changes.push_back(policy_add{policy(0)});  // duplicate, last
        auto t0 = std::chrono::steady_clock::now();
        auto results = backend().apply(changes);
        auto took = std::chrono::steady_clock::now() - t0;
        EXPECT_LT(took, std::chrono::seconds(2)) << size;  // the timeout is 5 s
        ASSERT_EQ(results.size(), size);
        for (std::size_t i = 0; i + 1 < size; ++i)
            EXPECT_TRUE(results[i]) << size << "/" << i << ": " << results[i].error().message();
        ASSERT_FALSE(results.back());
        EXPECT_EQ(results.back().error().value(), EEXIST);
    }
    EXPECT_EQ(ip_blocks("policy").size(), 1u + 0u + 1u + 9u + 255u);
    // Nothing stale is left for the next request to trip over.
    auto got = backend().get_policy(id_of(policy(0)));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->config.sel.dst_port, 1000);
}

// A GET or a dump in execute_batch keeps its own semantics: it is sent on its
// own (a GET with NLM_F_ACK, a dump up to NLMSG_DONE), between the chunks of
// modifications around it.
TEST_F(netlink_channel_host, gets_and_dumps_in_a_batch_keep_their_semantics) {
    OPEN_CHANNEL(ch);
    std::vector<nl_message> batch;
    batch.push_back(build_new_policy(policy(1)));
    batch.push_back(build_get_policy(id_of(policy(1))));  // exists
    batch.push_back(build_new_policy(policy(2)));
    batch.push_back(build_dump_policy());
    batch.push_back(build_get_policy(id_of(policy(3))));     // does not exist
    batch.push_back(build_delete_policy(id_of(policy(4))));  // does not exist
    batch.push_back(build_new_policy(policy(3)));
    auto results = ch.execute_batch(std::move(batch));
    ASSERT_EQ(results.size(), 7u);
    EXPECT_TRUE(results[0]);
    EXPECT_TRUE(results[1]) << results[1].error().message();
    EXPECT_TRUE(results[2]);
    EXPECT_TRUE(results[3]) << results[3].error().message();
    ASSERT_FALSE(results[4]);
    EXPECT_EQ(results[4].error().value(), ENOENT);
    ASSERT_FALSE(results[5]);
    EXPECT_EQ(results[5].error().value(), ENOENT);
    EXPECT_TRUE(results[6]);

    auto one = ch.query(build_get_policy(id_of(policy(2))));
    ASSERT_TRUE(one) << one.error().message();
    EXPECT_EQ(one->header()->nlmsg_type, XFRM_MSG_NEWPOLICY);
    auto all = ch.dump(build_dump_policy());
    ASSERT_TRUE(all) << all.error().message();
    EXPECT_EQ(all->size(), 3u);
}

// ---- nl_builder's reused scratch buffer ----------------------------------------

std::vector<std::uint8_t> bytes_of(const nl_message& m) {
    return {m.view().begin(), m.view().end()};
}

sa_config sa_with_keys() {
    sa_config sa;
    sa.src = addr("192.0.2.1");
    sa.dst = addr("192.0.2.2");
    sa.spi = 0xc0000001;
    sa.reqid = 1004;
    ike::secret key(36);
    for (std::size_t i = 0; i < key.size(); ++i) key.data()[i] = 0xa5;
    sa.aead = aead_algorithm{"rfc4106(gcm(aes))", 128, std::move(key)};
    return sa;
}

TEST(nl_builder_scratch, message_after_a_larger_one_has_no_leftovers) {
    auto small_first = bytes_of(build_delete_policy(id_of(policy(1))));
    auto big = build_new_sa(sa_with_keys());
    EXPECT_GT(big.size(), small_first.size());
    auto small_after = bytes_of(build_delete_policy(id_of(policy(1))));
    EXPECT_EQ(small_after, small_first);
    EXPECT_EQ(bytes_of(build_new_sa(sa_with_keys())), bytes_of(big));
}

TEST(nl_builder_scratch, nested_builders_do_not_share_a_buffer) {
    auto expected_outer = bytes_of(build_delete_policy(id_of(policy(1))));
    auto expected_inner = bytes_of(build_new_sa(sa_with_keys()));
    nl_builder outer(XFRM_MSG_FLUSHPOLICY, NLM_F_ACK);
    auto inner = build_new_sa(sa_with_keys());  // while `outer` holds the thread's buffer
    auto outer_msg = outer.finish();
    EXPECT_EQ(bytes_of(inner), expected_inner);
    EXPECT_EQ(outer_msg.size(), NLMSG_HDRLEN);
    EXPECT_EQ(outer_msg.header()->nlmsg_type, XFRM_MSG_FLUSHPOLICY);
    EXPECT_EQ(bytes_of(build_delete_policy(id_of(policy(1)))), expected_outer);
}

}  // namespace
