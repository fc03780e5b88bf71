#include "libike/crypto/key_exchange.hpp"

#include <algorithm>
#include <array>

#include "libike/crypto/ke_ecp.hpp"
#include "libike/crypto/ke_ecx.hpp"
#include "libike/crypto/ke_modp.hpp"

namespace ike {

namespace {

// Groups 1, 2 and 5 are too weak to offer (RFC 8247 §2.4), 17/18 are slow
// and rare, and 22-24 have non-safe primes that need the RFC 6989 subgroup
// test; none of them is implemented.
constexpr std::array<ke_group, 8> supported{
    ke_group::modp2048, ke_group::modp3072, ke_group::modp4096,   ke_group::ecp256,
    ke_group::ecp384,   ke_group::ecp521,   ke_group::curve25519, ke_group::curve448,
};

crypto_error unsupported(ke_group group) {
    return crypto_error{crypto_errc::unsupported_algorithm,
                        "key exchange group not supported: " + to_string(group)};
}

}  // namespace

std::span<const ke_group> supported_ke_groups() {
    return supported;
}

bool is_supported(ke_group group) {
    return std::ranges::find(supported, group) != supported.end();
}

std::size_t public_value_size(ke_group group) {
    if (is_modp_group(group)) return modp_public_value_size(group);
    if (is_ecp_group(group)) return ecp_public_value_size(group);
    if (is_ecx_group(group)) return ecx_public_value_size(group);
    return 0;
}

std::expected<std::unique_ptr<key_exchange>, crypto_error> make_key_exchange(ke_group group,
                                                                             random_source& rng) {
    if (is_modp_group(group)) return make_modp_key_exchange(group, rng);
    if (is_ecp_group(group)) return make_ecp_key_exchange(group, rng);
    if (is_ecx_group(group)) return make_ecx_key_exchange(group, rng);
    return std::unexpected(unsupported(group));
}

std::expected<secret, crypto_error> draw_private_key(ke_group group, random_source& rng) {
    if (is_modp_group(group)) return draw_modp_private_key(group, rng);
    if (is_ecp_group(group)) return draw_ecp_private_key(group, rng);
    if (is_ecx_group(group)) return draw_ecx_private_key(group, rng);
    return std::unexpected(unsupported(group));
}

std::expected<std::unique_ptr<key_exchange>, crypto_error> make_key_exchange_from_private(
    ke_group group, bytes_view private_key) {
    if (is_modp_group(group)) return make_modp_key_exchange_from_private(group, private_key);
    if (is_ecp_group(group)) return make_ecp_key_exchange_from_private(group, private_key);
    if (is_ecx_group(group)) return make_ecx_key_exchange_from_private(group, private_key);
    return std::unexpected(unsupported(group));
}

}  // namespace ike
