// The legacy provider: loaded when present (the other EAP tests need it),
// and when it is missing the error says so and how to fix it. The second
// case runs only in the ctest entry eap_without_legacy_provider, which
// points OPENSSL_MODULES at an empty directory.
#include "libike/eap/legacy_provider.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "libike/common/secret.hpp"
#include "libike/eap/mschapv2_crypto.hpp"

namespace {

using namespace ike;

bool expect_missing() {
    return std::getenv("IKEV2D_EXPECT_NO_LEGACY_PROVIDER") != nullptr;
}

TEST(legacy_provider, loads_when_installed) {
    if (expect_missing()) GTEST_SKIP() << "run without the legacy provider";
    auto loaded = load_legacy_provider();
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_TRUE(load_legacy_provider());  // idempotent
}

TEST(legacy_provider, missing_provider_says_how_to_fix) {
    if (!expect_missing()) GTEST_SKIP() << "needs OPENSSL_MODULES pointing at an empty directory";
    auto loaded = load_legacy_provider();
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().code, eap_errc::backend_unavailable);
    const std::string text = loaded.error().message();
    EXPECT_NE(text.find("legacy provider"), std::string::npos) << text;
    EXPECT_NE(text.find("legacy.so"), std::string::npos) << text;
    EXPECT_NE(text.find("libssl3"), std::string::npos) << text;
    // MSCHAPv2 reports the same instead of computing anything.
    auto hash = mschapv2::nt_password_hash(secret(as_view("pw")));
    ASSERT_FALSE(hash);
    EXPECT_EQ(hash.error().code, eap_errc::backend_unavailable);
}

}  // namespace
