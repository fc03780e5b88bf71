#include "libike/codec/vendor_id_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

TEST(vendor_id_payload, keeps_opaque_bytes) {
    // strongSwan's vendor ID is the MD5 of "strongSwan"; any bytes will do here.
    bytes b{0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc};
    auto p = decode_at(decode_vendor_id_payload, b, 0, consume::all);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->id, b);
    EXPECT_EQ(encode_with(encode_vendor_id_payload, *p), b);
}

TEST(vendor_id_payload, accepts_empty) {
    auto p = decode_at(decode_vendor_id_payload, bytes{}, 0, consume::any);
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->id.empty());
}

}  // namespace
