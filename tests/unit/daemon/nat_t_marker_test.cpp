#include "daemon/nat_t_marker.hpp"

#include <gtest/gtest.h>

namespace ikev2d {
namespace {

TEST(nat_t_marker, strips_the_marker_from_ike) {
    const ike::bytes d{0, 0, 0, 0, 0x11, 0x22, 0x33};
    const auto r = classify_natt_datagram(d);
    ASSERT_EQ(r.kind, natt_kind::ike);
    EXPECT_EQ(ike::bytes(r.ike.begin(), r.ike.end()), (ike::bytes{0x11, 0x22, 0x33}));
}

TEST(nat_t_marker, nonzero_first_word_is_esp) {
    EXPECT_EQ(classify_natt_datagram(ike::bytes{0, 0, 0, 1, 0, 0, 0, 1}).kind, natt_kind::esp);
    EXPECT_EQ(classify_natt_datagram(ike::bytes{0xc0, 0, 0, 0, 9}).kind, natt_kind::esp);
}

TEST(nat_t_marker, keepalive_and_short_datagrams) {
    EXPECT_EQ(classify_natt_datagram(ike::bytes{0xff}).kind, natt_kind::keepalive);
    EXPECT_EQ(classify_natt_datagram(ike::bytes{}).kind, natt_kind::malformed);
    EXPECT_EQ(classify_natt_datagram(ike::bytes{0, 0, 0}).kind, natt_kind::malformed);
    EXPECT_EQ(classify_natt_datagram(ike::bytes{0x00}).kind, natt_kind::malformed);
}

TEST(nat_t_marker, marker_alone_is_an_empty_ike_message) {
    const auto r = classify_natt_datagram(ike::bytes{0, 0, 0, 0});
    EXPECT_EQ(r.kind, natt_kind::ike);
    EXPECT_TRUE(r.ike.empty());
}

TEST(nat_t_marker, add_then_classify_round_trips) {
    const ike::bytes msg{1, 2, 3, 4, 5};
    const auto framed = add_non_esp_marker(msg);
    EXPECT_EQ(framed, (ike::bytes{0, 0, 0, 0, 1, 2, 3, 4, 5}));
    const auto r = classify_natt_datagram(framed);
    EXPECT_EQ(ike::bytes(r.ike.begin(), r.ike.end()), msg);
}

TEST(nat_t_marker, keepalive_datagram_is_one_ff_byte) {
    EXPECT_EQ(nat_keepalive_datagram(), ike::bytes{0xff});
}

}  // namespace
}  // namespace ikev2d
