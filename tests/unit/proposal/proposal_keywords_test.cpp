#include "libike/proposal/proposal_keywords.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace {

// Written independently of the implementation: keyword spellings from
// strongSwan's IKEv2 cipher suite table, numbers from the IANA "IKEv2
// Parameters" registry (transform types 1 ENCR, 2 PRF, 3 INTEG, 4 KE, 5 ESN).
struct expected_keyword {
    std::string_view keyword;
    int type;
    int id;
    int key_bits;
};

constexpr expected_keyword expected[] = {
    {"null", 1, 11, 0},
    {"3des", 1, 3, 0},
    {"aes128", 1, 12, 128},
    {"aes128ctr", 1, 13, 128},
    {"aes128ccm8", 1, 14, 128},
    {"aes128ccm64", 1, 14, 128},
    {"aes128ccm12", 1, 15, 128},
    {"aes128ccm96", 1, 15, 128},
    {"aes128ccm16", 1, 16, 128},
    {"aes128ccm128", 1, 16, 128},
    {"aes128ccm", 1, 16, 128},
    {"aes128gcm8", 1, 18, 128},
    {"aes128gcm64", 1, 18, 128},
    {"aes128gcm12", 1, 19, 128},
    {"aes128gcm96", 1, 19, 128},
    {"aes128gcm16", 1, 20, 128},
    {"aes128gcm128", 1, 20, 128},
    {"aes128gcm", 1, 20, 128},
    {"camellia128", 1, 23, 128},
    {"camellia128ctr", 1, 24, 128},
    {"camellia128ccm8", 1, 25, 128},
    {"camellia128ccm64", 1, 25, 128},
    {"camellia128ccm12", 1, 26, 128},
    {"camellia128ccm96", 1, 26, 128},
    {"camellia128ccm16", 1, 27, 128},
    {"camellia128ccm128", 1, 27, 128},
    {"aes192", 1, 12, 192},
    {"aes192ctr", 1, 13, 192},
    {"aes192ccm8", 1, 14, 192},
    {"aes192ccm64", 1, 14, 192},
    {"aes192ccm12", 1, 15, 192},
    {"aes192ccm96", 1, 15, 192},
    {"aes192ccm16", 1, 16, 192},
    {"aes192ccm128", 1, 16, 192},
    {"aes192ccm", 1, 16, 192},
    {"aes192gcm8", 1, 18, 192},
    {"aes192gcm64", 1, 18, 192},
    {"aes192gcm12", 1, 19, 192},
    {"aes192gcm96", 1, 19, 192},
    {"aes192gcm16", 1, 20, 192},
    {"aes192gcm128", 1, 20, 192},
    {"aes192gcm", 1, 20, 192},
    {"camellia192", 1, 23, 192},
    {"camellia192ctr", 1, 24, 192},
    {"camellia192ccm8", 1, 25, 192},
    {"camellia192ccm64", 1, 25, 192},
    {"camellia192ccm12", 1, 26, 192},
    {"camellia192ccm96", 1, 26, 192},
    {"camellia192ccm16", 1, 27, 192},
    {"camellia192ccm128", 1, 27, 192},
    {"aes256", 1, 12, 256},
    {"aes256ctr", 1, 13, 256},
    {"aes256ccm8", 1, 14, 256},
    {"aes256ccm64", 1, 14, 256},
    {"aes256ccm12", 1, 15, 256},
    {"aes256ccm96", 1, 15, 256},
    {"aes256ccm16", 1, 16, 256},
    {"aes256ccm128", 1, 16, 256},
    {"aes256ccm", 1, 16, 256},
    {"aes256gcm8", 1, 18, 256},
    {"aes256gcm64", 1, 18, 256},
    {"aes256gcm12", 1, 19, 256},
    {"aes256gcm96", 1, 19, 256},
    {"aes256gcm16", 1, 20, 256},
    {"aes256gcm128", 1, 20, 256},
    {"aes256gcm", 1, 20, 256},
    {"camellia256", 1, 23, 256},
    {"camellia256ctr", 1, 24, 256},
    {"camellia256ccm8", 1, 25, 256},
    {"camellia256ccm64", 1, 25, 256},
    {"camellia256ccm12", 1, 26, 256},
    {"camellia256ccm96", 1, 26, 256},
    {"camellia256ccm16", 1, 27, 256},
    {"camellia256ccm128", 1, 27, 256},
    {"aes", 1, 12, 128},
    {"camellia", 1, 23, 128},
    {"chacha20poly1305", 1, 28, 0},
    {"sha", 3, 2, 0},
    {"sha1", 3, 2, 0},
    {"sha1_160", 3, 7, 0},
    {"sha256", 3, 12, 0},
    {"sha2_256", 3, 12, 0},
    {"sha384", 3, 13, 0},
    {"sha2_384", 3, 13, 0},
    {"sha512", 3, 14, 0},
    {"sha2_512", 3, 14, 0},
    {"md5", 3, 1, 0},
    {"md5_128", 3, 6, 0},
    {"aesxcbc", 3, 5, 0},
    {"aescmac", 3, 8, 0},
    {"prfmd5", 2, 1, 0},
    {"prfsha1", 2, 2, 0},
    {"prfaesxcbc", 2, 4, 0},
    {"prfsha256", 2, 5, 0},
    {"prfsha384", 2, 6, 0},
    {"prfsha512", 2, 7, 0},
    {"prfaescmac", 2, 8, 0},
    {"modp768", 4, 1, 0},
    {"modp1024", 4, 2, 0},
    {"modp1536", 4, 5, 0},
    {"modp2048", 4, 14, 0},
    {"modp3072", 4, 15, 0},
    {"modp4096", 4, 16, 0},
    {"modp6144", 4, 17, 0},
    {"modp8192", 4, 18, 0},
    {"ecp256", 4, 19, 0},
    {"ecp384", 4, 20, 0},
    {"ecp521", 4, 21, 0},
    {"modp1024s160", 4, 22, 0},
    {"modp2048s224", 4, 23, 0},
    {"modp2048s256", 4, 24, 0},
    {"ecp192", 4, 25, 0},
    {"ecp224", 4, 26, 0},
    {"ecp224bp", 4, 27, 0},
    {"ecp256bp", 4, 28, 0},
    {"ecp384bp", 4, 29, 0},
    {"ecp512bp", 4, 30, 0},
    {"curve25519", 4, 31, 0},
    {"x25519", 4, 31, 0},
    {"curve448", 4, 32, 0},
    {"x448", 4, 32, 0},
    {"noesn", 5, 0, 0},
    {"esn", 5, 1, 0},
};

