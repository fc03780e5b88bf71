// RFC 7383 IKE fragmentation between two engines: negotiation in
// IKE_SA_INIT, IKE_AUTH in fragments both ways, reordering, loss,
// duplicates, tampering and retransmission of fragmented messages.
#include <gtest/gtest.h>

#include "libike/codec/notify_payload.hpp"
#include "libike/codec/skf_payload.hpp"
#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

bool has_notify(const send_datagram& d, notify_type type) {
    auto m = decode_message(d.data);
    if (!m) return false;
    for (const auto& p : m->payloads)
        if (const auto* n = std::get_if<notify_payload>(&p.body); n && n->type == type) return true;
    return false;
}

const skf_payload* skf_of(const message& m) {
    if (m.payloads.empty()) return nullptr;
    return std::get_if<skf_payload>(&m.payloads.back().body);
}

std::optional<skf_payload> skf_of(const in_flight& f) {
    auto m = decode_message(f.datagram->data);
    if (!m || !skf_of(*m)) return std::nullopt;
    return *skf_of(*m);
}

// IKE_AUTH datagrams `p` sent: fragments and whole messages.
std::size_t auth_datagrams(const peer& p, bool response, std::size_t* fragments = nullptr) {
    std::size_t n = 0;
    for (const auto& d : p.sent) {
        auto m = decode_message(d.data);
        if (!m || m->header.exchange != exchange_type::ike_auth ||
            m->header.is_response() != response)
            continue;
        ++n;
        if (fragments && skf_of(*m)) ++*fragments;
    }
    return n;
}

struct Fragmentation : site_to_site {
    Fragmentation() {
        // IKE_AUTH with PSK is about 210 bytes each way; a limit of 150-byte
        // IP packets (about 60 bytes of payload per fragment) splits it in
        // several both ways.
        settings.fragment_size = 150;
    }
};

TEST_F(Fragmentation, BothAnnounceAndIkeAuthGoesInFragmentsBothWays) {
    start();
    initiate();
    expect_up();
    ASSERT_FALSE(A().sent.empty());
    EXPECT_TRUE(has_notify(A().sent.front(), notify_type::ikev2_fragmentation_supported));
    EXPECT_TRUE(has_notify(B().sent.front(), notify_type::ikev2_fragmentation_supported));
    std::size_t req_frags = 0, resp_frags = 0;
    EXPECT_EQ(auth_datagrams(A(), false, &req_frags), req_frags);
    EXPECT_EQ(auth_datagrams(B(), true, &resp_frags), resp_frags);
    EXPECT_GE(req_frags, 2u);
    EXPECT_GE(resp_frags, 2u);
    for (const peer* p : {&A(), &B()})
        for (const auto& d : p->sent) {
            if (decode_message(d.data)->header.exchange == exchange_type::ike_sa_init) continue;
            EXPECT_LE(d.data.size() + 28, settings.fragment_size);
        }
    EXPECT_EQ(A().eng.counters().fragments_sent, req_frags);
    EXPECT_EQ(B().eng.counters().fragments_received, req_frags);
    EXPECT_EQ(B().eng.counters().reassembled, 1u);
    EXPECT_EQ(A().eng.counters().reassembled, 1u);
    // The CHILD_SA keys agree: both sides derived them from the same messages.
    EXPECT_EQ(A().installs[0].spi_out, B().installs[0].spi_in);
}

TEST_F(Fragmentation, CreateChildSaGoesInFragmentsToo) {
    // A second child with PFS: its CREATE_CHILD_SA carries SA, Nonce, KE, TS.
    for (auto* extra : {&a_extra, &b_extra}) {
        child_sa_config web;
        web.name = "web";
        web.local_ts.push_back(ts(extra == &a_extra ? "10.11.0.0/24" : "10.12.0.0/24"));
        web.remote_ts.push_back(ts(extra == &a_extra ? "10.12.0.0/24" : "10.11.0.0/24"));
        web.esp_proposals.push_back(esp_prop("aes128gcm16-x25519"));
        extra->push_back(std::move(web));
    }
    start();
    initiate();
    EXPECT_EQ(A().installs.size(), 2u) << A().failures();
    EXPECT_EQ(B().installs.size(), 2u) << B().failures();
    std::size_t ccsa_fragments = 0;
    for (const auto& d : A().sent) {
        auto m = decode_message(d.data);
        if (m && m->header.exchange == exchange_type::create_child_sa && skf_of(*m))
            ++ccsa_fragments;
    }
    EXPECT_GE(ccsa_fragments, 2u);
    EXPECT_EQ(B().eng.counters().reassembled, 2u) << "IKE_AUTH and CREATE_CHILD_SA";
}

TEST_F(Fragmentation, DefaultSizeSendsPskMessagesWhole) {
    settings.fragment_size = 1280;
    start();
    initiate();
    expect_up();
    EXPECT_TRUE(has_notify(A().sent.front(), notify_type::ikev2_fragmentation_supported));
    EXPECT_EQ(A().eng.counters().fragments_sent + B().eng.counters().fragments_sent, 0u);
}

TEST_F(Fragmentation, NotUsedWhenThePeerDoesNotSupportIt) {
    b_spec.fragmentation = fragmentation_policy::no;
    start();
    initiate();
    expect_up();
    EXPECT_TRUE(has_notify(A().sent.front(), notify_type::ikev2_fragmentation_supported));
    EXPECT_FALSE(has_notify(B().sent.front(), notify_type::ikev2_fragmentation_supported));
    EXPECT_EQ(auth_datagrams(A(), false), 1u);
    EXPECT_EQ(auth_datagrams(B(), true), 1u);
    EXPECT_EQ(A().eng.counters().fragments_sent + B().eng.counters().fragments_sent, 0u);
}

