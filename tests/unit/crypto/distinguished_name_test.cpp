#include "libike/crypto/distinguished_name.hpp"

#include <gtest/gtest.h>

#include "libike/crypto/certificate.hpp"
#include "tests/unit/crypto/cert_test_support.hpp"

namespace ike {
namespace {

bytes dn(std::string_view text) {
    auto der = dn_from_text(text);
    EXPECT_TRUE(der) << text << ": " << (der ? "" : der.error());
    return der ? *der : bytes{};
}

TEST(distinguished_name, text_round_trip) {
    EXPECT_EQ(dn_text(dn("C=CH, O=Example Ltd, CN=vpn.example.com")),
              "C=CH, O=Example Ltd, CN=vpn.example.com");
    // strongSwan's aliases: E is the e-mail address, SN the serial number.
    EXPECT_EQ(dn_text(dn("CN=carol, E=carol@example.com, SN=0042")),
              "CN=carol, emailAddress=carol@example.com, serialNumber=0042");
}

TEST(distinguished_name, slash_form_and_escaped_comma) {
    EXPECT_TRUE(dn_equal(dn("/C=CH/O=Example/CN=gw"), dn("C=CH, O=Example, CN=gw")));
    EXPECT_EQ(dn_text(dn(R"(O=Example\, Inc., CN=gw)")), R"(O=Example\, Inc., CN=gw)");
}

TEST(distinguished_name, rejects_what_is_not_a_dn) {
    for (std::string_view bad : {"CN=gw, garbage", "XX=gw", "CN=", "C=Switzerland", ""}) {
        auto r = dn_from_text(bad);
        EXPECT_FALSE(r) << bad;
    }
    EXPECT_NE(dn_from_text("XYZ=1").error().find("unknown attribute type 'XYZ'"),
              std::string::npos);
}

TEST(distinguished_name, compares_canonically) {
    // Case and inner whitespace do not matter; order and content do.
    EXPECT_TRUE(dn_equal(dn("O=Example,  CN=VPN  Gateway"), dn("o=example, cn=vpn gateway")));
    EXPECT_FALSE(dn_equal(dn("O=Example, CN=gw"), dn("CN=gw, O=Example")));
    EXPECT_FALSE(dn_equal(dn("O=Example, CN=gw"), dn("O=Example, CN=gw2")));
    EXPECT_FALSE(dn_equal(dn("O=Example, CN=gw"), bytes{0x30, 0x01}));
}

TEST(distinguished_name, matches_a_certificate_subject) {
    // The test CA writes O and CN as UTF8String; the config text may differ in case.
    auto leaf = test::issue({.cn = "gw.example.org"}, nullptr);
    const bytes subject = leaf.cert.subject_der();
    EXPECT_TRUE(dn_equal(dn("O=ikev2d tests, CN=GW.example.org"), subject));
    EXPECT_TRUE(dn_matches(dn("O=ikev2d tests, CN=*"), subject));
    EXPECT_FALSE(dn_matches(dn("O=other, CN=*"), subject));
    EXPECT_FALSE(dn_matches(dn("CN=*"), subject));                  // RDN count differs
    EXPECT_FALSE(dn_matches(dn("O=ikev2d tests, OU=*"), subject));  // type differs
}

}  // namespace
}  // namespace ike
