// Certificate authentication in IKE_AUTH between two engines (RFC 7296
// §2.15, §3.6, §3.7; RFC 7427 signatures and SIGNATURE_HASH_ALGORITHMS;
// RFC 8420 Ed25519): every key type, method 14 and the legacy methods,
// intermediates, CERTREQ with send_cert ifasked, each way a certificate is
// refused, mixed PSK/certificate, the responder's choice of connection, and
// a chain big enough that IKE_AUTH goes in RFC 7383 fragments.
// Certificates are issued in the test (cert_test_support.hpp).
#include <gtest/gtest.h>

#include <functional>

#include "libike/codec/notify_payload.hpp"
#include "libike/crypto/cert_key_hash.hpp"
#include "tests/unit/crypto/cert_test_support.hpp"
#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

std::shared_ptr<const local_certificate> credential(const issued& leaf,
                                                    std::vector<certificate> intermediates = {}) {
    auto key = std::make_shared<const private_key>(load_key(leaf.key.get()));
    return std::make_shared<const local_certificate>(
        local_certificate{leaf.cert, std::move(intermediates), std::move(key)});
}

std::shared_ptr<const trust_anchors> trusting(std::vector<certificate> cas,
                                              std::vector<revocation_list> crls = {}) {
    auto store = trust_store::create(cas, crls);
    EXPECT_TRUE(store) << (store ? "" : store.error().message());
    return std::make_shared<const trust_anchors>(
        trust_anchors{std::move(store.value()), std::move(cas)});
}

template <typename T>
std::vector<T> payloads_of(const send_datagram& d, payload_type type) {
    std::vector<T> out;
    auto m = decode_message(d.data);
    if (!m) return out;
    for (const auto& p : m->payloads)
        if (const auto* b = std::get_if<T>(&p.body); b && p.type == type) out.push_back(*b);
    return out;
}

const notify_payload* find_notify(const std::vector<notify_payload>& ns, notify_type t) {
    for (const auto& n : ns)
        if (n.type == t) return &n;
    return nullptr;
}

struct CertAuth : site_to_site {
    CertAuth() {
        settings.wall_clock = [] { return utc(2026, 6, 1); };
    }

    issued ca = issue({.cn = "ikev2d test CA", .ca = true, .serial = 1}, nullptr);
    std::optional<issued> a_cert, b_cert;
    std::optional<engine_settings> b_settings;  ///< B's own, when it differs from A
    std::function<void(ike_sa_config&)> tweak_a, tweak_b;

    /// Certificates from `ca` naming A's and B's identities (serials 10, 11).
    void issue_peers(key_type type) {
        a_cert =
            issue({.cn = "a.example.org", .san = "DNS:a.example.org", .serial = 10}, &ca, type);
        b_cert =
            issue({.cn = "b.example.org", .san = "DNS:b.example.org", .serial = 11}, &ca, type);
    }
    /// Both sides prove themselves with their certificate and trust `ca`;
    /// then the tweaks; then A initiates.
    void start_certs() {
        net = std::make_unique<two_peers>(a_addr, b_addr, settings, b_settings);
        net->a.psks.add("b.example.org", "s3cret-psk");
        net->b.psks.add("a.example.org", "s3cret-psk");
        auto a = make_config(a_spec), b = make_config(b_spec);
        use_certificates(*a, *a_cert);
        use_certificates(*b, *b_cert);
        if (tweak_a) tweak_a(*a);
        if (tweak_b) tweak_b(*b);
        net->a.eng.set_connections({a});
        net->b.eng.set_connections({b});
    }
    void use_certificates(ike_sa_config& c, const issued& mine) {
        c.local_auth = c.remote_auth = auth_kind::pubkey;
        c.local_cert = credential(mine);
        c.trust = trusting({ca.cert});
    }
    void run(key_type type = key_type::ecdsa_p256) {
        if (!a_cert) issue_peers(type);
        start_certs();
        initiate();
    }
    static std::string up_reason(const peer& p) {
        for (const auto& e : p.events)
            if (e.what == sa_event::kind::ike_up) return e.reason;
        return {};
    }
    static std::string failed(const peer& p) {
        std::string s;
        for (const auto& e : p.events)
            if (e.what == sa_event::kind::failed) s += e.reason + "\n";
        return s;
    }
    /// B refused A's certificate: B's reason contains each of `why`, A was
    /// told AUTHENTICATION_FAILED, neither side is up.
    void expect_b_refuses(std::initializer_list<std::string_view> why) {
        const std::string b = failed(B());
        EXPECT_NE(b.find("AUTHENTICATION_FAILED"), std::string::npos) << b;
        for (auto w : why) EXPECT_NE(b.find(w), std::string::npos) << "'" << w << "' in: " << b;
        EXPECT_NE(failed(A()).find("the peer rejected our authentication"), std::string::npos)
            << failed(A());
        EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
        EXPECT_FALSE(B().has_event(sa_event::kind::ike_up));
        EXPECT_TRUE(A().installs.empty());
        EXPECT_TRUE(B().installs.empty());
    }
};

