#include "libike/codec/ike_header.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

// SPIi 0102030405060708, SPIr 0, next SA (33), v2.0, IKE_SA_INIT (34),
// flags I, message ID 0, length 28 (header only).
const char* const init_header = "0102030405060708 0000000000000000 21 20 22 08 00000000 0000001c";

TEST(ike_header, decodes_rfc_layout) {
    bytes b = hex(init_header);
    auto d = decode_ike_header(b);
    ASSERT_TRUE(d) << d.error().message();
    EXPECT_EQ(d->header.spi_i, 0x0102030405060708u);
    EXPECT_EQ(d->header.spi_r, 0u);
    EXPECT_EQ(d->first_payload, payload_type::sa);
    EXPECT_EQ(d->header.minor_version, 0);
    EXPECT_EQ(d->header.exchange, exchange_type::ike_sa_init);
    EXPECT_EQ(d->header.flags, header_flag::initiator);
    EXPECT_TRUE(d->header.is_initiator());
    EXPECT_FALSE(d->header.is_response());
    EXPECT_EQ(d->header.message_id, 0u);
    EXPECT_EQ(d->length, 28u);
}

TEST(ike_header, decodes_response_fields) {
    // SPIr set, IKE_AUTH (35), flags R (0x20), message ID 1, minor version 1.
    bytes b = hex("1111111111111111 2222222222222222 2e 21 23 20 00000001 0000001c");
    auto d = decode_ike_header(b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->header.spi_r, 0x2222222222222222u);
    EXPECT_EQ(d->first_payload, payload_type::sk);
    EXPECT_EQ(d->header.minor_version, 1);
    EXPECT_EQ(d->header.exchange, exchange_type::ike_auth);
    EXPECT_TRUE(d->header.is_response());
    EXPECT_FALSE(d->header.is_initiator());
    EXPECT_EQ(d->header.message_id, 1u);
}

TEST(ike_header, encodes_with_given_next_payload_and_length) {
    ike_header h;
    h.spi_i = 0x0102030405060708;
    h.exchange = exchange_type::ike_sa_init;
    h.flags = header_flag::initiator;
    byte_writer w;
    encode_ike_header(h, payload_type::sa, 28, w);
    EXPECT_EQ(w.data(), hex(init_header));

    byte_writer w2;
    h.spi_r = 0xa1a2a3a4a5a6a7a8;
    h.message_id = 0x01020304;
    h.minor_version = 3;
    encode_ike_header(h, payload_type::sk, 0x12345678, w2);
    EXPECT_EQ(w2.data(), hex("0102030405060708 a1a2a3a4a5a6a7a8 2e 23 22 08 01020304 12345678"));
}

TEST(ike_header, reserved_flag_bits_are_ignored_and_written_as_zero) {
    bytes b = hex("0102030405060708 0000000000000000 21 20 22 ff 00000000 0000001c");
    auto d = decode_ike_header(b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->header.flags, 0x38);
    ike_header h = d->header;
    h.flags = 0xff;
    byte_writer w;
    encode_ike_header(h, payload_type::sa, 28, w);
    EXPECT_EQ(w.data()[19], 0x38);
}

TEST(ike_header, rejects_other_major_versions) {
    for (std::uint8_t version : {0x00, 0x10, 0x30, 0xf0}) {
        bytes b = hex(init_header);
        b[17] = version;
        EXPECT_TRUE(
            is_parse_error(decode_ike_header(b), parse_errc::bad_version, 17, payload_type::none));
    }
}

TEST(ike_header, rejects_short_datagrams) {
    bytes b = hex(init_header);
    for (std::size_t n = 0; n < 28; ++n) {
        auto d = decode_ike_header(bytes_view(b).first(n));
        ASSERT_FALSE(d);
        EXPECT_EQ(d.error().code, parse_errc::truncated) << n;
    }
}

TEST(ike_header, length_field_must_equal_datagram_size) {
    bytes b = hex(init_header);
    b[27] = 27;  // below the header size
    auto small = decode_ike_header(b);
    ASSERT_FALSE(small);
    EXPECT_EQ(small.error().code, parse_errc::bad_length);
    EXPECT_EQ(small.error().offset, 24u);

    b[27] = 29;  // promises one byte more than there is
    auto longer = decode_ike_header(b);
    ASSERT_FALSE(longer);
    EXPECT_EQ(longer.error().code, parse_errc::truncated);

    b[27] = 28;
    b.push_back(0);  // one byte more than promised
    auto trailing = decode_ike_header(b);
    ASSERT_FALSE(trailing);
    EXPECT_EQ(trailing.error().code, parse_errc::trailing_data);
    EXPECT_EQ(trailing.error().offset, 28u);
}

}  // namespace
