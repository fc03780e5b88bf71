// RFC 7383 §2.6 reassembly rules, and the sealing of fragments that a
// matching cipher opens back into the original plaintext.
#include "libike/engine/fragment_reassembly.hpp"

#include <gtest/gtest.h>

#include "libike/codec/message.hpp"
#include "libike/codec/skf_payload.hpp"
#include "libike/crypto/random_source.hpp"
#include "libike/crypto/sk_cipher.hpp"
#include "libike/engine/fragment_sealer.hpp"

namespace ike {
namespace {

fragment_reassembly::fragment frag(std::uint32_t id, std::uint16_t n, std::uint16_t total,
                                   std::string_view text) {
    return {id, n, total, n == 1 ? payload_type::notify : payload_type::none,
            bytes(text.begin(), text.end())};
}

std::string text_of(const bytes& b) {
    return std::string(b.begin(), b.end());
}

TEST(FragmentReassembly, CompletesInAnyOrderAndIgnoresDuplicates) {
    fragment_reassembly r;
    EXPECT_EQ(r.add(frag(1, 3, 3, "ghi")), fragment_reassembly::added::stored);
    EXPECT_FALSE(r.take());
    EXPECT_EQ(r.add(frag(1, 1, 3, "abc")), fragment_reassembly::added::stored);
    EXPECT_EQ(r.add(frag(1, 1, 3, "abc")), fragment_reassembly::added::duplicate);
    EXPECT_FALSE(r.take());
    EXPECT_EQ(r.add(frag(1, 2, 3, "def")), fragment_reassembly::added::stored);
    auto whole = r.take();
    ASSERT_TRUE(whole);
    EXPECT_EQ(text_of(whole->plaintext), "abcdefghi");
    EXPECT_EQ(whole->first_inner, payload_type::notify);
    EXPECT_FALSE(r.message_id()) << "taking the message resets the collection";
}

TEST(FragmentReassembly, MoreTotalFragmentsRestartsFewerAreStale) {
    fragment_reassembly r;
    r.add(frag(7, 1, 2, "abcd"));
    // The sender re-fragmented smaller (§2.6.2): start over.
    EXPECT_EQ(r.add(frag(7, 2, 3, "cd")), fragment_reassembly::added::stored);
    EXPECT_EQ(r.add(frag(7, 2, 2, "cd")), fragment_reassembly::added::stale);
    EXPECT_FALSE(r.take());
    r.add(frag(7, 1, 3, "ab"));
    r.add(frag(7, 3, 3, "ef"));
    auto whole = r.take();
    ASSERT_TRUE(whole);
    EXPECT_EQ(text_of(whole->plaintext), "abcdef");
}

TEST(FragmentReassembly, AnotherMessageIdStartsOver) {
    fragment_reassembly r;
    r.add(frag(1, 1, 2, "old"));
    r.add(frag(2, 2, 2, "new2"));
    EXPECT_EQ(r.message_id(), 2u);
    EXPECT_FALSE(r.take());
    r.add(frag(2, 1, 2, "new1"));
    auto whole = r.take();
    ASSERT_TRUE(whole);
    EXPECT_EQ(text_of(whole->plaintext), "new1new2");
}

TEST(FragmentReassembly, BoundsHoldMemory) {
    fragment_reassembly r;
    EXPECT_EQ(r.add(frag(1, 1, fragment_reassembly::max_fragments + 1, "x")),
              fragment_reassembly::added::too_large);
    EXPECT_EQ(r.add(frag(1, 3, 2, "x")), fragment_reassembly::added::too_large);
    std::string big(fragment_reassembly::max_message_size / 2 + 1, 'x');
    EXPECT_EQ(r.add(frag(1, 1, 3, big)), fragment_reassembly::added::stored);
    EXPECT_EQ(r.add(frag(1, 2, 3, big)), fragment_reassembly::added::too_large);
    EXPECT_FALSE(r.message_id()) << "an oversized message is dropped whole";
}

// A cipher pair for one direction: both ends keyed alike.
struct cipher_pair {
    std::unique_ptr<sk_cipher> seal, open;
};

cipher_pair make_pair(const sk_algorithms& algs) {
    auto sizes = sk_key_sizes_for(algs);
    EXPECT_TRUE(sizes);
    bytes e(sizes->encr, 0x42), a(sizes->integ, 0x17);
    auto s = make_sk_cipher(algs, secret(e), secret(a));
    auto o = make_sk_cipher(algs, secret(e), secret(a));
    EXPECT_TRUE(s && o);
    return {std::move(*s), std::move(*o)};
}

class FragmentSealing : public ::testing::TestWithParam<sk_algorithms> {};

TEST_P(FragmentSealing, FragmentsFitAndOpenBackIntoThePlaintext) {
    auto ciphers = make_pair(GetParam());
    deterministic_random rng(5);
    bytes plain(1000);
    for (std::size_t i = 0; i < plain.size(); ++i) plain[i] = static_cast<std::uint8_t>(i * 7);
    ike_header h{0x1111, 0x2222, 0, exchange_type::ike_auth, header_flag::initiator, 1};
    for (std::size_t limit : {120u, 200u, 333u, 576u}) {
        auto fragments = seal_fragments(h, payload_type::idi, plain, *ciphers.seal, limit, rng);
        ASSERT_TRUE(fragments) << fragments.error();
        const std::size_t chunk = max_fragment_plaintext(*ciphers.seal, limit);
        ASSERT_GT(chunk, 0u);
        EXPECT_EQ(fragments->size(), (plain.size() + chunk - 1) / chunk);
        fragment_reassembly r;
        for (std::size_t i = 0; i < fragments->size(); ++i) {
            const bytes& d = (*fragments)[i];
            EXPECT_LE(d.size(), limit);
            auto m = decode_message(d);
            ASSERT_TRUE(m);
            EXPECT_EQ(m->header.message_id, 1u);
            const auto& skf = std::get<skf_payload>(m->payloads.back().body);
            EXPECT_EQ(skf.fragment_number, i + 1);
            EXPECT_EQ(skf.total_fragments, fragments->size());
            EXPECT_EQ(skf.first_inner, i == 0 ? payload_type::idi : payload_type::none);
            auto part = ciphers.open->open(bytes_view(d).first(d.size() - skf.encrypted.size()),
                                           skf.encrypted);
            ASSERT_TRUE(part);
            r.add({1, skf.fragment_number, skf.total_fragments, skf.first_inner, *part});
        }
        auto whole = r.take();
        ASSERT_TRUE(whole);
        EXPECT_EQ(whole->plaintext, plain);
        EXPECT_EQ(whole->first_inner, payload_type::idi);
        // One byte more per fragment would not have fitted.
        EXPECT_GT(ciphers.seal->sealed_size(chunk + 1) + 36, limit);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Ciphers, FragmentSealing,
    ::testing::Values(sk_algorithms{encr_id::aes_gcm_16, 256, integ_id::none},
                      sk_algorithms{encr_id::chacha20_poly1305, 0, integ_id::none},
                      sk_algorithms{encr_id::aes_cbc, 128, integ_id::hmac_sha2_256_128}));

TEST(FragmentSealing, ATooSmallLimitIsAnError) {
    auto ciphers = make_pair({encr_id::aes_gcm_16, 128, integ_id::none});
    deterministic_random rng(1);
    bytes plain(100, 1);
    ike_header h{};
    EXPECT_FALSE(seal_fragments(h, payload_type::idi, plain, *ciphers.seal, 60, rng));
    EXPECT_EQ(max_ike_message_size(1280, false, false), 1252u);
    EXPECT_EQ(max_ike_message_size(1280, true, true), 1228u);
    EXPECT_EQ(max_ike_message_size(20, false, false), 0u);
}

}  // namespace
}  // namespace ike
