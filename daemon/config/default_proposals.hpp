#pragma once
// What the proposal keyword `default` (and an omitted proposals or
// esp_proposals key) stands for. Like charon's defaults in spirit: AEAD and
// classic suites with SHA-2, curve25519/NIST curves and MODP >= 2048, no
// SHA-1, no 3DES; unlike charon's, a short explicit list.
#include <span>
#include <string_view>
#include <vector>

#include "libike/proposal/proposal.hpp"

namespace ikev2d::config {

/// The IKE proposal strings `default` expands to, most preferred first.
std::span<const std::string_view> default_ike_proposal_strings();
/// The ESP proposal strings `default` expands to, most preferred first.
std::span<const std::string_view> default_esp_proposal_strings();

/// The parsed default IKE proposals.
std::vector<ike::proposal> default_ike_proposals();
/// The parsed default ESP proposals (no PFS, no ESN).
std::vector<ike::proposal> default_esp_proposals();

}  // namespace ikev2d::config
