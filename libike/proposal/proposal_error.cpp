#include "libike/proposal/proposal_error.hpp"

#include <array>
#include <utility>

namespace ike {

namespace {

constexpr std::array<std::pair<proposal_errc, std::string_view>, 10> messages{{
    {proposal_errc::empty, "empty proposal"},
    {proposal_errc::empty_keyword, "empty algorithm keyword"},
    {proposal_errc::unknown_keyword, "unknown algorithm"},
    {proposal_errc::missing_encryption, "an encryption algorithm is mandatory"},
    {proposal_errc::mixed_aead,
     "classic and AEAD encryption algorithms can't be in the same proposal"},
    {proposal_errc::missing_integrity,
     "an integrity algorithm is mandatory with classic (non-AEAD) encryption"},
    {proposal_errc::missing_prf,
     "a PRF is mandatory (add e.g. 'prfsha256'; with AEAD it can't be derived)"},
    {proposal_errc::missing_ke_group, "a key exchange method is mandatory"},
    {proposal_errc::prf_not_allowed, "a PRF is not allowed"},
    {proposal_errc::esn_not_allowed, "an ESN mode is not allowed"},
}};

std::string_view text_of(proposal_errc e) {
    for (const auto& [code, text] : messages) {
        if (code == e) return text;
    }
    return "unknown proposal error";
}

class proposal_category_impl final : public std::error_category {
  public:
    const char* name() const noexcept override { return "ike.proposal"; }
    std::string message(int ev) const override {
        return std::string(text_of(static_cast<proposal_errc>(ev)));
    }
};

}  // namespace

const std::error_category& proposal_category() {
    static const proposal_category_impl instance;
    return instance;
}

// Three shapes: "unknown algorithm 'x' at offset N (IKE proposal)" for bad
// keywords, "'x' at offset N: <text> (ESP proposal)" for a keyword in the wrong
// place, "<text> (IKE proposal)" for something missing.
std::string proposal_error::message() const {
    std::string at = " at offset " + std::to_string(offset);
    std::string out;
    if (code == proposal_errc::unknown_keyword) {
        out = std::string(text_of(code)) + " '" + keyword + "'" + at;
    } else if (code == proposal_errc::empty_keyword) {
        out = std::string(text_of(code)) + at;
    } else if (!keyword.empty()) {
        out = "'" + keyword + "'" + at + ": " + std::string(text_of(code));
    } else {
        out = text_of(code);
    }
    if (protocol != protocol_id::none) out += " (" + to_string(protocol) + " proposal)";
    if (!suggestion.empty()) {
        out += "; did you mean '";
        out += suggestion;
        out += "'?";
    }
    return out;
}

}  // namespace ike
