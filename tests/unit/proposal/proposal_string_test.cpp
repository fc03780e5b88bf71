#include "libike/proposal/proposal_string.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace ike {
// Readable failure output for gtest.
void PrintTo(const transform_spec& t, std::ostream* os) {
    *os << to_string(t.type) << ":" << t.id << "/" << t.key_bits;
}
void PrintTo(const proposal& p, std::ostream* os) {
    *os << to_string(p.protocol) << ":" << to_string(p);
}
}  // namespace ike

namespace {

using ike::encr_id;
using ike::esn_id;
using ike::integ_id;
using ike::ke_group;
using ike::make_transform;
using ike::prf_id;
using ike::proposal_errc;
using ike::protocol_id;
using ike::transform_spec;

using specs = std::vector<transform_spec>;

// Expected transforms come from strongSwan's keyword table and, for the
// implied ones, from its documented defaults (PRF from integrity, noesn).

TEST(parse_ike_proposal, aead_with_explicit_prf) {
    auto p = ike::parse_ike_proposal("aes256gcm16-prfsha384-x25519");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->protocol, protocol_id::ike);
    EXPECT_EQ(p->transforms,
              (specs{make_transform(encr_id::aes_gcm_16, 256),
                     make_transform(prf_id::hmac_sha2_384), make_transform(ke_group::curve25519)}));
    EXPECT_TRUE(p->is_aead());
    EXPECT_TRUE(p->integrity().empty());
}

TEST(parse_ike_proposal, classic_derives_prf_from_integrity) {
    auto p = ike::parse_ike_proposal("aes128-sha256-modp2048");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->encryption(), (specs{make_transform(encr_id::aes_cbc, 128)}));
    EXPECT_EQ(p->integrity(), (std::vector{integ_id::hmac_sha2_256_128}));
    EXPECT_EQ(p->prfs(), (std::vector{prf_id::hmac_sha2_256}));
    EXPECT_EQ(p->groups(), (std::vector{ke_group::modp2048}));
    EXPECT_TRUE(p->esn().empty());
    EXPECT_FALSE(p->is_aead());
}

struct ike_example {
    const char* text;
    specs expected;
    friend void PrintTo(const ike_example& e, std::ostream* os) { *os << e.text; }
};

class ike_examples : public testing::TestWithParam<ike_example> {};

TEST_P(ike_examples, parse) {
    auto p = ike::parse_ike_proposal(GetParam().text);
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->protocol, protocol_id::ike);
    EXPECT_EQ(p->transforms, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    issue, ike_examples,
    testing::Values(
        ike_example{"aes128gcm16-prfsha256-x25519",
                    {make_transform(encr_id::aes_gcm_16, 128),
                     make_transform(prf_id::hmac_sha2_256), make_transform(ke_group::curve25519)}},
        ike_example{"aes256gcm16-prfsha384-ecp384",
                    {make_transform(encr_id::aes_gcm_16, 256),
                     make_transform(prf_id::hmac_sha2_384), make_transform(ke_group::ecp384)}},
        ike_example{
            "aes256-sha256-modp2048",
            {make_transform(encr_id::aes_cbc, 256), make_transform(integ_id::hmac_sha2_256_128),
             make_transform(prf_id::hmac_sha2_256), make_transform(ke_group::modp2048)}},
        ike_example{"chacha20poly1305-prfsha512-x448",
                    {make_transform(encr_id::chacha20_poly1305),
                     make_transform(prf_id::hmac_sha2_512), make_transform(ke_group::curve448)}},
        ike_example{"aes128-sha1-modp2048",
                    {make_transform(encr_id::aes_cbc, 128), make_transform(integ_id::hmac_sha1_96),
                     make_transform(prf_id::hmac_sha1), make_transform(ke_group::modp2048)}},
        ike_example{"aes256gcm16-prfsha256-ecp256",
                    {make_transform(encr_id::aes_gcm_16, 256),
                     make_transform(prf_id::hmac_sha2_256), make_transform(ke_group::ecp256)}}));

TEST(parse_ike_proposal, several_algorithms_per_type_keep_their_preference) {
    auto p = ike::parse_ike_proposal("aes128-aes256-sha256-sha384-modp2048-ecp256");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->encryption(), (specs{make_transform(encr_id::aes_cbc, 128),
                                      make_transform(encr_id::aes_cbc, 256)}));
    EXPECT_EQ(p->integrity(),
              (std::vector{integ_id::hmac_sha2_256_128, integ_id::hmac_sha2_384_192}));
    EXPECT_EQ(p->prfs(), (std::vector{prf_id::hmac_sha2_256, prf_id::hmac_sha2_384}));
    EXPECT_EQ(p->groups(), (std::vector{ke_group::modp2048, ke_group::ecp256}));
}

