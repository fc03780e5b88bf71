// MS-CHAPv2 and MPPE key derivation against the published examples:
// RFC 2759 §9.2 (UserName "User", Password "clientPass") and RFC 3079 §3.5.3
// (the same password and NT-Response).
#include "libike/eap/mschapv2_crypto.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using namespace ike;
using namespace ike::mschapv2;

bytes hex(std::string_view h) {
    bool ok = false;
    bytes b = from_hex(h, &ok);
    EXPECT_TRUE(ok) << h;
    return b;
}

template <std::size_t N>
std::array<std::uint8_t, N> arr(std::string_view h) {
    const bytes b = hex(h);
    std::array<std::uint8_t, N> out{};
    EXPECT_EQ(b.size(), N);
    std::copy_n(b.begin(), std::min(N, b.size()), out.begin());
    return out;
}

secret text(std::string_view s) {
    return secret(as_view(s));
}

// RFC 2759 §9.2.
const challenge authenticator = arr<16>("5B5D7C7D7B3F2F3E3C2C602132262628");
const challenge peer = arr<16>("21402324255E262A28295F2B3A337C7E");
constexpr std::string_view user = "User";

TEST(mschapv2_crypto, rfc2759_password_hash) {
    auto h = nt_password_hash(text("clientPass"));
    ASSERT_TRUE(h) << h.error().message();
    EXPECT_EQ(to_hex(h->view()), "44ebba8d5312b8d611474411f56989ae");
}

TEST(mschapv2_crypto, rfc2759_challenge_hash) {
    EXPECT_EQ(to_hex(challenge_hash(peer, authenticator, user)), "d02e4386bce91226");
    // The domain part is not hashed (RFC 2759 §4).
    EXPECT_EQ(challenge_hash(peer, authenticator, "DOMAIN\\User"),
              challenge_hash(peer, authenticator, user));
}

TEST(mschapv2_crypto, rfc2759_nt_response_and_authenticator_response) {
    auto h = nt_password_hash(text("clientPass"));
    ASSERT_TRUE(h);
    auto nt = generate_nt_response(authenticator, peer, user, *h);
    ASSERT_TRUE(nt) << nt.error().message();
    EXPECT_EQ(to_hex(*nt), "82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df");
    auto s = authenticator_response(*h, *nt, peer, authenticator, user);
    ASSERT_TRUE(s);
    EXPECT_EQ(*s, "S=407A5589115FD0D6209F510FE9C04566932CDA56");
}

TEST(mschapv2_crypto, rfc3079_master_and_start_keys) {
    auto h = nt_password_hash(text("clientPass"));
    ASSERT_TRUE(h);
    const auto nt = arr<24>("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF");
    auto mk = master_key(*h, nt);
    ASSERT_TRUE(mk);
    EXPECT_EQ(to_hex(mk->view()), "fdece3717a8c838cb388e527ae3cdd31");
    // §3.5.3 prints SendStartKey128 from the server's side.
    const secret server_send = asymmetric_start_key(*mk, true, true);
    EXPECT_EQ(to_hex(server_send.view()), "8b7cdc149b993a1ba118cb153f56dccb");
    // What one side sends the other receives.
    EXPECT_TRUE(asymmetric_start_key(*mk, false, false) == server_send);
    EXPECT_TRUE(asymmetric_start_key(*mk, true, false) == asymmetric_start_key(*mk, false, true));
    EXPECT_FALSE(asymmetric_start_key(*mk, true, false) == server_send);
}

TEST(mschapv2_crypto, msk_is_server_receive_send_and_32_zeros) {
    auto h = nt_password_hash(text("clientPass"));
    ASSERT_TRUE(h);
    const auto nt = arr<24>("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF");
    auto key = msk(*h, nt);
    ASSERT_TRUE(key);
    ASSERT_EQ(key->size(), msk_size);
    auto mk = master_key(*h, nt);
    ASSERT_TRUE(mk);
    EXPECT_TRUE(key->slice(0, 16) == asymmetric_start_key(*mk, false, true));
    EXPECT_EQ(to_hex(key->slice(16, 16).view()), "8b7cdc149b993a1ba118cb153f56dccb");
    EXPECT_TRUE(key->slice(32, 32) == secret(32));
}

TEST(mschapv2_crypto, password_is_hashed_as_utf16le) {
    // "Pässwört€𝄞": two-, three- and four-octet UTF-8, the last a surrogate
    // pair in UTF-16. Expected: MD4 of `iconv -t UTF-16LE` (openssl dgst -md4).
    auto h = nt_password_hash(text("P\xc3\xa4ssw\xc3\xb6rt\xe2\x82\xac\xf0\x9d\x84\x9e"));
    ASSERT_TRUE(h) << h.error().message();
    EXPECT_EQ(to_hex(h->view()), "d6b13aa8c985ac4238c472c1b7fd0ced");
}

TEST(mschapv2_crypto, invalid_utf8_password_is_refused) {
    for (std::string_view bad :
         {std::string_view("\xc3"), std::string_view("a\x80"), std::string_view("\xed\xa0\x80"),
          std::string_view("\xc0\xaf"), std::string_view("\xf8\x88\x80\x80\x80"),
          std::string_view("ab\xe2\x82")}) {
        auto h = nt_password_hash(text(bad));
        ASSERT_FALSE(h) << to_hex(as_view(bad));
        EXPECT_EQ(h.error().code, eap_errc::malformed);
    }
}

}  // namespace
