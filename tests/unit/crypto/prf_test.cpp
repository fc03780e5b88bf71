// Known answers for the IKEv2 PRFs (RFC 7296 §3.3.2 transform type 2).
//
// HMAC-SHA-256/384/512: RFC 4231 §4.2-4.8, test cases 1-7. RFC 4868 §2.7.1
// ("PRF test vectors") reuses RFC 4231 cases 1, 2, 3, 4, 6, 7 as its PRF-1 ..
// PRF-6 with the same keys and data, so this table covers both documents.
// Case 5 is published truncated to 128 bits, so only that prefix is checked.
// HMAC-SHA1: RFC 2202 §3, test cases 1-7 (full 160-bit outputs).
#include "libike/crypto/prf.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "tests/unit/crypto/crypto_test_support.hpp"

namespace {

using ike::bytes;
using ike::prf_id;
using ike::test::repeat;
using ike::test::text;

bytes counting(std::uint8_t from, std::uint8_t to) {
    bytes out;
    for (unsigned v = from; v <= to; ++v) out.push_back(static_cast<std::uint8_t>(v));
    return out;
}

struct kat {
    const char* name;
    bytes key;
    bytes data;
    std::string expected;  // hex; shorter than the output for RFC 4231 case 5
};

std::string compute_hex(prf_id id, const bytes& key, const bytes& data) {
    auto p = ike::prf::create(id, key);
    EXPECT_TRUE(p.has_value());
    if (!p) return {};
    auto out = p->compute(data);
    EXPECT_TRUE(out.has_value());
    if (!out) return {};
    EXPECT_EQ(out->size(), p->output_size());
    return ike::to_hex(out->view());
}

void check_all(prf_id id, const std::vector<kat>& cases) {
    for (const auto& c : cases) {
        std::string got = compute_hex(id, c.key, c.data);
        EXPECT_EQ(got.substr(0, c.expected.size()), c.expected) << c.name;
    }
}

const std::string tc6_data = "Test Using Larger Than Block-Size Key - Hash Key First";
const std::string tc7_data_4231 =
    "This is a test using a larger than block-size key and a larger than block-size data. The "
    "key needs to be hashed before being used by the HMAC algorithm.";

TEST(prf_kat, hmac_sha1_rfc2202) {
    const std::vector<kat> cases{
        {"1", repeat(0x0b, 20), text("Hi There"), "b617318655057264e28bc0b6fb378c8ef146be00"},
        {"2", text("Jefe"), text("what do ya want for nothing?"),
         "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
        {"3", repeat(0xaa, 20), repeat(0xdd, 50), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
        {"4", counting(0x01, 0x19), repeat(0xcd, 50), "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
        {"5", repeat(0x0c, 20), text("Test With Truncation"),
         "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
        {"6", repeat(0xaa, 80), text(tc6_data), "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
        {"7", repeat(0xaa, 80),
         text("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
         "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
    };
    check_all(prf_id::hmac_sha1, cases);
}

// RFC 4231 test cases 1-7 (RFC 4868 PRF-1 .. PRF-6 are cases 1-4, 6, 7): the
// same keys and data for every SHA-2 PRF, paired with that PRF's expected
// outputs in case order.
std::vector<kat> rfc4231_cases(const std::array<std::string, 7>& expected) {
    return {
        {"1 / PRF-1", repeat(0x0b, 20), text("Hi There"), expected[0]},
        {"2 / PRF-2", text("Jefe"), text("what do ya want for nothing?"), expected[1]},
        {"3 / PRF-3", repeat(0xaa, 20), repeat(0xdd, 50), expected[2]},
        {"4 / PRF-4", counting(0x01, 0x19), repeat(0xcd, 50), expected[3]},
        {"5 (128-bit prefix)", repeat(0x0c, 20), text("Test With Truncation"), expected[4]},
        {"6 / PRF-5", repeat(0xaa, 131), text(tc6_data), expected[5]},
        {"7 / PRF-6", repeat(0xaa, 131), text(tc7_data_4231), expected[6]},
    };
}

TEST(prf_kat, hmac_sha2_256_rfc4231_and_rfc4868) {
    check_all(prf_id::hmac_sha2_256,
              rfc4231_cases({
                  // 1 / PRF-1
                  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                  // 2 / PRF-2
                  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                  // 3 / PRF-3
                  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
                  // 4 / PRF-4
                  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
                  // 5 (128-bit prefix)
                  "a3b6167473100ee06e0c796c2955552b",
                  // 6 / PRF-5
                  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                  // 7 / PRF-6
                  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
              }));
}

TEST(prf_kat, hmac_sha2_384_rfc4231_and_rfc4868) {
    check_all(prf_id::hmac_sha2_384,
              rfc4231_cases({
                  // 1 / PRF-1
                  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
                  "faea9ea9076ede7f4af152e8b2fa9cb6",
                  // 2 / PRF-2
                  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
                  "8e2240ca5e69e2c78b3239ecfab21649",
                  // 3 / PRF-3
                  "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
                  "2a5ab39dc13814b94e3ab6e101a34f27",
                  // 4 / PRF-4
                  "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
                  "6801dd23c4a7d679ccf8a386c674cffb",
                  // 5 (128-bit prefix)
                  "3abf34c3503b2a23a46efc619baef897",
                  // 6 / PRF-5
                  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
                  "0c2ef6ab4030fe8296248df163f44952",
                  // 7 / PRF-6
                  "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
                  "a678cc31e799176d3860e6110c46523e",
              }));
}

TEST(prf_kat, hmac_sha2_512_rfc4231_and_rfc4868) {
    check_all(prf_id::hmac_sha2_512,
              rfc4231_cases({
                  // 1 / PRF-1
                  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
                  // 2 / PRF-2
                  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
                  // 3 / PRF-3
                  "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
                  "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
                  // 4 / PRF-4
                  "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
                  "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
                  // 5 (128-bit prefix)
                  "415fad6271580a531d4179bc891d87a6",
                  // 6 / PRF-5
                  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
                  "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
                  // 7 / PRF-6
                  "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
                  "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
              }));
}

TEST(prf, sizes_follow_the_hash) {
    const std::pair<prf_id, std::size_t> expected[]{{prf_id::hmac_sha1, 20},
                                                    {prf_id::hmac_sha2_256, 32},
                                                    {prf_id::hmac_sha2_384, 48},
                                                    {prf_id::hmac_sha2_512, 64}};
    for (auto [id, size] : expected) {
        auto p = ike::prf::create(id);
        ASSERT_TRUE(p.has_value());
        EXPECT_EQ(p->id(), id);
        EXPECT_EQ(p->output_size(), size);
        EXPECT_EQ(p->preferred_key_size(), size);
        EXPECT_FALSE(p->keyed());
    }
}

TEST(prf, unsupported_ids_are_refused) {
    for (prf_id id : {prf_id::hmac_md5, prf_id::hmac_tiger, prf_id::aes128_xcbc,
                      prf_id::aes128_cmac, static_cast<prf_id>(0), static_cast<prf_id>(1234)}) {
        auto p = ike::prf::create(id);
        ASSERT_FALSE(p.has_value());
        EXPECT_EQ(p.error().code, ike::crypto_errc::unsupported_algorithm);
    }
}

TEST(prf, compute_before_set_key_is_an_error) {
    auto p = ike::prf::create(prf_id::hmac_sha2_256);
    ASSERT_TRUE(p.has_value());
    auto out = p->compute(text("data"));
    ASSERT_FALSE(out.has_value());
    EXPECT_EQ(out.error().code, ike::crypto_errc::bad_key_length);
}

TEST(prf, keyed_once_computes_many_times) {
    // RFC 4231 cases 1 and 2 share no key; case 1's key is reused for two
    // different messages, and the first answer must not leak into the second.
    auto p = ike::prf::create(prf_id::hmac_sha2_256, repeat(0x0b, 20));
    ASSERT_TRUE(p.has_value());
    for (int round = 0; round < 3; ++round) {
        auto a = p->compute(text("Hi There"));
        ASSERT_TRUE(a.has_value());
        EXPECT_EQ(ike::to_hex(a->view()),
                  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    }
    ASSERT_TRUE(p->set_key(text("Jefe")).has_value());
    auto b = p->compute(text("what do ya want for nothing?"));
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(ike::to_hex(b->view()),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(prf, pieces_equal_concatenation) {
    // RFC 4231 case 2's message split at arbitrary points, with empty pieces.
    auto p = ike::prf::create(prf_id::hmac_sha2_256, text("Jefe"));
    ASSERT_TRUE(p.has_value());
    const bytes a = text("what do"), b = text(" ya want "), c = text("for nothing?"), none;
    auto out = p->compute({a, none, b, c, none});
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(ike::to_hex(out->view()),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(prf, clone_keeps_the_key_and_is_independent) {
    auto p = ike::prf::create(prf_id::hmac_sha2_384, repeat(0x0b, 20));
    ASSERT_TRUE(p.has_value());
    auto copy = p->clone();
    ASSERT_TRUE(copy.has_value());
    ASSERT_TRUE(p->set_key(text("Jefe")).has_value());  // must not affect the clone
    auto out = copy->compute(text("Hi There"));
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(ike::to_hex(out->view()),
              "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
              "faea9ea9076ede7f4af152e8b2fa9cb6");
}

// The keyed OpenSSL context is made at the first compute(); a clone made
// after that copies the context, one made before it copies the key. Either
// way the copy keeps the old key when the original is re-keyed.
TEST(prf, clone_after_compute_keeps_the_key_and_is_independent) {
    auto p = ike::prf::create(prf_id::hmac_sha2_256, repeat(0x0b, 20));
    ASSERT_TRUE(p.has_value());
    ASSERT_TRUE(p->compute(text("warm")).has_value());
    auto copy = p->clone();
    ASSERT_TRUE(copy.has_value());
    ASSERT_TRUE(p->set_key(text("Jefe")).has_value());
    auto old_key = copy->compute(text("Hi There"));
    auto new_key = p->compute(text("what do ya want for nothing?"));
    ASSERT_TRUE(old_key.has_value());
    ASSERT_TRUE(new_key.has_value());
    EXPECT_EQ(ike::to_hex(old_key->view()),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(ike::to_hex(new_key->view()),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(prf, moved_from_prf_is_unkeyed_and_moved_to_works) {
    auto p = ike::prf::create(prf_id::hmac_sha1, repeat(0x0b, 20));
    ASSERT_TRUE(p.has_value());
    ike::prf moved = std::move(*p);
    EXPECT_TRUE(moved.keyed());
    auto out = moved.compute(text("Hi There"));
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(ike::to_hex(out->view()), "b617318655057264e28bc0b6fb378c8ef146be00");
}

TEST(prf, empty_key_is_a_valid_hmac_key) {
    // HMAC with an empty key equals HMAC with a block of zero bytes (RFC 2104
    // §2 pads the key with zeros), which gives an independent expected value.
    auto empty = ike::prf::create(prf_id::hmac_sha2_256, bytes{});
    auto zeros = ike::prf::create(prf_id::hmac_sha2_256, repeat(0x00, 64));
    ASSERT_TRUE(empty.has_value());
    ASSERT_TRUE(zeros.has_value());
    auto a = empty->compute(text("Hi There"));
    auto b = zeros->compute(text("Hi There"));
    ASSERT_TRUE(a.has_value());
    ASSERT_TRUE(b.has_value());
    EXPECT_TRUE(*a == *b);
}

TEST(prf, compute_into_rejects_a_short_buffer) {
    auto p = ike::prf::create(prf_id::hmac_sha2_512, repeat(0x0b, 20));
    ASSERT_TRUE(p.has_value());
    std::vector<std::uint8_t> small(63);
    const bytes data = text("Hi There");
    const ike::bytes_view piece(data);
    auto r = p->compute_into(std::span<const ike::bytes_view>(&piece, 1), small);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ike::crypto_errc::bad_key_length);
}

}  // namespace