TEST(parse_ike_proposal, order_between_types_does_not_matter) {
    // The two spellings from strongSwan's proposal documentation.
    auto a = ike::parse_ike_proposal("aes256gcm16-aes192gcm16-prfsha384-prfsha256-ecp384-modp3072");
    auto b = ike::parse_ike_proposal("aes256gcm16-prfsha384-ecp384-aes192gcm16-prfsha256-modp3072");
    ASSERT_TRUE(a.has_value() && b.has_value());
    EXPECT_EQ(ike::to_string(*a), ike::to_string(*b));
    EXPECT_EQ(ike::to_string(*a), "aes256gcm16-aes192gcm16-prfsha384-prfsha256-ecp384-modp3072");
}

TEST(parse_ike_proposal, explicit_prf_is_not_supplemented_from_integrity) {
    auto p = ike::parse_ike_proposal("aes128-sha256-prfsha384-modp2048");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->prfs(), (std::vector{prf_id::hmac_sha2_384}));
}

TEST(parse_ike_proposal, every_mac_integrity_implies_its_prf) {
    struct {
        const char* integ;
        prf_id prf;
    } const cases[] = {
        {"sha1", prf_id::hmac_sha1},       {"sha1_160", prf_id::hmac_sha1},
        {"sha256", prf_id::hmac_sha2_256}, {"sha384", prf_id::hmac_sha2_384},
        {"sha512", prf_id::hmac_sha2_512}, {"md5", prf_id::hmac_md5},
        {"md5_128", prf_id::hmac_md5},     {"aesxcbc", prf_id::aes128_xcbc},
        {"aescmac", prf_id::aes128_cmac},
    };
    for (const auto& c : cases) {
        auto p = ike::parse_ike_proposal(std::string("aes128-") + c.integ + "-modp2048");
        ASSERT_TRUE(p.has_value()) << c.integ;
        EXPECT_EQ(p->prfs(), (std::vector{c.prf})) << c.integ;
    }
}

// strongSwan documents that with AEAD an integrity keyword may be given to
// imply the PRF; the integrity transform itself is then dropped.
TEST(parse_ike_proposal, integrity_keyword_with_aead_names_the_prf_and_is_dropped) {
    auto p = ike::parse_ike_proposal("aes256gcm16-sha384-ecp384");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->transforms,
              (specs{make_transform(encr_id::aes_gcm_16, 256),
                     make_transform(prf_id::hmac_sha2_384), make_transform(ke_group::ecp384)}));
    EXPECT_EQ(ike::to_string(*p), "aes256gcm16-prfsha384-ecp384");
}

TEST(parse_ike_proposal, repeated_keywords_count_once) {
    auto p = ike::parse_ike_proposal("aes128-aes-sha256-sha2_256-modp2048-modp2048");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(ike::to_string(*p), "aes128-sha256-prfsha256-modp2048");
}

TEST(parse_ike_proposal, blanks_around_keywords_are_ignored) {
    auto p = ike::parse_ike_proposal(" aes128 - sha256\t-modp2048 ");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(ike::to_string(*p), "aes128-sha256-prfsha256-modp2048");
}

TEST(parse_esp_proposal, aead_with_esn) {
    auto p = ike::parse_esp_proposal("aes256gcm16-esn");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->protocol, protocol_id::esp);
    EXPECT_EQ(p->transforms,
              (specs{make_transform(encr_id::aes_gcm_16, 256), make_transform(esn_id::yes)}));
    EXPECT_FALSE(p->has_pfs());
}

TEST(parse_esp_proposal, esn_defaults_to_noesn) {
    auto p = ike::parse_esp_proposal("aes128gcm16");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->transforms,
              (specs{make_transform(encr_id::aes_gcm_16, 128), make_transform(esn_id::no)}));
}

TEST(parse_esp_proposal, chacha20poly1305_has_no_key_length_attribute) {
    auto p = ike::parse_esp_proposal("chacha20poly1305");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->transforms,
              (specs{make_transform(encr_id::chacha20_poly1305), make_transform(esn_id::no)}));
    EXPECT_EQ(p->encryption().at(0).key_bits, 0);
}

TEST(parse_esp_proposal, classic_has_no_prf) {
    auto p = ike::parse_esp_proposal("aes256-sha256");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->transforms,
              (specs{make_transform(encr_id::aes_cbc, 256),
                     make_transform(integ_id::hmac_sha2_256_128), make_transform(esn_id::no)}));
    EXPECT_TRUE(p->prfs().empty());
}

