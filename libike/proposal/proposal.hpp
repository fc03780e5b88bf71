#pragma once
// A configured IKE or ESP proposal: the protocol and an ordered list of
// transforms. Several transforms of one type are alternatives, in descending
// preference (RFC 7296 §3.3). This is the configuration-side model; the SA
// payload codec has its own wire structs.
#include <cstdint>
#include <optional>
#include <vector>

#include "libike/common/iana.hpp"

namespace ike {

/// One transform: its type, its IANA id within that type, and a key length.
struct transform_spec {
    transform_type type{};
    std::uint16_t id = 0;
    std::uint16_t key_bits = 0;  ///< 0 = no KEY_LENGTH attribute (RFC 7296 §3.3.5)
    friend bool operator==(const transform_spec&, const transform_spec&) = default;
};

/// Typed constructors, so callers never cast ids by hand.
constexpr transform_spec make_transform(encr_id id, std::uint16_t key_bits = 0) {
    return {transform_type::encr, static_cast<std::uint16_t>(id), key_bits};
}
constexpr transform_spec make_transform(prf_id id) {
    return {transform_type::prf, static_cast<std::uint16_t>(id), 0};
}
constexpr transform_spec make_transform(integ_id id) {
    return {transform_type::integ, static_cast<std::uint16_t>(id), 0};
}
constexpr transform_spec make_transform(ke_group id) {
    return {transform_type::ke, static_cast<std::uint16_t>(id), 0};
}
constexpr transform_spec make_transform(esn_id id) {
    return {transform_type::esn, static_cast<std::uint16_t>(id), 0};
}

/// True for combined-mode (AEAD) ciphers, which carry their own integrity
/// (RFC 5282, RFC 7634, RFC 4543 for GMAC).
bool is_aead(encr_id id);

/// The PRF built from the same primitive as an integrity algorithm, used when
/// an IKE proposal names no PRF (sha256 -> prfsha256); nullopt when there is none.
std::optional<prf_id> prf_for_integrity(integ_id integ);

struct proposal;

/// Orders transforms by type as charon prints them (encryption, integrity,
/// PRF, key exchange, ESN), keeping the preference order within each type.
/// Parsed proposals are always in this order.
void sort_by_type(proposal& p);

struct proposal {
    protocol_id protocol = protocol_id::none;
    std::vector<transform_spec> transforms;  ///< in preference order within each type

    /// All transforms of `type`, in preference order.
    std::vector<transform_spec> of_type(transform_type type) const;
    /// Encryption transforms (with their key lengths).
    std::vector<transform_spec> encryption() const;
    /// Integrity algorithms; empty for AEAD proposals.
    std::vector<integ_id> integrity() const;
    /// Pseudorandom functions; empty for ESP.
    std::vector<prf_id> prfs() const;
    /// Key exchange methods; for ESP a non-empty list means PFS.
    std::vector<ke_group> groups() const;
    /// ESN modes; empty for IKE.
    std::vector<esn_id> esn() const;
    /// True when there is encryption and every encryption transform is AEAD.
    bool is_aead() const;
    /// True for an ESP proposal that asks for a fresh key exchange (PFS).
    bool has_pfs() const { return protocol != protocol_id::ike && !groups().empty(); }

    friend bool operator==(const proposal&, const proposal&) = default;
};

}  // namespace ike
