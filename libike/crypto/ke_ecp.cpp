#include "libike/crypto/ke_ecp.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <algorithm>
#include <array>
#include <utility>

#include "libike/crypto/ke_openssl.hpp"

namespace ike {

namespace {

using namespace ke_detail;

using ec_group_ptr = std::unique_ptr<EC_GROUP, openssl_deleter<EC_GROUP_free>>;
using ec_point_ptr = std::unique_ptr<EC_POINT, openssl_deleter<EC_POINT_clear_free>>;
using bn_ctx_ptr = std::unique_ptr<BN_CTX, openssl_deleter<BN_CTX_free>>;

struct ecp_params {
    ke_group group;
    const char* openssl_name;  // OSSL_PKEY_PARAM_GROUP_NAME
    int nid;
    std::size_t coord_len;       // octets per coordinate (RFC 5903 §7)
    std::uint8_t top_byte_mask;  // bits of the first scalar octet below n's bit length
};

constexpr std::array<ecp_params, 3> ecp_groups{{
    {ke_group::ecp256, "P-256", NID_X9_62_prime256v1, 32, 0xff},
    {ke_group::ecp384, "P-384", NID_secp384r1, 48, 0xff},
    {ke_group::ecp521, "P-521", NID_secp521r1, 66, 0x01},  // 521 = 65 * 8 + 1 bits
}};

const ecp_params* find_params(ke_group group) {
    auto it = std::ranges::find(ecp_groups, group, &ecp_params::group);
    return it == ecp_groups.end() ? nullptr : &*it;
}

crypto_error unsupported(ke_group group) {
    return crypto_error{crypto_errc::unsupported_algorithm,
                        "not an ECP group: " + to_string(group)};
}

// The curve, built once per group and thread: building it (Montgomery
// set-up, a modular inverse) was ~5 % of a P-256 responder's CPU per IKE_SA
// (docs/performance.md). Per thread because EC_POINT_mul may use the group's
// precomputation state; never changed after it is built.
std::expected<const EC_GROUP*, crypto_error> load_curve(const ecp_params& params) {
    thread_local std::array<ec_group_ptr, ecp_groups.size()> curves;
    ec_group_ptr& curve = curves[static_cast<std::size_t>(&params - ecp_groups.data())];
    if (!curve) curve.reset(EC_GROUP_new_by_curve_name(params.nid));
    if (!curve) return std::unexpected(openssl_error(crypto_errc::backend_failure, "EC group"));
    return curve.get();
}

bool scalar_in_range(const EC_GROUP& curve, const BIGNUM& d) {
    return !BN_is_zero(&d) && !BN_is_negative(&d) && BN_cmp(&d, EC_GROUP_get0_order(&curve)) < 0;
}

// d*G as an uncompressed SEC1 point (0x04 || x || y). OpenSSL 3.0 does not
// derive the public key when a bare private key is imported, so we ask the
// EC library for the same scalar multiplication its own key generation uses.
std::expected<bytes, crypto_error> public_point(const ecp_params& params, const EC_GROUP& curve,
                                                const BIGNUM& d) {
    ec_point_ptr point(EC_POINT_new(&curve));
    bn_ctx_ptr ctx(BN_CTX_secure_new());
    bytes out(1 + 2 * params.coord_len);
    if (!point || !ctx || !EC_POINT_mul(&curve, point.get(), &d, nullptr, nullptr, ctx.get()) ||
        EC_POINT_point2oct(&curve, point.get(), POINT_CONVERSION_UNCOMPRESSED, out.data(),
                           out.size(), ctx.get()) != out.size()) {
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "computing d*G"));
    }
    return out;
}

std::expected<pkey_ptr, crypto_error> import_key(const ecp_params& params, const BIGNUM* d,
                                                 bytes_view sec1_point, crypto_errc on_reject) {
    param_bld_ptr bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, params.openssl_name,
                                         0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, sec1_point.data(),
                                          sec1_point.size()) ||
        (d && !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d))) {
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "EC params"));
    }
    int selection = d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
    return pkey_from_params("EC", selection, *bld, on_reject);
}

class ecp_key_exchange final : public key_exchange {
  public:
    ecp_key_exchange(const ecp_params& params, pkey_ptr key, bytes pub)
        : params_(params), key_(std::move(key)), public_(std::move(pub)) {}

    ke_group group() const override { return params_.group; }
    const bytes& public_value() const override { return public_; }

