#include "libike/proposal/proposal.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <utility>

namespace ike {

namespace {

constexpr std::array aead_ciphers{
    encr_id::aes_ccm_8,         encr_id::aes_ccm_12,         encr_id::aes_ccm_16,
    encr_id::aes_gcm_8,         encr_id::aes_gcm_12,         encr_id::aes_gcm_16,
    encr_id::camellia_ccm_8,    encr_id::camellia_ccm_12,    encr_id::camellia_ccm_16,
    encr_id::chacha20_poly1305, encr_id::null_auth_aes_gmac,
};

// Same mapping as charon: the HMAC/MAC family of an integrity algorithm gives
// the PRF, whatever the truncation.
constexpr std::array<std::pair<integ_id, prf_id>, 9> integ_to_prf{{
    {integ_id::hmac_sha1_96, prf_id::hmac_sha1},
    {integ_id::hmac_sha1_160, prf_id::hmac_sha1},
    {integ_id::hmac_sha2_256_128, prf_id::hmac_sha2_256},
    {integ_id::hmac_sha2_384_192, prf_id::hmac_sha2_384},
    {integ_id::hmac_sha2_512_256, prf_id::hmac_sha2_512},
    {integ_id::hmac_md5_96, prf_id::hmac_md5},
    {integ_id::hmac_md5_128, prf_id::hmac_md5},
    {integ_id::aes_xcbc_96, prf_id::aes128_xcbc},
    {integ_id::aes_cmac_96, prf_id::aes128_cmac},
}};

template <typename Id>
std::vector<Id> ids_of(const proposal& p, transform_type type) {
    std::vector<Id> out;
    for (const auto& t : p.transforms) {
        if (t.type == type) out.push_back(static_cast<Id>(t.id));
    }
    return out;
}

// charon's print order; see type_for_sort() in strongSwan's proposal.c.
constexpr std::array type_order{transform_type::encr, transform_type::integ, transform_type::prf,
                                transform_type::ke, transform_type::esn};

std::size_t type_rank(const transform_spec& t) {
    return static_cast<std::size_t>(std::ranges::find(type_order, t.type) - type_order.begin());
}

}  // namespace

void sort_by_type(proposal& p) {
    std::ranges::stable_sort(p.transforms, {}, type_rank);
}

bool is_aead(encr_id id) {
    return std::ranges::find(aead_ciphers, id) != aead_ciphers.end();
}

std::optional<prf_id> prf_for_integrity(integ_id integ) {
    auto it = std::ranges::find(integ_to_prf, integ, &std::pair<integ_id, prf_id>::first);
    if (it == integ_to_prf.end()) return std::nullopt;
    return it->second;
}

std::vector<transform_spec> proposal::of_type(transform_type type) const {
    std::vector<transform_spec> out;
    std::ranges::copy_if(transforms, std::back_inserter(out),
                         [type](const transform_spec& t) { return t.type == type; });
    return out;
}

std::vector<transform_spec> proposal::encryption() const {
    return of_type(transform_type::encr);
}

std::vector<integ_id> proposal::integrity() const {
    return ids_of<integ_id>(*this, transform_type::integ);
}

std::vector<prf_id> proposal::prfs() const {
    return ids_of<prf_id>(*this, transform_type::prf);
}

std::vector<ke_group> proposal::groups() const {
    return ids_of<ke_group>(*this, transform_type::ke);
}

std::vector<esn_id> proposal::esn() const {
    return ids_of<esn_id>(*this, transform_type::esn);
}

bool proposal::is_aead() const {
    auto encr = ids_of<encr_id>(*this, transform_type::encr);
    return !encr.empty() && std::ranges::all_of(encr, [](encr_id id) { return ike::is_aead(id); });
}

}  // namespace ike
