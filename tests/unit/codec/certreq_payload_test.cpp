#include "libike/codec/certreq_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

constexpr std::size_t base = 200;

auto decode(const bytes& b) {
    return decode_at(decode_certreq_payload, b, base, consume::any);
}
bytes encode(const certreq_payload& p) {
    return encode_with(encode_certreq_payload, p);
}

const char* const ca1 = "00112233445566778899aabbccddeeff00112233";
const char* const ca2 = "ffeeddccbbaa99887766554433221100ffeeddcc";

TEST(certreq_payload, decodes_two_ca_hashes_and_round_trips) {
    bytes wire = hex(std::string("04") + ca1 + ca2);
    auto c = decode(wire);
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_EQ(c->encoding, cert_encoding::x509_sig);
    EXPECT_EQ(c->data.size(), 40u);
    EXPECT_EQ(encode(*c), wire);

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
    EXPECT_TRUE(is_parse_error(decode({}), parse_errc::truncated, base, payload_type::certreq));
}

TEST(certreq_payload, split_rejects_partial_hash) {
    bytes data = hex(std::string(ca1) + "0102030405");
    auto hashes = split_ca_key_hashes(data);
    EXPECT_TRUE(is_parse_error(hashes, parse_errc::bad_length, 20, payload_type::certreq));
    EXPECT_FALSE(split_ca_key_hashes(hex("01")));
    // A partial hash is still a valid payload: CERTREQ is only a hint.
    EXPECT_TRUE(decode(hex("04 0102")));
}

}  // namespace
