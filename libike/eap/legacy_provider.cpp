#include "libike/eap/legacy_provider.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <memory>
#include <string>

#include "libike/crypto/openssl_handle.hpp"

namespace ike {

namespace {

constexpr const char* how_to_fix =
    "EAP-MSCHAPv2 needs MD4 and DES from OpenSSL's legacy provider; install it "
    "(Debian: package libssl3, file /usr/lib/<arch>/ossl-modules/legacy.so) or point "
    "OPENSSL_MODULES at the directory that holds legacy.so";

eap_error unavailable(const std::string& what) {
    ERR_clear_error();
    return {eap_errc::backend_unavailable, what + ": " + how_to_fix};
}

bool can_fetch_md4() {
    EVP_MD* md = EVP_MD_fetch(nullptr, "MD4", nullptr);
    EVP_MD_free(md);
    return md != nullptr;
}

bool can_fetch_sha1() {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    EVP_MD_free(md);
    return md != nullptr;
}

bool can_fetch_des() {
    EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "DES-ECB", nullptr);
    EVP_CIPHER_free(c);
    return c != nullptr;
}

using provider_ptr = std::unique_ptr<OSSL_PROVIDER, openssl_deleter<OSSL_PROVIDER_unload>>;

/// Our references to the two providers, for the life of the process. The
/// destructor (at exit, before OpenSSL's own cleanup, which was registered
/// first) gives them back so OpenSSL frees the providers; LeakSanitizer
/// reports them otherwise.
struct loaded_providers {
    provider_ptr defaults;
    provider_ptr legacy;
    std::expected<void, eap_error> result;

    loaded_providers() : result(load()) {}

    std::expected<void, eap_error> load() {
        defaults.reset(OSSL_PROVIDER_load(nullptr, "default"));
        if (!defaults)
            return std::unexpected(unavailable("cannot load OpenSSL's default provider"));
        legacy.reset(OSSL_PROVIDER_load(nullptr, "legacy"));
        if (!legacy) return std::unexpected(unavailable("cannot load OpenSSL's legacy provider"));
        if (!can_fetch_md4()) return std::unexpected(unavailable("OpenSSL has no MD4"));
        if (!can_fetch_des()) return std::unexpected(unavailable("OpenSSL has no DES-ECB"));
        if (!can_fetch_sha1()) return std::unexpected(unavailable("OpenSSL has no SHA1"));
        return {};
    }
};

}  // namespace

std::expected<void, eap_error> load_legacy_provider() {
    static const loaded_providers providers;
    return providers.result;
}

}  // namespace ike
