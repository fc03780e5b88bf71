#pragma once
// Proposals in strongSwan's keyword syntax, as in swanctl.conf `proposals`
// and `esp_proposals`: one proposal is a dash-separated list of keywords
// (proposal_keywords.hpp), each adding one transform; several keywords of one
// type are alternatives, earlier ones preferred, and the order between types
// does not matter. Blanks around a keyword are ignored. Splitting a list of
// proposals at commas is the config loader's job, as is the keyword `default`.
#include <expected>
#include <string>
#include <string_view>

#include "libike/proposal/proposal.hpp"
#include "libike/proposal/proposal_error.hpp"

namespace ike {

/// Parses one IKE proposal, e.g. "aes256gcm16-prfsha384-x25519".
/// Normalised as charon does: with no PRF keyword, each integrity algorithm
/// contributes its PRF (sha256 -> prfsha256); integrity keywords in an
/// AEAD-only proposal serve only that purpose and are then dropped; repeated
/// keywords are kept once.
/// Errors: empty, empty_keyword, unknown_keyword (with a suggestion when one is
/// close), esn_not_allowed, missing_encryption, mixed_aead, missing_integrity
/// (classic cipher), missing_prf (AEAD without PRF or integrity keyword),
/// missing_ke_group. The caller reports message() against its config line.
std::expected<proposal, proposal_error> parse_ike_proposal(std::string_view text);

/// Parses one ESP proposal, e.g. "aes256gcm16-esn" or "aes128-sha256-ecp256".
/// A key exchange method makes it a PFS proposal; without esn/noesn the
/// proposal gets noesn; integrity keywords in an AEAD-only proposal are
/// dropped. Unlike charon, encryption-only ESP (classic cipher, no integrity)
/// is rejected, and so is a PRF (charon silently drops it).
/// Errors: empty, empty_keyword, unknown_keyword, prf_not_allowed,
/// missing_encryption, mixed_aead, missing_integrity.
std::expected<proposal, proposal_error> parse_esp_proposal(std::string_view text);

/// The canonical keyword string: one keyword per transform, ordered as charon
/// prints proposals (encryption, integrity, PRF, key exchange, ESN), keeping
/// the preference order within each type. Parsing the result gives back an
/// equal proposal. A transform without a keyword prints as
/// "UNKNOWN_<type>_<id>[_<key bits>]", which does not parse.
std::string to_string(const proposal& p);

}  // namespace ike
