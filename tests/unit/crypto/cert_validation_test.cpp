// Chain validation against a trust store, at a time the test passes in, with
// and without CRLs; the identity and extended-key-usage checks. Each
// rejection is checked for its code and for the words an operator needs
// (which certificate, which date, which issuer).
#include "libike/crypto/cert_validation.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/crypto/cert_test_support.hpp"

namespace {

using ike::bytes;
using ike::cert_errc;
using ike::cert_time;
using ike::certificate;
using ike::crl_policy;
using ike::eku_requirement;
using ike::id_type;
using ike::revocation_list;
using ike::trust_store;
using ike::test::cert_spec;
using ike::test::issue;
using ike::test::issued;
using ike::test::utc;

const cert_time now = utc(2026, 6, 1);

// Root CA -> intermediate CA -> leaves, plus a second, untrusted root.
struct pki {
    issued root = issue({.cn = "Test Root CA",
                         .ca = true,
                         .not_before = utc(2025, 1, 1),
                         .not_after = utc(2035, 1, 1)},
                        nullptr);
    issued inter = issue({.cn = "Test Intermediate CA",
                          .ca = true,
                          .not_before = utc(2025, 1, 1),
                          .not_after = utc(2030, 1, 1),
                          .serial = 2},
                         &root);
    issued leaf = issue({.cn = "vpn.example.com",
                         .san = "DNS:vpn.example.com,IP:192.0.2.1,IP:2001:db8::1,"
                                "email:gw@example.com",
                         .eku = "serverAuth",
                         .serial = 10},
                        &inter);
    issued expired = issue({.cn = "old.example.com",
                            .san = "DNS:old.example.com",
                            .not_before = utc(2024, 1, 1),
                            .not_after = utc(2025, 1, 1),
                            .serial = 11},
                           &inter);
    issued future = issue({.cn = "soon.example.com",
                           .not_before = utc(2027, 1, 1),
                           .not_after = utc(2028, 1, 1),
                           .serial = 12},
                          &inter);
    issued revoked = issue({.cn = "revoked.example.com", .serial = 13}, &inter);
    issued client =
        issue({.cn = "carol", .san = "email:carol@example.com", .eku = "clientAuth", .serial = 14},
              &inter, ike::key_type::ed25519);
    issued no_eku = issue({.cn = "plain.example.com", .san = "DNS:plain.example.com", .serial = 15},
                          &root, ike::key_type::rsa);
    issued other_root = issue({.cn = "Other Root CA", .ca = true}, nullptr);
    issued stranger = issue({.cn = "stranger.example.com", .serial = 16}, &other_root);
    // A leaf used as if it were a CA.
    issued by_leaf = issue({.cn = "sub.example.com", .serial = 17}, &leaf);
};

class cert_validation_test : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { p_ = new pki; }
    static void TearDownTestSuite() { delete p_; }

    static trust_store store(std::vector<revocation_list> crls = {},
                             crl_policy policy = crl_policy::if_available) {
        const std::vector<certificate> cas{p_->root.cert};
        auto s = trust_store::create(cas, crls, policy);
        EXPECT_TRUE(s.has_value());
        return std::move(*s);
    }
    static ike::cert_error rejected(const trust_store& s, const issued& leaf,
                                    std::vector<certificate> inter, cert_time at = now) {
        auto r = s.validate(leaf.cert, inter, at);
        EXPECT_FALSE(r.has_value()) << leaf.cert.subject();
        return r ? ike::cert_error{} : r.error();
    }
    static std::vector<certificate> inter() { return {p_->inter.cert}; }
    static bool contains(const ike::cert_error& e, const std::string& s) {
        return e.message().find(s) != std::string::npos;
    }

    static pki* p_;
};
pki* cert_validation_test::p_ = nullptr;

TEST_F(cert_validation_test, chain_through_the_peers_intermediate) {
    auto s = store();
    auto r = s.validate(p_->leaf.cert, inter(), now);
    EXPECT_TRUE(r.has_value()) << r.error().message();
    // Intermediates may come in any order, with extras.
    std::vector<certificate> extra{p_->other_root.cert, p_->inter.cert};
    EXPECT_TRUE(s.validate(p_->leaf.cert, extra, now).has_value());
    // A leaf straight from the root needs no intermediate.
    EXPECT_TRUE(s.validate(p_->no_eku.cert, {}, now).has_value());
}

