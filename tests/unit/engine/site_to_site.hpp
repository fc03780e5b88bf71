#pragma once
// The site-to-site fixture most engine tests share: A (initiator, 192.0.2.1,
// net 10.1.0.0/16) and B (responder, 192.0.2.2, net 10.2.0.0/16) with one
// PSK, through two_peers.
#include <gtest/gtest.h>

#include "tests/unit/engine/two_peers.hpp"

namespace ike::test {

using namespace std::chrono_literals;

struct site_to_site : ::testing::Test {
    conn_spec a_spec{.local_addr = "192.0.2.1",
                     .remote_addr = "192.0.2.2",
                     .local_id = "a.example.org",
                     .remote_id = "b.example.org",
                     .local_ts = {"10.1.0.0/16"},
                     .remote_ts = {"10.2.0.0/16"}};
    conn_spec b_spec{.local_addr = "192.0.2.2",
                     .remote_addr = "192.0.2.1",
                     .local_id = "b.example.org",
                     .remote_id = "a.example.org",
                     .local_ts = {"10.2.0.0/16"},
                     .remote_ts = {"10.1.0.0/16"}};
    std::vector<child_sa_config> a_extra, b_extra;  ///< children after "net"
    std::unique_ptr<two_peers> net;
    engine_settings settings;
    std::string a_addr = "192.0.2.1", b_addr = "192.0.2.2";

    void start(std::string_view psk_a = "s3cret-psk", std::string_view psk_b = "s3cret-psk") {
        net = std::make_unique<two_peers>(a_addr, b_addr, settings);
        net->a.psks.add("b.example.org", psk_a);
        net->b.psks.add("a.example.org", psk_b);
        configure();
    }
    /// (Re)loads both peers' connections: the specs plus the extra children.
    void configure() {
        auto a = make_config(a_spec), b = make_config(b_spec);
        a->children.insert(a->children.end(), a_extra.begin(), a_extra.end());
        b->children.insert(b->children.end(), b_extra.begin(), b_extra.end());
        net->a.eng.set_connections({a});
        net->b.eng.set_connections({b});
    }
    ike_sa_id initiate(std::string_view child = {}) {
        auto id = net->a.eng.initiate(net->now, "site", child);
        EXPECT_TRUE(id) << (id ? "" : id.error().message);
        net->run();
        return id.value_or(0);
    }
    /// A second child "web" (10.11.0.0/16 === 10.12.0.0/16) on both sides.
    void add_second_child() {
        child_sa_config a, b;
        a.name = b.name = "web";
        a.local_ts = {ts("10.11.0.0/16")};
        a.remote_ts = {ts("10.12.0.0/16")};
        b.local_ts = a.remote_ts;
        b.remote_ts = a.local_ts;
        a.esp_proposals = b.esp_proposals = {esp_prop("aes256gcm16-esn")};
        a_extra.push_back(a);
        b_extra.push_back(b);
    }
    peer& A() { return net->a; }
    peer& B() { return net->b; }

    void expect_up() {
        EXPECT_TRUE(A().has_event(sa_event::kind::ike_up)) << A().failures();
        EXPECT_TRUE(B().has_event(sa_event::kind::ike_up)) << B().failures();
        EXPECT_TRUE(A().has_event(sa_event::kind::child_up)) << A().failures();
        EXPECT_TRUE(B().has_event(sa_event::kind::child_up)) << B().failures();
        ASSERT_EQ(A().installs.size(), 1u);
        ASSERT_EQ(B().installs.size(), 1u);
    }
};

inline bool is(const in_flight& f, exchange_type e, bool response) {
    return f.header.exchange == e && f.header.is_response() == response;
}

}  // namespace ike::test
