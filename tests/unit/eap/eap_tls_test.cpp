// EAP-TLS through the local backend against our EAP-TLS peer, in one
// process, with certificates the test issues: full handshakes under TLS 1.2
// and 1.3 (same 64-octet MSK on both sides), fragmentation with odd sizes,
// and every way a client certificate can be refused (unknown CA, expired,
// revoked, not naming the EAP identity, none at all), a server certificate
// the peer refuses, and packets that lie about their lengths or come at the
// wrong time.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "libike/crypto/cert_validation.hpp"
#include "libike/crypto/random_source.hpp"
#include "libike/eap/eap_packet.hpp"
#include "libike/eap/eap_tls_fragments.hpp"
#include "libike/eap/eap_tls_peer.hpp"
#include "libike/eap/local_backend.hpp"
#include "tests/unit/crypto/cert_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

const cert_time now = utc(2026, 6, 1);

/// A CA, the gateway's certificate and carol's, and a stranger CA.
struct pki {
    issued ca = issue({.cn = "Test CA", .ca = true}, nullptr);
    issued gateway = issue(
        {.cn = "vpn.example.org", .san = "DNS:vpn.example.org", .eku = "serverAuth", .serial = 2},
        &ca);
    issued carol = issue(
        {.cn = "carol", .san = "email:carol@example.org", .eku = "clientAuth", .serial = 3}, &ca);
    private_key gateway_key = load_key(gateway.key.get());
    private_key carol_key = load_key(carol.key.get());
    trust_store trust = make_trust({ca.cert});

    static trust_store make_trust(std::vector<certificate> cas,
                                  std::vector<revocation_list> crls = {}) {
        auto t = trust_store::create(cas, crls);
        EXPECT_TRUE(t) << t.error().message();
        return std::move(*t);
    }
};

pki& shared_pki() {
    static pki p;
    return p;
}

struct gateway {
    eap_user_store users;
    deterministic_random random{7};
    local_backend backend{users};
    eap_session_params params;

    explicit gateway(const pki& p, const trust_store* trust = nullptr) {
        params.methods = {eap_type::tls};
        params.random = &random;
        params.tls_certificate = &p.gateway.cert;
        params.tls_key = &p.gateway_key;
        params.tls_trust = trust != nullptr ? trust : &p.trust;
        params.now = now;
    }

    std::unique_ptr<eap_server> session() {
        auto s = backend.create_session(params);
        EXPECT_TRUE(s) << s.error().message();
        return s ? std::move(*s) : nullptr;
    }
};

eap_tls_peer_config carol_config(const pki& p) {
    eap_tls_peer_config c;
    c.identity = "carol@example.org";
    c.cert = &p.carol.cert;
    c.key = &p.carol_key;
    c.trust = &p.trust;
    c.now = now;
    c.server_identity = "vpn.example.org";
    return c;
}

struct outcome {
    eap_step last;
    std::vector<bytes> requests;
    peer_step peer_last = peer_failure{};
};

/// Runs server and peer against each other until one of them ends.
outcome converse(eap_server& server, eap_tls_peer& peer, std::string_view idi) {
    outcome out{server.start(idi), {}};
    for (int round = 0; round < 2000; ++round) {
        auto* req = std::get_if<eap_request_step>(&out.last);
        if (req == nullptr) break;
        out.requests.push_back(req->packet);
        out.peer_last = peer.process(req->packet);
        auto* resp = std::get_if<peer_response>(&out.peer_last);
        if (resp == nullptr) return out;
        out.last = server.process(resp->packet);
    }
    if (auto* s = std::get_if<eap_success_step>(&out.last)) out.peer_last = peer.process(s->packet);
    if (auto* f = std::get_if<eap_failure_step>(&out.last)) out.peer_last = peer.process(f->packet);
    return out;
}

std::string failure_text(const eap_step& step) {
    auto* f = std::get_if<eap_failure_step>(&step);
    return f != nullptr ? f->error.message()
                        : "not a failure (step " + std::to_string(step.index()) + ")";
}

/// The server's failure reason and that it is a certificate rejection.
void expect_refused(const outcome& o, eap_errc code, std::string_view words) {
    auto* f = std::get_if<eap_failure_step>(&o.last);
    ASSERT_NE(f, nullptr) << "the server did not refuse";
    if (std::getenv("EAP_TLS_SHOW") != nullptr) std::cerr << f->error.message() << "\n";
    EXPECT_EQ(f->error.code, code) << f->error.message();
    EXPECT_NE(f->error.message().find(words), std::string::npos) << f->error.message();
    EXPECT_TRUE(std::holds_alternative<peer_failure>(o.peer_last));
}