// --- key types and methods

TEST_F(CertAuth, EcdsaP256BothWaysWithMethod14AndTheHashesAnnounced) {
    run(key_type::ecdsa_p256);
    expect_up();
    EXPECT_EQ(A().installs[0].spi_out, B().installs[0].spi_in);
    // B names A's certificate, its issuer and the scheme; and A likewise.
    const std::string b = up_reason(B());
    EXPECT_NE(b.find("peer 'a.example.org' authenticated by certificate"), std::string::npos) << b;
    EXPECT_NE(b.find("CN=a.example.org"), std::string::npos) << b;
    EXPECT_NE(b.find("issuer 'O=ikev2d tests, CN=ikev2d test CA'"), std::string::npos) << b;
    EXPECT_NE(b.find("serial 0A"), std::string::npos) << b;
    EXPECT_NE(b.find("ECDSA with SHA2_256 (method 14)"), std::string::npos) << b;
    EXPECT_NE(b.find("we by certificate 'O=ikev2d tests, CN=b.example.org'"), std::string::npos)
        << b;
    EXPECT_NE(up_reason(A()).find("CN=b.example.org"), std::string::npos) << up_reason(A());
    // Both IKE_SA_INIT messages announce SHA2-256/384/512 and Identity.
    for (const peer* p : {&A(), &B()}) {
        auto ns = payloads_of<notify_payload>(p->sent.front(), payload_type::notify);
        const auto* n = find_notify(ns, notify_type::signature_hash_algorithms);
        ASSERT_NE(n, nullptr);
        auto hashes = read_signature_hash_algorithms(*n);
        ASSERT_TRUE(hashes);
        EXPECT_EQ(*hashes, (std::vector{hash_algorithm::sha2_256, hash_algorithm::sha2_384,
                                        hash_algorithm::sha2_512, hash_algorithm::identity}));
    }
}

TEST_F(CertAuth, EcdsaP384SignsWithSha384) {
    run(key_type::ecdsa_p384);
    expect_up();
    EXPECT_NE(up_reason(B()).find("ECDSA with SHA2_384 (method 14)"), std::string::npos)
        << up_reason(B());
}

TEST_F(CertAuth, RsaPkcs1WithMethod14) {
    run(key_type::rsa);
    expect_up();
    EXPECT_NE(up_reason(B()).find("RSA PKCS#1 v1.5 with SHA2_256 (method 14)"), std::string::npos)
        << up_reason(B());
}

TEST_F(CertAuth, RsaPssWhenTheConnectionAsksForIt) {
    tweak_a = [](ike_sa_config& c) { c.rsa_pss = true; };
    run(key_type::rsa);
    expect_up();
    EXPECT_NE(up_reason(B()).find("RSA-PSS with SHA2_256 (method 14)"), std::string::npos)
        << up_reason(B());
    // B did not ask for PSS.
    EXPECT_NE(up_reason(A()).find("RSA PKCS#1 v1.5 with SHA2_256"), std::string::npos)
        << up_reason(A());
}

TEST_F(CertAuth, Ed25519) {
    run(key_type::ed25519);
    expect_up();
    EXPECT_NE(up_reason(B()).find("Ed25519 (method 14)"), std::string::npos) << up_reason(B());
}

