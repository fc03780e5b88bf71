#include "libike/eap/legacy_provider.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <string>

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

bool can_fetch_des() {
    EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "DES-ECB", nullptr);
    EVP_CIPHER_free(c);
    return c != nullptr;
}

std::expected<void, eap_error> load_once() {
    // Both stay loaded for the life of the process: the handles are never
    // unloaded, since any later fetch of SHA or AES relies on "default".
    if (OSSL_PROVIDER_load(nullptr, "default") == nullptr)
        return std::unexpected(unavailable("cannot load OpenSSL's default provider"));
    if (OSSL_PROVIDER_load(nullptr, "legacy") == nullptr)
        return std::unexpected(unavailable("cannot load OpenSSL's legacy provider"));
    if (!can_fetch_md4()) return std::unexpected(unavailable("OpenSSL has no MD4"));
    if (!can_fetch_des()) return std::unexpected(unavailable("OpenSSL has no DES-ECB"));
    return {};
}

}  // namespace

std::expected<void, eap_error> load_legacy_provider() {
    static const std::expected<void, eap_error> result = load_once();
    return result;
}

}  // namespace ike
