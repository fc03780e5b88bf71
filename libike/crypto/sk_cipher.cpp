#include "libike/crypto/sk_cipher.hpp"

#include <string>
#include <utility>

#include "libike/crypto/integrity.hpp"
#include "libike/crypto/sk_aead.hpp"
#include "libike/crypto/sk_cbc_hmac.hpp"

namespace ike {

namespace {

std::unexpected<crypto_error> unsupported(std::string what) {
    return std::unexpected(crypto_error{crypto_errc::unsupported_algorithm, std::move(what)});
}

bool is_aead(encr_id encr) {
    return encr == encr_id::aes_gcm_16 || encr == encr_id::chacha20_poly1305;
}

}  // namespace

std::expected<sk_key_sizes, crypto_error> sk_key_sizes_for(const sk_algorithms& algs) {
    if (is_aead(algs.encr)) {
        // RFC 7296 §3.3: a combined-mode cipher is proposed without (or with
        // "none" as) the integrity transform; anything else is malformed.
        if (algs.integ != integ_id::none) {
            return unsupported(to_string(algs.encr) + " with integrity " + to_string(algs.integ));
        }
        auto encr = sk_aead::key_and_salt_size(algs.encr, algs.key_bits);
        if (!encr) return std::unexpected(encr.error());
        return sk_key_sizes{*encr, 0};
    }
    if (algs.encr == encr_id::aes_cbc) {
        if (algs.key_bits != 128 && algs.key_bits != 256) {
            return unsupported("AES-CBC with a " + std::to_string(algs.key_bits) + "-bit key");
        }
        auto integ = integrity_sizes_for(algs.integ);
        if (!integ) return std::unexpected(integ.error());
        return sk_key_sizes{algs.key_bits / 8u, integ->key_size};
    }
    return unsupported("SK encryption " + to_string(algs.encr));
}

std::expected<std::unique_ptr<sk_cipher>, crypto_error> make_sk_cipher(const sk_algorithms& algs,
                                                                       const secret& encr_key,
                                                                       const secret& integ_key) {
    auto sizes = sk_key_sizes_for(algs);
    if (!sizes) return std::unexpected(sizes.error());
    if (is_aead(algs.encr)) {
        if (!integ_key.empty()) {
            return std::unexpected(
                crypto_error{crypto_errc::bad_key_length, "AEAD takes no integrity key"});
        }
        auto aead = sk_aead::create(algs.encr, algs.key_bits, encr_key);
        if (!aead) return std::unexpected(aead.error());
        return std::unique_ptr<sk_cipher>(std::move(*aead));
    }
    auto cbc = sk_cbc_hmac::create(algs.key_bits, encr_key, algs.integ, integ_key);
    if (!cbc) return std::unexpected(cbc.error());
    return std::unique_ptr<sk_cipher>(std::move(*cbc));
}

}  // namespace ike