void expect_success(const outcome& o, tls_version v, const eap_tls_peer& peer) {
    auto* ok = std::get_if<eap_success_step>(&o.last);
    ASSERT_NE(ok, nullptr) << failure_text(o.last);
    auto* peer_ok = std::get_if<peer_success>(&o.peer_last);
    ASSERT_NE(peer_ok, nullptr) << (std::holds_alternative<peer_failure>(o.peer_last)
                                        ? std::get<peer_failure>(o.peer_last).error.message()
                                        : "peer still talking");
    EXPECT_EQ(ok->msk.size(), 64u);
    EXPECT_TRUE(ok->msk == peer_ok->msk);
    EXPECT_EQ(ok->identity, "carol@example.org");
    EXPECT_EQ(peer.version(), v);
}

TEST(eap_tls, tls12_handshake_gives_both_sides_the_same_msk) {
    auto& p = shared_pki();
    gateway gw(p);
    auto cfg = carol_config(p);
    cfg.max_version = tls_version::tls1_2;  // charon 5.9.8's default
    eap_tls_peer peer(cfg);
    auto server = gw.session();
    auto o = converse(*server, peer, "carol@example.org");
    expect_success(o, tls_version::tls1_2, peer);
}

TEST(eap_tls, tls13_handshake_gives_both_sides_the_same_msk) {
    auto& p = shared_pki();
    gateway gw(p);
    eap_tls_peer peer(carol_config(p));
    auto server = gw.session();
    auto o = converse(*server, peer, "carol@example.org");
    expect_success(o, tls_version::tls1_3, peer);
}

TEST(eap_tls, tls13_strongswan_compatible_msk_is_a_different_key) {
    // charon 5.9.8 derives its TLS 1.3 MSK with RFC 5216's label; both ends
    // set the same way agree, and the key is not RFC 9190's.
    auto& p = shared_pki();
    gateway gw(p);
    gw.params.tls13_key_derivation = tls13_msk::strongswan_5_9;
    auto cfg = carol_config(p);
    cfg.tls13_key_derivation = tls13_msk::strongswan_5_9;
    eap_tls_peer peer(cfg);
    auto server = gw.session();
    auto o = converse(*server, peer, "carol@example.org");
    expect_success(o, tls_version::tls1_3, peer);

    gateway mixed(p);  // RFC 9190 server, strongSwan-style peer: MSKs differ
    eap_tls_peer old_peer(cfg);
    auto s2 = mixed.session();
    auto o2 = converse(*s2, old_peer, "carol@example.org");
    auto* ok = std::get_if<eap_success_step>(&o2.last);
    auto* peer_ok = std::get_if<peer_success>(&o2.peer_last);
    ASSERT_TRUE(ok != nullptr && peer_ok != nullptr);
    EXPECT_FALSE(ok->msk == peer_ok->msk);
}

TEST(eap_tls, intermediates_travel_in_tls_and_rsa_keys_work) {
    // Client and server each send an intermediate CA in their Certificate
    // message; the trust stores hold only the roots. RSA for the server, as
    // many gateways have.
    auto& p = shared_pki();
    issued sub_ca = issue({.cn = "Sub CA", .ca = true, .serial = 20}, &p.ca);
    issued gw_rsa = issue({.cn = "vpn.example.org", .san = "DNS:vpn.example.org", .serial = 21},
                          &sub_ca, key_type::rsa);
    issued carol2 = issue({.cn = "carol", .san = "email:carol@example.org", .serial = 22}, &sub_ca);
    private_key gw_key = load_key(gw_rsa.key.get());
    private_key carol_key = load_key(carol2.key.get());
    for (auto v : {tls_version::tls1_2, tls_version::tls1_3}) {
        gateway gw(p);
        gw.params.tls_certificate = &gw_rsa.cert;
        gw.params.tls_key = &gw_key;
        gw.params.tls_chain = {sub_ca.cert};
        auto cfg = carol_config(p);
        cfg.cert = &carol2.cert;
        cfg.key = &carol_key;
        cfg.chain = {sub_ca.cert};
        cfg.max_version = v;
        eap_tls_peer peer(cfg);
        auto server = gw.session();
        auto o = converse(*server, peer, "carol@example.org");
        expect_success(o, v, peer);
    }
    // Without the intermediate, the client's chain is incomplete.
    gateway gw(p);
    auto cfg = carol_config(p);
    cfg.cert = &carol2.cert;
    cfg.key = &carol_key;
    eap_tls_peer peer(cfg);
    auto server = gw.session();
    auto o = converse(*server, peer, "carol@example.org");
    expect_refused(o, eap_errc::certificate_rejected, "Sub CA");
}

