// EAP-MSCHAPv2 type data: round trips, and every truncation or length lie
// comes back as a typed error.
#include "libike/eap/mschapv2_packet.hpp"

#include <gtest/gtest.h>

namespace {

using namespace ike;
using namespace ike::mschapv2;

response_packet sample_response() {
    response_packet r;
    r.ms_id = 7;
    r.peer_challenge.fill(0x21);
    r.response.fill(0x82);
    r.name = "carol";
    return r;
}

TEST(mschapv2_packet, challenge_round_trip) {
    challenge_packet c{9, {}, "ikev2d"};
    c.value.fill(0x5B);
    const bytes wire = encode(c);
    ASSERT_EQ(wire.size(), 4u + 1 + 16 + 6);
    EXPECT_EQ(wire[0], 1);
    EXPECT_EQ(wire[1], 9);
    EXPECT_EQ((wire[2] << 8) | wire[3], static_cast<int>(wire.size()));  // MS-Length
    EXPECT_EQ(wire[4], 16);
    auto back = decode_challenge(wire);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(back->ms_id, 9);
    EXPECT_EQ(back->value, c.value);
    EXPECT_EQ(back->name, "ikev2d");
}

TEST(mschapv2_packet, response_round_trip) {
    const bytes wire = encode(sample_response());
    ASSERT_EQ(wire.size(), 4u + 1 + 49 + 5);
    EXPECT_EQ(wire[4], 49);
    auto back = decode_response(wire);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(back->ms_id, 7);
    EXPECT_EQ(back->peer_challenge, sample_response().peer_challenge);
    EXPECT_EQ(back->response, sample_response().response);
    EXPECT_EQ(back->name, "carol");
}

TEST(mschapv2_packet, every_truncation_is_an_error) {
    const bytes wire = encode(sample_response());
    for (std::size_t n = 0; n < wire.size(); ++n) {
        const bytes_view cut(wire.data(), n);
        auto r = decode_response(cut);
        ASSERT_FALSE(r) << n;
        EXPECT_EQ(r.error().code, eap_errc::malformed);
        EXPECT_FALSE(decode_challenge(cut));
        // A truncated message is still a message when its MS-Length agrees.
        (void)decode_message(cut);
    }
}

TEST(mschapv2_packet, ms_length_must_match) {
    bytes wire = encode(sample_response());
    wire[3] ^= 1;
    auto r = decode_response(wire);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().detail.find("MS-Length"), std::string::npos);
}

TEST(mschapv2_packet, opcode_must_fit_the_decoder) {
    const bytes response = encode(sample_response());
    EXPECT_FALSE(decode_challenge(response));
    EXPECT_FALSE(decode_message(response));
    EXPECT_FALSE(decode_response(encode(challenge_packet{1, {}, "x"})));
}

TEST(mschapv2_packet, value_size_must_be_right) {
    bytes wire = encode(sample_response());
    wire[4] = 48;
    EXPECT_FALSE(decode_response(wire));
    challenge_packet c{1, {}, "x"};
    bytes cw = encode(c);
    cw[4] = 8;
    EXPECT_FALSE(decode_challenge(cw));
}

TEST(mschapv2_packet, messages_and_fields) {
    const bytes wire = encode(message_packet{
        opcode::failure, 3, "E=691 R=0 C=00112233445566778899AABBCCDDEEFF V=3 M=Auth failed here"});
    auto m = decode_message(wire);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->op, opcode::failure);
    EXPECT_EQ(text_field(m->text, "E"), "691");
    EXPECT_EQ(text_field(m->text, "R"), "0");
    EXPECT_EQ(text_field(m->text, "C"), "00112233445566778899AABBCCDDEEFF");
    EXPECT_EQ(text_field(m->text, "M"), "Auth failed here");
    EXPECT_FALSE(text_field(m->text, "S"));
    EXPECT_EQ(encode_ack(opcode::success), bytes{3});
    auto op = peek_opcode(bytes{});
    ASSERT_FALSE(op);
}

}  // namespace
