#include "libike/codec/message.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

/// `n` bytes counting up from `start`, for key shares, nonces and ciphertext.
bytes pattern(std::size_t n, std::uint8_t start) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(start + i);
    return b;
}

bytes concat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// IKE_SA_INIT request: HDR, SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP),
// N(NAT_DETECTION_DESTINATION_IP), every field written from RFC 7296 §3.
bytes ike_sa_init_request() {
    return concat({
        // header: SPIi, SPIr 0, next SA, v2.0, IKE_SA_INIT, I, msg 0, length 240
        hex("8a3b4c5d6e7f8091 0000000000000000 21 20 22 08 00000000 000000f0"),
        // SA: next KE, length 48; one proposal #1 for IKE, no SPI, 4 transforms
        hex("22 00 0030  00 00 002c 01 01 00 04"
            "03 00 000c 01 00 000c 800e 0100"  // ENCR_AES_CBC, key length 256
            "03 00 0008 02 00 0005"            // PRF_HMAC_SHA2_256
            "03 00 0008 03 00 000c"            // AUTH_HMAC_SHA2_256_128
            "00 00 0008 04 00 0013"),          // group 19, last transform
        // KE: next Nonce, length 72, group 19, 64 bytes of public value
        hex("28 00 0048 0013 0000"),
        pattern(64, 0x40),
        // Nonce: next Notify, length 36, 32 bytes
        hex("29 00 0024"),
        pattern(32, 0x90),
        // N(NAT_DETECTION_SOURCE_IP): next Notify, length 28
        hex("29 00 001c 00 00 4004"),
        pattern(20, 0xc0),
        // N(NAT_DETECTION_DESTINATION_IP): last, length 28
        hex("00 00 001c 00 00 4005"),
        pattern(20, 0xe0),
    });
}

// IKE_AUTH request protected by SK whose plaintext starts with IDi.
bytes ike_auth_request() {
    return concat({
        hex("8a3b4c5d6e7f8091 1122334455667788 2e 20 23 08 00000001 00000060"),
        hex("23 00 0044"),  // SK: first inner IDi (35), length 68
        pattern(64, 0x10),  // IV | ciphertext | ICV
    });
}

TEST(message, decodes_hand_assembled_ike_sa_init) {
    bytes wire = ike_sa_init_request();
    ASSERT_EQ(wire.size(), 240u);
    auto m = decode_message(wire);
    ASSERT_TRUE(m) << m.error().message();

    EXPECT_EQ(m->header.spi_i, 0x8a3b4c5d6e7f8091u);
    EXPECT_EQ(m->header.spi_r, 0u);
    EXPECT_EQ(m->header.exchange, exchange_type::ike_sa_init);
    EXPECT_TRUE(m->header.is_initiator());
    EXPECT_EQ(m->header.message_id, 0u);

    ASSERT_EQ(m->payloads.size(), 5u);
    EXPECT_EQ(m->payloads[0].type, payload_type::sa);
    const auto& sa = std::get<sa_payload>(m->payloads[0].body);
    ASSERT_EQ(sa.proposals.size(), 1u);
    EXPECT_EQ(sa.proposals[0].protocol, protocol_id::ike);
    ASSERT_EQ(sa.proposals[0].transforms.size(), 4u);
    EXPECT_EQ(sa.proposals[0].transforms[3].type, transform_type::ke);
    EXPECT_EQ(sa.proposals[0].transforms[3].id, 19);

    EXPECT_EQ(m->payloads[1].type, payload_type::ke);
    const auto& ke = std::get<ke_payload>(m->payloads[1].body);
    EXPECT_EQ(ke.group, ke_group::ecp256);
    EXPECT_EQ(ke.data, pattern(64, 0x40));

    EXPECT_EQ(std::get<nonce_payload>(m->payloads[2].body).nonce, pattern(32, 0x90));

    const auto& src = std::get<notify_payload>(m->payloads[3].body);
    EXPECT_EQ(src.type, notify_type::nat_detection_source_ip);
    auto src_hash = read_nat_detection_hash(src);
    ASSERT_TRUE(src_hash);
    EXPECT_EQ(bytes(src_hash->begin(), src_hash->end()), pattern(20, 0xc0));
    const auto& dst = std::get<notify_payload>(m->payloads[4].body);
    EXPECT_EQ(dst.type, notify_type::nat_detection_destination_ip);
    EXPECT_EQ(dst.data, pattern(20, 0xe0));

    EXPECT_EQ(encode_message(*m), wire);
}

TEST(message, encodes_ike_sa_init_built_from_structs) {
    message m;
    m.header.spi_i = 0x8a3b4c5d6e7f8091;
    m.header.exchange = exchange_type::ike_sa_init;
    m.header.flags = header_flag::initiator;
    sa_proposal prop;
    prop.number = 1;
    prop.protocol = protocol_id::ike;
    prop.transforms = {
        {transform_type::encr, 12, {sa_attribute{transform_attr::key_length, true, 256, {}}}},
        {transform_type::prf, 5, {}},
        {transform_type::integ, 12, {}},
        {transform_type::ke, 19, {}},
    };
    m.payloads = {
        {payload_type::sa, false, sa_payload{{prop}}},
        {payload_type::ke, false, ke_payload{ke_group::ecp256, pattern(64, 0x40)}},
        {payload_type::nonce, false, nonce_payload{pattern(32, 0x90)}},
        {payload_type::notify, false,
         notify_payload{
             protocol_id::none, {}, notify_type::nat_detection_source_ip, pattern(20, 0xc0)}},
        {payload_type::notify, false,
         notify_payload{
             protocol_id::none, {}, notify_type::nat_detection_destination_ip, pattern(20, 0xe0)}},
    };
    EXPECT_EQ(encode_message(m), ike_sa_init_request());
}