TEST(eap_tls, fqdn_and_dn_identities_match_the_certificate) {
    auto& p = shared_pki();
    issued host =
        issue({.cn = "laptop.example.org", .san = "DNS:laptop.example.org", .serial = 30}, &p.ca);
    private_key host_key = load_key(host.key.get());
    for (std::string id : {"laptop.example.org", "O=ikev2d tests, CN=laptop.example.org"}) {
        gateway gw(p);
        auto cfg = carol_config(p);
        cfg.identity = id;
        cfg.cert = &host.cert;
        cfg.key = &host_key;
        eap_tls_peer peer(cfg);
        auto server = gw.session();
        auto o = converse(*server, peer, id);
        auto* ok = std::get_if<eap_success_step>(&o.last);
        ASSERT_NE(ok, nullptr) << id << ": " << failure_text(o.last);
        EXPECT_EQ(ok->identity, id);
    }
}

TEST(eap_tls, msk_differs_between_sessions) {
    auto& p = shared_pki();
    gateway gw(p);
    secret first;
    for (int i = 0; i < 2; ++i) {
        eap_tls_peer peer(carol_config(p));
        auto server = gw.session();
        auto o = converse(*server, peer, "carol@example.org");
        auto* ok = std::get_if<eap_success_step>(&o.last);
        ASSERT_NE(ok, nullptr) << failure_text(o.last);
        if (i == 0)
            first = ok->msk;
        else
            EXPECT_FALSE(first == ok->msk);
    }
}

TEST(eap_tls, identity_round_then_tls) {
    auto& p = shared_pki();
    gateway gw(p);
    gw.params.ask_identity = true;
    eap_tls_peer peer(carol_config(p));
    auto server = gw.session();
    auto o = converse(*server, peer, "some-idi");
    expect_success(o, tls_version::tls1_3, peer);
}

TEST(eap_tls, requests_stay_within_the_fragment_size) {
    auto& p = shared_pki();
    for (std::size_t size : {1000u, 333u, 97u, 7u}) {
        gateway gw(p);
        gw.params.tls_fragment_size = size;
        auto cfg = carol_config(p);
        cfg.fragment_size = size + 13;  // the peer cuts differently
        eap_tls_peer peer(cfg);
        auto server = gw.session();
        auto o = converse(*server, peer, "carol@example.org");
        expect_success(o, tls_version::tls1_3, peer);
        // EAP header (5), flags (1) and the length field (4) around the data.
        std::size_t largest = 0;
        for (const auto& r : o.requests) largest = std::max(largest, r.size());
        EXPECT_LE(largest, size + 10) << "fragment size " << size;
        if (size < 1000) {
            EXPECT_GT(o.requests.size(), 4u) << "fragment size " << size;
        }
    }
}

TEST(eap_tls, client_from_an_unknown_ca_is_refused) {
    auto& p = shared_pki();
    issued other_ca = issue({.cn = "Other CA", .ca = true}, nullptr);
    issued mallory =
        issue({.cn = "carol", .san = "email:carol@example.org", .serial = 9}, &other_ca);
    private_key mallory_key = load_key(mallory.key.get());
    for (auto v : {tls_version::tls1_2, tls_version::tls1_3}) {
        gateway gw(p);
        auto cfg = carol_config(p);
        cfg.cert = &mallory.cert;
        cfg.key = &mallory_key;
        cfg.max_version = v;
        eap_tls_peer peer(cfg);
        auto server = gw.session();
        auto o = converse(*server, peer, "carol@example.org");
        expect_refused(o, eap_errc::certificate_rejected, "Other CA");
        EXPECT_NE(failure_text(o.last).find("unknown CA"), std::string::npos);
        // The peer learnt it from our alert before the EAP-Failure.
        auto* pf = std::get_if<peer_failure>(&o.peer_last);
        ASSERT_NE(pf, nullptr);
        EXPECT_EQ(pf->error.code, eap_errc::tls_failed) << pf->error.message();
        EXPECT_NE(pf->error.message().find("alert"), std::string::npos) << pf->error.message();
    }
}

TEST(eap_tls, expired_client_certificate_is_refused) {
    auto& p = shared_pki();
    issued old = issue({.cn = "carol",
                        .san = "email:carol@example.org",
                        .not_before = utc(2025, 1, 1),
                        .not_after = utc(2026, 1, 1),
                        .serial = 10},
                       &p.ca);
    private_key old_key = load_key(old.key.get());
    gateway gw(p);
    auto cfg = carol_config(p);
    cfg.cert = &old.cert;
    cfg.key = &old_key;
    eap_tls_peer peer(cfg);
    auto server = gw.session();
    auto o = converse(*server, peer, "carol@example.org");
    expect_refused(o, eap_errc::certificate_rejected, "expired on 2026-01-01");
}

