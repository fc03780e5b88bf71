// Additional CHILD_SAs by CREATE_CHILD_SA (RFC 7296 §1.3.1), with and
// without PFS, and deleting one CHILD_SA while its IKE_SA stays.
#include <gtest/gtest.h>

#include <algorithm>

#include "libike/codec/message.hpp"
#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

child_sa_config child(std::string name, std::string local, std::string remote,
                      std::vector<std::string> esp = {"aes128gcm16"}) {
    child_sa_config c;
    c.name = std::move(name);
    c.local_ts.push_back(ts(local));
    c.remote_ts.push_back(ts(remote));
    for (const auto& p : esp) c.esp_proposals.push_back(esp_prop(p));
    return c;
}

struct create_child : site_to_site {
    // A second pair of subnets on both sides, as child "web".
    void add_web(std::vector<std::string> a_esp = {"aes128gcm16"},
                 std::vector<std::string> b_esp = {"aes128gcm16"}) {
        a_extra.push_back(child("web", "10.11.0.0/24", "10.12.0.0/24", std::move(a_esp)));
        b_extra.push_back(child("web", "10.12.0.0/24", "10.11.0.0/24", std::move(b_esp)));
    }

    std::size_t count(const peer& p, sa_event::kind k) const {
        return static_cast<std::size_t>(std::ranges::count(p.events, k, &sa_event::what));
    }

    // The two installs of one CHILD_SA mirror each other: SPIs and keys.
    static void expect_mirrored(const install_child_sa& a, const install_child_sa& b) {
        EXPECT_EQ(a.spi_in, b.spi_out);
        EXPECT_EQ(a.spi_out, b.spi_in);
        EXPECT_TRUE(a.keys.encr_out == b.keys.encr_in);
        EXPECT_TRUE(a.keys.encr_in == b.keys.encr_out);
        EXPECT_FALSE(a.keys.encr_in == a.keys.encr_out);
    }

    // Exchange types of the requests A sent, in order.
    std::vector<exchange_type> a_requests() const {
        std::vector<exchange_type> out;
        for (const auto& d : net->a.sent)
            if (auto m = decode_message(d.data); m && !m->header.is_response())
                out.push_back(m->header.exchange);
        return out;
    }
};

// Initiating a connection brings up every child: the first in IKE_AUTH, the
// next in a CREATE_CHILD_SA of its own, with fresh SPIs and keys.
TEST_F(create_child, every_child_comes_up_the_second_by_create_child_sa) {
    add_web();
    start();
    initiate();
    EXPECT_EQ(count(A(), sa_event::kind::child_up), 2u) << A().failures();
    EXPECT_EQ(count(B(), sa_event::kind::child_up), 2u) << B().failures();
    ASSERT_EQ(A().installs.size(), 2u);
    ASSERT_EQ(B().installs.size(), 2u);
    EXPECT_EQ(a_requests(), (std::vector{exchange_type::ike_sa_init, exchange_type::ike_auth,
                                         exchange_type::create_child_sa}));
    EXPECT_EQ(A().installs[1].name, "site/web");
    EXPECT_EQ(B().installs[1].name, "site/web");
    EXPECT_EQ(A().installs[1].local_ts, (std::vector{ts("10.11.0.0/24")}));
    EXPECT_EQ(B().installs[1].local_ts, (std::vector{ts("10.12.0.0/24")}));
    expect_mirrored(A().installs[0], B().installs[0]);
    expect_mirrored(A().installs[1], B().installs[1]);
    // KEYMAT of the second child comes from the CREATE_CHILD_SA's nonces.
    EXPECT_FALSE(A().installs[0].keys.encr_out == A().installs[1].keys.encr_out);
    EXPECT_EQ(A().installs[1].keys.encr, encr_id::aes_gcm_16);
    EXPECT_EQ(A().installs[1].keys.encr_key_bits, 128);
    ASSERT_EQ(A().eng.list_sas().size(), 1u);
    EXPECT_EQ(A().eng.list_sas()[0].children.size(), 2u);
    EXPECT_EQ(B().eng.list_sas()[0].children.size(), 2u);
}

// `initiate CONN/CHILD` on an established IKE_SA adds that child to it; once
// up, initiating it again is refused.
TEST_F(create_child, a_child_is_added_to_the_established_ike_sa) {
    add_web();
    start();
    const auto id = initiate("net");
    ASSERT_EQ(A().installs.size(), 1u);
    auto again = A().eng.initiate(net->now, "site", "web");
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(*again, id);
    net->run();
    ASSERT_EQ(A().installs.size(), 2u);
    ASSERT_EQ(B().installs.size(), 2u);
    expect_mirrored(A().installs[1], B().installs[1]);
    auto twice = A().eng.initiate(net->now, "site", "web");
    ASSERT_FALSE(twice);
    EXPECT_NE(twice.error().message.find("already up"), std::string::npos) << twice.error().message;
}

