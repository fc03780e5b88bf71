// The EAP-TLS fragment codec, reassembly and cutting (RFC 5216 §2.1.5, §3.1).
#include "libike/eap/eap_tls_fragments.hpp"

#include <gtest/gtest.h>

namespace {

using namespace ike;
using namespace ike::eap_tls;

bytes pattern(std::size_t n) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 7 + 3);
    return b;
}

TEST(eap_tls_fragments, decode_with_and_without_length) {
    auto f = decode_fragment(bytes{0xC0, 0, 0, 1, 0, 0xAA, 0xBB});
    ASSERT_TRUE(f) << f.error().message();
    EXPECT_TRUE(f->more());
    EXPECT_EQ(f->total_length, 256u);
    EXPECT_EQ(f->data, (bytes{0xAA, 0xBB}));
    EXPECT_EQ(encode_fragment(*f), (bytes{0xC0, 0, 0, 1, 0, 0xAA, 0xBB}));

    auto g = decode_fragment(bytes{0x00, 1, 2, 3});
    ASSERT_TRUE(g);
    EXPECT_FALSE(g->total_length);
    EXPECT_FALSE(g->is_ack());
    auto ack = decode_fragment(ack_type_data());
    ASSERT_TRUE(ack);
    EXPECT_TRUE(ack->is_ack());
    auto start = decode_fragment(start_type_data());
    ASSERT_TRUE(start);
    EXPECT_TRUE(start->start());
}

TEST(eap_tls_fragments, cut_and_join_with_odd_sizes) {
    for (std::size_t total : {1u, 2u, 999u, 1000u, 1001u, 4097u}) {
        for (std::size_t piece : {1u, 3u, 7u, 1000u}) {
            const bytes msg = pattern(total);
            fragmenter out(piece);
            reassembler in;
            out.load(msg);
            std::size_t count = 0;
            std::optional<bool> done;
            while (out.pending()) {
                auto f = decode_fragment(out.next());
                ASSERT_TRUE(f);
                EXPECT_EQ(f->total_length.has_value(), count == 0);
                EXPECT_LE(f->data.size(), piece);
                ++count;
                auto r = in.add(*f);
                ASSERT_TRUE(r) << r.error().message();
                done = *r;
                EXPECT_EQ(*r, !out.pending());
            }
            EXPECT_EQ(count, (total + piece - 1) / piece);
            ASSERT_TRUE(done && *done);
            EXPECT_EQ(in.take(), msg) << total << "/" << piece;
            EXPECT_FALSE(in.in_progress());
        }
    }
}

TEST(eap_tls_fragments, reassembly_refuses_short_flights) {
    reassembler in;
    ASSERT_TRUE(in.add(*decode_fragment(bytes{0xC0, 0, 0, 0, 5, 1, 2})));
    auto r = in.add(*decode_fragment(bytes{0x00, 3}));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find("announced 5"), std::string::npos) << r.error().message();
}

TEST(eap_tls_fragments, every_truncation_decodes_or_fails_cleanly) {
    const bytes full{0xC0, 0, 0, 0, 4, 1, 2, 3, 4};
    for (std::size_t n = 0; n <= full.size(); ++n) {
        auto f = decode_fragment(bytes_view(full).first(n));
        if (n == 0 || (n > 1 && n < 5)) {
            EXPECT_FALSE(f) << n;
        }
        if (f) {
            EXPECT_EQ(f->data.size(), n >= 5 ? n - 5 : 0);
        }
    }
}

}  // namespace
