// Notifies that change what the other side does: INITIAL_CONTACT (§2.4),
// AUTHENTICATION_FAILED sent by the initiator (§2.21.2) and
// UNSUPPORTED_CRITICAL_PAYLOAD (§2.5).
#include <gtest/gtest.h>

#include <algorithm>

#include "libike/codec/message.hpp"
#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

// A restarts and connects again: its IKE_AUTH carries INITIAL_CONTACT, and B
// drops the IKE_SA and CHILD_SA it still held from before, without a Delete.
TEST_F(site_to_site, initial_contact_replaces_the_peers_old_sas) {
    start();
    initiate();
    expect_up();
    const auto old_child = B().installs[0];
    net->restart_a(0x5eed);
    A().psks.add("b.example.org", "s3cret-psk");
    configure();
    const auto b_sent = B().sent.size();
    initiate();
    EXPECT_TRUE(A().has_event(sa_event::kind::child_up)) << A().failures();
    ASSERT_EQ(B().installs.size(), 2u);
    ASSERT_EQ(B().removes.size(), 1u);
    EXPECT_EQ(B().removes[0].spi_in, old_child.spi_in);
    EXPECT_NE(B().failures().find("peer restarted (INITIAL_CONTACT)"), std::string::npos)
        << B().failures();
    ASSERT_EQ(B().eng.list_sas().size(), 1u);
    EXPECT_EQ(B().eng.list_sas()[0].children.at(0).spi_in, B().installs[1].spi_in);
    EXPECT_EQ(B().sent.size(), b_sent + 2);  // IKE_SA_INIT and IKE_AUTH answers, no Delete
}

// B's identity is not the one A expects: A refuses B's AUTH and tells B in an
// INFORMATIONAL of its own, so B drops the IKE_SA and CHILD_SA it installed.
TEST_F(site_to_site, initiator_reports_authentication_failed_to_the_responder) {
    b_spec.local_id = "c.example.org";
    start();
    net->b.psks.add("*", "s3cret-psk");
    initiate();
    EXPECT_NE(A().failures().find("AUTHENTICATION_FAILED"), std::string::npos) << A().failures();
    EXPECT_NE(A().failures().find("c.example.org"), std::string::npos) << A().failures();
    ASSERT_EQ(A().sent.size(), 3u);
    auto info = decode_message(A().sent[2].data);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->header.exchange, exchange_type::informational);
    EXPECT_EQ(info->header.message_id, 2u);
    EXPECT_EQ(B().installs.size(), 1u);
    EXPECT_EQ(B().removes.size(), 1u);
    EXPECT_NE(B().failures().find("could not verify our AUTH"), std::string::npos)
        << B().failures();
    EXPECT_TRUE(A().eng.list_sas().empty());
    EXPECT_TRUE(B().eng.list_sas().empty());
}

// An IKE_SA_INIT request with an unknown payload marked critical is answered
// with UNSUPPORTED_CRITICAL_PAYLOAD naming its type; no state is created.
TEST_F(site_to_site, unknown_critical_payload_is_refused_by_type) {
    start();
    net->hook = [&](in_flight& f) {
        if (!is(f, exchange_type::ike_sa_init, false)) return verdict::deliver;
        auto m = decode_message(f.datagram->data);
        m->payloads.push_back(
            payload{static_cast<payload_type>(200), true, unknown_payload{{1, 2}}});
        f.datagram->data = encode_message(*m);
        return verdict::deliver;
    };
    initiate();
    ASSERT_GE(B().sent.size(), 1u);
    auto answer = decode_message(B().sent[0].data);
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->payloads.size(), 1u);
    const auto& n = std::get<notify_payload>(answer->payloads[0].body);
    EXPECT_EQ(n.type, notify_type::unsupported_critical_payload);
    EXPECT_EQ(n.data, (bytes{200}));
    EXPECT_EQ(answer->header.spi_r, 0u);
    EXPECT_TRUE(B().eng.list_sas().empty());
    EXPECT_NE(A().failures().find("UNSUPPORTED_CRITICAL_PAYLOAD"), std::string::npos)
        << A().failures();
}

// RFC 6023: both sides announce CHILDLESS_IKEV2_SUPPORTED in IKE_SA_INIT, and
// a connection without children comes up as an IKE_SA alone.
TEST_F(site_to_site, childless_ike_sa_when_both_announce_it) {
    start();
    auto a = make_config(a_spec), b = make_config(b_spec);
    a->children.clear();
    A().eng.set_connections({a});
    B().eng.set_connections({b});
    initiate();
    for (const auto* p : {&A(), &B()}) {
        auto init = decode_message(p->sent.at(0).data);
        ASSERT_TRUE(init);
        EXPECT_TRUE(std::ranges::any_of(init->payloads, [](const payload& pl) {
            const auto* n = std::get_if<notify_payload>(&pl.body);
            return n && n->type == notify_type::childless_ikev2_supported;
        }));
    }
    EXPECT_TRUE(A().has_event(sa_event::kind::ike_up)) << A().failures();
    EXPECT_TRUE(B().has_event(sa_event::kind::ike_up)) << B().failures();
    EXPECT_TRUE(A().installs.empty());
    EXPECT_TRUE(B().installs.empty());
    EXPECT_TRUE(B().failures().empty()) << B().failures();
}

// Without the peer's announcement, a childless connection stops before IKE_AUTH.
TEST_F(site_to_site, childless_needs_the_peers_announcement) {
    start();
    auto a = make_config(a_spec);
    a->children.clear();
    A().eng.set_connections({a});
    net->hook = [&](in_flight& f) {
        if (!is(f, exchange_type::ike_sa_init, true)) return verdict::deliver;
        auto m = decode_message(f.datagram->data);
        std::erase_if(m->payloads, [](const payload& pl) {
            const auto* n = std::get_if<notify_payload>(&pl.body);
            return n && n->type == notify_type::childless_ikev2_supported;
        });
        f.datagram->data = encode_message(*m);
        return verdict::deliver;
    };
    initiate();
    EXPECT_NE(A().failures().find("did not announce CHILDLESS_IKEV2_SUPPORTED"), std::string::npos)
        << A().failures();
    EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
}

// Two connections for the same addresses: the responder takes the one whose
// remote identity is the peer's IDi, learnt in IKE_AUTH.
TEST_F(site_to_site, responder_picks_the_connection_by_the_peers_identity) {
    a_spec.local_id = "c.example.org";
    start();
    B().psks.add("c.example.org", "s3cret-psk");
    auto site = make_config(b_spec);
    auto other = make_config(b_spec);
    other->name = "other";
    other->remote_id = id("c.example.org");
    B().eng.set_connections({site, other});
    initiate();
    EXPECT_TRUE(A().has_event(sa_event::kind::child_up)) << A().failures();
    ASSERT_EQ(B().eng.list_sas().size(), 1u) << B().failures();
    EXPECT_EQ(B().eng.list_sas()[0].connection, "other");
    EXPECT_EQ(B().eng.list_sas()[0].remote_id, "c.example.org");
    ASSERT_EQ(B().installs.size(), 1u);
    EXPECT_EQ(B().installs[0].name, "other/net");
}

}  // namespace
}  // namespace ike::test
