#include "libike/crypto/ke_modp.hpp"

#include <openssl/core_names.h>

#include <algorithm>
#include <array>
#include <utility>

#include "libike/crypto/ke_openssl.hpp"

namespace ike {

namespace {

using namespace ke_detail;

struct modp_params {
    ke_group group;
    const char* openssl_name;  // OSSL_PKEY_PARAM_GROUP_NAME of the RFC 3526 prime
    std::size_t prime_len;     // octets of p: the KE data and g^ir length
    std::size_t exponent_len;  // octets of a fresh private exponent
};

// Exponent sizes: RFC 3526 §8 estimates the strength of these groups and
// suggests exponents of twice that many bits (320, 380 and 440 bits at the
// upper estimate); we round up to whole octets. A short exponent is safe with
// safe primes and makes each exchange much cheaper than a full-length one.
constexpr std::array<modp_params, 3> modp_groups{{
    {ke_group::modp2048, "modp_2048", 256, 40},
    {ke_group::modp3072, "modp_3072", 384, 48},
    {ke_group::modp4096, "modp_4096", 512, 56},
}};

const modp_params* find_params(ke_group group) {
    auto it = std::ranges::find(modp_groups, group, &modp_params::group);
    return it == modp_groups.end() ? nullptr : &*it;
}

crypto_error unsupported(ke_group group) {
    return crypto_error{crypto_errc::unsupported_algorithm,
                        "not a MODP group: " + to_string(group)};
}

// The public value y as a DH key of the named group, for EVP_PKEY_derive.
std::expected<pkey_ptr, crypto_error> public_key(const modp_params& params, const BIGNUM& y) {
    param_bld_ptr bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, params.openssl_name,
                                         0) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, &y)) {
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "DH public params"));
    }
    return pkey_from_params("DH", EVP_PKEY_PUBLIC_KEY, *bld, crypto_errc::invalid_public_value);
}

// Our private exponent as a DH key. OpenSSL 3.0 imports it without computing
// the public value; the exchange itself only needs x.
std::expected<pkey_ptr, crypto_error> private_key(const modp_params& params, const BIGNUM& x) {
    param_bld_ptr bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, params.openssl_name,
                                         0) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, &x)) {
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "DH private params"));
    }
    return pkey_from_params("DH", EVP_PKEY_KEYPAIR, *bld, crypto_errc::bad_key_length);
}

std::expected<bn_ptr, crypto_error> prime_minus_one(const EVP_PKEY& key) {
    BIGNUM* p = nullptr;
    if (EVP_PKEY_get_bn_param(&key, OSSL_PKEY_PARAM_FFC_P, &p) != 1 || !BN_sub_word(p, 1)) {
        BN_free(p);
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "DH prime"));
    }
    return bn_ptr(p);
}

class modp_key_exchange final : public key_exchange {
  public:
    modp_key_exchange(const modp_params& params, pkey_ptr key, bn_ptr p_minus_1, bytes pub)
        : params_(params),
          key_(std::move(key)),
          p_minus_1_(std::move(p_minus_1)),
          public_(std::move(pub)) {}

    ke_group group() const override { return params_.group; }
    const bytes& public_value() const override { return public_; }

    std::expected<secret, crypto_error> shared_secret(bytes_view peer) const override {
        if (peer.size() != params_.prime_len) {
            return std::unexpected(
                crypto_error{crypto_errc::invalid_public_value,
                             to_string(params_.group) +
                                 " KE data: " + length_mismatch(params_.prime_len, peer.size())});
        }
        auto y = public_bignum(peer);
        if (!y) return std::unexpected(y.error());
        if (auto ok = check_range(**y); !ok) return std::unexpected(ok.error());
        // OpenSSL additionally checks y^q = 1 (the prime-order subgroup) when
        // the peer is set; RFC 6989 §2.2 allows that stricter test.
        auto peer_key = public_key(params_, **y);
        if (!peer_key) return std::unexpected(peer_key.error());
        return derive(*key_, **peer_key, params_.prime_len, true);
    }