TEST(eap_tls, revoked_client_certificate_is_refused) {
    auto& p = shared_pki();
    trust_store with_crl =
        pki::make_trust({p.ca.cert}, {make_crl(p.ca, {3}, utc(2026, 5, 1), utc(2026, 7, 1))});
    gateway gw(p, &with_crl);
    eap_tls_peer peer(carol_config(p));
    auto server = gw.session();
    auto o = converse(*server, peer, "carol@example.org");
    expect_refused(o, eap_errc::certificate_rejected, "revoked");
}

TEST(eap_tls, certificate_must_name_the_eap_identity) {
    auto& p = shared_pki();
    gateway gw(p);
    auto cfg = carol_config(p);
    cfg.identity = "dave@example.org";
    eap_tls_peer peer(cfg);
    auto server = gw.session();
    auto o = converse(*server, peer, "dave@example.org");
    expect_refused(o, eap_errc::certificate_rejected, "does not contain the identity");
    EXPECT_NE(failure_text(o.last).find("dave@example.org"), std::string::npos);
    EXPECT_NE(failure_text(o.last).find("email:carol@example.org"), std::string::npos);
}

TEST(eap_tls, client_without_certificate_is_refused) {
    auto& p = shared_pki();
    for (auto v : {tls_version::tls1_2, tls_version::tls1_3}) {
        gateway gw(p);
        auto cfg = carol_config(p);
        cfg.cert = nullptr;
        cfg.key = nullptr;
        cfg.max_version = v;
        eap_tls_peer peer(cfg);
        auto server = gw.session();
        auto o = converse(*server, peer, "carol@example.org");
        expect_refused(o, eap_errc::tls_failed, "sent no certificate");
    }
}

TEST(eap_tls, peer_refuses_a_server_it_does_not_trust) {
    auto& p = shared_pki();
    issued other_ca = issue({.cn = "Other CA", .ca = true}, nullptr);
    trust_store other = pki::make_trust({other_ca.cert});
    gateway gw(p);
    auto cfg = carol_config(p);
    cfg.trust = &other;
    eap_tls_peer peer(cfg);
    auto server = gw.session();
    auto o = converse(*server, peer, "carol@example.org");
    auto* pf = std::get_if<peer_failure>(&o.peer_last);
    ASSERT_NE(pf, nullptr);
    EXPECT_EQ(pf->error.code, eap_errc::certificate_rejected) << pf->error.message();
    EXPECT_NE(pf->error.message().find("server's"), std::string::npos) << pf->error.message();
    // Our alert reached the server, which fails too.
    EXPECT_EQ(std::get_if<eap_failure_step>(&o.last) != nullptr, true) << failure_text(o.last);
}

TEST(eap_tls, peer_refuses_a_server_certificate_without_its_name) {
    auto& p = shared_pki();
    gateway gw(p);
    auto cfg = carol_config(p);
    cfg.server_identity = "other.example.org";
    eap_tls_peer peer(cfg);
    auto server = gw.session();
    auto o = converse(*server, peer, "carol@example.org");
    auto* pf = std::get_if<peer_failure>(&o.peer_last);
    ASSERT_NE(pf, nullptr);
    EXPECT_NE(pf->error.message().find("other.example.org"), std::string::npos)
        << pf->error.message();
}

TEST(eap_tls, session_needs_certificate_key_and_trust) {
    auto& p = shared_pki();
    gateway gw(p);
    gw.params.tls_key = nullptr;
    gw.params.tls_trust = nullptr;
    gw.params.now = {};
    auto s = gw.backend.create_session(gw.params);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, eap_errc::backend_unavailable);
    EXPECT_NE(s.error().message().find("private key"), std::string::npos);
    EXPECT_NE(s.error().message().find("trusted CA"), std::string::npos);
    EXPECT_NE(s.error().message().find("wall-clock time"), std::string::npos);
}

// ---- packets that lie or come at the wrong time ----

/// A server session after its Start, and the Start's identifier.
struct started {
    gateway gw{shared_pki()};
    std::unique_ptr<eap_server> server = gw.session();
    std::uint8_t id = 0;
    started() {
        auto first = server->start("carol@example.org");
        auto* r = std::get_if<eap_request_step>(&first);
        EXPECT_NE(r, nullptr);
        if (r != nullptr) id = r->packet[1];
    }
    eap_step answer(const bytes& type_data) {
        return server->process(eap_response(id, eap_type::tls, type_data));
    }
};

