// The engine's certificate cache: parsed certificates by their DER, and
// chain verdicts reused only inside the window in which every certificate of
// the chain and every CRL of the store is valid, and only for the store that
// gave them.
#include "libike/crypto/cert_cache.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "tests/unit/crypto/cert_test_support.hpp"

namespace {

using ike::bytes;
using ike::cert_cache;
using ike::cert_errc;
using ike::cert_time;
using ike::certificate;
using ike::revocation_list;
using ike::trust_store;
using ike::test::issue;
using ike::test::issued;
using ike::test::make_crl;
using ike::test::utc;

struct pki {
    issued root = issue({.cn = "Cache Root CA",
                         .ca = true,
                         .not_before = utc(2025, 1, 1),
                         .not_after = utc(2035, 1, 1)},
                        nullptr);
    // The intermediate expires before the leaf: it bounds the window.
    issued inter = issue({.cn = "Cache Intermediate CA",
                          .ca = true,
                          .not_before = utc(2026, 2, 1),
                          .not_after = utc(2026, 9, 1),
                          .serial = 2},
                         &root);
    issued leaf = issue({.cn = "rw.example.com",
                         .not_before = utc(2026, 1, 1),
                         .not_after = utc(2027, 1, 1),
                         .serial = 10},
                        &inter);
    issued revoked = issue({.cn = "gone.example.com", .serial = 11}, &inter);
};

class cert_cache_test : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { p_ = new pki; }
    static void TearDownTestSuite() { delete p_; }
    static trust_store store(std::vector<revocation_list> crls = {}) {
        auto s = trust_store::create(std::vector{p_->root.cert}, crls);
        EXPECT_TRUE(s.has_value());
        return std::move(*s);
    }
    static std::vector<certificate> inter() { return {p_->inter.cert}; }
    static pki* p_;
};
pki* cert_cache_test::p_ = nullptr;

TEST_F(cert_cache_test, parses_each_der_once) {
    cert_cache cache(4);
    const auto der = p_->leaf.cert.der();
    auto a = cache.parse(der);
    auto b = cache.parse(der);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->subject(), p_->leaf.cert.subject());
    EXPECT_EQ(a->native(), b->native()) << "the second parse is the cached object";
    EXPECT_EQ(cache.stats().parse_misses, 1u);
    EXPECT_EQ(cache.stats().parse_hits, 1u);

    bytes junk = der;
    junk.resize(junk.size() / 2);
    EXPECT_FALSE(cache.parse(junk));
    EXPECT_FALSE(cache.parse(junk)) << "failures are not kept";
    EXPECT_EQ(cache.stats().parse_misses, 3u);
}

TEST_F(cert_cache_test, keeps_at_most_capacity_entries_oldest_out_first) {
    cert_cache cache(1);
    const auto leaf = p_->leaf.cert.der(), other = p_->inter.cert.der();
    ASSERT_TRUE(cache.parse(leaf));
    ASSERT_TRUE(cache.parse(other));  // pushes the leaf out
    ASSERT_TRUE(cache.parse(leaf));
    EXPECT_EQ(cache.stats().parse_misses, 3u);
    EXPECT_EQ(cache.stats().parse_hits, 0u);

    cert_cache none(0);
    ASSERT_TRUE(none.parse(leaf));
    ASSERT_TRUE(none.parse(leaf));
    EXPECT_EQ(none.stats().parse_hits, 0u);
}

TEST_F(cert_cache_test, reuses_a_verdict_inside_its_window_only) {
    cert_cache cache(4);
    const trust_store s = store();
    ASSERT_TRUE(cache.validate(s, p_->leaf.cert, inter(), utc(2026, 6, 1)));
    ASSERT_TRUE(cache.validate(s, p_->leaf.cert, inter(), utc(2026, 8, 31)));
    EXPECT_EQ(cache.stats().verdict_hits, 1u);

    // After the intermediate's notAfter the chain is checked again, and fails.
    auto late = cache.validate(s, p_->leaf.cert, inter(), utc(2026, 10, 1));
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().code, cert_errc::expired);
    // Before the intermediate's notBefore too (a clock set back).
    auto early = cache.validate(s, p_->leaf.cert, inter(), utc(2026, 1, 15));
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().code, cert_errc::not_yet_valid);
    EXPECT_EQ(cache.stats().verdict_hits, 1u);
}

TEST_F(cert_cache_test, a_verdict_belongs_to_its_store_and_chain) {
    cert_cache cache(4);
    const trust_store s = store();
    ASSERT_TRUE(cache.validate(s, p_->leaf.cert, inter(), utc(2026, 6, 1)));
    // Another store (a reload) that does not trust the root.
    auto other = trust_store::create(std::vector{p_->leaf.cert});
    ASSERT_TRUE(other);
    auto r = cache.validate(*other, p_->inter.cert, {}, utc(2026, 6, 1));
    EXPECT_FALSE(r) << "the intermediate alone does not chain to the leaf";
    // The same store with the same leaf but without the intermediate.
    auto bare = cache.validate(s, p_->leaf.cert, {}, utc(2026, 6, 1));
    ASSERT_FALSE(bare);
    EXPECT_EQ(bare.error().code, cert_errc::unknown_ca);
    EXPECT_EQ(cache.stats().verdict_hits, 0u);
}

TEST_F(cert_cache_test, crls_bound_the_window_and_revocations_are_never_cached) {
    cert_cache cache(4);
    const trust_store s = store({make_crl(p_->inter, {11}, utc(2026, 5, 1), utc(2026, 7, 1)),
                                 make_crl(p_->root, {}, utc(2026, 5, 1), utc(2026, 12, 1))});
    ASSERT_TRUE(cache.validate(s, p_->leaf.cert, inter(), utc(2026, 6, 1)));
    ASSERT_TRUE(cache.validate(s, p_->leaf.cert, inter(), utc(2026, 6, 30)));
    EXPECT_EQ(cache.stats().verdict_hits, 1u);
    // The intermediate's CRL is stale after July 1st: checked again.
    (void)cache.validate(s, p_->leaf.cert, inter(), utc(2026, 7, 2));
    EXPECT_EQ(cache.stats().verdict_hits, 1u);

    for (int i = 0; i < 2; ++i) {
        auto r = cache.validate(s, p_->revoked.cert, inter(), utc(2026, 6, 1));
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, cert_errc::revoked);
    }
}

}  // namespace
