#pragma once
// The algorithm keywords of strongSwan's proposal syntax (swanctl.conf
// `proposals`, `esp_proposals`), as data. Spellings and meanings follow
// strongSwan's IKEv2 cipher suite table; only algorithms with an IANA id in
// libike/common/iana.hpp are listed (no private-use ids such as sha256_96,
// serpent, twofish or camelliaxcbc). Keywords are lower-case and matched
// exactly, as in charon.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "libike/proposal/proposal.hpp"

namespace ike {

struct proposal_keyword {
    std::string_view keyword;
    transform_spec transform;
    bool alias = false;  ///< another spelling; printing uses the canonical one
};

/// Every keyword we accept, canonical spellings before their aliases.
std::span<const proposal_keyword> proposal_keywords();

/// The transform a keyword stands for; nullopt when the keyword is unknown.
/// Matching is exact: "AES128" is not "aes128".
std::optional<transform_spec> find_proposal_keyword(std::string_view keyword);

/// The canonical keyword for a transform; empty when no keyword names it
/// (e.g. AES-CBC with a 512-bit key, or an id we have no keyword for).
std::string_view keyword_for(const transform_spec& transform);

/// A known keyword close to an unknown one, for "did you mean" hints: the
/// lower-case spelling if that is a keyword, else the nearest keyword within
/// edit distance 2. Empty when nothing is close.
std::string_view suggest_proposal_keyword(std::string_view unknown);

}  // namespace ike