TEST(proposal_keywords, every_keyword_maps_to_its_iana_id_and_key_length) {
    for (const auto& e : expected) {
        SCOPED_TRACE(std::string(e.keyword));
        auto t = ike::find_proposal_keyword(e.keyword);
        ASSERT_TRUE(t.has_value());
        EXPECT_EQ(static_cast<int>(t->type), e.type);
        EXPECT_EQ(t->id, e.id);
        EXPECT_EQ(t->key_bits, e.key_bits);
    }
}

TEST(proposal_keywords, table_has_no_keyword_without_an_expectation_here) {
    std::set<std::string_view> known;
    for (const auto& e : expected) known.insert(e.keyword);
    for (const auto& k : ike::proposal_keywords()) {
        EXPECT_TRUE(known.contains(k.keyword)) << k.keyword;
    }
    EXPECT_EQ(ike::proposal_keywords().size(), std::size(expected));
}

TEST(proposal_keywords, spellings_are_unique) {
    std::set<std::string_view> seen;
    for (const auto& k : ike::proposal_keywords()) {
        EXPECT_TRUE(seen.insert(k.keyword).second) << "duplicate " << k.keyword;
    }
}

TEST(proposal_keywords, canonical_spelling_of_every_keyword_names_the_same_transform) {
    for (const auto& k : ike::proposal_keywords()) {
        SCOPED_TRACE(std::string(k.keyword));
        std::string_view canonical = ike::keyword_for(k.transform);
        ASSERT_FALSE(canonical.empty());
        EXPECT_EQ(ike::find_proposal_keyword(canonical), k.transform);
        if (!k.alias) {
            EXPECT_EQ(canonical, k.keyword);
        }
    }
}

TEST(proposal_keywords, aliases_print_as_the_documented_main_spelling) {
    auto canonical_of = [](std::string_view alias) {
        return ike::keyword_for(*ike::find_proposal_keyword(alias));
    };
    EXPECT_EQ(canonical_of("x25519"), "curve25519");
    EXPECT_EQ(canonical_of("x448"), "curve448");
    EXPECT_EQ(canonical_of("aes"), "aes128");
    EXPECT_EQ(canonical_of("aes128gcm"), "aes128gcm16");
    EXPECT_EQ(canonical_of("aes256gcm128"), "aes256gcm16");
    EXPECT_EQ(canonical_of("aes192ccm64"), "aes192ccm8");
    EXPECT_EQ(canonical_of("sha"), "sha1");
    EXPECT_EQ(canonical_of("sha2_256"), "sha256");
    EXPECT_EQ(canonical_of("camellia"), "camellia128");
}

TEST(proposal_keywords, matching_is_exact_and_case_sensitive) {
    EXPECT_FALSE(ike::find_proposal_keyword("AES128").has_value());
    EXPECT_FALSE(ike::find_proposal_keyword("aes128 ").has_value());
    EXPECT_FALSE(ike::find_proposal_keyword("").has_value());
    // private-use ids in strongSwan, not offered here
    EXPECT_FALSE(ike::find_proposal_keyword("sha256_96").has_value());
    EXPECT_FALSE(ike::find_proposal_keyword("serpent").has_value());
}

TEST(proposal_keywords, no_keyword_for_unlisted_transforms) {
    EXPECT_EQ(ike::keyword_for(ike::make_transform(ike::encr_id::aes_cbc, 512)), "");
    EXPECT_EQ(ike::keyword_for(ike::make_transform(ike::encr_id::aes_cbc)), "");
    EXPECT_EQ(ike::keyword_for(ike::make_transform(ike::encr_id::blowfish, 128)), "");
}

TEST(proposal_keywords, suggestions) {
    EXPECT_EQ(ike::suggest_proposal_keyword("aes257"), "aes256");
    EXPECT_EQ(ike::suggest_proposal_keyword("AES128"), "aes128");
    EXPECT_EQ(ike::suggest_proposal_keyword("Curve25519"), "curve25519");
    EXPECT_EQ(ike::suggest_proposal_keyword("prfsha265"), "prfsha256");
    EXPECT_EQ(ike::suggest_proposal_keyword("ecp385"), "ecp384");
    EXPECT_EQ(ike::suggest_proposal_keyword("blurb"), "");
    EXPECT_EQ(ike::suggest_proposal_keyword("rijndael"), "");
}

}  // namespace
