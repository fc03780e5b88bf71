#include "libike/codec/vendor_id_payload.hpp"

#include <gtest/gtest.h>

namespace {

using namespace ike;

TEST(vendor_id_payload, keeps_opaque_bytes) {
    // strongSwan's vendor ID is the MD5 of "strongSwan"; any bytes will do here.
    bytes b{0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc};
    byte_reader r(b);
    auto p = decode_vendor_id_payload(r);
    ASSERT_TRUE(p);
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(p->id, b);
    byte_writer w;
    encode_vendor_id_payload(*p, w);
    EXPECT_EQ(w.data(), b);
}

TEST(vendor_id_payload, accepts_empty) {
    bytes b;
    byte_reader r(b);
    auto p = decode_vendor_id_payload(r);
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->id.empty());
}

}  // namespace