TEST_F(CertAuth, LegacyEcdsaMethodToAPeerThatAnnouncesNoHashes) {
    b_settings = settings;
    b_settings->announce_signature_hashes = false;
    run(key_type::ecdsa_p256);
    expect_up();
    auto ns = payloads_of<notify_payload>(B().sent.front(), payload_type::notify);
    EXPECT_EQ(find_notify(ns, notify_type::signature_hash_algorithms), nullptr);
    // A signs for B with method 9 (RFC 4754); B, told A's hashes, uses 14.
    EXPECT_NE(up_reason(B()).find("ECDSA with SHA2_256 (method 9)"), std::string::npos)
        << up_reason(B());
    EXPECT_NE(up_reason(A()).find("(method 14)"), std::string::npos) << up_reason(A());
}

TEST_F(CertAuth, LegacyRsaMethod1BothWaysWhenNeitherAnnounces) {
    settings.announce_signature_hashes = false;
    run(key_type::rsa);
    expect_up();
    EXPECT_NE(up_reason(B()).find("RSA PKCS#1 v1.5 with SHA1 (method 1)"), std::string::npos)
        << up_reason(B());
    EXPECT_NE(up_reason(A()).find("(method 1)"), std::string::npos) << up_reason(A());
}

TEST_F(CertAuth, Ed25519CannotAnswerAPeerWithoutTheHashNotify) {
    b_settings = settings;
    b_settings->announce_signature_hashes = false;
    run(key_type::ed25519);
    const std::string a = failed(A());
    EXPECT_NE(a.find("AUTHENTICATION_FAILED"), std::string::npos) << a;
    EXPECT_NE(a.find("Ed25519 keys need RFC 7427 signatures"), std::string::npos) << a;
    EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
    EXPECT_FALSE(B().has_event(sa_event::kind::ike_up));
}

// --- chains and certificate requests

struct CertChain : CertAuth {
    issued inter = issue({.cn = "ikev2d test intermediate", .ca = true, .serial = 2}, &ca);
    void issue_from_intermediate() {
        a_cert = issue({.cn = "a.example.org", .san = "DNS:a.example.org", .serial = 10}, &inter);
        b_cert = issue({.cn = "b.example.org", .san = "DNS:b.example.org", .serial = 11}, &inter);
    }
};

TEST_F(CertChain, IntermediatesSentAfterTheCertificateLetThePeerReachItsRoot) {
    issue_from_intermediate();
    const certificate i = inter.cert;
    tweak_a = [&](ike_sa_config& c) { c.local_cert = credential(*a_cert, {i}); };
    tweak_b = [&](ike_sa_config& c) { c.local_cert = credential(*b_cert, {i}); };
    run();
    expect_up();
    EXPECT_NE(up_reason(B()).find("issuer 'O=ikev2d tests, CN=ikev2d test intermediate'"),
              std::string::npos)
        << up_reason(B());
}

TEST_F(CertChain, WithoutTheIntermediateThePeerFindsNoTrustedCa) {
    issue_from_intermediate();
    run();
    expect_b_refuses({"certificate 'O=ikev2d tests, CN=a.example.org' (serial 0A)", "unknown CA",
                      "ikev2d test intermediate"});
}

TEST_F(CertAuth, ResponderAsksForItsCasInIkeSaInitResponse) {
    run();
    expect_up();
    auto reqs = payloads_of<certreq_payload>(B().sent.front(), payload_type::certreq);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].encoding, cert_encoding::x509_sig);
    auto ca_hash = subject_public_key_sha1(ca.cert);
    ASSERT_TRUE(ca_hash);
    EXPECT_EQ(reqs[0].data, bytes(ca_hash->begin(), ca_hash->end()));
    // The initiator's request is in IKE_AUTH (encrypted), not IKE_SA_INIT.
    EXPECT_TRUE(payloads_of<certreq_payload>(A().sent.front(), payload_type::certreq).empty());
}

TEST_F(CertAuth, NoCertreqWhenTheConnectionSendsNone) {
    tweak_b = [](ike_sa_config& c) { c.send_certreq = false; };
    run();
    expect_up();
    EXPECT_TRUE(payloads_of<certreq_payload>(B().sent.front(), payload_type::certreq).empty());
}

TEST_F(CertAuth, SendCertIfAskedAnswersTheResponderCertreq) {
    tweak_a = [](ike_sa_config& c) { c.send_cert = send_cert_policy::ifasked; };
    run();
    expect_up();
}

TEST_F(CertAuth, SendCertIfAskedSendsNothingWithoutACertreq) {
    tweak_a = [](ike_sa_config& c) { c.send_cert = send_cert_policy::ifasked; };
    tweak_b = [](ike_sa_config& c) { c.send_certreq = false; };
    run();
    expect_b_refuses({"'a.example.org' sent no X.509 CERT payload"});
}

