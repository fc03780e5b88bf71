// CERT and CERTREQ payloads of IKE_AUTH on their own (cert_payloads.hpp,
// cert_request.hpp): which certificates go out under each send_cert policy
// and CERTREQ, how the peer's CERT and CERTREQ payloads are read.
#include <gtest/gtest.h>

#include "libike/crypto/cert_key_hash.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/tasks/cert_payloads.hpp"
#include "libike/tasks/cert_request.hpp"
#include "tests/unit/crypto/cert_test_support.hpp"

namespace ike::test {
namespace {

ca_key_hash hash_of(const certificate& c) {
    auto h = subject_public_key_sha1(c);
    EXPECT_TRUE(h);
    return h.value_or(ca_key_hash{});
}

struct CertPayloads : ::testing::Test {
    issued root = issue({.cn = "root", .ca = true, .serial = 1}, nullptr);
    issued inter = issue({.cn = "intermediate", .ca = true, .serial = 2}, &root);
    issued leaf = issue({.cn = "gw", .san = "DNS:gw.example.org", .serial = 3}, &inter);
    std::shared_ptr<ike_sa_config> config = std::make_shared<ike_sa_config>();

    CertPayloads() {
        config->local_auth = auth_kind::pubkey;
        config->local_cert = std::make_shared<const local_certificate>(
            local_certificate{leaf.cert,
                              {inter.cert},
                              std::make_shared<const private_key>(load_key(leaf.key.get()))});
    }
    std::vector<cert_payload> sent(bool peer_asked, std::vector<ca_key_hash> peer_cas = {}) {
        ike_sa sa(1, true, config);
        sa.peer_sent_certreq = peer_asked;
        sa.peer_certreq_cas = std::move(peer_cas);
        return our_cert_payloads(sa);
    }
};

TEST_F(CertPayloads, AlwaysSendsTheCertificateThenTheIntermediates) {
    auto out = sent(false);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0], (cert_payload{cert_encoding::x509_sig, leaf.cert.der()}));
    EXPECT_EQ(out[1], (cert_payload{cert_encoding::x509_sig, inter.cert.der()}));
}

TEST_F(CertPayloads, IfAskedSendsOnlyAfterACertreq) {
    config->send_cert = send_cert_policy::ifasked;
    EXPECT_TRUE(sent(false).empty());
    EXPECT_EQ(sent(true).size(), 2u);
}

TEST_F(CertPayloads, NeverSendsNothing) {
    config->send_cert = send_cert_policy::never;
    EXPECT_TRUE(sent(true).empty());
}

TEST_F(CertPayloads, AnIntermediateThePeerNamesInItsCertreqIsNotSent) {
    auto out = sent(true, {hash_of(inter.cert)});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].data, leaf.cert.der());
    // Naming only the root does not drop the intermediate.
    EXPECT_EQ(sent(true, {hash_of(root.cert)}).size(), 2u);
}

TEST_F(CertPayloads, CertreqListsEachTrustedCaOnce) {
    auto store = trust_store::create(std::vector{root.cert, inter.cert});
    ASSERT_TRUE(store);
    trust_anchors t{std::move(*store), {root.cert, inter.cert}};
    const trust_anchors* twice[] = {&t, &t};
    auto req = make_certreq(twice);
    ASSERT_TRUE(req);
    EXPECT_EQ(req->encoding, cert_encoding::x509_sig);
    EXPECT_EQ(req->data, join_ca_key_hashes({hash_of(root.cert), hash_of(inter.cert)}));
    EXPECT_FALSE(make_certreq({}));
}

TEST_F(CertPayloads, WantsCertreqOnlyForPubkeyWithCas) {
    ike_sa_config c;
    c.remote_auth = auth_kind::pubkey;
    EXPECT_FALSE(wants_certreq(c));  // no trust anchors
    auto store = trust_store::create(std::vector{root.cert});
    ASSERT_TRUE(store);
    c.trust = std::make_shared<const trust_anchors>(trust_anchors{std::move(*store), {root.cert}});
    EXPECT_TRUE(wants_certreq(c));
    c.send_certreq = false;
    EXPECT_FALSE(wants_certreq(c));
    c.send_certreq = true;
    c.remote_auth = auth_kind::psk;
    EXPECT_FALSE(wants_certreq(c));
}

inbound_message inbound(const ike_header& h, const std::vector<payload>& p) {
    return inbound_message{h, p, {}};
}

TEST_F(CertPayloads, ReadsThePeersCertreqsAndIgnoresMalformedLists) {
    const ike_header h{};
    const auto r = hash_of(root.cert);
    std::vector<payload> p{
        {payload_type::certreq, false,
         certreq_payload{cert_encoding::x509_sig, bytes(r.begin(), r.end())}},
        {payload_type::certreq, false, certreq_payload{cert_encoding::x509_sig, bytes(19, 1)}},
        {payload_type::certreq, false, certreq_payload{cert_encoding::pgp, bytes(20, 2)}},
    };
    ike_sa sa(1, true, config);
    read_certreqs(inbound(h, p), sa);
    EXPECT_TRUE(sa.peer_sent_certreq);
    EXPECT_EQ(sa.peer_certreq_cas, std::vector<ca_key_hash>{r});

    ike_sa none(2, true, config);
    std::vector<payload> empty;
    read_certreqs(inbound(h, empty), none);
    EXPECT_FALSE(none.peer_sent_certreq);
}

TEST_F(CertPayloads, ReadsThePeersChainInOrderAndPassesOverOtherEncodings) {
    const ike_header h{};
    std::vector<payload> p{
        {payload_type::cert, false, cert_payload{cert_encoding::x509_sig, leaf.cert.der()}},
        {payload_type::cert, false, cert_payload{cert_encoding::pgp, bytes{1, 2, 3}}},
        {payload_type::cert, false, cert_payload{cert_encoding::x509_sig, inter.cert.der()}},
    };
    cert_cache cache(8);
    auto got = read_peer_certificates(inbound(h, p), cache);
    ASSERT_TRUE(got) << got.error().reason;
    ASSERT_EQ(got->chain.size(), 2u);
    EXPECT_EQ(got->chain[0].subject(), leaf.cert.subject());
    EXPECT_EQ(got->chain[1].subject(), inter.cert.subject());
    EXPECT_EQ(got->skipped, std::vector<std::string>{"PGP"});
}

TEST_F(CertPayloads, AMalformedCertificateIsAnAuthenticationFailureNamingIt) {
    const ike_header h{};
    bytes junk = leaf.cert.der();
    junk.resize(junk.size() / 2);
    std::vector<payload> p{
        {payload_type::cert, false, cert_payload{cert_encoding::x509_sig, leaf.cert.der()}},
        {payload_type::cert, false, cert_payload{cert_encoding::x509_sig, junk}},
    };
    cert_cache cache(8);
    auto got = read_peer_certificates(inbound(h, p), cache);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().notify, notify_type::authentication_failed);
    EXPECT_NE(got.error().reason.find("CERT payload 2 of the peer"), std::string::npos)
        << got.error().reason;
    EXPECT_NE(got.error().reason.find("malformed certificate"), std::string::npos)
        << got.error().reason;
}

}  // namespace
}  // namespace ike::test
