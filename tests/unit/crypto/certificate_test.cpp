// X.509 certificates parsed from DER (CERT payload encoding 4) and PEM, and
// the fields IKE authentication reads from them. The certificates are made
// in the test (cert_test_support.hpp), so every expected value is one the
// test itself put there.
#include "libike/crypto/certificate.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/crypto/cert_test_support.hpp"

namespace {

using ike::bytes;
using ike::cert_errc;
using ike::certificate;
using ike::key_type;
using ike::test::cert_spec;
using ike::test::issue;
using ike::test::issued;
using ike::test::utc;

class certificate_test : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        ca_ = new issued(issue({.cn = "Test Root CA", .ca = true}, nullptr));
        leaf_ = new issued(issue({.cn = "vpn.example.com",
                                  .san = "DNS:vpn.example.com,DNS:gw.example.net,IP:192.0.2.1,"
                                         "IP:2001:db8::7,email:admin@example.com",
                                  .eku = "serverAuth",
                                  .not_before = utc(2026, 2, 3),
                                  .not_after = utc(2027, 4, 5),
                                  .serial = 0x1a2b},
                                 ca_));
    }
    static void TearDownTestSuite() {
        delete leaf_;
        delete ca_;
    }
    static issued* ca_;
    static issued* leaf_;
};
issued* certificate_test::ca_ = nullptr;
issued* certificate_test::leaf_ = nullptr;

TEST_F(certificate_test, der_round_trip_keeps_the_fields) {
    const bytes der = leaf_->cert.der();
    ASSERT_FALSE(der.empty());
    auto c = certificate::from_der(der);
    ASSERT_TRUE(c.has_value()) << c.error().message();
    EXPECT_EQ(c->der(), der);
    EXPECT_EQ(c->subject(), "O=ikev2d tests, CN=vpn.example.com");
    EXPECT_EQ(c->issuer(), "O=ikev2d tests, CN=Test Root CA");
    EXPECT_EQ(c->serial(), "1A2B");
    EXPECT_EQ(c->dns_names(), (std::vector<std::string>{"vpn.example.com", "gw.example.net"}));
    ASSERT_EQ(c->ip_addresses().size(), 2u);
    EXPECT_EQ(c->ip_addresses()[0], (bytes{192, 0, 2, 1}));
    EXPECT_EQ(ike::to_hex(c->ip_addresses()[1]), "20010db8000000000000000000000007");
    EXPECT_EQ(c->emails(), (std::vector<std::string>{"admin@example.com"}));
    EXPECT_EQ(c->not_before(), utc(2026, 2, 3));
    EXPECT_EQ(c->not_after(), utc(2027, 4, 5));
    EXPECT_TRUE(c->has_eku());
    EXPECT_TRUE(c->eku_server_auth());
    EXPECT_FALSE(c->eku_client_auth());
    EXPECT_FALSE(c->is_ca());
    EXPECT_FALSE(c->self_issued());
    EXPECT_NE(c->public_key(), nullptr);
    EXPECT_EQ(ike::dn_text(c->subject_der()), c->subject());
}

TEST_F(certificate_test, ca_fields) {
    const certificate& ca = ca_->cert;
    EXPECT_TRUE(ca.is_ca());
    EXPECT_TRUE(ca.self_issued());
    EXPECT_FALSE(ca.has_eku());
    EXPECT_FALSE(ca.eku_server_auth());
    EXPECT_TRUE(ca.dns_names().empty());
}

TEST_F(certificate_test, validity_window_is_inclusive) {
    const certificate& c = leaf_->cert;
    EXPECT_FALSE(c.valid_at(utc(2026, 2, 3) - std::chrono::seconds(1)));
    EXPECT_TRUE(c.valid_at(utc(2026, 2, 3)));
    EXPECT_TRUE(c.valid_at(utc(2027, 4, 5)));
    EXPECT_FALSE(c.valid_at(utc(2027, 4, 5) + std::chrono::seconds(1)));
}

TEST_F(certificate_test, copies_share_and_outlive_the_original) {
    certificate copy = leaf_->cert;
    {
        certificate moved = certificate(copy);
        EXPECT_EQ(moved.der(), leaf_->cert.der());
    }
    EXPECT_EQ(copy.subject(), leaf_->cert.subject());
    copy = ca_->cert;
    EXPECT_EQ(copy.subject(), ca_->cert.subject());
}

TEST_F(certificate_test, pem_bundle_in_order) {
    const std::string pem = ike::test::cert_pem(leaf_->cert) + ike::test::cert_pem(ca_->cert);
    auto all = certificate::all_from_pem(pem);
    ASSERT_TRUE(all.has_value()) << all.error().message();
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0].der(), leaf_->cert.der());
    EXPECT_EQ((*all)[1].der(), ca_->cert.der());
    auto first = certificate::from_pem(pem);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->subject(), leaf_->cert.subject());
}

TEST_F(certificate_test, malformed_der_is_an_error_not_a_crash) {
    const bytes der = leaf_->cert.der();
    EXPECT_EQ(certificate::from_der({}).error().code, cert_errc::malformed);
    // Every truncation fails cleanly.
    for (std::size_t n = 1; n < der.size(); n += 7) {
        auto c = certificate::from_der(ike::bytes_view(der).first(n));
        EXPECT_FALSE(c.has_value()) << n;
        if (!c) {
            EXPECT_EQ(c.error().code, cert_errc::malformed);
        }
    }
    bytes trailing = der;
    trailing.push_back(0);
    auto t = certificate::from_der(trailing);
    ASSERT_FALSE(t.has_value());
    EXPECT_NE(t.error().detail.find("1 bytes follow"), std::string::npos) << t.error().detail;
    EXPECT_FALSE(certificate::from_der(bytes{0x30, 0x03, 0x02, 0x01, 0x01}).has_value());
}

TEST_F(certificate_test, malformed_pem) {
    auto none = certificate::from_pem("hello");
    ASSERT_FALSE(none.has_value());
    EXPECT_EQ(none.error().code, cert_errc::malformed);
    EXPECT_NE(none.error().message().find("BEGIN CERTIFICATE"), std::string::npos);

    std::string pem = ike::test::cert_pem(leaf_->cert);
    pem[pem.size() / 2] = pem[pem.size() / 2] == 'A' ? 'B' : 'A';  // damage the base64 body
    pem[pem.size() / 2 + 1] = '*';
    EXPECT_FALSE(certificate::from_pem(pem).has_value());
}

TEST(cert_time, formats_utc) {
    EXPECT_EQ(ike::format_cert_time(utc(2027, 1, 1)), "2027-01-01 00:00:00 UTC");
    EXPECT_EQ(ike::format_cert_time(utc(2026, 12, 31) + std::chrono::hours(23) +
                                    std::chrono::minutes(59) + std::chrono::seconds(58)),
              "2026-12-31 23:59:58 UTC");
}

TEST(cert_keys, each_key_type_is_recognised_in_a_certificate) {
    for (auto t : {key_type::rsa, key_type::ecdsa_p256, key_type::ecdsa_p384, key_type::ecdsa_p521,
                   key_type::ed25519}) {
        issued self = issue({.cn = "self", .ca = true}, nullptr, t);
        auto type = ike::key_type_of(self.cert.public_key());
        ASSERT_TRUE(type.has_value()) << name(t);
        EXPECT_EQ(*type, t);
    }
}

}  // namespace