TEST_F(Fragmentation, ResponderDoesNotAnnounceUnasked) {
    a_spec.fragmentation = fragmentation_policy::no;
    start();
    initiate();
    expect_up();
    EXPECT_FALSE(has_notify(A().sent.front(), notify_type::ikev2_fragmentation_supported));
    EXPECT_FALSE(has_notify(B().sent.front(), notify_type::ikev2_fragmentation_supported));
    EXPECT_EQ(B().eng.counters().fragments_sent, 0u);
}

TEST_F(Fragmentation, AcceptReassemblesButSendsWhole) {
    a_spec.fragmentation = fragmentation_policy::accept;
    start();
    initiate();
    expect_up();
    EXPECT_TRUE(has_notify(A().sent.front(), notify_type::ikev2_fragmentation_supported));
    EXPECT_EQ(auth_datagrams(A(), false), 1u) << "accept: A never fragments";
    EXPECT_GE(B().eng.counters().fragments_sent, 2u) << "B fragments for A";
    EXPECT_EQ(A().eng.counters().reassembled, 1u);
}

TEST_F(Fragmentation, ReorderedFragmentsAreReassembled) {
    start();
    std::vector<send_datagram> held;
    net->hook = [&](in_flight& f) {
        if (is(f, exchange_type::ike_auth, false) && skf_of(f)) {
            held.push_back(*f.datagram);
            return verdict::drop;
        }
        return verdict::deliver;
    };
    initiate();
    ASSERT_GE(held.size(), 2u);
    net->hook = nullptr;
    for (auto it = held.rbegin(); it != held.rend(); ++it)
        B().eng.receive(net->now, it->remote, it->local, it->data);
    net->run();
    expect_up();
    EXPECT_EQ(A().eng.counters().retransmits, 0u);
}

TEST_F(Fragmentation, ALostRequestFragmentIsRecoveredByRetransmission) {
    start();
    bool dropped = false;
    net->hook = [&](in_flight& f) {
        auto skf = skf_of(f);
        if (!dropped && is(f, exchange_type::ike_auth, false) && skf && skf->fragment_number == 2) {
            dropped = true;
            return verdict::drop;
        }
        return verdict::deliver;
    };
    initiate();
    EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
    EXPECT_EQ(B().eng.counters().reassembled, 0u);
    net->advance(5s);
    expect_up();
    EXPECT_EQ(A().eng.counters().retransmits, 1u);
    std::size_t frags = 0;
    const std::size_t sent = auth_datagrams(A(), false, &frags);
    EXPECT_EQ(frags, sent);
    EXPECT_EQ(sent % 2, 0u) << "every fragment went out twice";
}

TEST_F(Fragmentation, ALostResponseFragmentIsResentOnlyForFragmentOne) {
    start();
    bool dropped = false;
    net->hook = [&](in_flight& f) {
        auto skf = skf_of(f);
        if (!dropped && is(f, exchange_type::ike_auth, true) && skf && skf->fragment_number == 2) {
            dropped = true;
            return verdict::drop;
        }
        return verdict::deliver;
    };
    initiate();
    EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
    std::size_t first_frags = 0;
    const std::size_t first = auth_datagrams(B(), true, &first_frags);
    net->advance(5s);
    expect_up();
    // A resent all n request fragments; B answered only fragment 1 of them,
    // with its whole fragmented response once more.
    EXPECT_EQ(auth_datagrams(B(), true), 2 * first);
    EXPECT_EQ(B().eng.counters().reassembled, 1u);
}

TEST_F(Fragmentation, DuplicatedFragmentsAreHarmless) {
    start();
    net->hook = [](in_flight& f) { return skf_of(f) ? verdict::duplicate : verdict::deliver; };
    initiate();
    expect_up();
    EXPECT_EQ(A().eng.counters().reassembled, 1u);
    EXPECT_EQ(B().eng.counters().reassembled, 1u);
    EXPECT_EQ(A().eng.counters().retransmits, 0u);
}

TEST_F(Fragmentation, ATamperedFragmentIsDroppedAndTheExchangeRecovers) {
    start();
    bool tampered = false;
    net->hook = [&](in_flight& f) {
        auto skf = skf_of(f);
        if (!tampered && is(f, exchange_type::ike_auth, false) && skf &&
            skf->fragment_number == 1) {
            tampered = true;
            f.datagram->data.back() ^= 0x01;  // in the ICV
        }
        return verdict::deliver;
    };
    initiate();
    EXPECT_EQ(B().eng.counters().dropped_integrity, 1u);
    EXPECT_FALSE(B().has_event(sa_event::kind::ike_up));
    net->advance(5s);
    expect_up();
}

TEST_F(Fragmentation, FragmentsAreDroppedWhenNotNegotiated) {
    // B refuses fragmentation, but A is made to believe it was agreed: B
    // must drop A's fragments rather than reassemble them.
    b_spec.fragmentation = fragmentation_policy::no;
    start();
    net->hook = [&](in_flight& f) {
        if (is(f, exchange_type::ike_sa_init, true)) {
            // Add the notify B did not send, before A reads the response.
            auto m = decode_message(f.datagram->data);
            m->payloads.push_back(payload{
                payload_type::notify, false,
                notify_payload{
                    protocol_id::none, {}, notify_type::ikev2_fragmentation_supported, {}}});
            f.datagram->data = encode_message(*m);
        }
        return verdict::deliver;
    };
    initiate();
    EXPECT_GE(A().eng.counters().fragments_sent, 2u);
    EXPECT_EQ(B().eng.counters().fragments_received, 0u);
    EXPECT_GE(B().eng.counters().dropped_malformed, 2u);
    EXPECT_FALSE(B().has_event(sa_event::kind::ike_up));
}

}  // namespace
}  // namespace ike::test
