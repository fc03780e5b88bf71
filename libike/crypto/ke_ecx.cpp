#include "libike/crypto/ke_ecx.hpp"

#include <openssl/core_names.h>

#include <algorithm>
#include <array>
#include <utility>

#include "libike/crypto/ke_openssl.hpp"
#include "libike/crypto/ke_x25519.hpp"

namespace ike {

namespace {

using namespace ke_detail;

struct ecx_params {
    ke_group group;
    const char* openssl_name;  // EVP key type
    std::size_t key_len;       // private key, public value and g^ir (RFC 7748 §5)
};

constexpr std::array<ecx_params, 2> ecx_groups{{
    {ke_group::curve25519, "X25519", 32},
    {ke_group::curve448, "X448", 56},
}};

const ecx_params* find_params(ke_group group) {
    auto it = std::ranges::find(ecx_groups, group, &ecx_params::group);
    return it == ecx_groups.end() ? nullptr : &*it;
}

// Imports a raw private or public key of the group. This is what
// EVP_PKEY_new_raw_private_key_ex does, without its per-call lookup of the
// key type's name and fetch of its key manager (~10 % of a responder's CPU
// per IKE_SA with X25519, docs/performance.md): the import context is made
// once per group and thread (an EVP_PKEY_CTX must not be shared between
// threads) and reused. A private key alone yields its public key too.
pkey_ptr import_raw(const ecx_params& params, bytes_view key, bool is_private) {
    thread_local std::array<pkey_ctx_ptr, ecx_groups.size()> contexts;
    pkey_ctx_ptr& ctx = contexts[static_cast<std::size_t>(&params - ecx_groups.data())];
    if (!ctx) {
        pkey_ctx_ptr fresh(EVP_PKEY_CTX_new_from_name(nullptr, params.openssl_name, nullptr));
        if (!fresh || EVP_PKEY_fromdata_init(fresh.get()) != 1) return nullptr;
        ctx = std::move(fresh);
    }
    const std::array<OSSL_PARAM, 2> data{
        OSSL_PARAM_construct_octet_string(
            is_private ? OSSL_PKEY_PARAM_PRIV_KEY : OSSL_PKEY_PARAM_PUB_KEY,
            const_cast<std::uint8_t*>(key.data()), key.size()),
        OSSL_PARAM_construct_end()};
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, is_private ? EVP_PKEY_PRIVATE_KEY : EVP_PKEY_PUBLIC_KEY,
                          const_cast<OSSL_PARAM*>(data.data())) != 1)
        return nullptr;
    return pkey_ptr(raw);
}

bool all_zero(bytes_view data) {
    // Constant time: the shared secret must not leak through this check.
    std::uint8_t acc = 0;
    for (std::uint8_t b : data) acc |= b;
    return acc == 0;
}

class ecx_key_exchange final : public key_exchange {
  public:
    ecx_key_exchange(const ecx_params& params, pkey_ptr key, bytes pub)
        : params_(params), key_(std::move(key)), public_(std::move(pub)) {}

    ke_group group() const override { return params_.group; }
    const bytes& public_value() const override { return public_; }

    std::expected<secret, crypto_error> shared_secret(bytes_view peer) const override {
        if (peer.size() != params_.key_len) {
            return std::unexpected(crypto_error{crypto_errc::invalid_public_value,
                                                to_string(params_.group) + " KE data: " +
                                                    length_mismatch(params_.key_len, peer.size())});
        }
        // Any 32/56 octets are a valid u-coordinate (RFC 7748 §5: the top bit
        // of X25519's last octet is ignored, non-canonical values are reduced),
        // so the only check is on the result.
        pkey_ptr peer_key = import_raw(params_, peer, false);
        if (!peer_key) {
            return std::unexpected(openssl_error(crypto_errc::backend_failure, "raw public key"));
        }
        auto out = derive(*key_, *peer_key, params_.key_len, false);
        // RFC 8031 §2.2 / RFC 7748 §6: a low-order peer point yields all
        // zeros. OpenSSL already refuses that; we check again so the rule
        // does not depend on the provider.
        if (out && all_zero(out->view())) {
            return std::unexpected(crypto_error{crypto_errc::invalid_public_value,
                                                "all-zero shared secret (low-order point)"});
        }
        if (!out && out.error().code == crypto_errc::invalid_public_value) {
            return std::unexpected(crypto_error{
                crypto_errc::invalid_public_value,
                to_string(params_.group) + " KE data: low-order point, the shared secret would "
                                           "be all zero (RFC 8031 §2.2)"});
        }
        return out;
    }

  private:
    const ecx_params& params_;
    pkey_ptr key_;
    bytes public_;
};

std::expected<std::unique_ptr<key_exchange>, crypto_error> build(const ecx_params& params,
                                                                 bytes_view private_key) {
    if (private_key.size() != params.key_len) {
        return std::unexpected(crypto_error{
            crypto_errc::bad_key_length, std::string(params.openssl_name) + " private key: " +
                                             length_mismatch(params.key_len, private_key.size())});
    }
    pkey_ptr key = import_raw(params, private_key, true);
    bytes pub(params.key_len);
    std::size_t pub_len = pub.size();
    if (!key || EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &pub_len) != 1 ||
        pub_len != pub.size()) {
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "raw private key"));
    }
    return std::make_unique<ecx_key_exchange>(params, std::move(key), std::move(pub));
}

}  // namespace

bool is_ecx_group(ke_group group) {
    return find_params(group) != nullptr;
}

std::size_t ecx_public_value_size(ke_group group) {
    const ecx_params* params = find_params(group);
    return params ? params->key_len : 0;
}

std::expected<secret, crypto_error> draw_ecx_private_key(ke_group group, random_source& rng) {
    const ecx_params* params = find_params(group);
    if (!params) {
        return std::unexpected(crypto_error{crypto_errc::unsupported_algorithm,
                                            "not a Curve25519/448 group: " + to_string(group)});
    }
    secret raw(params->key_len);
    rng.fill(raw.mutable_view());
    return raw;
}

std::expected<std::unique_ptr<key_exchange>, crypto_error> make_ecx_key_exchange(
    ke_group group, random_source& rng) {
    auto raw = draw_ecx_private_key(group, rng);
    if (!raw) return std::unexpected(raw.error());
    return make_ecx_key_exchange_from_private(group, raw->view());
}

std::expected<std::unique_ptr<key_exchange>, crypto_error> make_ecx_key_exchange_from_private(
    ke_group group, bytes_view private_key) {
    const ecx_params* params = find_params(group);
    if (!params) {
        return std::unexpected(crypto_error{crypto_errc::unsupported_algorithm,
                                            "not a Curve25519/448 group: " + to_string(group)});
    }
    if (group == ke_group::curve25519) return make_x25519_key_exchange_from_private(private_key);
    return build(*params, private_key);
}

}  // namespace ike
