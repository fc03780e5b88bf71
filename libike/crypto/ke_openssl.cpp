#include "libike/crypto/ke_openssl.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>

#include <climits>

namespace ike::ke_detail {

crypto_error openssl_error(crypto_errc code, std::string what) {
    // Only the most recent reason is useful in a log line; the rest of the
    // queue is dropped so that a later, unrelated failure does not report it.
    unsigned long err = ERR_peek_last_error();
    if (err != 0) {
        char reason[256];
        ERR_error_string_n(err, reason, sizeof reason);
        what += " (";
        what += reason;
        what += ")";
    }
    ERR_clear_error();
    return crypto_error{code, std::move(what)};
}

std::expected<secret_bn_ptr, crypto_error> secret_bignum(bytes_view big_endian) {
    if (big_endian.size() > INT_MAX) {
        return std::unexpected(crypto_error{crypto_errc::bad_key_length, "private key too long"});
    }
    secret_bn_ptr bn(BN_secure_new());
    if (!bn || !BN_bin2bn(big_endian.data(), static_cast<int>(big_endian.size()), bn.get())) {
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "BN_bin2bn"));
    }
    // Arithmetic on the private scalar must not branch on its bits.
    BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
    return bn;
}

std::expected<bn_ptr, crypto_error> public_bignum(bytes_view big_endian) {
    if (big_endian.size() > INT_MAX) {
        return std::unexpected(crypto_error{crypto_errc::invalid_public_value, "value too long"});
    }
    bn_ptr bn(BN_bin2bn(big_endian.data(), static_cast<int>(big_endian.size()), nullptr));
    if (!bn) return std::unexpected(openssl_error(crypto_errc::backend_failure, "BN_bin2bn"));
    return bn;
}

std::expected<pkey_ptr, crypto_error> pkey_from_params(const char* type, int selection,
                                                       OSSL_PARAM_BLD& bld, crypto_errc on_reject) {
    params_ptr params(OSSL_PARAM_BLD_to_param(&bld));
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
        return std::unexpected(
            openssl_error(crypto_errc::backend_failure, "EVP_PKEY_fromdata_init"));
    }
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1) {
        return std::unexpected(openssl_error(on_reject, std::string(type) + " key import refused"));
    }
    return pkey_ptr(raw);
}

std::expected<secret, crypto_error> derive(EVP_PKEY& ours, EVP_PKEY& peer, std::size_t size,
                                           bool pad, bool check_peer) {
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, &ours, nullptr));
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) {
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "EVP_PKEY_derive_init"));
    }
    if (pad) {
        unsigned int on = 1;
        const OSSL_PARAM params[] = {OSSL_PARAM_construct_uint(OSSL_EXCHANGE_PARAM_PAD, &on),
                                     OSSL_PARAM_construct_end()};
        if (EVP_PKEY_CTX_set_params(ctx.get(), params) != 1) {
            return std::unexpected(openssl_error(crypto_errc::backend_failure, "DH padding"));
        }
    }
    // EVP_PKEY_derive_set_peer runs OpenSSL's public-key check on the peer
    // (range and subgroup for DH, on-curve for EC): a refusal is the peer's.
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), &peer, check_peer ? 1 : 0) != 1) {
        return std::unexpected(
            openssl_error(crypto_errc::invalid_public_value, "peer public value rejected"));
    }
    secret out(size);
    std::size_t out_len = out.size();
    if (EVP_PKEY_derive(ctx.get(), out.data(), &out_len) != 1) {
        // With both keys accepted, the only refusal left is X25519/X448's
        // all-zero output from a low-order point (RFC 7748 §6).
        return std::unexpected(openssl_error(crypto_errc::invalid_public_value,
                                             "key derivation refused (low-order peer point?)"));
    }
    if (out_len != size) {
        return std::unexpected(crypto_error{crypto_errc::backend_failure,
                                            "shared secret: " + length_mismatch(size, out_len)});
    }
    return out;
}

std::string length_mismatch(std::size_t expected, std::size_t got) {
    return "expected " + std::to_string(expected) + " octets, got " + std::to_string(got);
}

}  // namespace ike::ke_detail
