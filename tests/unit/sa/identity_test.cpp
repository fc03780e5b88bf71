#include "libike/sa/identity.hpp"

#include <gtest/gtest.h>

namespace {

using namespace ike;

identity id(std::string_view text) {
    auto r = parse_identity(text);
    EXPECT_TRUE(r.has_value()) << text;
    return r.value_or(identity{});
}

bytes text_bytes(std::string_view s) {
    return bytes(s.begin(), s.end());
}

TEST(parse_identity, addresses) {
    EXPECT_EQ(id("192.0.2.1"), (identity{id_type::ipv4_addr, {192, 0, 2, 1}, false}));
    EXPECT_EQ(id("2001:db8::1"),
              (identity{id_type::ipv6_addr,
                        {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                        false}));
}

TEST(parse_identity, names) {
    EXPECT_EQ(id("jane@example.com"),
              (identity{id_type::rfc822_addr, text_bytes("jane@example.com"), false}));
    EXPECT_EQ(id("@@jane@example.com"),
              (identity{id_type::rfc822_addr, text_bytes("jane@example.com"), false}));
    EXPECT_EQ(id("@vpn.example.com"),
              (identity{id_type::fqdn, text_bytes("vpn.example.com"), false}));
    EXPECT_EQ(id("vpn.example.com"),
              (identity{id_type::fqdn, text_bytes("vpn.example.com"), false}));
    EXPECT_EQ(id("gw"), (identity{id_type::fqdn, text_bytes("gw"), false}));
    EXPECT_EQ(id("fqdn:192.0.2.1"), (identity{id_type::fqdn, text_bytes("192.0.2.1"), false}));
    EXPECT_EQ(id("email:jane"), (identity{id_type::rfc822_addr, text_bytes("jane"), false}));
    EXPECT_EQ(id("rfc822:jane@x"), (identity{id_type::rfc822_addr, text_bytes("jane@x"), false}));
}

TEST(parse_identity, key_ids) {
    EXPECT_EQ(id("@#0a1B"), (identity{id_type::key_id, {0x0a, 0x1b}, false}));
    EXPECT_EQ(id("keyid:#00ff"), (identity{id_type::key_id, {0x00, 0xff}, false}));
    EXPECT_EQ(id("keyid:abc"), (identity{id_type::key_id, {'a', 'b', 'c'}, false}));
}

TEST(parse_identity, any) {
    EXPECT_TRUE(id("%any").any);
    EXPECT_TRUE(id("%any6").any);
    EXPECT_TRUE(id("*").any);
}

TEST(parse_identity, rejects) {
    for (std::string_view bad : {"", "C=CH, Foo=Example, CN=gw", "@#", "@#abc", "@#zz", "@",
                                 "fqdn:", "email:", "keyid:", "keyid:#", "@@", "bad\x01name"}) {
        EXPECT_FALSE(parse_identity(bad).has_value()) << bad;
    }
}

TEST(parse_identity, distinguished_names) {
    const identity dn = id("C=CH, O=Example, CN=gw");
    EXPECT_EQ(dn.type, id_type::der_asn1_dn);
    EXPECT_EQ(to_string(dn), "C=CH, O=Example, CN=gw");
    EXPECT_TRUE(matches(dn, to_id_payload(id("c=ch, o=example, cn=GW"))));
    EXPECT_FALSE(matches(dn, to_id_payload(id("C=CH, O=Example, CN=gw2"))));
    EXPECT_TRUE(matches(id("C=CH, O=Example, CN=*"), to_id_payload(dn)));
    EXPECT_FALSE(matches(id("C=CH, O=Other, CN=*"), to_id_payload(dn)));
}

TEST(to_id_payload, carries_type_and_data) {
    EXPECT_EQ(to_id_payload(id("192.0.2.1")), (id_payload{id_type::ipv4_addr, {192, 0, 2, 1}}));
    EXPECT_EQ(to_id_payload(id("@vpn.example.com")),
              (id_payload{id_type::fqdn, text_bytes("vpn.example.com")}));
    EXPECT_EQ(to_id_payload(id("@#0102")), (id_payload{id_type::key_id, {1, 2}}));
    EXPECT_EQ(to_id_payload(id("%any")), (id_payload{id_type::null, {}}));
}

TEST(matches, same_type_and_bytes) {
    EXPECT_TRUE(matches(id("192.0.2.1"), id_payload{id_type::ipv4_addr, {192, 0, 2, 1}}));
    EXPECT_FALSE(matches(id("192.0.2.1"), id_payload{id_type::ipv4_addr, {192, 0, 2, 2}}));
    // The same text under another type is another identity.
    EXPECT_FALSE(matches(id("192.0.2.1"), id_payload{id_type::fqdn, text_bytes("192.0.2.1")}));
    EXPECT_FALSE(matches(id("@vpn.example.com"),
                         id_payload{id_type::rfc822_addr, text_bytes("vpn.example.com")}));
    EXPECT_TRUE(matches(id("2001:db8::1"), to_id_payload(id("2001:db8:0::1"))));
}

TEST(matches, fqdn_and_email_ignore_ascii_case) {
    EXPECT_TRUE(
        matches(id("vpn.example.com"), id_payload{id_type::fqdn, text_bytes("VPN.Example.COM")}));
    EXPECT_FALSE(
        matches(id("vpn.example.com"), id_payload{id_type::fqdn, text_bytes("vpn.example.co")}));
    EXPECT_FALSE(
        matches(id("vpn.example.com"), id_payload{id_type::fqdn, text_bytes("vpn.example.comm")}));
    EXPECT_TRUE(matches(id("Jane@Example.com"),
                        id_payload{id_type::rfc822_addr, text_bytes("jane@EXAMPLE.COM")}));
    // Bytes >= 0x80 compare exactly (no locale folding).
    EXPECT_FALSE(matches(id("fqdn:\xc3\xa9.example"),
                         id_payload{id_type::fqdn, text_bytes("\xc3\x89.example")}));
}

TEST(matches, key_id_is_exact) {
    EXPECT_TRUE(matches(id("@#0a1b"), id_payload{id_type::key_id, {0x0a, 0x1b}}));
    // 'A' vs 'a' as raw key bytes: no case folding for key ids.
    EXPECT_FALSE(matches(id("keyid:A"), id_payload{id_type::key_id, {'a'}}));
}

TEST(matches, any_matches_everything) {
    identity any = id("%any");
    EXPECT_TRUE(matches(any, id_payload{id_type::ipv4_addr, {192, 0, 2, 1}}));
    EXPECT_TRUE(matches(any, id_payload{id_type::fqdn, text_bytes("x")}));
    EXPECT_TRUE(matches(any, id_payload{id_type::key_id, {1}}));
    EXPECT_TRUE(matches(any, id_payload{id_type::null, {}}));
}

TEST(identity_to_string, reads_back) {
    EXPECT_EQ(to_string(id("%any")), "%any");
    EXPECT_EQ(to_string(id("192.0.2.1")), "192.0.2.1");
    EXPECT_EQ(to_string(id("2001:db8:0:0::1")), "2001:db8::1");
    EXPECT_EQ(to_string(id("@vpn.example.com")), "vpn.example.com");
    EXPECT_EQ(to_string(id("jane@example.com")), "jane@example.com");
    EXPECT_EQ(to_string(id("@#0A1b")), "@#0a1b");
    EXPECT_EQ(to_string(id("fqdn:192.0.2.1")), "fqdn:192.0.2.1");
    EXPECT_EQ(to_string(id("fqdn:a@b")), "fqdn:a@b");
    EXPECT_EQ(to_string(id("email:jane")), "email:jane");
    for (std::string_view text : {"192.0.2.1", "fqdn:192.0.2.1", "email:jane", "@#0a1b", "gw"}) {
        identity parsed = id(text);
        EXPECT_EQ(id(to_string(parsed)), parsed) << text;
    }
}

}  // namespace