  private:
    // RFC 7296 §5 and RFC 6989 §2.1: 1 < y < p-1. 0 and 1 fix the secret, and
    // p-1 confines it to {1, p-1}.
    std::expected<void, crypto_error> check_range(const BIGNUM& y) const {
        if (BN_is_zero(&y) || BN_is_one(&y) || BN_cmp(&y, p_minus_1_.get()) >= 0) {
            return std::unexpected(
                crypto_error{crypto_errc::invalid_public_value,
                             to_string(params_.group) + " KE data: not in 1 < y < p-1"});
        }
        return {};
    }

    const modp_params& params_;
    pkey_ptr key_;
    bn_ptr p_minus_1_;
    bytes public_;
};

// Builds the key pair for exponent x; our public value is g^x, which we get
// from the provider by deriving against g itself (the generator is 2 for all
// RFC 3526 groups) rather than by modular arithmetic of our own.
std::expected<std::unique_ptr<key_exchange>, crypto_error> build(const modp_params& params,
                                                                 bytes_view x_octets) {
    if (x_octets.empty() || x_octets.size() > params.prime_len) {
        return std::unexpected(crypto_error{crypto_errc::bad_key_length,
                                            "MODP private exponent: expected 1 to " +
                                                std::to_string(params.prime_len) + " octets, got " +
                                                std::to_string(x_octets.size())});
    }
    auto x = secret_bignum(x_octets);
    if (!x) return std::unexpected(x.error());
    auto key = private_key(params, **x);
    if (!key) return std::unexpected(key.error());
    auto p_minus_1 = prime_minus_one(**key);
    if (!p_minus_1) return std::unexpected(p_minus_1.error());
    if (BN_is_zero(x->get()) || BN_cmp(x->get(), p_minus_1->get()) >= 0) {
        return std::unexpected(crypto_error{crypto_errc::bad_key_length,
                                            "MODP private exponent out of range 1 <= x < p-1"});
    }
    bn_ptr g(BN_new());
    if (!g || !BN_set_word(g.get(), 2)) {
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "BN_set_word"));
    }
    auto g_key = public_key(params, *g);
    if (!g_key) return std::unexpected(g_key.error());
    // g is our constant, not peer data: OpenSSL's check of a peer key (the
    // subgroup test g^q = 1, an exponentiation with a full-length exponent)
    // would cost more than the short-exponent g^x itself (issue 7: MODP-2048
    // took 9.7 ms per IKE_SA, charon 6 ms).
    auto gx = derive(**key, **g_key, params.prime_len, true, false);
    if (!gx) {
        return std::unexpected(
            crypto_error{crypto_errc::backend_failure, "computing g^x: " + gx.error().message()});
    }
    bytes pub(gx->view().begin(), gx->view().end());
    return std::make_unique<modp_key_exchange>(params, std::move(*key), std::move(*p_minus_1),
                                               std::move(pub));
}

}  // namespace

bool is_modp_group(ke_group group) {
    return find_params(group) != nullptr;
}

std::size_t modp_public_value_size(ke_group group) {
    const modp_params* params = find_params(group);
    return params ? params->prime_len : 0;
}

std::expected<secret, crypto_error> draw_modp_private_key(ke_group group, random_source& rng) {
    const modp_params* params = find_params(group);
    if (!params) return std::unexpected(unsupported(group));
    secret x(params->exponent_len);
    // Redraw the (astronomically unlikely) exponents 0 and 1, which would make
    // g^x public knowledge; x < p-1 holds because x is much shorter than p.
    for (int attempt = 0; attempt < 16; ++attempt) {
        rng.fill(x.mutable_view());
        auto head = x.view().first(x.size() - 1);
        bool tiny = std::ranges::all_of(head, [](std::uint8_t b) { return b == 0; }) &&
                    x.view().back() <= 1;
        if (!tiny) return x;
    }
    return std::unexpected(
        crypto_error{crypto_errc::backend_failure, "random source keeps returning zeros"});
}

std::expected<std::unique_ptr<key_exchange>, crypto_error> make_modp_key_exchange(
    ke_group group, random_source& rng) {
    auto x = draw_modp_private_key(group, rng);
    if (!x) return std::unexpected(x.error());
    return build(*find_params(group), x->view());
}

std::expected<std::unique_ptr<key_exchange>, crypto_error> make_modp_key_exchange_from_private(
    ke_group group, bytes_view private_key) {
    const modp_params* params = find_params(group);
    if (!params) return std::unexpected(unsupported(group));
    return build(*params, private_key);
}

}  // namespace ike
