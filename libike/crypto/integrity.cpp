#include "libike/crypto/integrity.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace ike {

namespace {

struct hmac_info {
    const char* digest;  // OpenSSL digest name
    integrity_sizes sizes;
};

// RFC 2404 §3: HMAC-SHA-1-96 takes a 160-bit key and keeps the first 96 bits.
// RFC 4868 §2.1.1 / §2.6: the SHA-2 variants take a key as long as the hash
// output and keep its first half.
std::expected<hmac_info, crypto_error> info_for(integ_id id) {
    switch (id) {
        case integ_id::hmac_sha1_96:
            return hmac_info{"SHA1", {20, 12}};
        case integ_id::hmac_sha2_256_128:
            return hmac_info{"SHA2-256", {32, 16}};
        case integ_id::hmac_sha2_384_192:
            return hmac_info{"SHA2-384", {48, 24}};
        case integ_id::hmac_sha2_512_256:
            return hmac_info{"SHA2-512", {64, 32}};
        default:
            return std::unexpected(
                crypto_error{crypto_errc::unsupported_algorithm, "integrity " + to_string(id)});
    }
}

std::unexpected<crypto_error> backend_error(const char* what) {
    return std::unexpected(crypto_error{crypto_errc::backend_failure, what});
}

// Largest untruncated HMAC output (SHA2-512).
constexpr std::size_t max_mac_size = 64;

}  // namespace

std::expected<integrity_sizes, crypto_error> integrity_sizes_for(integ_id id) {
    auto info = info_for(id);
    if (!info) return std::unexpected(info.error());
    return info->sizes;
}

void integrity::ctx_free::operator()(evp_mac_ctx_st* ctx) const {
    EVP_MAC_CTX_free(ctx);
}

integrity::integrity(integ_id id, integrity_sizes sizes,
                     std::unique_ptr<evp_mac_ctx_st, ctx_free> ctx)
    : id_(id), sizes_(sizes), ctx_(std::move(ctx)) {}

integrity::integrity(integrity&& other) noexcept = default;
integrity& integrity::operator=(integrity&& other) noexcept = default;
integrity::~integrity() = default;

std::expected<integrity, crypto_error> integrity::create(integ_id id, const secret& key) {
    auto info = info_for(id);
    if (!info) return std::unexpected(info.error());
    if (key.size() != info->sizes.key_size) {
        return std::unexpected(crypto_error{crypto_errc::bad_key_length,
                                            to_string(id) + " needs a " +
                                                std::to_string(info->sizes.key_size) +
                                                "-byte key, got " + std::to_string(key.size())});
    }
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) return backend_error("HMAC not available");
    std::unique_ptr<evp_mac_ctx_st, ctx_free> ctx(EVP_MAC_CTX_new(mac));
    EVP_MAC_free(mac);  // the context holds its own reference
    if (!ctx) return backend_error("EVP_MAC_CTX_new failed");
    // Keying once here lets every later EVP_MAC_init pass a null key, which
    // restarts HMAC from the saved inner/outer pads: no per-message key setup.
    std::array<OSSL_PARAM, 2> params{
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(info->digest), 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params.data()) != 1) {
        return backend_error("HMAC keying failed");
    }
    return integrity(id, info->sizes, std::move(ctx));
}

std::expected<void, crypto_error> integrity::full_mac(std::span<const bytes_view> pieces,
                                                      std::span<std::uint8_t> out) const {
    if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1) return backend_error("HMAC init");
    for (bytes_view piece : pieces) {
        if (piece.empty()) continue;
        if (EVP_MAC_update(ctx_.get(), piece.data(), piece.size()) != 1) {
            return backend_error("HMAC update");
        }
    }
    std::size_t len = 0;
    if (EVP_MAC_final(ctx_.get(), out.data(), &len, out.size()) != 1) {
        return backend_error("HMAC final");
    }
    return {};
}

std::expected<void, crypto_error> integrity::compute(std::span<const bytes_view> pieces,
                                                     std::span<std::uint8_t> icv) const {
    if (icv.size() != sizes_.icv_size) return backend_error("ICV buffer of the wrong size");
    std::array<std::uint8_t, max_mac_size> full{};
    auto done = full_mac(pieces, full);
    if (!done) return done;
    // Truncation keeps the leftmost bits (RFC 2104 §5, RFC 4868 §2.6).
    std::copy_n(full.begin(), icv.size(), icv.begin());
    return {};
}

std::expected<void, crypto_error> integrity::compute(std::initializer_list<bytes_view> pieces,
                                                     std::span<std::uint8_t> icv) const {
    return compute(std::span<const bytes_view>(pieces.begin(), pieces.size()), icv);
}

std::expected<void, crypto_error> integrity::verify(std::span<const bytes_view> pieces,
                                                    bytes_view icv) const {
    if (icv.size() != sizes_.icv_size) {
        return std::unexpected(crypto_error{crypto_errc::integrity_check_failed, "ICV length"});
    }
    std::array<std::uint8_t, max_mac_size> full{};
    auto done = full_mac(pieces, full);
    if (!done) return done;
    // Constant time, so a forger learns nothing from how long a reject takes.
    if (CRYPTO_memcmp(full.data(), icv.data(), icv.size()) != 0) {
        return std::unexpected(crypto_error{crypto_errc::integrity_check_failed, "ICV mismatch"});
    }
    return {};
}

std::expected<void, crypto_error> integrity::verify(std::initializer_list<bytes_view> pieces,
                                                    bytes_view icv) const {
    return verify(std::span<const bytes_view>(pieces.begin(), pieces.size()), icv);
}

}  // namespace ike
