#include "libike/codec/sa_payload.hpp"

#include <gtest/gtest.h>

#include "tests/unit/codec/codec_test_support.hpp"

namespace {

using namespace ike;
using namespace ike::test;

// The body starts where it would in a real IKE_SA_INIT: after the 28-byte IKE
// header and the 4-byte generic payload header, so offsets are absolute.
constexpr std::size_t base = 32;

auto decode(const bytes& b) {
    return decode_at(decode_sa_payload, b, base, consume::any);
}
bytes encode(const sa_payload& p) {
    return encode_with(encode_sa_payload, p);
}

testing::AssertionResult fails_with(const bytes& b, parse_errc code, std::size_t offset) {
    return is_parse_error(decode(b), code, offset, payload_type::sa);
}

// Two IKE proposals for IKE_SA_INIT (§3.3.1, §3.3.2, §3.3.5), assembled by hand:
//   #1 ENCR_AES_GCM_16 KEY_LENGTH 256, PRF_HMAC_SHA2_384, group 31 (Curve25519)
//   #2 ENCR_AES_CBC KEY_LENGTH 128, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256, group 14
const bytes two_ike_proposals =
    hex("02 00 0024  01 01 00 03"            // more, len 36, #1, IKE, no SPI, 3 transforms   @32
        "03 00 000c  01 00 0014  800e 0100"  // ENCR 20, KEY_LENGTH=256               @40
        "03 00 0008  02 00 0006"             // PRF 6                                 @52
        "00 00 0008  04 00 001f"             // KE 31, last                           @60
        "00 00 002c  02 01 00 04"            // last, len 44, #2, IKE, no SPI, 4 transforms   @68
        "03 00 000c  01 00 000c  800e 0080"  // ENCR 12, KEY_LENGTH=128               @76
        "03 00 0008  03 00 000c"             // INTEG 12                              @88
        "03 00 0008  02 00 0005"             // PRF 5                                 @96
        "00 00 0008  04 00 000e");           // KE 14, last                           @104

TEST(sa_payload, decodes_two_ike_proposals) {
    auto sa = decode(two_ike_proposals);
    ASSERT_TRUE(sa) << sa.error().message();
    ASSERT_EQ(sa->proposals.size(), 2u);

    const auto& p1 = sa->proposals[0];
    EXPECT_EQ(p1.number, 1);
    EXPECT_EQ(p1.protocol, protocol_id::ike);
    EXPECT_TRUE(p1.spi.empty());
    ASSERT_EQ(p1.transforms.size(), 3u);
    EXPECT_EQ(p1.transforms[0].type, transform_type::encr);
    EXPECT_EQ(p1.transforms[0].id, 20);
    ASSERT_EQ(p1.transforms[0].attributes.size(), 1u);
    EXPECT_EQ(p1.transforms[0].attributes[0].type, transform_attr::key_length);
    EXPECT_TRUE(p1.transforms[0].attributes[0].tv);
    EXPECT_EQ(p1.transforms[0].attributes[0].value, 256);
    EXPECT_EQ(key_length(p1.transforms[0]), 256);
    EXPECT_EQ(p1.transforms[1].type, transform_type::prf);
    EXPECT_EQ(p1.transforms[1].id, 6);
    EXPECT_TRUE(p1.transforms[1].attributes.empty());
    EXPECT_EQ(key_length(p1.transforms[1]), std::nullopt);
    EXPECT_EQ(p1.transforms[2].type, transform_type::ke);
    EXPECT_EQ(p1.transforms[2].id, 31);

    const auto& p2 = sa->proposals[1];
    EXPECT_EQ(p2.number, 2);
    EXPECT_EQ(p2.protocol, protocol_id::ike);
    EXPECT_TRUE(p2.spi.empty());
    ASSERT_EQ(p2.transforms.size(), 4u);
    EXPECT_EQ(p2.transforms[0].type, transform_type::encr);
    EXPECT_EQ(p2.transforms[0].id, 12);
    EXPECT_EQ(key_length(p2.transforms[0]), 128);
    EXPECT_EQ(p2.transforms[1].type, transform_type::integ);
    EXPECT_EQ(p2.transforms[1].id, 12);
    EXPECT_EQ(p2.transforms[2].type, transform_type::prf);
    EXPECT_EQ(p2.transforms[2].id, 5);
    EXPECT_EQ(p2.transforms[3].type, transform_type::ke);
    EXPECT_EQ(p2.transforms[3].id, 14);
    EXPECT_TRUE(sa_proposal_numbers_sequential(*sa));
}

TEST(sa_payload, round_trips_byte_for_byte) {
    auto sa = decode(two_ike_proposals);
    ASSERT_TRUE(sa);
    EXPECT_EQ(encode(*sa), two_ike_proposals);
}

TEST(sa_payload, encodes_built_proposals_to_rfc_layout) {
    sa_payload sa;
    sa.proposals.push_back(
        {1,
         protocol_id::ike,
         {},
         {make_sa_transform(encr_id::aes_gcm_16, 256), make_sa_transform(prf_id::hmac_sha2_384),
          make_sa_transform(ke_group::curve25519)}});
    sa.proposals.push_back(
        {2,
         protocol_id::ike,
         {},
         {make_sa_transform(encr_id::aes_cbc, 128), make_sa_transform(integ_id::hmac_sha2_256_128),
          make_sa_transform(prf_id::hmac_sha2_256), make_sa_transform(ke_group::modp2048)}});
    EXPECT_EQ(encode(sa), two_ike_proposals);
}

TEST(sa_payload, esp_proposal_with_spi_esn_and_tlv_attribute) {
    // ESP, SPI 0x11223344, ENCR_AES_GCM_16 with KEY_LENGTH 128 and an unknown
    // TLV attribute 0x0123 of 3 bytes, then ESN no.
    bytes b =
        hex("00 00 0027  01 03 04 02  11223344"
            "03 00 0013  01 00 0014  800e 0080  0123 0003 aabbcc"
            "00 00 0008  05 00 0000");
    auto sa = decode(b);
    ASSERT_TRUE(sa) << sa.error().message();
    ASSERT_EQ(sa->proposals.size(), 1u);
    const auto& p = sa->proposals[0];
    EXPECT_EQ(p.protocol, protocol_id::esp);
    EXPECT_EQ(p.spi, hex("11223344"));
    ASSERT_EQ(p.transforms.size(), 2u);
    ASSERT_EQ(p.transforms[0].attributes.size(), 2u);
    const auto& tlv = p.transforms[0].attributes[1];
    EXPECT_EQ(static_cast<std::uint16_t>(tlv.type), 0x0123);
    EXPECT_FALSE(tlv.tv);
    EXPECT_EQ(tlv.data, hex("aabbcc"));
    EXPECT_EQ(key_length(p.transforms[0]), 128);
    EXPECT_EQ(p.transforms[1].type, transform_type::esn);
    EXPECT_EQ(p.transforms[1].id, 0);
    EXPECT_EQ(encode(*sa), b);
}

TEST(sa_payload, ike_rekey_proposal_with_8_byte_spi) {
    bytes b = hex("00 00 0018  01 01 08 01  0102030405060708  00 00 0008  04 00 0013");
    auto sa = decode(b);
    ASSERT_TRUE(sa) << sa.error().message();
    EXPECT_EQ(sa->proposals[0].spi, hex("0102030405060708"));
    EXPECT_EQ(encode(*sa), b);
}

TEST(sa_payload, reserved_bytes_ignored_and_written_zero) {
    bytes dirty = with(with(two_ike_proposals, 1, 0xff), 9, 0xff);
    auto sa = decode(dirty);
    ASSERT_TRUE(sa) << sa.error().message();
    EXPECT_EQ(encode(*sa), two_ike_proposals);
}

TEST(sa_payload, key_length_must_be_tv) {
    // KEY_LENGTH in TLV form (AF clear) is kept but is not a key length.
    sa_transform t{
        transform_type::encr, 12, {{transform_attr::key_length, false, 0, {0x00, 0x80}}}};
    EXPECT_EQ(key_length(t), std::nullopt);
}

TEST(sa_payload, proposal_numbers_are_not_enforced_by_the_decoder) {
    // A response carries the single accepted proposal with its original number.
    bytes b = with(two_ike_proposals, 4, 3);
    auto sa = decode(b);
    ASSERT_TRUE(sa);
    EXPECT_EQ(sa->proposals[0].number, 3);
    EXPECT_FALSE(sa_proposal_numbers_sequential(*sa));
}

TEST(sa_payload, rejects_empty_body) {
    EXPECT_TRUE(fails_with({}, parse_errc::bad_length, base));
}

TEST(sa_payload, rejects_bad_last_substructure_values) {
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 0, 3), parse_errc::bad_value, base + 0));
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 8, 2), parse_errc::bad_value, base + 8));
}

