// ECP groups 19-21 against RFC 5903 §8 (test vectors, including the IKEv2 KE
// payloads), and the peer-value checks of RFC 6989 §2.3.
#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>

#include "libike/common/bytes.hpp"
#include "libike/crypto/key_exchange.hpp"
#include "tests/unit/crypto/crypto_test_support.hpp"

namespace {

using ike::bytes;
using ike::crypto_errc;
using ike::ke_group;
using ike::test::from_private;
using ike::test::hex;

struct rfc5903_vector {
    ke_group group;
    std::string_view i, gix, giy, kei;  // initiator: private, public x, y, KEi payload
    std::string_view r, grx, gry, ker;  // responder
    std::string_view girx;              // shared secret (x coordinate of g^ir)
};

// Key Exchange Data of a KE payload after checking its header: generic
// payload header (length in octets 2-3) then group number and RESERVED.
bytes ke_payload_data(const bytes& payload, ke_group group) {
    EXPECT_GE(payload.size(), 8u);
    EXPECT_EQ(std::size_t(payload[2] << 8 | payload[3]), payload.size());
    EXPECT_EQ(payload[4] << 8 | payload[5], static_cast<int>(group));
    return bytes(payload.begin() + 8, payload.end());
}

void check(const rfc5903_vector& v) {
    auto initiator = from_private(v.group, hex(v.i));
    auto responder = from_private(v.group, hex(v.r));
    ASSERT_TRUE(initiator && responder);

    bytes gi = hex(v.gix), gr = hex(v.grx);
    bytes giy = hex(v.giy), gry = hex(v.gry);
    gi.insert(gi.end(), giy.begin(), giy.end());
    gr.insert(gr.end(), gry.begin(), gry.end());
    EXPECT_EQ(ike::to_hex(initiator->public_value()), ike::to_hex(gi));
    EXPECT_EQ(ike::to_hex(responder->public_value()), ike::to_hex(gr));
    EXPECT_EQ(initiator->public_value(), ke_payload_data(hex(v.kei), v.group));
    EXPECT_EQ(responder->public_value(), ke_payload_data(hex(v.ker), v.group));

    auto s_i = initiator->shared_secret(gr);
    auto s_r = responder->shared_secret(gi);
    ASSERT_TRUE(s_i.has_value()) << s_i.error().message();
    ASSERT_TRUE(s_r.has_value()) << s_r.error().message();
    EXPECT_EQ(ike::to_hex(s_i->view()), ike::to_hex(hex(v.girx)));
    EXPECT_EQ(ike::to_hex(s_r->view()), ike::to_hex(hex(v.girx)));
}

// RFC 5903 §8.1, 256-bit random ECP group.
const rfc5903_vector rfc5903_8_1{
    ke_group::ecp256,
    "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
    "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180",
    "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
    "00000048 00130000 DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF"
    "945D0C37 72581180 5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58"
    "389E0577 B8990BB3",
    "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
    "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63",
    "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
    "00000048 00130000 D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C"
    "736FC755 4494BF63 56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83"
    "53E74F33 039872AB",
    "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE",
};

// RFC 5903 §8.2, 384-bit random ECP group.
const rfc5903_vector rfc5903_8_2{
    ke_group::ecp384,
    "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655"
    "E35B5380 41E649EE 3FAEF896 783AB194",
    "667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6"
    "DE3AC808 ACB4BDB4 C88732AE E95F41AA",
    "9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E"
    "EB9FCFF3 C2C947DA E69B4C63 4573A81C",
    "00000068 00140000 667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3"
    "1634FE72 B4C55EE6 DE3AC808 ACB4BDB4 C88732AE E95F41AA 9482ED1F C0EEB9CA"
    "FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E EB9FCFF3 C2C947DA"
    "E69B4C63 4573A81C",
    "41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942"
    "E0308312 916B8ED2 960E4BD5 5A7448FC",
    "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
    "0D1AC43A 0336DEF9 6FDA41D0 774A3571",
    "DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF"
    "F83FA401 42209DFF 5EAAD96D B9E6386C",
    "00000068 00140000 E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D"
    "83CFA417 32BC509D 0D1AC43A 0336DEF9 6FDA41D0 774A3571 DCFBEC7A ACF31964"
    "72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF F83FA401 42209DFF"
    "5EAAD96D B9E6386C",
    "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
    "D6031355 69B9E9D0 9CF5D4A2 70F59746",
};

// RFC 5903 §8.3, 521-bit random ECP group.
const rfc5903_vector rfc5903_8_3{
    ke_group::ecp521,
    "0037ADE9 319A89F4 DABDB3EF 411AACCC A5123C61 ACAB57B5 393DCE47 608172A0"
    "95AA85A3 0FE1C295 2C6771D9 37BA9777 F5957B26 39BAB072 462F68C2 7A57382D"
    "4A52",
    "0015417E 84DBF28C 0AD3C278 713349DC 7DF153C8 97A1891B D98BAB43 57C9ECBE"
    "E1E3BF42 E00B8E38 0AEAE57C 2D107564 94188594 2AF5A7F4 601723C4 195D176C"
    "ED3E",
    "017CAE20 B6641D2E EB695786 D8C94614 6239D099 E18E1D5A 514C739D 7CB4A10A"
    "D8A78801 5AC405D7 799DC75E 7B7D5B6C F2261A6A 7F150743 8BF01BEB 6CA3926F"
    "9582",
    "0000008C 00150000 0015417E 84DBF28C 0AD3C278 713349DC 7DF153C8 97A1891B"
    "D98BAB43 57C9ECBE E1E3BF42 E00B8E38 0AEAE57C 2D107564 94188594 2AF5A7F4"
    "601723C4 195D176C ED3E017C AE20B664 1D2EEB69 5786D8C9 46146239 D099E18E"
    "1D5A514C 739D7CB4 A10AD8A7 88015AC4 05D7799D C75E7B7D 5B6CF226 1A6A7F15"
    "07438BF0 1BEB6CA3 926F9582",
    "0145BA99 A847AF43 793FDD0E 872E7CDF A16BE30F DC780F97 BCCC3F07 8380201E"
    "9C677D60 0B343757 A3BDBF2A 3163E4C2 F869CCA7 458AA4A4 EFFC311F 5CB15168"
    "5EB9",
    "00D0B397 5AC4B799 F5BEA16D 5E13E9AF 971D5E9B 984C9F39 728B5E57 39735A21"
    "9B97C356 436ADC6E 95BB0352 F6BE64A6 C2912D4E F2D0433C ED2B6171 640012D9"
    "460F",
    "015C6822 6383956E 3BD066E7 97B623C2 7CE0EAC2 F551A10C 2C724D98 52077B87"
    "220B6536 C5C408A1 D2AEBB8E 86D678AE 49CB5709 1F473229 6579AB44 FCD17F0F"
    "C56A",
    "0000008c 00150000 00D0B397 5AC4B799 F5BEA16D 5E13E9AF 971D5E9B 984C9F39"
    "728B5E57 39735A21 9B97C356 436ADC6E 95BB0352 F6BE64A6 C2912D4E F2D0433C"
    "ED2B6171 640012D9 460F015C 68226383 956E3BD0 66E797B6 23C27CE0 EAC2F551"
    "A10C2C72 4D985207 7B87220B 6536C5C4 08A1D2AE BB8E86D6 78AE49CB 57091F47"
    "32296579 AB44FCD1 7F0FC56A",
    "01144C7D 79AE6956 BC8EDB8E 7C787C45 21CB086F A64407F9 7894E5E6 B2D79B04"
    "D1427E73 CA4BAA24 0A347868 59810C06 B3C715A3 A8CC3151 F2BEE417 996D19F3"
    "DDEA",
};

TEST(ke_ecp, rfc5903_8_1_ecp256) {
    check(rfc5903_8_1);
}

TEST(ke_ecp, rfc5903_8_2_ecp384) {
    check(rfc5903_8_2);
}

TEST(ke_ecp, rfc5903_8_3_ecp521) {
    check(rfc5903_8_3);
}

// d = 1 gives the base point; its coordinates are in FIPS 186-4 D.1.2.3.
TEST(ke_ecp, private_key_one_gives_base_point_p256) {
    auto kx = from_private(ke_group::ecp256, hex("01"));
    ASSERT_TRUE(kx);
    EXPECT_EQ(ike::to_hex(kx->public_value()),
              ike::to_hex(
                  hex("6B17D1F2 E12C4247 F8BCE6E5 63A440F2 77037D81 2DEB33A0 F4A13945 D898C296"
                      "4FE342E2 FE1A7F9B 8EE7EB4A 7C0F9E16 2BCE3357 6B315ECE CBB64068 37BF51F5")));
}

struct ecp_case {
    ke_group group;
    const rfc5903_vector* vector;
    std::size_t coord_len;
};

class ke_ecp_rejects : public ::testing::TestWithParam<ecp_case> {
  protected:
    void expect_invalid(const bytes& peer) {
        auto kx = from_private(GetParam().group, hex(GetParam().vector->i));
        ASSERT_TRUE(kx);
        auto s = kx->shared_secret(peer);
        ASSERT_FALSE(s.has_value()) << ike::to_hex(peer);
        EXPECT_EQ(s.error().code, crypto_errc::invalid_public_value) << s.error().message();
        // The object survives the garbage and still agrees on the RFC secret.
        auto good = kx->shared_secret(responder_public());
        ASSERT_TRUE(good.has_value());
        EXPECT_EQ(ike::to_hex(good->view()), ike::to_hex(hex(GetParam().vector->girx)));
    }