TEST_F(CertAuth, TheInitiatorsCertreqInIkeAuthIsHonouredByTheResponder) {
    tweak_b = [](ike_sa_config& c) { c.send_cert = send_cert_policy::ifasked; };
    run();
    expect_up();
}

TEST_F(CertAuth, ResponderIfAskedWithoutTheInitiatorsCertreqIsRefusedByIt) {
    tweak_a = [](ike_sa_config& c) { c.send_certreq = false; };
    tweak_b = [](ike_sa_config& c) { c.send_cert = send_cert_policy::ifasked; };
    run();
    const std::string a = failed(A());
    EXPECT_NE(a.find("AUTHENTICATION_FAILED: peer 'b.example.org' sent no X.509 CERT payload"),
              std::string::npos)
        << a;
    EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
}

// --- refusals

TEST_F(CertAuth, ExpiredCertificateIsRefusedWithItsDates) {
    settings.wall_clock = [] { return utc(2027, 6, 1); };
    run();
    expect_b_refuses(
        {"certificate 'O=ikev2d tests, CN=a.example.org' (serial 0A)", "expired", "2027-01-01"});
}

TEST_F(CertAuth, CertificateFromAnUntrustedCaIsRefused) {
    issue_peers(key_type::ecdsa_p256);
    issued other = issue({.cn = "someone else's CA", .ca = true, .serial = 1}, nullptr);
    a_cert = issue({.cn = "a.example.org", .san = "DNS:a.example.org", .serial = 10}, &other);
    run();
    expect_b_refuses({"CN=a.example.org", "unknown CA", "someone else's CA"});
}

TEST_F(CertAuth, RevokedCertificateIsRefusedByTheCrl) {
    tweak_b = [&](ike_sa_config& c) {
        c.trust = trusting({ca.cert}, {make_crl(ca, {10}, utc(2026, 5, 1), utc(2026, 7, 1))});
    };
    run();
    expect_b_refuses({"certificate 'O=ikev2d tests, CN=a.example.org' (serial 0A)", "revoked"});
}

TEST_F(CertAuth, TheCrlLetsAnUnrevokedCertificatePass) {
    tweak_b = [&](ike_sa_config& c) {
        c.trust = trusting({ca.cert}, {make_crl(ca, {99}, utc(2026, 5, 1), utc(2026, 7, 1))});
    };
    run();
    expect_up();
}

TEST_F(CertAuth, IdentityNotInTheSubjectAltNameIsRefused) {
    issue_peers(key_type::ecdsa_p256);
    a_cert = issue({.cn = "a.example.org", .san = "DNS:other.example.org", .serial = 10}, &ca);
    run();
    expect_b_refuses({"does not name its identity 'a.example.org'", "other.example.org"});
}

TEST_F(CertAuth, MissingExtendedKeyUsageIsRefused) {
    issue_peers(key_type::ecdsa_p256);
    a_cert = issue(
        {.cn = "a.example.org", .san = "DNS:a.example.org", .eku = "serverAuth", .serial = 10},
        &ca);
    tweak_b = [](ike_sa_config& c) { c.remote_eku = eku_requirement::client_auth; };
    run();
    expect_b_refuses({"CN=a.example.org", "missing extended key usage"});
}

TEST_F(CertAuth, RequiredExtendedKeyUsagePresentPasses) {
    issue_peers(key_type::ecdsa_p256);
    b_cert = issue(
        {.cn = "b.example.org", .san = "DNS:b.example.org", .eku = "serverAuth", .serial = 11},
        &ca);
    tweak_a = [](ike_sa_config& c) { c.remote_eku = eku_requirement::server_auth; };
    run();
    expect_up();
}

TEST_F(CertAuth, SignatureByAnotherKeyThanTheCertificatesIsRefused) {
    issue_peers(key_type::ecdsa_p256);
    // A's AUTH is signed with a key that is not its certificate's: what a
    // forged or tampered AUTH looks like to B.
    issued impostor = issue({.cn = "impostor"}, &ca);
    tweak_a = [&](ike_sa_config& c) {
        c.local_cert = std::make_shared<const local_certificate>(local_certificate{
            a_cert->cert, {}, std::make_shared<const private_key>(load_key(impostor.key.get()))});
    };
    run();
    expect_b_refuses({"AUTH payload of 'a.example.org'",
                      "does not verify with the key of its "
                      "certificate 'O=ikev2d tests, "
                      "CN=a.example.org' (serial 0A)"});
}

