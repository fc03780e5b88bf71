// The EAP packet layer: typed errors for what the codec refuses, and the
// packets each side builds.
#include "libike/eap/eap_packet.hpp"

#include <gtest/gtest.h>

namespace {

using namespace ike;

TEST(eap_packet, request_round_trip) {
    const bytes wire = eap_request(42, eap_type::identity, as_view("hi"));
    EXPECT_EQ(wire, (bytes{1, 42, 0, 7, 1, 'h', 'i'}));
    auto p = decode_eap_packet(wire);
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p->code, eap_code::request);
    EXPECT_EQ(p->identifier, 42);
    EXPECT_EQ(p->type, eap_type::identity);
    EXPECT_EQ(p->data, (bytes{'h', 'i'}));
}

TEST(eap_packet, success_and_failure_are_four_octets) {
    EXPECT_EQ(eap_success_packet(5), (bytes{3, 5, 0, 4}));
    EXPECT_EQ(eap_failure_packet(6), (bytes{4, 6, 0, 4}));
}

TEST(eap_packet, malformed_packets_are_typed_errors) {
    const bytes cases[] = {
        {},                    // empty
        {2, 1, 0},             // truncated header
        {2, 1, 0, 9, 1, 'a'},  // Length larger than the packet
        {2, 1, 0, 5, 1, 'a'},  // Length smaller than the packet
        {2, 1, 0, 4},          // Response without a Type
        {3, 1, 0, 5, 0},       // Success with data
        {9, 1, 0, 4},          // unknown Code
    };
    for (const bytes& c : cases) {
        auto p = decode_eap_packet(c);
        ASSERT_FALSE(p) << to_hex(c);
        EXPECT_EQ(p.error().code, eap_errc::malformed);
        EXPECT_FALSE(p.error().detail.empty());
    }
}

}  // namespace