    std::expected<secret, crypto_error> shared_secret(bytes_view peer) const override {
        if (peer.size() != 2 * params_.coord_len) {
            return std::unexpected(crypto_error{
                crypto_errc::invalid_public_value,
                to_string(params_.group) +
                    " KE data: " + length_mismatch(2 * params_.coord_len, peer.size())});
        }
        // RFC 5903 §7 drops SEC1's 0x04; OpenSSL wants it back. The import
        // rejects coordinates >= p and points off the curve (RFC 6989 §2.3),
        // and x || y cannot encode the point at infinity.
        bytes sec1{0x04};
        sec1.insert(sec1.end(), peer.begin(), peer.end());
        auto peer_key = import_key(params_, nullptr, sec1, crypto_errc::invalid_public_value);
        if (!peer_key) {
            return std::unexpected(
                crypto_error{crypto_errc::invalid_public_value,
                             to_string(params_.group) + " KE data: not a point on " +
                                 params_.openssl_name + ": " + peer_key.error().detail});
        }
        // ECDH output is the x coordinate, already fixed-length (RFC 5903 §7).
        return derive(*key_, **peer_key, params_.coord_len, false);
    }

  private:
    const ecp_params& params_;
    pkey_ptr key_;
    bytes public_;
};

std::expected<std::unique_ptr<key_exchange>, crypto_error> build(const ecp_params& params,
                                                                 const EC_GROUP& curve,
                                                                 const BIGNUM& d) {
    auto point = public_point(params, curve, d);
    if (!point) return std::unexpected(point.error());
    auto key = import_key(params, &d, *point, crypto_errc::backend_failure);
    if (!key) return std::unexpected(key.error());
    bytes pub(point->begin() + 1, point->end());
    return std::make_unique<ecp_key_exchange>(params, std::move(*key), std::move(pub));
}

}  // namespace

bool is_ecp_group(ke_group group) {
    return find_params(group) != nullptr;
}

std::size_t ecp_public_value_size(ke_group group) {
    const ecp_params* params = find_params(group);
    return params ? 2 * params->coord_len : 0;
}

std::expected<secret, crypto_error> draw_ecp_private_key(ke_group group, random_source& rng) {
    const ecp_params* params = find_params(group);
    if (!params) return std::unexpected(unsupported(group));
    auto curve = load_curve(*params);
    if (!curve) return std::unexpected(curve.error());
    // Rejection sampling (FIPS 186-4 B.4.2): draw as many bits as n has and
    // retry when d = 0 or d >= n, which keeps d uniform in [1, n-1]. For these
    // curves a retry happens with probability at most about 1/2.
    secret draw(params->coord_len);
    for (int attempt = 0; attempt < 64; ++attempt) {
        rng.fill(draw.mutable_view());
        draw.data()[0] &= params->top_byte_mask;
        auto d = secret_bignum(draw.view());
        if (!d) return std::unexpected(d.error());
        if (scalar_in_range(**curve, **d)) return draw;
    }
    return std::unexpected(
        crypto_error{crypto_errc::backend_failure, "random source never gave a scalar below n"});
}

std::expected<std::unique_ptr<key_exchange>, crypto_error> make_ecp_key_exchange(
    ke_group group, random_source& rng) {
    auto d = draw_ecp_private_key(group, rng);
    if (!d) return std::unexpected(d.error());
    return make_ecp_key_exchange_from_private(group, d->view());
}

std::expected<std::unique_ptr<key_exchange>, crypto_error> make_ecp_key_exchange_from_private(
    ke_group group, bytes_view private_key) {
    const ecp_params* params = find_params(group);
    if (!params) return std::unexpected(unsupported(group));
    if (private_key.empty() || private_key.size() > params->coord_len) {
        return std::unexpected(crypto_error{
            crypto_errc::bad_key_length, "ECP private scalar: expected 1 to " +
                                             std::to_string(params->coord_len) + " octets, got " +
                                             std::to_string(private_key.size())});
    }
    auto curve = load_curve(*params);
    if (!curve) return std::unexpected(curve.error());
    auto d = secret_bignum(private_key);
    if (!d) return std::unexpected(d.error());
    if (!scalar_in_range(**curve, **d)) {
        return std::unexpected(crypto_error{crypto_errc::bad_key_length,
                                            "ECP private scalar out of range 1 <= d < n"});
    }
    return build(*params, **curve, **d);
}

}  // namespace ike