TEST_F(CertAuth, AChangedIkeSaInitRequestBreaksTheSignature) {
    // A man in the middle turns A's fragmentation notify into an unknown
    // status notify, which B ignores: the keys agree, but A signed the
    // message it sent, and B checks the one it got (§2.15).
    issue_peers(key_type::ecdsa_p256);
    start_certs();
    net->hook = [](in_flight& f) {
        if (!is(f, exchange_type::ike_sa_init, false)) return verdict::deliver;
        auto m = decode_message(f.datagram->data);
        for (auto& p : m->payloads)
            if (auto* n = std::get_if<notify_payload>(&p.body);
                n && n->type == notify_type::ikev2_fragmentation_supported)
                n->type = static_cast<notify_type>(40001);
        f.datagram->data = encode_message(*m);
        return verdict::deliver;
    };
    initiate();
    expect_b_refuses({"AUTH payload of 'a.example.org'", "does not verify"});
}

TEST_F(CertAuth, ResponderCertificateRefusedByTheInitiator) {
    issue_peers(key_type::ecdsa_p256);
    issued other = issue({.cn = "someone else's CA", .ca = true, .serial = 1}, nullptr);
    b_cert = issue({.cn = "b.example.org", .san = "DNS:b.example.org", .serial = 11}, &other);
    run();
    const std::string a = failed(A());
    EXPECT_NE(a.find("AUTHENTICATION_FAILED: peer's certificate 'O=ikev2d tests, "
                     "CN=b.example.org' (serial 0B) rejected"),
              std::string::npos)
        << a;
    EXPECT_NE(a.find("unknown CA"), std::string::npos) << a;
    EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
    EXPECT_TRUE(A().installs.empty());
}

TEST_F(CertAuth, WithoutAWallClockNoCertificateIsAccepted) {
    settings.wall_clock = nullptr;
    run();
    expect_b_refuses({"no wall clock", "CN=a.example.org"});
}

TEST_F(CertAuth, PeerUsingAPskWhereACertificateIsExpectedIsRefused) {
    tweak_a = [](ike_sa_config& c) { c.local_auth = auth_kind::psk; };
    run();
    expect_b_refuses(
        {"uses authentication method SHARED_KEY_MIC", "we expect a certificate signature"});
    EXPECT_TRUE(
        B().has_notice("peer 'a.example.org' (auth psk): no connection fits, staying on "
                       "'site' (chosen in IKE_SA_INIT); passed over 'site' (expects "
                       "remote auth pubkey)"));
}

// --- identities, mixed kinds, connection choice

TEST_F(CertAuth, AnyRemoteIdAcceptsTheIdentityTheCertificateNames) {
    b_spec.remote_id = "%any";
    run();
    expect_up();
    EXPECT_NE(up_reason(B()).find("peer 'a.example.org'"), std::string::npos) << up_reason(B());
}

TEST_F(CertAuth, AnInitiatorWithAnyRemoteIdAcceptsTheResponderItsCertificateNames) {
    a_spec.remote_id = "%any";
    run();
    expect_up();
    EXPECT_NE(up_reason(A()).find("peer 'b.example.org' authenticated by certificate"),
              std::string::npos)
        << up_reason(A());
}

TEST_F(CertAuth, AnInitiatorWithAnyRemoteIdStillNeedsTheNameInTheCertificate) {
    a_spec.remote_id = "%any";
    b_spec.local_id = "c.example.org";
    run();
    const std::string a = failed(A());
    EXPECT_NE(a.find("does not name its identity 'c.example.org'"), std::string::npos) << a;
    EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
}

TEST_F(CertAuth, AnyRemoteIdStillNeedsTheCertificateToNameTheIdentity) {
    b_spec.remote_id = "%any";
    a_spec.local_id = "c.example.org";
    run();
    expect_b_refuses({"does not name its identity 'c.example.org'"});
}

