#include "libike/crypto/keymat.hpp"

#include <array>

#include "libike/crypto/prf_plus.hpp"

namespace ike {

namespace {

std::array<std::uint8_t, 8> spi_octets(std::uint64_t spi) {
    std::array<std::uint8_t, 8> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<std::uint8_t>(spi >> (56 - 8 * i));
    }
    return out;
}

// Cuts consecutive keys off the front of a prf+ output, in the order the RFC
// lists them.
class key_cutter {
  public:
    explicit key_cutter(const secret& keymat) : keymat_(keymat) {}
    secret next(std::size_t len) {
        secret out = keymat_.slice(offset_, len);
        offset_ += len;
        return out;
    }

  private:
    const secret& keymat_;
    std::size_t offset_ = 0;
};

std::expected<child_sa_keys, crypto_error> split_child_keymat(
    std::expected<secret, crypto_error> keymat, const sa_key_lengths& lengths) {
    if (!keymat) return std::unexpected(keymat.error());
    // RFC 7296 §2.17: initiator-to-responder keys first, and within each
    // direction the encryption key before the integrity key.
    key_cutter cut(*keymat);
    child_sa_keys keys;
    keys.encr_i = cut.next(lengths.encr);
    keys.integ_i = cut.next(lengths.integ);
    keys.encr_r = cut.next(lengths.encr);
    keys.integ_r = cut.next(lengths.integ);
    return keys;
}

std::size_t child_keymat_size(const sa_key_lengths& lengths) {
    return 2 * (lengths.encr + lengths.integ);
}

}  // namespace

std::expected<secret, crypto_error> derive_skeyseed(prf_id prf_alg, bytes_view ni, bytes_view nr,
                                                    const secret& g_ir) {
    // RFC 7296 §2.14: Ni | Nr is the PRF key and g^ir the data. The key has
    // to be contiguous; nonces are public, so a plain buffer will do.
    bytes key;
    key.reserve(ni.size() + nr.size());
    key.insert(key.end(), ni.begin(), ni.end());
    key.insert(key.end(), nr.begin(), nr.end());
    auto p = prf::create(prf_alg, key);
    if (!p) return std::unexpected(p.error());
    return p->compute(g_ir.view());
}

std::expected<secret, crypto_error> derive_rekey_skeyseed(const prf& old_sk_d_prf,
                                                          const secret& g_ir_new, bytes_view ni,
                                                          bytes_view nr) {
    // RFC 7296 §2.18: computed with the old IKE SA's PRF; the new SA's PRF
    // takes over from prf+ on.
    return old_sk_d_prf.compute({g_ir_new.view(), ni, nr});
}

std::expected<ike_sa_keys, crypto_error> derive_ike_sa_keys(prf_id prf_alg, const secret& skeyseed,
                                                            bytes_view ni, bytes_view nr,
                                                            std::uint64_t spi_i,
                                                            std::uint64_t spi_r,
                                                            const sa_key_lengths& lengths) {
    auto p = prf::create(prf_alg, skeyseed.view());
    if (!p) return std::unexpected(p.error());
    // RFC 7296 §2.14: SK_d, SK_pi and SK_pr are keys of the PRF itself.
    const std::size_t prf_key = p->preferred_key_size();
    const std::size_t total = 3 * prf_key + 2 * lengths.integ + 2 * lengths.encr;
    const auto spi_i_octets = spi_octets(spi_i);
    const auto spi_r_octets = spi_octets(spi_r);
    auto keymat = prf_plus(*p, {ni, nr, spi_i_octets, spi_r_octets}, total);
    if (!keymat) return std::unexpected(keymat.error());

    key_cutter cut(*keymat);
    ike_sa_keys keys;
    keys.sk_d = cut.next(prf_key);
    keys.sk_ai = cut.next(lengths.integ);
    keys.sk_ar = cut.next(lengths.integ);
    keys.sk_ei = cut.next(lengths.encr);
    keys.sk_er = cut.next(lengths.encr);
    keys.sk_pi = cut.next(prf_key);
    keys.sk_pr = cut.next(prf_key);
    return keys;
}

std::expected<child_sa_keys, crypto_error> derive_child_sa_keys(const prf& sk_d_prf, bytes_view ni,
                                                                bytes_view nr,
                                                                const sa_key_lengths& lengths) {
    return split_child_keymat(prf_plus(sk_d_prf, {ni, nr}, child_keymat_size(lengths)), lengths);
}

std::expected<child_sa_keys, crypto_error> derive_child_sa_keys(const prf& sk_d_prf,
                                                                const secret& g_ir_new,
                                                                bytes_view ni, bytes_view nr,
                                                                const sa_key_lengths& lengths) {
    // RFC 7296 §2.17: with PFS the new shared secret leads the seed.
    return split_child_keymat(
        prf_plus(sk_d_prf, {g_ir_new.view(), ni, nr}, child_keymat_size(lengths)), lengths);
}

}  // namespace ike