// PFS: both KE payloads go into KEYMAT; the responder's group preference
// wins through INVALID_KE_PAYLOAD (§1.3) and the child comes up on the retry.
TEST_F(create_child, pfs_with_an_invalid_ke_payload_retry) {
    add_web({"aes256gcm16-modp2048", "aes256gcm16-x25519"}, {"aes256gcm16-x25519"});
    start();
    initiate();
    EXPECT_EQ(count(A(), sa_event::kind::child_up), 2u) << A().failures();
    ASSERT_EQ(A().installs.size(), 2u);
    ASSERT_EQ(B().installs.size(), 2u);
    expect_mirrored(A().installs[1], B().installs[1]);
    EXPECT_EQ(A().installs[1].keys.encr_key_bits, 256);
    EXPECT_EQ(a_requests(),
              (std::vector{exchange_type::ike_sa_init, exchange_type::ike_auth,
                           exchange_type::create_child_sa, exchange_type::create_child_sa}));
    EXPECT_EQ(A().eng.list_sas()[0].children[1].esp_proposal, "aes256gcm16-curve25519-noesn");
    EXPECT_TRUE(A().failures().empty()) << A().failures();
    EXPECT_TRUE(B().failures().empty()) << B().failures();
    EXPECT_TRUE(A().has_notice("site/web: peer answered INVALID_KE_PAYLOAD"));
    EXPECT_TRUE(B().has_notice("site/web: answered INVALID_KE_PAYLOAD asking for"));
}

// A refused additional child leaves the IKE_SA and the first child up (§1.3).
TEST_F(create_child, a_refused_child_keeps_the_ike_sa) {
    add_web({"aes128gcm16"}, {"chacha20poly1305"});
    start();
    initiate();
    EXPECT_EQ(A().installs.size(), 1u);
    EXPECT_EQ(B().installs.size(), 1u);
    EXPECT_NE(A().failures().find("site/web refused: peer answered NO_PROPOSAL_CHOSEN"),
              std::string::npos)
        << A().failures();
    EXPECT_NE(B().failures().find("NO_PROPOSAL_CHOSEN"), std::string::npos) << B().failures();
    EXPECT_NE(B().failures().find("chacha20poly1305"), std::string::npos) << B().failures();
    ASSERT_EQ(A().eng.list_sas().size(), 1u);
    EXPECT_EQ(A().eng.list_sas()[0].state, "established");
    EXPECT_EQ(A().eng.list_sas()[0].children.size(), 1u);
    EXPECT_EQ(B().eng.list_sas()[0].children.size(), 1u);
}

// A lost CREATE_CHILD_SA response: the request is retransmitted, answered
// from the cache, and only one CHILD_SA exists on each side.
TEST_F(create_child, lost_response_is_answered_from_the_cache) {
    add_web();
    start();
    bool dropped = false;
    net->hook = [&](in_flight& f) {
        if (!dropped && is(f, exchange_type::create_child_sa, true)) {
            dropped = true;
            return verdict::drop;
        }
        return verdict::deliver;
    };
    initiate();
    EXPECT_EQ(A().installs.size(), 1u);
    EXPECT_EQ(B().installs.size(), 2u);
    net->advance(settings.retransmit_timeout + 1s);
    ASSERT_EQ(A().installs.size(), 2u);
    EXPECT_EQ(B().installs.size(), 2u);
    expect_mirrored(A().installs[1], B().installs[1]);
}

// Deleting one CHILD_SA: both sides remove exactly that one; the IKE_SA and
// the other child stay.
TEST_F(create_child, terminate_child_deletes_only_that_child) {
    add_web();
    start();
    const auto id = initiate();
    ASSERT_EQ(A().installs.size(), 2u);
    auto r = A().eng.terminate_child(net->now, A().installs[1].child);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, id);
    net->run();
    ASSERT_EQ(A().removes.size(), 1u);
    ASSERT_EQ(B().removes.size(), 1u);
    EXPECT_EQ(A().removes[0].spi_in, A().installs[1].spi_in);
    EXPECT_EQ(B().removes[0].spi_in, B().installs[1].spi_in);
    ASSERT_EQ(A().eng.list_sas().size(), 1u);
    EXPECT_EQ(A().eng.list_sas()[0].state, "established");
    ASSERT_EQ(A().eng.list_sas()[0].children.size(), 1u);
    EXPECT_EQ(A().eng.list_sas()[0].children[0].name, "site/net");
    ASSERT_EQ(B().eng.list_sas()[0].children.size(), 1u);
    EXPECT_EQ(B().eng.list_sas()[0].children[0].name, "site/net");
    EXPECT_FALSE(A().eng.terminate_child(net->now, 999));
}

// CHILD_SAs are found by number only while they exist: not once deleted by
// either side, nor once their IKE_SA is gone.
TEST_F(create_child, a_deleted_child_is_no_longer_found) {
    add_web();
    start();
    const auto id = initiate();
    ASSERT_EQ(B().installs.size(), 2u);
    ASSERT_TRUE(A().eng.terminate_child(net->now, A().installs[1].child));
    net->run();
    EXPECT_FALSE(A().eng.terminate_child(net->now, A().installs[1].child));
    EXPECT_FALSE(B().eng.terminate_child(net->now, B().installs[1].child));
    ASSERT_TRUE(A().eng.terminate(net->now, id));  // "net" goes with it
    net->run();
    EXPECT_TRUE(A().eng.list_sas().empty());
    EXPECT_TRUE(B().eng.list_sas().empty());
    EXPECT_FALSE(A().eng.terminate_child(net->now, A().installs[0].child));
    EXPECT_FALSE(B().eng.terminate_child(net->now, B().installs[0].child));
}

}  // namespace
}  // namespace ike::test
