#pragma once
// prf+ (RFC 7296 §2.13): the key-stretching function that turns one PRF key
// into as many bytes of keying material as the SA needs.
//
//   prf+ (K, S) = T1 | T2 | T3 | ...
//   T1 = prf (K, S | 0x01)
//   Tn = prf (K, Tn-1 | S | n)        n is one octet, so n <= 255
#include <cstddef>
#include <expected>
#include <initializer_list>
#include <span>

#include "libike/common/bytes.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/crypto_error.hpp"
#include "libike/crypto/prf.hpp"

namespace ike {

/// prf+ never iterates more than this: the block counter is a single octet.
inline constexpr std::size_t prf_plus_max_blocks = 255;

/// The first `length` bytes of prf+(K, S), where K is the key `keyed_prf` was
/// given and S = seed[0] | seed[1] | ... (passed in pieces so that callers do
/// not concatenate Ni | Nr | SPIi | SPIr themselves).
/// Errors: bad_key_length if `length` exceeds 255 * keyed_prf.output_size()
/// (a negotiation that needs that much keying material cannot be served: the
/// caller fails the SA rather than wrap the counter), or if the PRF is not
/// keyed; backend_failure from the PRF.
std::expected<secret, crypto_error> prf_plus(const prf& keyed_prf, std::span<const bytes_view> seed,
                                             std::size_t length);
std::expected<secret, crypto_error> prf_plus(const prf& keyed_prf,
                                             std::initializer_list<bytes_view> seed,
                                             std::size_t length);

}  // namespace ike