TEST_F(cert_validation_test, missing_intermediate_names_the_issuer) {
    auto e = rejected(store(), p_->leaf, {});
    EXPECT_EQ(e.code, cert_errc::unknown_ca);
    EXPECT_TRUE(contains(e, "CN=Test Intermediate CA")) << e.message();
    EXPECT_TRUE(contains(e, "CN=vpn.example.com")) << e.message();
}

TEST_F(cert_validation_test, unknown_ca_names_the_issuer) {
    auto e = rejected(store(), p_->stranger, {});
    EXPECT_EQ(e.code, cert_errc::unknown_ca);
    EXPECT_TRUE(contains(e, "CN=Other Root CA")) << e.message();
    // Sending the untrusted root along does not make it trusted.
    auto e2 = rejected(store(), p_->stranger, {p_->other_root.cert});
    EXPECT_EQ(e2.code, cert_errc::unknown_ca);
    EXPECT_TRUE(contains(e2, "CN=Other Root CA")) << e2.message();
    // A self-signed certificate of its own.
    auto e3 = rejected(store(), p_->other_root, {});
    EXPECT_EQ(e3.code, cert_errc::unknown_ca);
    EXPECT_TRUE(contains(e3, "self-signed")) << e3.message();
}

TEST_F(cert_validation_test, trusting_the_intermediate_alone_is_enough) {
    const std::vector<certificate> cas{p_->inter.cert};
    auto s = trust_store::create(cas);
    ASSERT_TRUE(s.has_value());
    auto r = s->validate(p_->leaf.cert, {}, now);
    EXPECT_TRUE(r.has_value()) << r.error().message();
}

TEST_F(cert_validation_test, time_is_the_callers) {
    auto s = store();
    // Valid "now", expired a year later, with the date in the text.
    EXPECT_TRUE(s.validate(p_->leaf.cert, inter(), now).has_value());
    auto later = rejected(s, p_->leaf, inter(), utc(2027, 6, 1));
    EXPECT_EQ(later.code, cert_errc::expired);
    EXPECT_TRUE(contains(later, "expired on 2027-01-01 00:00:00 UTC")) << later.message();
    EXPECT_TRUE(contains(later, "checked at 2027-06-01 00:00:00 UTC")) << later.message();
    // Before its notBefore.
    auto early = rejected(s, p_->leaf, inter(), utc(2025, 12, 31));
    EXPECT_EQ(early.code, cert_errc::not_yet_valid);
    EXPECT_TRUE(contains(early, "not valid before 2026-01-01 00:00:00 UTC")) << early.message();
}

TEST_F(cert_validation_test, expired_and_future_leaves) {
    auto e = rejected(store(), p_->expired, inter());
    EXPECT_EQ(e.code, cert_errc::expired);
    EXPECT_TRUE(contains(e, "'O=ikev2d tests, CN=old.example.com' expired on 2025-01-01"))
        << e.message();
    auto f = rejected(store(), p_->future, inter());
    EXPECT_EQ(f.code, cert_errc::not_yet_valid);
    EXPECT_TRUE(contains(f, "2027-01-01 00:00:00 UTC")) << f.message();
}

TEST_F(cert_validation_test, expired_intermediate_is_named_as_the_ca) {
    auto e = rejected(store(), p_->leaf, inter(), utc(2030, 6, 1));
    EXPECT_EQ(e.code, cert_errc::expired);
    // The leaf expired too, but OpenSSL reports one certificate; whichever it
    // is, the text names it and its date.
    EXPECT_TRUE(contains(e, "expired on")) << e.message();
}

TEST_F(cert_validation_test, revoked_by_crl) {
    auto crl = ike::test::make_crl(p_->inter, {13}, utc(2026, 5, 1), utc(2026, 7, 1));
    auto s = store({crl});
    auto e = rejected(s, p_->revoked, inter());
    EXPECT_EQ(e.code, cert_errc::revoked);
    EXPECT_TRUE(contains(e, "CN=revoked.example.com")) << e.message();
    EXPECT_TRUE(contains(e, "serial 0D")) << e.message();
    EXPECT_TRUE(contains(e, "CN=Test Intermediate CA")) << e.message();
    // Others under the same CRL pass; the root published no CRL, which
    // if_available accepts.
    auto ok = s.validate(p_->leaf.cert, inter(), now);
    EXPECT_TRUE(ok.has_value()) << ok.error().message();
    // Without the CRL the revoked certificate is not caught.
    EXPECT_TRUE(store().validate(p_->revoked.cert, inter(), now).has_value());
}