TEST(parse_esp_proposal, sha1_is_hmac_sha1_96) {
    auto p = ike::parse_esp_proposal("aes128-sha1");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->transforms,
              (specs{make_transform(encr_id::aes_cbc, 128), make_transform(integ_id::hmac_sha1_96),
                     make_transform(esn_id::no)}));
}

TEST(parse_esp_proposal, key_exchange_method_makes_it_pfs) {
    auto p = ike::parse_esp_proposal("aes256gcm16-x25519");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->transforms,
              (specs{make_transform(encr_id::aes_gcm_16, 256), make_transform(ke_group::curve25519),
                     make_transform(esn_id::no)}));
    EXPECT_TRUE(p->has_pfs());
}

TEST(parse_esp_proposal, both_esn_modes) {
    auto p = ike::parse_esp_proposal("aes128gcm16-esn-noesn");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->esn(), (std::vector{esn_id::yes, esn_id::no}));
}

TEST(parse_esp_proposal, integrity_with_aead_is_dropped) {
    auto p = ike::parse_esp_proposal("aes128gcm16-sha256");
    ASSERT_TRUE(p.has_value()) << p.error().message();
    EXPECT_EQ(p->transforms,
              (specs{make_transform(encr_id::aes_gcm_16, 128), make_transform(esn_id::no)}));
}

// --- printing ---------------------------------------------------------------

TEST(proposal_to_string, prints_in_charon_order_encr_integ_prf_ke_esn) {
    ike::proposal p{
        protocol_id::esp,
        {make_transform(esn_id::yes), make_transform(ke_group::ecp256),
         make_transform(integ_id::hmac_sha2_512_256), make_transform(encr_id::aes_ctr, 192),
         make_transform(ke_group::modp3072), make_transform(encr_id::des3)}};
    EXPECT_EQ(ike::to_string(p), "aes192ctr-3des-sha512-ecp256-modp3072-esn");
}

TEST(proposal_to_string, transform_without_keyword) {
    ike::proposal p{protocol_id::ike, {make_transform(encr_id::aes_cbc, 512)}};
    EXPECT_EQ(ike::to_string(p), "UNKNOWN_1_12_512");
}

class round_trip : public testing::TestWithParam<const char*> {};

TEST_P(round_trip, print_parse_print_is_stable) {
    std::string text = GetParam();
    bool esp = text.starts_with("esp:");
    auto parse = esp ? ike::parse_esp_proposal : ike::parse_ike_proposal;
    auto first = parse(text.substr(4));
    ASSERT_TRUE(first.has_value()) << first.error().message();
    std::string printed = ike::to_string(*first);
    auto second = parse(printed);
    ASSERT_TRUE(second.has_value()) << printed << ": " << second.error().message();
    EXPECT_EQ(*second, *first) << printed;
    EXPECT_EQ(ike::to_string(*second), printed);
}

INSTANTIATE_TEST_SUITE_P(
    examples, round_trip,
    testing::Values("ike:aes256gcm16-prfsha384-x25519", "ike:aes128-sha256-modp2048",
                    "ike:aes128gcm16-prfsha256-x25519", "ike:aes256gcm16-prfsha384-ecp384",
                    "ike:aes256-sha256-modp2048", "ike:chacha20poly1305-prfsha512-x448",
                    "ike:aes128-sha1-modp2048", "ike:aes256gcm16-prfsha256-ecp256",
                    "ike:aes128-aes256-sha256-sha384-modp2048-ecp256",
                    "ike:camellia256-aesxcbc-ecp512bp-modp2048s256",
                    "ike:aes256gcm16-sha384-ecp384", "esp:aes256gcm16-esn", "esp:aes128gcm16",
                    "esp:chacha20poly1305", "esp:aes256-sha256", "esp:aes128-sha1",
                    "esp:aes256gcm16-x25519", "esp:aes128ccm12-aes256ccm16-esn-noesn",
                    "esp:null-aescmac", "esp:camellia192ccm8"));

TEST(proposal_to_string, canonical_form_of_issue_examples) {
    EXPECT_EQ(ike::to_string(*ike::parse_ike_proposal("aes256gcm16-prfsha384-x25519")),
              "aes256gcm16-prfsha384-curve25519");
    EXPECT_EQ(ike::to_string(*ike::parse_ike_proposal("aes128-sha256-modp2048")),
              "aes128-sha256-prfsha256-modp2048");
    EXPECT_EQ(ike::to_string(*ike::parse_esp_proposal("aes256gcm16-esn")), "aes256gcm16-esn");
    EXPECT_EQ(ike::to_string(*ike::parse_esp_proposal("aes128-sha1")), "aes128-sha1-noesn");
}

// --- errors -------------------------------------------------------------------

