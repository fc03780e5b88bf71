#include "libike/proposal/proposal.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using ike::encr_id;
using ike::integ_id;
using ike::ke_group;
using ike::make_transform;
using ike::prf_id;

TEST(transform_spec, typed_constructors_use_iana_numbers) {
    auto gcm = make_transform(encr_id::aes_gcm_16, 256);
    EXPECT_EQ(gcm.type, ike::transform_type::encr);
    EXPECT_EQ(gcm.id, 20);
    EXPECT_EQ(gcm.key_bits, 256);
    EXPECT_EQ(make_transform(prf_id::hmac_sha2_384).id, 6);
    EXPECT_EQ(make_transform(integ_id::hmac_sha2_512_256).id, 14);
    EXPECT_EQ(make_transform(ke_group::curve448).id, 32);
    EXPECT_EQ(make_transform(ike::esn_id::yes).type, ike::transform_type::esn);
}

TEST(is_aead, combined_mode_ciphers_only) {
    for (auto id :
         {encr_id::aes_gcm_8, encr_id::aes_gcm_12, encr_id::aes_gcm_16, encr_id::aes_ccm_8,
          encr_id::aes_ccm_12, encr_id::aes_ccm_16, encr_id::camellia_ccm_8,
          encr_id::camellia_ccm_16, encr_id::chacha20_poly1305, encr_id::null_auth_aes_gmac}) {
        EXPECT_TRUE(ike::is_aead(id)) << ike::to_string(id);
    }
    for (auto id : {encr_id::aes_cbc, encr_id::aes_ctr, encr_id::des3, encr_id::null,
                    encr_id::camellia_cbc, encr_id::camellia_ctr}) {
        EXPECT_FALSE(ike::is_aead(id)) << ike::to_string(id);
    }
}

TEST(prf_for_integrity, same_primitive) {
    EXPECT_EQ(ike::prf_for_integrity(integ_id::hmac_sha2_256_128), prf_id::hmac_sha2_256);
    EXPECT_EQ(ike::prf_for_integrity(integ_id::hmac_sha1_96), prf_id::hmac_sha1);
    EXPECT_EQ(ike::prf_for_integrity(integ_id::aes_cmac_96), prf_id::aes128_cmac);
    EXPECT_FALSE(ike::prf_for_integrity(integ_id::aes_128_gmac).has_value());
    EXPECT_FALSE(ike::prf_for_integrity(integ_id::none).has_value());
}

TEST(proposal, accessors_filter_by_type_in_order) {
    ike::proposal p{
        ike::protocol_id::esp,
        {make_transform(encr_id::aes_cbc, 256), make_transform(ke_group::ecp256),
         make_transform(integ_id::hmac_sha2_256_128), make_transform(encr_id::aes_cbc, 128),
         make_transform(ke_group::modp2048), make_transform(ike::esn_id::no)}};
    EXPECT_EQ(p.encryption(), (std::vector{make_transform(encr_id::aes_cbc, 256),
                                           make_transform(encr_id::aes_cbc, 128)}));
    EXPECT_EQ(p.integrity(), (std::vector{integ_id::hmac_sha2_256_128}));
    EXPECT_EQ(p.groups(), (std::vector{ke_group::ecp256, ke_group::modp2048}));
    EXPECT_EQ(p.esn(), (std::vector{ike::esn_id::no}));
    EXPECT_TRUE(p.prfs().empty());
    EXPECT_FALSE(p.is_aead());
    EXPECT_TRUE(p.has_pfs());
}

TEST(proposal, is_aead_needs_all_encryption_aead) {
    ike::proposal p{ike::protocol_id::esp, {make_transform(encr_id::aes_gcm_16, 128)}};
    EXPECT_TRUE(p.is_aead());
    p.transforms.push_back(make_transform(encr_id::aes_cbc, 128));
    EXPECT_FALSE(p.is_aead());
    EXPECT_FALSE(ike::proposal{}.is_aead());
}

}  // namespace
