#include "libike/crypto/integrity.hpp"

#include <gtest/gtest.h>

#include "tests/unit/crypto/crypto_test_support.hpp"

#include <string>
#include <vector>

namespace {

using ike::bytes;
using ike::bytes_view;
using ike::crypto_errc;
using ike::integ_id;
using ike::test::hex;
using ike::test::repeat;
using ike::test::text;

bytes repeat_text(std::string_view s, int times) {
    bytes out;
    for (int i = 0; i < times; ++i) {
        auto v = ike::as_view(s);
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

struct kat {
    const char* name;
    integ_id id;
    bytes key;
    bytes data;
    bytes icv;
};

void PrintTo(const kat& k, std::ostream* os) {
    *os << k.name;
}

std::vector<kat> known_answers() {
    return {
        // RFC 2202 §3 test cases 1 and 3 (HMAC-SHA-1), truncated to 96 bits as
        // RFC 2404 §2 specifies for AUTH_HMAC_SHA1_96.
        {"sha1_96_rfc2202_tc1", integ_id::hmac_sha1_96, repeat(0x0b, 20), text("Hi There"),
         hex("b617318655057264e28bc0b6")},
        {"sha1_96_rfc2202_tc3", integ_id::hmac_sha1_96, repeat(0xaa, 20), repeat(0xdd, 50),
         hex("125d7342b9ac11cd91a39af4")},
        // RFC 4868 §2.7.2.1: test cases AUTH256-1, -2, -3 for HMAC-SHA-256-128.
        {"sha256_128_auth256_1", integ_id::hmac_sha2_256_128, repeat(0x0b, 32), text("Hi There"),
         hex("198a607eb44bfbc69903a0f1cf2bbdc5")},
        {"sha256_128_auth256_2", integ_id::hmac_sha2_256_128, repeat_text("Jefe", 8),
         text("what do ya want for nothing?"), hex("167f928588c5cc2eef8e3093caa0e87c")},
        {"sha256_128_auth256_3", integ_id::hmac_sha2_256_128, repeat(0xaa, 32), repeat(0xdd, 50),
         hex("cdcb1220d1ecccea91e53aba3092f962")},
        // RFC 4868 §2.7.2.2: AUTH384-1, -2, -3 for HMAC-SHA-384-192.
        {"sha384_192_auth384_1", integ_id::hmac_sha2_384_192, repeat(0x0b, 48), text("Hi There"),
         hex("b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973")},
        {"sha384_192_auth384_2", integ_id::hmac_sha2_384_192, repeat_text("Jefe", 12),
         text("what do ya want for nothing?"),
         hex("2c7353974f1842fd66d53c452ca42122b28c0b594cfb184d")},
        {"sha384_192_auth384_3", integ_id::hmac_sha2_384_192, repeat(0xaa, 48), repeat(0xdd, 50),
         hex("809f439be00274321d4a538652164b53554a508184a0c316")},
        // RFC 4868 §2.7.2.3: AUTH512-1, -2, -3 for HMAC-SHA-512-256.
        {"sha512_256_auth512_1", integ_id::hmac_sha2_512_256, repeat(0x0b, 64), text("Hi There"),
         hex("637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8")},
        {"sha512_256_auth512_2", integ_id::hmac_sha2_512_256, repeat_text("Jefe", 16),
         text("what do ya want for nothing?"),
         hex("cb370917ae8a7ce28cfd1d8f4705d6141c173b2a9362c15df235dfb251b15454")},
        {"sha512_256_auth512_3", integ_id::hmac_sha2_512_256, repeat(0xaa, 64), repeat(0xdd, 50),
         hex("2ee7acd783624ca9398710f3ee05ae41b9f9b0510c87e49e586cc9bf961733d8")},
    };
}

class integrity_kat : public ::testing::TestWithParam<kat> {};

TEST_P(integrity_kat, computes_the_rfc_icv) {
    const kat& k = GetParam();
    auto mac = ike::integrity::create(k.id, ike::secret(k.key));
    ASSERT_TRUE(mac.has_value()) << mac.error().message();
    ASSERT_EQ(mac->icv_size(), k.icv.size());
    bytes icv(mac->icv_size());
    ASSERT_TRUE(mac->compute({bytes_view(k.data)}, icv).has_value());
    EXPECT_EQ(ike::to_hex(icv), ike::to_hex(k.icv));
    // The reused context must give the same answer the second time.
    bytes again(mac->icv_size());
    ASSERT_TRUE(mac->compute({bytes_view(k.data)}, again).has_value());
    EXPECT_EQ(again, k.icv);
}

TEST_P(integrity_kat, pieces_are_concatenated) {
    const kat& k = GetParam();
    auto mac = ike::integrity::create(k.id, ike::secret(k.key));
    ASSERT_TRUE(mac.has_value());
    bytes_view data(k.data);
    for (std::size_t split = 0; split <= data.size(); ++split) {
        bytes icv(mac->icv_size());
        ASSERT_TRUE(mac->compute({data.first(split), bytes_view{}, data.subspan(split)}, icv));
        EXPECT_EQ(icv, k.icv) << "split at " << split;
    }
}

TEST_P(integrity_kat, verify_accepts_the_icv_and_rejects_any_change) {
    const kat& k = GetParam();
    auto mac = ike::integrity::create(k.id, ike::secret(k.key));
    ASSERT_TRUE(mac.has_value());
    EXPECT_TRUE(mac->verify({bytes_view(k.data)}, k.icv).has_value());
    for (std::size_t i = 0; i < k.icv.size(); ++i) {
        bytes bad = k.icv;
        bad[i] ^= 0x80;
        auto r = mac->verify({bytes_view(k.data)}, bad);
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, crypto_errc::integrity_check_failed);
    }
    bytes data = k.data;
    data[0] ^= 1;
    EXPECT_FALSE(mac->verify({bytes_view(data)}, k.icv).has_value());
    // A truncated or extended ICV is a mismatch, never an out-of-bounds read.
    bytes shorter(k.icv.begin(), k.icv.end() - 1);
    bytes longer = k.icv;
    longer.push_back(0);
    EXPECT_EQ(mac->verify({bytes_view(k.data)}, shorter).error().code,
              crypto_errc::integrity_check_failed);
    EXPECT_EQ(mac->verify({bytes_view(k.data)}, longer).error().code,
              crypto_errc::integrity_check_failed);
    EXPECT_EQ(mac->verify({bytes_view(k.data)}, bytes_view{}).error().code,
              crypto_errc::integrity_check_failed);
}

INSTANTIATE_TEST_SUITE_P(rfc, integrity_kat, ::testing::ValuesIn(known_answers()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(integrity, sizes_follow_rfc_2404_and_4868) {
    struct row {
        integ_id id;
        std::size_t key, icv;
    };
    for (row r :
         {row{integ_id::hmac_sha1_96, 20, 12}, row{integ_id::hmac_sha2_256_128, 32, 16},
          row{integ_id::hmac_sha2_384_192, 48, 24}, row{integ_id::hmac_sha2_512_256, 64, 32}}) {
        auto s = ike::integrity_sizes_for(r.id);
        ASSERT_TRUE(s.has_value());
        EXPECT_EQ(s->key_size, r.key);
        EXPECT_EQ(s->icv_size, r.icv);
        EXPECT_LE(s->icv_size, ike::max_icv_size);
    }
}

TEST(integrity, unsupported_transforms_are_refused) {
    for (integ_id id : {integ_id::none, integ_id::hmac_md5_96, integ_id::aes_xcbc_96,
                        integ_id::aes_cmac_96, integ_id::aes_128_gmac, integ_id::hmac_sha1_160}) {
        auto s = ike::integrity_sizes_for(id);
        ASSERT_FALSE(s.has_value());
        EXPECT_EQ(s.error().code, crypto_errc::unsupported_algorithm);
        auto mac = ike::integrity::create(id, ike::secret(bytes(32, 1)));
        ASSERT_FALSE(mac.has_value());
        EXPECT_EQ(mac.error().code, crypto_errc::unsupported_algorithm);
    }
}

TEST(integrity, wrong_key_lengths_are_refused) {
    for (integ_id id : {integ_id::hmac_sha1_96, integ_id::hmac_sha2_256_128,
                        integ_id::hmac_sha2_384_192, integ_id::hmac_sha2_512_256}) {
        std::size_t good = ike::integrity_sizes_for(id)->key_size;
        for (std::size_t len : {std::size_t{0}, good - 1, good + 1, std::size_t{4}}) {
            auto mac = ike::integrity::create(id, ike::secret(bytes(len, 7)));
            ASSERT_FALSE(mac.has_value()) << ike::to_string(id) << " len " << len;
            EXPECT_EQ(mac.error().code, crypto_errc::bad_key_length);
        }
    }
}

TEST(integrity, compute_refuses_a_wrong_size_buffer) {
    auto mac = ike::integrity::create(integ_id::hmac_sha2_256_128, ike::secret(bytes(32, 1)));
    ASSERT_TRUE(mac.has_value());
    bytes small(15), big(17);
    EXPECT_FALSE(mac->compute({bytes_view(small)}, small).has_value());
    EXPECT_FALSE(mac->compute({bytes_view(small)}, big).has_value());
}

TEST(integrity, moved_object_keeps_its_key) {
    auto mac = ike::integrity::create(integ_id::hmac_sha2_256_128, ike::secret(repeat(0x0b, 32)));
    ASSERT_TRUE(mac.has_value());
    ike::integrity moved = std::move(*mac);
    bytes icv(16);
    bytes data = text("Hi There");
    ASSERT_TRUE(moved.compute({bytes_view(data)}, icv).has_value());
    EXPECT_EQ(icv, hex("198a607eb44bfbc69903a0f1cf2bbdc5"));  // RFC 4868 AUTH256-1
}

}  // namespace
