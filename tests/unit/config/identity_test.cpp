#include "daemon/config/identity.hpp"

#include <gtest/gtest.h>

#include "daemon/config/address.hpp"

namespace ikev2d::config {
namespace {

ike::bytes text_bytes(std::string_view s) {
    return {s.begin(), s.end()};
}

TEST(identity, ip_addresses) {
    auto v4 = parse_identity("10.1.0.1");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->type, ike::id_type::ipv4_addr);
    EXPECT_EQ(v4->data, (ike::bytes{10, 1, 0, 1}));

    auto v6 = parse_identity("fd00::1");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->type, ike::id_type::ipv6_addr);
    ASSERT_EQ(v6->data.size(), 16u);
    EXPECT_EQ(v6->data[0], 0xfd);
    EXPECT_EQ(v6->data[15], 1);
}

TEST(identity, fqdn_forms) {
    auto plain = parse_identity("gw-a.example.org");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->type, ike::id_type::fqdn);
    EXPECT_EQ(plain->data, text_bytes("gw-a.example.org"));
    EXPECT_EQ(plain->text, "gw-a.example.org");

    auto at = parse_identity("@gw-a.example.org");
    ASSERT_TRUE(at);
    EXPECT_EQ(at->type, ike::id_type::fqdn);
    EXPECT_EQ(at->data, text_bytes("gw-a.example.org"));
    EXPECT_TRUE(at->same_as(*plain));

    auto no_dot = parse_identity("gateway");  // charon: anything else is an FQDN
    ASSERT_TRUE(no_dot);
    EXPECT_EQ(no_dot->type, ike::id_type::fqdn);

    auto prefixed = parse_identity("fqdn:10.1.0.1");
    ASSERT_TRUE(prefixed);
    EXPECT_EQ(prefixed->type, ike::id_type::fqdn);
    EXPECT_EQ(prefixed->data, text_bytes("10.1.0.1"));
}

TEST(identity, rfc822_forms) {
    auto mail = parse_identity("alice@example.org");
    ASSERT_TRUE(mail);
    EXPECT_EQ(mail->type, ike::id_type::rfc822_addr);
    EXPECT_EQ(mail->data, text_bytes("alice@example.org"));

    auto double_at = parse_identity("@@alice@example.org");
    ASSERT_TRUE(double_at);
    EXPECT_EQ(double_at->type, ike::id_type::rfc822_addr);
    EXPECT_EQ(double_at->data, text_bytes("alice@example.org"));

    EXPECT_EQ(parse_identity("email:bob")->type, ike::id_type::rfc822_addr);
}

TEST(identity, key_id) {
    auto hex = parse_identity("@#0123abCD");
    ASSERT_TRUE(hex);
    EXPECT_EQ(hex->type, ike::id_type::key_id);
    EXPECT_EQ(hex->data, (ike::bytes{0x01, 0x23, 0xab, 0xcd}));

    auto raw = parse_identity("keyid:abc");
    ASSERT_TRUE(raw);
    EXPECT_EQ(raw->data, text_bytes("abc"));
    EXPECT_EQ(parse_identity("keyid:#ff")->data, (ike::bytes{0xff}));

    auto odd = parse_identity("@#123");
    ASSERT_FALSE(odd);
    EXPECT_EQ(odd.error().offset, 2u);
    EXPECT_EQ(odd.error().message, "key id '123' is not an even number of hex digits");
    EXPECT_FALSE(parse_identity("@#"));
    EXPECT_FALSE(parse_identity("@#zz"));
}

TEST(identity, distinguished_name_encoded_as_der) {
    auto dn = parse_identity("C=CH, O=strongSwan, CN=gw.example.org");
    ASSERT_TRUE(dn);
    EXPECT_EQ(dn->type, ike::id_type::der_asn1_dn);
    EXPECT_EQ(dn->data.front(), 0x30);  // a DER SEQUENCE (Name)
    EXPECT_EQ(dn->text, "C=CH, O=strongSwan, CN=gw.example.org");
    auto other_case = parse_identity("c=ch, o=STRONGSWAN, cn=gw.example.org");
    EXPECT_TRUE(dn->same_as(*other_case));
    auto wildcard = parse_identity("C=CH, O=strongSwan, CN=*");
    EXPECT_TRUE(wildcard->matches(*dn));
    EXPECT_FALSE(dn->matches(*wildcard));
    auto bad = parse_identity("C=CH, Foo=bar");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("unknown attribute type 'Foo'"), std::string::npos);
}

TEST(identity, any) {
    for (std::string_view s : {"%any", "%any6", "*", ""}) {
        auto id = parse_identity(s);
        ASSERT_TRUE(id) << s;
        EXPECT_TRUE(id->any) << s;
    }
    auto any = identity::make_any();
    auto fqdn = *parse_identity("gw.example.org");
    EXPECT_TRUE(any.matches(fqdn));
    EXPECT_FALSE(fqdn.matches(any));
    EXPECT_FALSE(any.same_as(fqdn));
}

TEST(identity, errors) {
    EXPECT_EQ(parse_identity("@").error().message, "empty identity after '@'");
    auto empty = parse_identity("fqdn:");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().offset, 5u);
}

TEST(identity, from_address_and_type_sensitivity) {
    auto id = identity_from_address(*parse_ip_address("192.0.2.7"));
    EXPECT_EQ(id.type, ike::id_type::ipv4_addr);
    EXPECT_EQ(id.text, "192.0.2.7");
    EXPECT_TRUE(id.same_as(*parse_identity("192.0.2.7")));
    EXPECT_FALSE(id.same_as(*parse_identity("fqdn:192.0.2.7")));
}

}  // namespace
}  // namespace ikev2d::config
