// event_socket against the host kernel in a private namespace: a policy
// lifetime produces soft and hard POLEXPIRE, an unprotected packet an ACQUIRE.
// Neither needs ESP.
#include "libxfrm/event_socket.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "kernel_fixture.hpp"

namespace {

using namespace xfrm;

ip_address addr(const char* s) {
    return *ip_address::parse(s);
}

class event_socket_host : public xfrm_test::kernel_test {
  protected:
    // Polls the event fd until `done` says enough or `timeout` passes.
    template <class Done>
    std::vector<event> collect(event_socket& events, std::chrono::milliseconds timeout, Done done) {
        std::vector<event> out;
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!done(out) && std::chrono::steady_clock::now() < deadline) {
            pollfd pfd{events.fd(), POLLIN, 0};
            if (poll(&pfd, 1, 100) <= 0) continue;
            auto batch = events.read_pending();
            EXPECT_TRUE(batch) << batch.error().message();
            if (!batch) break;
            EXPECT_FALSE(batch->overflowed);
            for (auto& e : batch->events) out.push_back(std::move(e));
        }
        return out;
    }
};

TEST_F(event_socket_host, nothing_pending_returns_empty_without_blocking) {
    auto events = event_socket::open();
    ASSERT_TRUE(events) << events.error().message();
    auto batch = events->read_pending();
    ASSERT_TRUE(batch);
    EXPECT_TRUE(batch->events.empty());
    EXPECT_FALSE(batch->overflowed);
}

TEST_F(event_socket_host, policy_soft_and_hard_expire) {
    auto events = event_socket::open();
    ASSERT_TRUE(events) << events.error().message();
    policy_config p;
    p.sel = selector::host_pair(addr("10.7.0.1"), addr("10.7.0.2"));
    p.direction = direction::out;
    p.priority = 900;
    p.templates.push_back(
        policy_template{addr("192.0.2.1"), addr("192.0.2.2"), proto_esp, mode::tunnel, 1010});
    // The kernel counts whole seconds since the add, so soft and hard must be
    // at least two seconds apart for the soft event to fire before the hard one.
    p.lifetime.soft_add_seconds = 1;
    p.lifetime.hard_add_seconds = 3;
    ASSERT_TRUE(backend().add_policy(p));

    auto got = collect(*events, std::chrono::seconds(8), [](const std::vector<event>& evs) {
        for (const auto& e : evs) {
            auto* pe = std::get_if<policy_expire_event>(&e);
            if (pe && pe->hard) return true;
        }
        return false;
    });
    bool soft = false, hard = false;
    for (const auto& e : got) {
        auto* pe = std::get_if<policy_expire_event>(&e);
        if (!pe) continue;
        EXPECT_EQ(pe->policy.config.sel, p.sel);
        EXPECT_EQ(pe->policy.config.priority, 900u);
        ASSERT_EQ(pe->policy.config.templates.size(), 1u);
        EXPECT_EQ(pe->policy.config.templates[0].reqid, 1010u);
        (pe->hard ? hard : soft) = true;
    }
    EXPECT_TRUE(soft);
    EXPECT_TRUE(hard);
    EXPECT_TRUE(xfrm_test::ip_blocks("policy").empty());  // hard expiry removed it
}

TEST_F(event_socket_host, acquire_from_unprotected_packet) {
    // Loopback routes are exempt from XFRM (NOXFRM), so use a veth pair.
    xfrm_test::run(
        "ip link add v0 type veth peer name v1 && ip link set v0 up && "
        "ip link set v1 up && ip addr add 10.8.0.1/24 dev v0");
    auto events = event_socket::open();
    ASSERT_TRUE(events) << events.error().message();
    policy_config p;
    p.sel = selector::host_pair(addr("10.8.0.1"), addr("10.8.0.2"));
    p.sel.proto = IPPROTO_UDP;
    p.sel.dst_port = 9999;
    p.direction = direction::out;
    p.priority = 100;
    p.templates.push_back(
        policy_template{addr("10.8.0.1"), addr("10.8.0.2"), proto_esp, mode::tunnel, 1011});
    ASSERT_TRUE(backend().add_policy(p));

    int s = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(s, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9999);
    inet_pton(AF_INET, "10.8.0.2", &to.sin_addr);
    sendto(s, "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);  // dropped: no SA yet
    close(s);

    auto got = collect(*events, std::chrono::seconds(3),
                       [](const std::vector<event>& evs) { return !evs.empty(); });
    ASSERT_FALSE(got.empty());
    const auto* acq = std::get_if<acquire_event>(&got.front());
    ASSERT_NE(acq, nullptr);
    EXPECT_EQ(acq->reqid, 1011u);
    EXPECT_EQ(acq->src, addr("10.8.0.1"));
    EXPECT_EQ(acq->dst, addr("10.8.0.2"));
    EXPECT_EQ(acq->proto, proto_esp);
    EXPECT_EQ(acq->sel.dst, addr("10.8.0.2"));
    EXPECT_EQ(acq->sel.dst_port, 9999);
    EXPECT_EQ(acq->direction, direction::out);
    auto pol = backend().get_policy(policy_id{p.sel, p.direction, {}, 0, std::nullopt});
    ASSERT_TRUE(pol);
    EXPECT_EQ(acq->policy_index, pol->index);
    // The kernel's larval SA (SPI 0) carries our reqid: flush_owned finds it,
    // cannot delete it by SPI, and reports it as left to expire.
    auto report = backend().flush_owned();
    ASSERT_TRUE(report);
    EXPECT_EQ(report->policies_deleted, 1u);
    EXPECT_EQ(report->sas_deleted, 0u);
    EXPECT_EQ(report->larval_left, 1u);
    EXPECT_TRUE(report->failures.empty());
    EXPECT_NE(xfrm_test::find_block(xfrm_test::ip_blocks("state"), {"reqid 1011"}), "");
}

}  // namespace