TEST_F(cert_validation_test, crl_required_but_missing) {
    auto crl = ike::test::make_crl(p_->root, {}, utc(2026, 5, 1), utc(2026, 7, 1));
    auto s = store({crl}, crl_policy::required);
    // The root's CRL covers the intermediate; nothing covers the leaf.
    auto e = rejected(s, p_->leaf, inter());
    EXPECT_EQ(e.code, cert_errc::crl_problem);
    EXPECT_TRUE(contains(e, "no CRL of 'O=ikev2d tests, CN=Test Intermediate CA'")) << e.message();
}

TEST_F(cert_validation_test, crl_required_and_present) {
    auto root_crl = ike::test::make_crl(p_->root, {}, utc(2026, 5, 1), utc(2026, 7, 1));
    auto inter_crl = ike::test::make_crl(p_->inter, {13}, utc(2026, 5, 1), utc(2026, 7, 1));
    auto s = store({root_crl, inter_crl}, crl_policy::required);
    auto ok = s.validate(p_->leaf.cert, inter(), now);
    EXPECT_TRUE(ok.has_value()) << ok.error().message();
    EXPECT_EQ(rejected(s, p_->revoked, inter()).code, cert_errc::revoked);
}

TEST_F(cert_validation_test, stale_crl) {
    auto crl = ike::test::make_crl(p_->inter, {}, utc(2026, 1, 1), utc(2026, 2, 1));
    auto e = rejected(store({crl}), p_->leaf, inter());
    EXPECT_EQ(e.code, cert_errc::crl_problem);
    EXPECT_TRUE(contains(e, "nextUpdate")) << e.message();
}

TEST_F(cert_validation_test, crl_round_trip_and_fields) {
    auto crl = ike::test::make_crl(p_->inter, {13}, utc(2026, 5, 1), utc(2026, 7, 1));
    EXPECT_EQ(crl.issuer(), "O=ikev2d tests, CN=Test Intermediate CA");
    EXPECT_EQ(crl.this_update(), utc(2026, 5, 1));
    EXPECT_EQ(crl.next_update(), utc(2026, 7, 1));
    unsigned char* der = nullptr;
    const int len = i2d_X509_CRL(crl.native(), &der);
    ASSERT_GT(len, 0);
    auto back = revocation_list::from_der(bytes(der, der + len));
    OPENSSL_free(der);
    ASSERT_TRUE(back.has_value()) << back.error().message();
    EXPECT_EQ(back->issuer(), crl.issuer());
    EXPECT_FALSE(revocation_list::from_der(bytes{0x30, 0x00}).has_value());
    EXPECT_FALSE(revocation_list::from_pem("no crl here").has_value());
}

TEST_F(cert_validation_test, bad_signature) {
    bytes der = p_->leaf.cert.der();
    der[der.size() - 2] ^= 0x01;  // inside the signature value
    auto forged = certificate::from_der(der);
    ASSERT_TRUE(forged.has_value());
    auto r = store().validate(*forged, inter(), now);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, cert_errc::bad_signature);
    EXPECT_TRUE(contains(r.error(), "CN=vpn.example.com")) << r.error().message();
}

TEST_F(cert_validation_test, issuer_that_is_not_a_ca) {
    auto e = rejected(store(), p_->by_leaf, {p_->leaf.cert, p_->inter.cert});
    EXPECT_EQ(e.code, cert_errc::invalid_chain);
    EXPECT_TRUE(contains(e, "not a CA")) << e.message();
    EXPECT_TRUE(contains(e, "CN=vpn.example.com")) << e.message();
}

// ---- identity ----

TEST_F(cert_validation_test, identity_from_subject_alt_names) {
    const certificate& c = p_->leaf.cert;
    EXPECT_TRUE(ike::match_identity(c, id_type::fqdn, ike::as_view("vpn.example.com")));
    EXPECT_TRUE(ike::match_identity(c, id_type::fqdn, ike::as_view("VPN.Example.COM.")));
    EXPECT_TRUE(ike::match_identity(c, id_type::ipv4_addr, bytes{192, 0, 2, 1}));
    bytes v6(16, 0);
    v6[0] = 0x20, v6[1] = 0x01, v6[2] = 0x0d, v6[3] = 0xb8, v6[15] = 1;
    EXPECT_TRUE(ike::match_identity(c, id_type::ipv6_addr, v6));
    EXPECT_TRUE(ike::match_identity(c, id_type::rfc822_addr, ike::as_view("gw@example.com")));
    EXPECT_TRUE(ike::match_identity(c, id_type::der_asn1_dn, c.subject_der()));
}

