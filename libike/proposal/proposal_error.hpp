#pragma once
// Errors from parsing an operator-written proposal string. Each says what is
// wrong (code), which keyword and where (character offset into the string),
// so a config loader can point a caret at it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "libike/common/iana.hpp"

namespace ike {

enum class proposal_errc : std::uint8_t {
    empty = 1,           ///< the whole string is empty or blank
    empty_keyword,       ///< "aes128--sha256", or a leading/trailing dash
    unknown_keyword,     ///< not in the keyword table (see suggestion)
    missing_encryption,  ///< no encryption algorithm
    mixed_aead,          ///< AEAD and classic encryption in one proposal
    missing_integrity,   ///< classic encryption without an integrity algorithm
    missing_prf,         ///< IKE: no PRF, and none can be derived from integrity
    missing_ke_group,    ///< IKE: no key exchange method
    prf_not_allowed,     ///< ESP: PRFs are an IKE-only transform
    esn_not_allowed,     ///< IKE: ESN is an ESP/AH-only transform
};

const std::error_category& proposal_category();
inline std::error_code make_error_code(proposal_errc e) {
    return {static_cast<int>(e), proposal_category()};
}

struct proposal_error {
    proposal_errc code{};
    protocol_id protocol = protocol_id::none;  ///< which kind of proposal was parsed
    std::string keyword;          ///< the offending keyword; empty when something is missing
    std::size_t offset = 0;       ///< where `keyword` starts; the string's length when missing
    std::string_view suggestion;  ///< unknown_keyword only: a close known keyword, or empty

    /// e.g. "unknown algorithm 'aes257' at offset 0; did you mean 'aes256'?"
    std::string message() const;
    friend bool operator==(const proposal_error&, const proposal_error&) = default;
};

}  // namespace ike

template <>
struct std::is_error_code_enum<ike::proposal_errc> : std::true_type {};
