#include "libike/crypto/x25519_batch.hpp"

#include <openssl/bn.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "libike/crypto/ke_x25519.hpp"
#include "libike/crypto/openssl_handle.hpp"

namespace ike {

namespace {

constexpr std::size_t key_len = 32;

using bn_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BN_free>>;
using bn_ctx_ptr = std::unique_ptr<BN_CTX, openssl_deleter<BN_CTX_free>>;

std::unexpected<crypto_error> failure(const char* what) {
    return std::unexpected(crypto_error{crypto_errc::backend_failure, what});
}

// RFC 7748 §5's clamping, on a copy that wipes itself.
secret clamped(const secret& raw) {
    secret k(raw.view());
    k.data()[0] &= 248;
    k.data()[31] &= 127;
    k.data()[31] |= 64;
    return k;
}

// The Edwards y coordinate of [k]B, little-endian, sign bit of x dropped.
bool edwards_y(const secret& k, std::array<std::uint8_t, key_len>& y) {
    if (crypto_scalarmult_ed25519_base_noclamp(y.data(), k.view().data()) != 0) return false;
    y[31] &= 127;
    return true;
}

struct field {
    bn_ctx_ptr ctx{BN_CTX_new()};
    bn_ptr p{BN_new()};
    bool ok() {
        // p = 2^255 - 19
        return ctx && p && BN_set_bit(p.get(), 255) && BN_sub_word(p.get(), 19);
    }
    bn_ptr make() { return bn_ptr(BN_new()); }
};

}  // namespace

std::expected<void, crypto_error> x25519_public_values(std::span<const secret> privates,
                                                       std::span<bytes> publics) {
    if (privates.size() != publics.size())
        return std::unexpected(
            crypto_error{crypto_errc::bad_key_length, "X25519 batch: spans of different sizes"});
    if (std::ranges::any_of(privates, [](const secret& k) { return k.size() != key_len; }))
        return std::unexpected(
            crypto_error{crypto_errc::bad_key_length, "X25519 private key: expected 32 octets"});
    if (privates.empty()) return {};
    if (!libsodium_ready()) return failure("libsodium could not be initialised");
    field f;
    if (!f.ok()) return failure("BIGNUM allocation");

    // num[i] = 1 + y_i, den[i] = 1 - y_i, prefix[i] = den[0] * ... * den[i].
    const std::size_t n = privates.size();
    std::vector<bn_ptr> num(n), den(n), prefix(n);
    std::array<std::uint8_t, key_len> y{};
    for (std::size_t i = 0; i < n; ++i) {
        if (!edwards_y(clamped(privates[i]), y)) return failure("Edwards base multiplication");
        num[i] = f.make(), den[i] = f.make(), prefix[i] = f.make();
        if (!num[i] || !den[i] || !prefix[i] || !BN_lebin2bn(y.data(), key_len, num[i].get()) ||
            !BN_mod_sub(den[i].get(), BN_value_one(), num[i].get(), f.p.get(), f.ctx.get()) ||
            !BN_add_word(num[i].get(), 1))
            return failure("BIGNUM arithmetic");
        // 1 - y = 0 would be the neutral point, which no clamped key gives.
        if (BN_is_zero(den[i].get())) return failure("X25519 batch: neutral point");
        if (!(i == 0 ? BN_copy(prefix[i].get(), den[i].get()) != nullptr
                     : BN_mod_mul(prefix[i].get(), prefix[i - 1].get(), den[i].get(), f.p.get(),
                                  f.ctx.get()) == 1))
            return failure("BIGNUM arithmetic");
    }
    // inv = 1 / prefix[n-1]; walking back, 1/den[i] = inv * prefix[i-1]
    // and then inv becomes 1 / prefix[i-1].
    bn_ptr inv(BN_mod_inverse(nullptr, prefix[n - 1].get(), f.p.get(), f.ctx.get()));
    bn_ptr u = f.make();
    if (!inv || !u) return failure("BIGNUM inverse");
    for (std::size_t i = n; i-- > 0;) {
        const bool ok =
            (i == 0 ? BN_copy(u.get(), inv.get()) != nullptr
                    : BN_mod_mul(u.get(), inv.get(), prefix[i - 1].get(), f.p.get(), f.ctx.get()) &&
                          BN_mod_mul(inv.get(), inv.get(), den[i].get(), f.p.get(), f.ctx.get())) &&
            BN_mod_mul(u.get(), u.get(), num[i].get(), f.p.get(), f.ctx.get());
        publics[i].assign(key_len, 0);
        if (!ok || BN_bn2lebinpad(u.get(), publics[i].data(), key_len) != key_len)
            return failure("BIGNUM arithmetic");
    }
    return {};
}

}  // namespace ike
