// shared_handle/unique_handle: copies share one OpenSSL object and take a
// reference each; the object lives until the last handle goes.
#include "libike/crypto/openssl_handle.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <utility>

namespace {

using ike::shared_handle;

// OpenSSL keeps the count private; X509_up_ref followed by X509_free is
// neutral, so the count is read by what X509_free leaves alive: probe by
// taking an extra reference that the test drops itself.
TEST(openssl_handle, copies_share_and_free_once) {
    X509* raw = X509_new();
    ASSERT_NE(raw, nullptr);
    ASSERT_EQ(X509_up_ref(raw), 1);  // the test's own reference keeps raw valid
    {
        shared_handle<x509_st> a(raw);
        shared_handle<x509_st> b = a;
        EXPECT_EQ(b.get(), raw);
        shared_handle<x509_st> c(std::move(a));
        EXPECT_EQ(a.get(), nullptr);
        EXPECT_EQ(c.get(), raw);
        b = c;  // both already hold raw: one reference taken, one dropped
        b = b;
        EXPECT_EQ(b.get(), raw);
        c = shared_handle<x509_st>();
        EXPECT_FALSE(c);
    }
    // Every handle is gone and released exactly what it took: the test's
    // reference is the last, so one more up_ref/free pair leaves it intact and
    // the final free releases it (ASan reports a leak or a double free).
    ASSERT_EQ(X509_up_ref(raw), 1);
    X509_free(raw);
    EXPECT_NE(X509_get_version(raw), 99);  // still readable after the extra free
    X509_free(raw);
}

TEST(openssl_handle, unique_handle_frees) {
    ike::unique_handle<evp_pkey_st> key(EVP_PKEY_new());
    ASSERT_TRUE(key);
    ike::unique_handle<evp_pkey_st> moved = std::move(key);
    EXPECT_FALSE(key);
    EXPECT_TRUE(moved);
}

}  // namespace