TEST_F(CertAuth, MixedWeSignThePeerUsesAPsk) {
    tweak_a = [](ike_sa_config& c) { c.remote_auth = auth_kind::psk; };
    tweak_b = [](ike_sa_config& c) { c.local_auth = auth_kind::psk; };
    run();
    expect_up();
    EXPECT_NE(up_reason(A()).find("authenticated by PSK; we by certificate"), std::string::npos)
        << up_reason(A());
    EXPECT_NE(up_reason(B()).find("authenticated by certificate 'O=ikev2d tests, "
                                  "CN=a.example.org'"),
              std::string::npos)
        << up_reason(B());
    EXPECT_NE(up_reason(B()).find("; we by PSK"), std::string::npos) << up_reason(B());
}

struct ConnectionChoice : CertAuth {
    /// B: "psk-in" first, then "cert-in", both for A's address and %any.
    void start_two_connections() {
        issue_peers(key_type::ecdsa_p256);
        b_spec.remote_id = "%any";
        start_certs();
        auto psk_in = make_config(b_spec), cert_in = make_config(b_spec);
        psk_in->name = "psk-in";
        cert_in->name = "cert-in";
        use_certificates(*cert_in, *b_cert);
        net->b.eng.set_connections({psk_in, cert_in});
    }
    const sa_event* b_up() {
        for (const auto& e : B().events)
            if (e.what == sa_event::kind::ike_up) return &e;
        return nullptr;
    }
};

TEST_F(ConnectionChoice, ASigningPeerLandsOnTheCertificateConnectionAndTheLogSaysWhy) {
    start_two_connections();
    initiate();
    expect_up();
    ASSERT_NE(b_up(), nullptr);
    EXPECT_EQ(b_up()->connection, "cert-in");
    EXPECT_TRUE(B().has_notice("peer 'a.example.org' (auth pubkey) -> connection 'cert-in'"))
        << B().events.size();
    EXPECT_TRUE(B().has_notice("passed over 'psk-in' (expects remote auth psk)"));
}

TEST_F(ConnectionChoice, APskPeerLandsOnThePskConnection) {
    start_two_connections();
    auto a = make_config(a_spec);  // PSK both ways
    net->a.eng.set_connections({a});
    initiate();
    expect_up();
    ASSERT_NE(b_up(), nullptr);
    EXPECT_EQ(b_up()->connection, "psk-in");
    EXPECT_TRUE(B().has_notice("peer 'a.example.org' (auth psk) -> connection 'psk-in'"));
    EXPECT_TRUE(B().has_notice("passed over 'cert-in' (expects remote auth pubkey)"));
}

// --- fragmentation (RFC 7383)

TEST_F(CertChain, AnRsa4096ChainGoesInFragmentsAndAuthenticates) {
    settings.fragment_size = 1280;
    // The root is never sent: its key only signs the intermediate.
    issued root = issue({.cn = "big root", .ca = true, .serial = 3}, nullptr, key_type::rsa);
    issued mid =
        issue({.cn = "big intermediate", .ca = true, .serial = 4}, &root, key_type::rsa, 4096);
    a_cert = issue({.cn = "a.example.org", .san = "DNS:a.example.org", .serial = 10}, &mid,
                   key_type::rsa, 4096);
    b_cert = issue({.cn = "b.example.org", .san = "DNS:b.example.org", .serial = 11}, &mid,
                   key_type::rsa, 4096);
    const certificate m = mid.cert, r = root.cert;
    auto big = [&](ike_sa_config& c, const issued& mine) {
        c.local_cert = credential(mine, {m});
        c.trust = trusting({r});
    };
    tweak_a = [&](ike_sa_config& c) { big(c, *a_cert); };
    tweak_b = [&](ike_sa_config& c) { big(c, *b_cert); };
    run();
    expect_up();
    // Each IKE_AUTH carries two certificates with 4096-bit keys and a
    // 512-octet signature, about 3 KB: three fragments or more each way, each
    // fitting a 1280-octet IP packet.
    EXPECT_GE(A().eng.counters().fragments_sent, 3u);
    EXPECT_GE(B().eng.counters().fragments_sent, 3u);
    EXPECT_EQ(A().eng.counters().reassembled, 1u);
    EXPECT_EQ(B().eng.counters().reassembled, 1u);
    for (const peer* p : {&A(), &B()})
        for (const auto& d : p->sent) EXPECT_LE(d.data.size() + 28, 1280u);
}

}  // namespace
}  // namespace ike::test