struct error_case {
    bool esp;
    const char* text;
    proposal_errc code;
    const char* keyword;
    std::size_t offset;
    friend void PrintTo(const error_case& e, std::ostream* os) {
        *os << (e.esp ? "esp:" : "ike:") << '"' << e.text << '"';
    }
};

class parse_errors : public testing::TestWithParam<error_case> {};

TEST_P(parse_errors, names_keyword_and_offset) {
    const auto& c = GetParam();
    auto p = c.esp ? ike::parse_esp_proposal(c.text) : ike::parse_ike_proposal(c.text);
    ASSERT_FALSE(p.has_value()) << ike::to_string(*p);
    EXPECT_EQ(p.error().code, c.code) << p.error().message();
    EXPECT_EQ(p.error().keyword, c.keyword) << p.error().message();
    EXPECT_EQ(p.error().offset, c.offset) << p.error().message();
    EXPECT_EQ(p.error().protocol, c.esp ? protocol_id::esp : protocol_id::ike);
}

INSTANTIATE_TEST_SUITE_P(
    all, parse_errors,
    testing::Values(
        error_case{false, "", proposal_errc::empty, "", 0},
        error_case{true, "  ", proposal_errc::empty, "", 0},
        error_case{false, "aes128--sha256", proposal_errc::empty_keyword, "", 7},
        error_case{false, "-aes128-sha256-modp2048", proposal_errc::empty_keyword, "", 0},
        error_case{true, "aes128-sha256-", proposal_errc::empty_keyword, "", 14},
        error_case{false, "aes128-sha256-modp2047", proposal_errc::unknown_keyword, "modp2047", 14},
        error_case{true, "aes128- shaa256", proposal_errc::unknown_keyword, "shaa256", 8},
        error_case{false, "AES128-sha256-modp2048", proposal_errc::unknown_keyword, "AES128", 0},
        error_case{false, "sha256-modp2048", proposal_errc::missing_encryption, "", 15},
        error_case{true, "sha256", proposal_errc::missing_encryption, "", 6},
        error_case{false, "aes128gcm16-aes128-sha256-modp2048", proposal_errc::mixed_aead, "aes128",
                   12},
        error_case{true, "aes128-sha1-aes256gcm16", proposal_errc::mixed_aead, "aes256gcm16", 12},
        error_case{false, "aes128-modp2048", proposal_errc::missing_integrity, "", 15},
        error_case{true, "aes128", proposal_errc::missing_integrity, "", 6},
        error_case{false, "aes128gcm16-x25519", proposal_errc::missing_prf, "", 18},
        error_case{false, "aes128-sha256", proposal_errc::missing_ke_group, "", 13},
        error_case{false, "aes256gcm16-prfsha384", proposal_errc::missing_ke_group, "", 21},
        error_case{true, "aes128-sha256-prfsha256", proposal_errc::prf_not_allowed, "prfsha256",
                   14},
        error_case{false, "aes128-sha256-modp2048-esn", proposal_errc::esn_not_allowed, "esn", 23},
        error_case{false, "aes128-sha256-modp2048-noesn", proposal_errc::esn_not_allowed, "noesn",
                   23}));

TEST(parse_errors, unknown_keyword_message_suggests_a_close_keyword) {
    auto p = ike::parse_ike_proposal("aes257-sha256-modp2048");
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().suggestion, "aes256");
    EXPECT_EQ(p.error().message(),
              "unknown algorithm 'aes257' at offset 0 (IKE proposal); did you mean 'aes256'?");
}

TEST(parse_errors, upper_case_gets_a_lower_case_hint) {
    auto p = ike::parse_esp_proposal("aes128gcm16-ESN");
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().code, proposal_errc::unknown_keyword);
    EXPECT_EQ(p.error().offset, 12u);
    EXPECT_EQ(p.error().suggestion, "esn");
}

TEST(parse_errors, messages_read_well) {
    EXPECT_EQ(ike::parse_ike_proposal("aes128--sha256").error().message(),
              "empty algorithm keyword at offset 7 (IKE proposal)");
    EXPECT_EQ(ike::parse_esp_proposal("aes128-prfsha256").error().message(),
              "'prfsha256' at offset 7: a PRF is not allowed (ESP proposal)");
    EXPECT_EQ(ike::parse_ike_proposal("aes128-sha256").error().message(),
              "a key exchange method is mandatory (IKE proposal)");
}

TEST(parse_errors, error_code_has_a_category) {
    std::error_code ec = proposal_errc::mixed_aead;
    EXPECT_STREQ(ec.category().name(), "ike.proposal");
    EXPECT_NE(ec.message().find("AEAD"), std::string::npos);
}

}  // namespace
