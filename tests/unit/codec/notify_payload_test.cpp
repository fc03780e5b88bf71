#include "libike/codec/notify_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

auto decode(const bytes& b, std::size_t base = 200) {
    return decode_at(decode_notify_payload, b, base, consume::all);
}
bytes encode(const notify_payload& p) {
    return encode_with(encode_notify_payload, p);
}

TEST(notify_payload, decodes_status_notify_without_spi) {
    // protocol 0, SPI size 0, NAT_DETECTION_SOURCE_IP (16388 = 0x4004), 20-byte hash
    bytes b = hex("00 00 4004 000102030405060708090a0b0c0d0e0f10111213");
    auto p = decode(b);
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p->protocol, protocol_id::none);
    EXPECT_TRUE(p->spi.empty());
    EXPECT_EQ(p->type, notify_type::nat_detection_source_ip);
    EXPECT_EQ(p->data.size(), 20u);
    EXPECT_EQ(encode(*p), b);

    auto hash = read_nat_detection_hash(*p);
    ASSERT_TRUE(hash);
    EXPECT_EQ((*hash)[0], 0x00);
    EXPECT_EQ((*hash)[19], 0x13);
    EXPECT_EQ(make_nat_detection(notify_type::nat_detection_source_ip, *hash), *p);
}

TEST(notify_payload, decodes_esp_spi) {
    // ESP (3), SPI size 4, REKEY_SA (16393 = 0x4009), SPI c0ffee01, no data
    bytes b = hex("03 04 4009 c0ffee01");
    auto p = decode(b);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->protocol, protocol_id::esp);
    EXPECT_EQ(p->spi, hex("c0ffee01"));
    EXPECT_EQ(p->type, notify_type::rekey_sa);
    EXPECT_TRUE(p->data.empty());
    EXPECT_EQ(encode(*p), b);
}

TEST(notify_payload, decodes_eight_byte_spi_with_data) {
    bytes b = hex("01 08 0018 0102030405060708 ff");
    auto p = decode(b);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->protocol, protocol_id::ike);
    EXPECT_EQ(p->spi.size(), 8u);
    EXPECT_EQ(p->type, notify_type::authentication_failed);
    EXPECT_EQ(p->data, hex("ff"));
    EXPECT_EQ(encode(*p), b);
}

TEST(notify_payload, rejects_truncated_header) {
    for (const char* h : {"", "00", "0000", "000040"}) {
        auto p = decode(hex(h));
        ASSERT_FALSE(p) << h;
        EXPECT_EQ(p.error().code, parse_errc::truncated);
        EXPECT_EQ(p.error().payload, payload_type::notify);
    }
}

TEST(notify_payload, rejects_bad_spi_size) {
    auto p = decode(hex("03 03 4009 c0ffee"));
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, parse_errc::bad_value);
    EXPECT_EQ(p.error().offset, 201u);
}

TEST(notify_payload, rejects_spi_past_end) {
    auto p = decode(hex("01 08 4009 c0ffee01"));
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, parse_errc::truncated);
    EXPECT_EQ(p.error().offset, 204u);
}

TEST(notify_payload, invalid_ke_payload_data) {
    // INVALID_KE_PAYLOAD (17) naming group 14
    bytes b = hex("00 00 0011 000e");
    auto p = decode(b);
    ASSERT_TRUE(p);
    auto group = read_invalid_ke_group(*p);
    ASSERT_TRUE(group);
    EXPECT_EQ(*group, ke_group::modp2048);
    EXPECT_EQ(encode(make_invalid_ke_payload(ke_group::modp2048)), b);

    notify_payload wrong_size = *p;
    wrong_size.data = hex("000e00");
    EXPECT_EQ(read_invalid_ke_group(wrong_size).error().code, parse_errc::bad_length);
    notify_payload wrong_type = *p;
    wrong_type.type = notify_type::cookie;
    EXPECT_EQ(read_invalid_ke_group(wrong_type).error().code, parse_errc::bad_value);
}

TEST(notify_payload, signature_hash_algorithms_data) {
    // SIGNATURE_HASH_ALGORITHMS (16431 = 0x402f): SHA2-256, SHA2-384, SHA2-512, unknown 0x0099
    bytes b = hex("00 00 402f 0002 0003 0004 0099");
    auto p = decode(b);
    ASSERT_TRUE(p);
    auto algs = read_signature_hash_algorithms(*p);
    ASSERT_TRUE(algs);
    std::vector<hash_algorithm> want{hash_algorithm::sha2_256, hash_algorithm::sha2_384,
                                     hash_algorithm::sha2_512, static_cast<hash_algorithm>(0x99)};
    EXPECT_EQ(*algs, want);
    EXPECT_EQ(encode(make_signature_hash_algorithms(want)), b);

    notify_payload odd = *p;
    odd.data.pop_back();
    EXPECT_EQ(read_signature_hash_algorithms(odd).error().code, parse_errc::bad_length);
    notify_payload wrong_type = *p;
    wrong_type.type = notify_type::nat_detection_source_ip;
    EXPECT_EQ(read_signature_hash_algorithms(wrong_type).error().code, parse_errc::bad_value);
}

TEST(notify_payload, nat_detection_requires_20_bytes) {
    notify_payload n{
        protocol_id::none, {}, notify_type::nat_detection_destination_ip, bytes(19, 1)};
    EXPECT_EQ(read_nat_detection_hash(n).error().code, parse_errc::bad_length);
    n.data.resize(21);
    EXPECT_EQ(read_nat_detection_hash(n).error().code, parse_errc::bad_length);
    n.data.resize(20);
    EXPECT_TRUE(read_nat_detection_hash(n));
    n.type = notify_type::cookie;
    EXPECT_EQ(read_nat_detection_hash(n).error().code, parse_errc::bad_value);
}

}  // namespace