TEST(sa_payload, rejects_last_proposal_marker_with_more_following) {
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 0, 0), parse_errc::trailing_data, base + 36));
}

TEST(sa_payload, rejects_more_proposal_marker_at_the_end) {
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 36, 2), parse_errc::truncated, base + 80));
}

TEST(sa_payload, rejects_last_transform_marker_with_more_following) {
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 20, 0), parse_errc::trailing_data, base + 28));
}

TEST(sa_payload, rejects_more_transform_marker_at_proposal_end) {
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 28, 3), parse_errc::truncated, base + 36));
}

TEST(sa_payload, rejects_transform_count_mismatch) {
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 7, 2), parse_errc::bad_value, base + 7));
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 7, 4), parse_errc::bad_value, base + 7));
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 43, 5), parse_errc::bad_value, base + 43));
}

TEST(sa_payload, rejects_inconsistent_proposal_lengths) {
    // Too small to hold the proposal header.
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 3, 7), parse_errc::bad_length, base + 2));
    // Longer than the SA body.
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 39, 0x2d), parse_errc::truncated, base + 38));
    // Shorter than its transforms: the last transform overruns the proposal.
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 3, 0x20), parse_errc::truncated, base + 30));
    // One byte longer: a stray byte after the last transform.
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 3, 0x25), parse_errc::trailing_data, base + 36));
}

