#include "libike/codec/skf_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

// The body starts at offset 32, so error offsets are absolute.
auto decode(const bytes& b, payload_type first) {
    return decode_at(decode_skf_payload, b, 32, consume::all, first);
}
bytes encode(const skf_payload& p) {
    return encode_with(encode_skf_payload, p);
}

TEST(skf_payload, decodes_first_fragment) {
    // fragment 1 of 3, then IV|ciphertext|ICV
    bytes b = hex("0001 0003 00112233445566778899");
    auto p = decode(b, payload_type::idi);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->first_inner, payload_type::idi);
    EXPECT_EQ(p->fragment_number, 1);
    EXPECT_EQ(p->total_fragments, 3);
    EXPECT_EQ(p->encrypted, hex("00112233445566778899"));
    EXPECT_EQ(encode(*p), b);
}

TEST(skf_payload, decodes_last_fragment) {
    bytes b = hex("0003 0003 ff");
    auto p = decode(b, payload_type::none);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->first_inner, payload_type::none);
    EXPECT_EQ(p->fragment_number, 3);
    EXPECT_EQ(encode(*p), b);
}

struct bad_case {
    const char* hex;
    parse_errc code;
    std::size_t offset;
};

TEST(skf_payload, rejects_bad_fragments) {
    const bad_case cases[] = {
        {"0001 00", parse_errc::truncated, 34},
        {"0000 0003 ff", parse_errc::bad_value, 32},  // fragment numbers start at 1
        {"0004 0003 ff", parse_errc::bad_value, 34},  // beyond total
        {"0001 0000 ff", parse_errc::bad_value, 34},  // zero total
        {"0001 0001", parse_errc::bad_length, 36},    // no encrypted bytes
    };
    for (const auto& c : cases) {
        EXPECT_TRUE(is_parse_error(decode(hex(c.hex), payload_type::sa), c.code, c.offset,
                                   payload_type::skf))
            << c.hex;
    }
}

}  // namespace