TEST(message, decodes_ike_auth_with_sk) {
    bytes wire = ike_auth_request();
    auto m = decode_message(wire);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(m->header.exchange, exchange_type::ike_auth);
    EXPECT_EQ(m->header.spi_r, 0x1122334455667788u);
    EXPECT_EQ(m->header.message_id, 1u);
    ASSERT_EQ(m->payloads.size(), 1u);
    EXPECT_EQ(m->payloads[0].type, payload_type::sk);
    const auto& sk = std::get<sk_payload>(m->payloads[0].body);
    EXPECT_EQ(sk.first_inner, payload_type::idi);
    EXPECT_EQ(sk.encrypted, pattern(64, 0x10));
    EXPECT_EQ(encode_message(*m), wire);
}

TEST(message, header_and_sk_header_form_the_aad) {
    // What the engine does before sealing: header with final length, then the
    // SK generic header; together the first 32 bytes of the datagram.
    message m = *decode_message(ike_auth_request());
    byte_writer aad;
    encode_ike_header(m.header, payload_type::sk, 0x60, aad);
    encode_generic_payload_header({payload_type::idi, false, 0x44}, aad);
    bytes wire = ike_auth_request();
    EXPECT_EQ(aad.data(), bytes(wire.begin(), wire.begin() + 32));
}

TEST(message, decodes_skf_fragment) {
    bytes wire = concat({
        hex("8a3b4c5d6e7f8091 1122334455667788 35 20 23 08 00000001 0000002e"),
        hex("23 00 0012 0001 0002"),  // SKF: first inner IDi, length 18, fragment 1 of 2
        pattern(10, 0x70),
    });
    auto m = decode_message(wire);
    ASSERT_TRUE(m) << m.error().message();
    ASSERT_EQ(m->payloads.size(), 1u);
    const auto& skf = std::get<skf_payload>(m->payloads[0].body);
    EXPECT_EQ(skf.first_inner, payload_type::idi);
    EXPECT_EQ(skf.fragment_number, 1);
    EXPECT_EQ(skf.total_fragments, 2);
    EXPECT_EQ(skf.encrypted, pattern(10, 0x70));
    EXPECT_EQ(encode_message(*m), wire);
}

TEST(message, keeps_unknown_non_critical_payload) {
    bytes wire = concat({
        hex("8a3b4c5d6e7f8091 0000000000000000 c8 20 22 08 00000000 0000002f"),
        hex("29 00 0007 010203"),               // type 200, not critical
        hex("00 00 000c 00 00 4006 01020304"),  // N(COOKIE)
    });
    auto m = decode_message(wire);
    ASSERT_TRUE(m) << m.error().message();
    ASSERT_EQ(m->payloads.size(), 2u);
    EXPECT_EQ(m->payloads[0].type, static_cast<payload_type>(200));
    EXPECT_EQ(std::get<unknown_payload>(m->payloads[0].body).body, hex("010203"));
    EXPECT_EQ(encode_message(*m), wire);
}

TEST(message, rejects_unknown_critical_payload) {
    bytes wire = concat({
        hex("8a3b4c5d6e7f8091 0000000000000000 c8 20 22 08 00000000 0000002f"),
        hex("29 80 0007 010203"),  // type 200, critical
        hex("00 00 000c 00 00 4006 01020304"),
    });
    EXPECT_TRUE(is_parse_error(decode_message(wire), parse_errc::unsupported_critical, 28,
                               static_cast<payload_type>(200)));
}

TEST(message, header_only_message) {
    bytes wire = hex("8a3b4c5d6e7f8091 1122334455667788 00 20 25 20 00000007 0000001c");
    auto m = decode_message(wire);
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->payloads.empty());
    EXPECT_EQ(m->header.exchange, exchange_type::informational);
    EXPECT_EQ(encode_message(*m), wire);
}

TEST(message, errors_have_absolute_offsets) {
    bytes wire2 = ike_sa_init_request();
    wire2[28 + 48 + 72 + 3] = 0x13;  // nonce length 19: 15-byte nonce
    // The nonce decoder sees 15 bytes and rejects them before the chain
    // notices the stray bytes behind them.
    EXPECT_TRUE(is_parse_error(decode_message(wire2), parse_errc::bad_length, 28 + 48 + 72 + 4,
                               payload_type::nonce));
}

TEST(message, header_length_must_match_datagram) {
    bytes wire = ike_sa_init_request();
    wire.push_back(0);
    auto m = decode_message(wire);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().code, parse_errc::trailing_data);
    wire.resize(wire.size() - 2);
    m = decode_message(wire);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().code, parse_errc::truncated);
}

}  // namespace