TEST(sa_payload, rejects_inconsistent_transform_lengths) {
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 11, 7), parse_errc::bad_length, base + 10));
    // Transform 1 claims 16 bytes: its attribute area then holds a partial attribute.
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 11, 0x10), parse_errc::truncated, base + 22));
    // Last transform claims more than the proposal holds.
    EXPECT_TRUE(fails_with(with(two_ike_proposals, 31, 0x09), parse_errc::truncated, base + 30));
}

TEST(sa_payload, rejects_tlv_attribute_overrunning_transform) {
    bytes b = hex("00 00 0014  01 01 00 01  00 00 000c  01 00 000c  000e 0010");
    EXPECT_TRUE(fails_with(b, parse_errc::truncated, base + 18));
}

TEST(sa_payload, rejects_wrong_spi_sizes) {
    // IKE with a 4-byte SPI.
    bytes ike4 = hex("00 00 0014  01 01 04 01  01020304  00 00 0008  04 00 0013");
    EXPECT_TRUE(fails_with(ike4, parse_errc::bad_value, base + 6));
    // ESP without SPI, and with an 8-byte SPI.
    bytes esp0 = hex("00 00 0010  01 03 00 01  00 00 0008  01 00 0014");
    EXPECT_TRUE(fails_with(esp0, parse_errc::bad_value, base + 6));
    bytes esp8 = hex("00 00 0018  01 03 08 01  0102030405060708  00 00 0008  01 00 0014");
    EXPECT_TRUE(fails_with(esp8, parse_errc::bad_value, base + 6));
    // SPI longer than the proposal.
    bytes overrun = hex("00 00 000c  01 01 08 00  01020304");
    EXPECT_TRUE(fails_with(overrun, parse_errc::truncated, base + 6));
}

TEST(sa_payload, bounds_proposals_transforms_and_attributes) {
    bytes many;
    for (std::size_t i = 0; i <= max_sa_proposals; ++i) {
        bytes p = hex("02 00 0008  01 01 00 00");
        if (i == max_sa_proposals) p[0] = 0;
        many.insert(many.end(), p.begin(), p.end());
    }
    EXPECT_TRUE(fails_with(many, parse_errc::too_many, base + 8 * max_sa_proposals));

    bytes count = with(two_ike_proposals, 7, max_sa_transforms + 1);
    EXPECT_TRUE(fails_with(count, parse_errc::too_many, base + 7));

    bytes attrs = hex("00 00 0054  01 01 00 01  00 00 004c  01 00 000c");
    for (std::size_t i = 0; i <= max_sa_attributes; ++i) {
        bytes a = hex("800e 0080");
        attrs.insert(attrs.end(), a.begin(), a.end());
    }
    EXPECT_TRUE(fails_with(attrs, parse_errc::too_many, base + 16 + 4 * max_sa_attributes));
}

TEST(sa_payload, every_truncation_is_an_error) {
    EXPECT_TRUE(every_prefix_fails(decode, two_ike_proposals));
}

TEST(sa_payload, bit_flips_never_crash_and_round_trip_when_accepted) {
    // Reserved bytes are not preserved, so the helper compares after re-decoding.
    expect_bit_flips_round_trip(decode, encode, two_ike_proposals);
}

}  // namespace