TEST_F(cert_validation_test, identity_mismatch_lists_what_the_certificate_has) {
    const certificate& c = p_->leaf.cert;
    auto e = ike::match_identity(c, id_type::fqdn, ike::as_view("other.example.com"));
    ASSERT_FALSE(e.has_value());
    EXPECT_EQ(e.error().code, cert_errc::identity_mismatch);
    EXPECT_TRUE(contains(e.error(), "'other.example.com'")) << e.error().message();
    EXPECT_TRUE(contains(e.error(),
                         "DNS:vpn.example.com, IP:192.0.2.1, IP:2001:db8::1, "
                         "email:gw@example.com"))
        << e.error().message();
    // The CN is not a subjectAltName: no match on it for another certificate.
    auto cn =
        ike::match_identity(p_->revoked.cert, id_type::fqdn, ike::as_view("revoked.example.com"));
    ASSERT_FALSE(cn.has_value());
    EXPECT_TRUE(contains(cn.error(), "no subjectAltName")) << cn.error().message();

    auto ip = ike::match_identity(c, id_type::ipv4_addr, bytes{192, 0, 2, 2});
    ASSERT_FALSE(ip.has_value());
    EXPECT_TRUE(contains(ip.error(), "IP '192.0.2.2'")) << ip.error().message();
    EXPECT_FALSE(ike::match_identity(c, id_type::rfc822_addr, ike::as_view("x@example.com")));
    auto dn = ike::match_identity(c, id_type::der_asn1_dn, p_->root.cert.subject_der());
    ASSERT_FALSE(dn.has_value());
    EXPECT_TRUE(contains(dn.error(), "CN=Test Root CA")) << dn.error().message();
    EXPECT_FALSE(ike::match_identity(c, id_type::der_asn1_dn, bytes{0x30, 0x05, 0x01}));
    auto keyid = ike::match_identity(c, id_type::key_id, bytes{1, 2, 3});
    ASSERT_FALSE(keyid.has_value());
    EXPECT_TRUE(contains(keyid.error(), "cannot be matched")) << keyid.error().message();
}

// ---- extended key usage ----

TEST_F(cert_validation_test, extended_key_usage) {
    EXPECT_TRUE(ike::check_eku(p_->leaf.cert, eku_requirement::server_auth));
    auto e = ike::check_eku(p_->leaf.cert, eku_requirement::client_auth);
    ASSERT_FALSE(e.has_value());
    EXPECT_EQ(e.error().code, cert_errc::missing_eku);
    EXPECT_TRUE(contains(e.error(), "without clientAuth")) << e.error().message();
    EXPECT_TRUE(contains(e.error(), "CN=vpn.example.com")) << e.error().message();

    EXPECT_TRUE(ike::check_eku(p_->client.cert, eku_requirement::client_auth));
    EXPECT_FALSE(ike::check_eku(p_->client.cert, eku_requirement::server_auth));

    // No extension: no restriction, unless strict.
    EXPECT_TRUE(ike::check_eku(p_->no_eku.cert, eku_requirement::server_auth));
    auto strict = ike::check_eku(p_->no_eku.cert, eku_requirement::server_auth, true);
    ASSERT_FALSE(strict.has_value());
    EXPECT_TRUE(contains(strict.error(), "no extendedKeyUsage")) << strict.error().message();
    EXPECT_TRUE(ike::check_eku(p_->no_eku.cert, eku_requirement::none, true));
}

// ---- the pieces together: a signature by a validated certificate's key ----

TEST_F(cert_validation_test, ed25519_and_rsa_leaves_validate) {
    auto s = store();
    EXPECT_TRUE(s.validate(p_->client.cert, inter(), now).has_value());
    EXPECT_TRUE(s.validate(p_->no_eku.cert, {}, now).has_value());
    EXPECT_EQ(*ike::key_type_of(p_->client.cert.public_key()), ike::key_type::ed25519);
    EXPECT_EQ(*ike::key_type_of(p_->no_eku.cert.public_key()), ike::key_type::rsa);
}

}  // namespace
