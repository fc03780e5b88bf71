#include "libike/codec/delete_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

// The body starts at offset 60, so error offsets are absolute.
auto decode(const bytes& b) {
    return decode_at(decode_delete_payload, b, 60, consume::all);
}
bytes encode(const delete_payload& p) {
    return encode_with(encode_delete_payload, p);
}

TEST(delete_payload, ike_delete_has_no_spis) {
    bytes b = hex("01 00 0000");
    auto p = decode(b);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->protocol, protocol_id::ike);
    EXPECT_TRUE(p->spis.empty());
    EXPECT_EQ(encode(*p), b);
}

TEST(delete_payload, esp_delete_lists_spis) {
    bytes b = hex("03 04 0002 c1c2c3c4 d1d2d3d4");
    auto p = decode(b);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->protocol, protocol_id::esp);
    EXPECT_EQ(p->spis, (std::vector<std::uint32_t>{0xc1c2c3c4, 0xd1d2d3d4}));
    EXPECT_EQ(encode(*p), b);
}

TEST(delete_payload, ah_delete_lists_spis) {
    bytes b = hex("02 04 0001 00000100");
    auto p = decode(b);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->protocol, protocol_id::ah);
    EXPECT_EQ(encode(*p), b);
}

TEST(delete_payload, rejects_truncated_header) {
    auto p = decode(hex("03 04 00"));
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, parse_errc::truncated);
    EXPECT_EQ(p.error().payload, payload_type::delete_);
}

struct bad_case {
    const char* hex;
    parse_errc code;
    std::size_t offset;
};

TEST(delete_payload, rejects_inconsistent_fields) {
    const bad_case cases[] = {
        {"01 04 0000", parse_errc::bad_value, 61},                     // IKE with SPI size 4
        {"01 00 0001", parse_errc::bad_value, 62},                     // IKE with an SPI count
        {"03 00 0001", parse_errc::bad_value, 61},                     // ESP with SPI size 0
        {"03 08 0001 0000000000000001", parse_errc::bad_value, 61},    // ESP with SPI size 8
        {"05 04 0001 00000001", parse_errc::bad_value, 60},            // unknown protocol
        {"00 00 0000", parse_errc::bad_value, 60},                     // protocol 0
        {"03 04 0002 c1c2c3c4", parse_errc::bad_length, 62},           // count too high
        {"03 04 0001 c1c2c3c4 d1d2d3d4", parse_errc::bad_length, 62},  // count too low
        {"03 04 0001 c1c2c3", parse_errc::bad_length, 62},             // partial SPI
        {"01 00 0000 00", parse_errc::bad_length, 62},                 // IKE with bytes
    };
    for (const auto& c : cases) {
        EXPECT_TRUE(is_parse_error(decode(hex(c.hex)), c.code, c.offset, payload_type::delete_))
            << c.hex;
    }
}

}  // namespace
