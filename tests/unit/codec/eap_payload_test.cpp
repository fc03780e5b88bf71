#include "libike/codec/eap_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

// The body starts at offset 80, so error offsets are absolute.
auto decode(const bytes& b) {
    return decode_at(decode_eap_payload, b, 80, consume::all);
}
bytes encode(const eap_payload& p) {
    return encode_with(encode_eap_payload, p);
}

TEST(eap_payload, response_identity) {
    // response (2), id 5, length 10, type identity (1), "alice"
    bytes b = hex("02 05 000a 01 616c696365");
    auto p = decode(b);
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p->code, eap_code::response);
    EXPECT_EQ(p->identifier, 5);
    EXPECT_EQ(p->type, eap_type::identity);
    EXPECT_EQ(p->data, hex("616c696365"));
    EXPECT_EQ(encode(*p), b);
}

TEST(eap_payload, request_without_type_data) {
    bytes b = hex("01 09 0005 01");
    auto p = decode(b);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->code, eap_code::request);
    EXPECT_EQ(p->type, eap_type::identity);
    EXPECT_TRUE(p->data.empty());
    EXPECT_EQ(encode(*p), b);
}

TEST(eap_payload, success_and_failure_are_four_bytes) {
    for (const char* h : {"03 07 0004", "04 08 0004"}) {
        bytes b = hex(h);
        auto p = decode(b);
        ASSERT_TRUE(p) << h;
        EXPECT_TRUE(p->data.empty());
        EXPECT_EQ(encode(*p), b);
    }
    eap_payload s{eap_code::success, 7, eap_type::md5_challenge, bytes{1, 2}};
    EXPECT_EQ(encode(s), hex("03 07 0004"));
}

struct bad_case {
    const char* hex;
    parse_errc code;
    std::size_t offset;
};

TEST(eap_payload, rejects_bad_messages) {
    const bad_case cases[] = {
        {"02 05 00", parse_errc::truncated, 82},                   // length field cut
        {"02 05 000b 01 616c696365", parse_errc::bad_length, 82},  // EAP length too big
        {"02 05 0009 01 616c696365", parse_errc::bad_length, 82},  // EAP length too small
        {"02 05 0004", parse_errc::truncated, 84},                 // response without type
        {"03 07 0005 00", parse_errc::bad_length, 82},             // success with data
        {"05 01 0004", parse_errc::bad_value, 80},                 // unknown code
        {"00 01 0004", parse_errc::bad_value, 80},                 // code 0
    };
    for (const auto& c : cases) {
        EXPECT_TRUE(is_parse_error(decode(hex(c.hex)), c.code, c.offset, payload_type::eap))
            << c.hex;
    }
}

}  // namespace