    bytes responder_public() const {
        bytes gr = hex(GetParam().vector->grx);
        bytes gry = hex(GetParam().vector->gry);
        gr.insert(gr.end(), gry.begin(), gry.end());
        return gr;
    }
};

TEST_P(ke_ecp_rejects, wrong_lengths) {
    const std::size_t size = 2 * GetParam().coord_len;
    EXPECT_EQ(ike::public_value_size(GetParam().group), size);
    bytes gr = responder_public();
    expect_invalid({});
    expect_invalid(bytes(gr.begin(), gr.end() - 1));
    expect_invalid(bytes(gr.begin(), gr.begin() + GetParam().coord_len));  // x only
    bytes longer = gr;
    longer.push_back(0);
    expect_invalid(longer);
    bytes sec1{0x04};  // SEC1 uncompressed form: RFC 5903 §7 says no prefix
    sec1.insert(sec1.end(), gr.begin(), gr.end());
    expect_invalid(sec1);
}

TEST_P(ke_ecp_rejects, point_not_on_curve) {
    bytes gr = responder_public();
    gr.back() ^= 0x01;  // y changed: (x, y') is not on the curve
    expect_invalid(gr);
    bytes gr2 = responder_public();
    gr2[GetParam().coord_len / 2] ^= 0x80;  // x changed
    expect_invalid(gr2);
}

TEST_P(ke_ecp_rejects, zero_point_and_oversized_coordinates) {
    const std::size_t size = 2 * GetParam().coord_len;
    expect_invalid(bytes(size, 0x00));  // (0, 0): the usual stand-in for infinity
    expect_invalid(bytes(size, 0xff));  // x, y >= p
}

TEST_P(ke_ecp_rejects, bad_private_keys) {
    const auto group = GetParam().group;
    for (const bytes& bad :
         {bytes{}, bytes(GetParam().coord_len + 1, 0x01), bytes(GetParam().coord_len, 0x00),
          bytes(GetParam().coord_len, 0xff)}) {
        auto kx = ike::make_key_exchange_from_private(group, bad);
        ASSERT_FALSE(kx.has_value()) << ike::to_hex(bad);
        EXPECT_EQ(kx.error().code, crypto_errc::bad_key_length) << kx.error().message();
    }
}

INSTANTIATE_TEST_SUITE_P(groups, ke_ecp_rejects,
                         ::testing::Values(ecp_case{ke_group::ecp256, &rfc5903_8_1, 32},
                                           ecp_case{ke_group::ecp384, &rfc5903_8_2, 48},
                                           ecp_case{ke_group::ecp521, &rfc5903_8_3, 66}),
                         [](const auto& info) { return ike::to_string(info.param.group); });

// The group order n of P-256 (FIPS 186-4 D.1.2.3): d = n is refused, d = n-1
// is the largest valid scalar.
TEST(ke_ecp, scalar_must_be_below_order) {
    auto at_n = ike::make_key_exchange_from_private(
        ke_group::ecp256,
        hex("FFFFFFFF 00000000 FFFFFFFF FFFFFFFF BCE6FAAD A7179E84 F3B9CAC2 FC632551"));
    ASSERT_FALSE(at_n.has_value());
    EXPECT_EQ(at_n.error().code, crypto_errc::bad_key_length);
    auto below_n = ike::make_key_exchange_from_private(
        ke_group::ecp256,
        hex("FFFFFFFF 00000000 FFFFFFFF FFFFFFFF BCE6FAAD A7179E84 F3B9CAC2 FC632550"));
    ASSERT_TRUE(below_n.has_value());
    // (n-1)G = -G: same x as the base point.
    EXPECT_EQ(ike::to_hex(bytes((*below_n)->public_value().begin(),
                                (*below_n)->public_value().begin() + 32)),
              ike::to_hex(
                  hex("6B17D1F2 E12C4247 F8BCE6E5 63A440F2 77037D81 2DEB33A0 F4A13945 D898C296")));
}

}  // namespace
