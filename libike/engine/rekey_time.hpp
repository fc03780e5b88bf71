#pragma once
// When to rekey: a configured rekey time less random jitter, so that two
// peers with the same settings don't rekey at the same instant (both the
// CHILD_SA's soft lifetime and the IKE_SA's rekey use it).
#include <chrono>
#include <cstdint>

#include "libike/crypto/random_source.hpp"
#include "libike/engine/sa_config.hpp"

namespace ike {

/// rekey_time less a random part of 0..min(rand_time, rekey_time), in whole
/// seconds and at least 1 s; rekey_time itself (maybe 0) when either is 0.
std::chrono::seconds jittered(duration rekey_time, duration rand_time, random_source& rng);

/// A byte or packet limit less a random part of 0..min(rand, limit - 1), so
/// that the two ends' SAs, which count the same traffic, don't reach their
/// soft limits at the same packet; `limit` itself (maybe 0 = none) when
/// either is 0.
std::uint64_t jittered_count(std::uint64_t limit, std::uint64_t rand, random_source& rng);

/// A random wait of `low`..`high` whole seconds, for a retry that must not
/// be immediate (RFC 7296 §2.25: after TEMPORARY_FAILURE).
duration random_delay(std::chrono::seconds low, std::chrono::seconds high, random_source& rng);

}  // namespace ike