void expect_malformed(const eap_step& step, std::string_view words) {
    auto* f = std::get_if<eap_failure_step>(&step);
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->error.message().find(words), std::string::npos) << f->error.message();
}

TEST(eap_tls, length_field_cut_off) {
    started s;
    expect_malformed(s.answer({0x80, 0x00, 0x01}), "length field is cut off");
}

TEST(eap_tls, length_smaller_than_the_fragment) {
    started s;
    expect_malformed(s.answer({0x80, 0, 0, 0, 2, 0x16, 3, 3, 0, 5}), "this fragment alone");
}

TEST(eap_tls, l_flag_announces_more_than_arrives) {
    started s;
    expect_malformed(s.answer({0x80, 0, 0, 0x13, 0x88, 0x16, 3, 3}), "announced 5000");
}

TEST(eap_tls, length_above_the_limit) {
    started s;
    expect_malformed(s.answer({0xC0, 0x7F, 0, 0, 0, 0x16}), "more than the 65536");
}

TEST(eap_tls, first_fragment_with_m_but_without_l) {
    started s;
    expect_malformed(s.answer({0x40, 0x16, 3, 3}), "without the L length");
}

TEST(eap_tls, later_fragment_changes_the_length) {
    started s;
    auto ack = s.answer({0xC0, 0, 0, 0, 10, 0x16, 3, 3});
    auto* r = std::get_if<eap_request_step>(&ack);
    ASSERT_NE(r, nullptr) << failure_text(ack);
    s.id = r->packet[1];
    expect_malformed(s.answer({0x80, 0, 0, 0, 11, 1, 0}), "later fragment announces 11");
}

TEST(eap_tls, fragments_carry_more_than_announced) {
    started s;
    auto ack = s.answer({0xC0, 0, 0, 0, 4, 0x16, 3, 3});
    auto* r = std::get_if<eap_request_step>(&ack);
    ASSERT_NE(r, nullptr) << failure_text(ack);
    s.id = r->packet[1];
    expect_malformed(s.answer({0x00, 1, 2}), "more than the 4");
}

TEST(eap_tls, empty_type_data) {
    started s;
    expect_malformed(s.answer({}), "no flags octet");
}

TEST(eap_tls, start_from_the_peer) {
    started s;
    expect_malformed(s.answer({0x20}), "a Start from the peer");
}

TEST(eap_tls, ack_before_any_tls_data) {
    started s;
    expect_malformed(s.answer({0x00}), "acknowledgement while we wait");
}

TEST(eap_tls, garbage_instead_of_a_client_hello) {
    started s;
    auto step = s.answer({0x00, 0x16, 0x03, 0x01, 0x00, 0x02, 0xFF, 0xFF});
    // An alert goes out (marked failing), then the session fails.
    if (auto* r = std::get_if<eap_request_step>(&step)) {
        ASSERT_TRUE(r->failing.has_value());
        EXPECT_EQ(r->failing->code, eap_errc::tls_failed);
        s.id = r->packet[1];
        step = s.answer({0x00});
    }
    auto* f = std::get_if<eap_failure_step>(&step);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->error.code, eap_errc::tls_failed) << f->error.message();
}

TEST(eap_tls, every_truncation_of_the_client_hello_fails_cleanly) {
    // The peer's first real response, cut at every length and with every
    // single bit flipped in its header: the server fails or asks for more,
    // and never crashes or succeeds.
    auto& p = shared_pki();
    gateway gw(p);
    auto probe = gw.session();
    eap_tls_peer peer(carol_config(p));
    auto start = probe->start("carol@example.org");
    auto* r = std::get_if<eap_request_step>(&start);
    ASSERT_NE(r, nullptr);
    auto hello = std::get<peer_response>(peer.process(r->packet)).packet;
    const bytes type_data(hello.begin() + 5, hello.end());
    auto try_one = [&](const bytes& td) {
        started s;
        auto step = s.answer(td);
        EXPECT_FALSE(std::holds_alternative<eap_success_step>(step));
    };
    for (std::size_t n = 0; n < type_data.size(); n += 7)
        try_one(bytes(type_data.begin(), type_data.begin() + static_cast<std::ptrdiff_t>(n)));
    for (std::size_t bit = 0; bit < 10 * 8; ++bit) {
        bytes td = type_data;
        td[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        try_one(td);
    }
}

}  // namespace
