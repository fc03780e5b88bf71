#pragma once
// The algorithms an IKE_SA runs with, read off its negotiated proposal: the
// PRF for key derivation and the SK payload's encryption and integrity.
#include <optional>

#include "libike/crypto/sk_cipher.hpp"
#include "libike/proposal/proposal.hpp"

namespace ike {

struct ike_algorithms {
    prf_id prf{};
    sk_algorithms sk{};
};

/// The first PRF, encryption (with key length) and integrity transform of `p`
/// (integrity none for AEAD). nullopt when `p` has no PRF or no encryption.
std::optional<ike_algorithms> ike_algorithms_of(const proposal& p);

}  // namespace ike
