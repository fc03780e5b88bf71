#include "libike/codec/certreq_payload.hpp"

#include <gtest/gtest.h>

namespace {

using namespace ike;

constexpr std::size_t base = 200;

bytes hex(std::string_view s) {
    bool ok = false;
    bytes b = from_hex(s, &ok);
    EXPECT_TRUE(ok) << s;
    return b;
}

std::expected<certreq_payload, parse_error> decode(const bytes& b) {
    byte_reader r(b, base);
    return decode_certreq_payload(r);
}

const char* const ca1 = "00112233445566778899aabbccddeeff00112233";
const char* const ca2 = "ffeeddccbbaa99887766554433221100ffeeddcc";

TEST(certreq_payload, decodes_two_ca_hashes_and_round_trips) {
    bytes wire = hex(std::string("04") + ca1 + ca2);
    auto c = decode(wire);
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_EQ(c->encoding, cert_encoding::x509_sig);
    EXPECT_EQ(c->data.size(), 40u);
    byte_writer w;
    encode_certreq_payload(*c, w);
    EXPECT_EQ(w.data(), wire);

    auto hashes = split_ca_key_hashes(c->data);
    ASSERT_TRUE(hashes) << hashes.error().message();
    ASSERT_EQ(hashes->size(), 2u);
    EXPECT_EQ(bytes((*hashes)[0].begin(), (*hashes)[0].end()), hex(ca1));
    EXPECT_EQ(bytes((*hashes)[1].begin(), (*hashes)[1].end()), hex(ca2));
    EXPECT_EQ(join_ca_key_hashes(*hashes), c->data);
}

TEST(certreq_payload, accepts_empty_authority) {
    auto c = decode(hex("04"));
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->data.empty());
    auto hashes = split_ca_key_hashes(c->data);
    ASSERT_TRUE(hashes);
    EXPECT_TRUE(hashes->empty());
}

TEST(certreq_payload, rejects_empty_body) {
    auto c = decode({});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, parse_errc::truncated);
    EXPECT_EQ(c.error().offset, base);
    EXPECT_EQ(c.error().payload, payload_type::certreq);
}

TEST(certreq_payload, split_rejects_partial_hash) {
    bytes data = hex(std::string(ca1) + "0102030405");
    auto hashes = split_ca_key_hashes(data);
    ASSERT_FALSE(hashes);
    EXPECT_EQ(hashes.error().code, parse_errc::bad_length);
    EXPECT_EQ(hashes.error().offset, 20u);
    EXPECT_EQ(hashes.error().payload, payload_type::certreq);
    EXPECT_FALSE(split_ca_key_hashes(hex("01")));
    // A partial hash is still a valid payload: CERTREQ is only a hint.
    EXPECT_TRUE(decode(hex("04 0102")));
}

}  // namespace
