#include "libike/proposal/proposal_string.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <vector>

#include "libike/proposal/proposal_keywords.hpp"

namespace ike {

namespace {

// One keyword as written, with the transform it stands for. Transforms the
// rules add (derived PRF, default ESN) have no keyword.
struct item {
    std::string_view keyword;
    std::size_t offset = 0;
    transform_spec transform;
};

struct draft {
    protocol_id protocol{};
    std::size_t length = 0;  ///< of the input: where "missing" errors point
    std::vector<item> items;
};

using result = std::expected<void, proposal_error>;
using rule = result (*)(draft&);

std::unexpected<proposal_error> fail(const draft& d, proposal_errc code, const item* at) {
    if (at == nullptr) return std::unexpected(proposal_error{code, d.protocol, {}, d.length, {}});
    return std::unexpected(
        proposal_error{code, d.protocol, std::string(at->keyword), at->offset, {}});
}

bool is_type(const item& i, transform_type type) {
    return i.transform.type == type;
}

const item* first_of(const draft& d, transform_type type) {
    auto it = std::ranges::find_if(d.items, [type](const item& i) { return is_type(i, type); });
    return it == d.items.end() ? nullptr : &*it;
}

bool is_aead_item(const item& i) {
    return is_type(i, transform_type::encr) && is_aead(static_cast<encr_id>(i.transform.id));
}

// Valid once reject_mixed_aead has run: then one AEAD cipher means all are.
bool aead_only(const draft& d) {
    return std::ranges::any_of(d.items, is_aead_item);
}

// --- rules, in the order charon checks them ---------------------------------

result reject_esn(draft& d) {
    if (const item* esn = first_of(d, transform_type::esn)) {
        return fail(d, proposal_errc::esn_not_allowed, esn);
    }
    return {};
}

result reject_prf(draft& d) {
    if (const item* prf = first_of(d, transform_type::prf)) {
        return fail(d, proposal_errc::prf_not_allowed, prf);
    }
    return {};
}

result require_encryption(draft& d) {
    if (first_of(d, transform_type::encr) == nullptr) {
        return fail(d, proposal_errc::missing_encryption, nullptr);
    }
    return {};
}

// Points at the first encryption keyword of the other kind than the first one.
result reject_mixed_aead(draft& d) {
    bool first_aead = is_aead_item(*first_of(d, transform_type::encr));
    auto odd = std::ranges::find_if(d.items, [&](const item& i) {
        return is_type(i, transform_type::encr) && is_aead_item(i) != first_aead;
    });
    if (odd != d.items.end()) return fail(d, proposal_errc::mixed_aead, &*odd);
    return {};
}

// RFC 7296 needs a PRF for IKE; charon takes the one matching each integrity
// algorithm when none is configured.
result derive_prf(draft& d) {
    if (first_of(d, transform_type::prf) != nullptr) return {};
    std::vector<item> derived;
    for (const item& i : d.items) {
        if (!is_type(i, transform_type::integ)) continue;
        if (auto prf = prf_for_integrity(static_cast<integ_id>(i.transform.id))) {
            derived.push_back({{}, i.offset, make_transform(*prf)});
        }
    }
    d.items.insert(d.items.end(), derived.begin(), derived.end());
    return {};
}

// AEAD-only proposals MUST NOT offer integrity (RFC 7296 §3.3); charon lets
// the keyword stand (it may have named the PRF) and strips it here.
result strip_integrity_if_aead(draft& d) {
    if (aead_only(d)) {
        std::erase_if(d.items, [](const item& i) { return is_type(i, transform_type::integ); });
    }
    return {};
}

result require_integrity(draft& d) {
    if (!aead_only(d) && first_of(d, transform_type::integ) == nullptr) {
        return fail(d, proposal_errc::missing_integrity, nullptr);
    }
    return {};
}

result require_prf(draft& d) {
    if (first_of(d, transform_type::prf) == nullptr) {
        return fail(d, proposal_errc::missing_prf, nullptr);
    }
    return {};
}

result require_ke_group(draft& d) {
    if (first_of(d, transform_type::ke) == nullptr) {
        return fail(d, proposal_errc::missing_ke_group, nullptr);
    }
    return {};
}

// Without esn/noesn, ESN is taken as unsupported (swanctl.conf: "If omitted,
// noesn is assumed").
result default_esn(draft& d) {
    if (first_of(d, transform_type::esn) == nullptr) {
        d.items.push_back({{}, d.length, make_transform(esn_id::no)});
    }
    return {};
}

constexpr std::array<rule, 8> ike_rules{
    reject_esn,        require_encryption, reject_mixed_aead, derive_prf, strip_integrity_if_aead,
    require_integrity, require_prf,        require_ke_group,
};

constexpr std::array<rule, 6> esp_rules{
    reject_prf,        require_encryption, reject_mixed_aead, strip_integrity_if_aead,
    require_integrity, default_esn,
};

// --- tokenizing --------------------------------------------------------------

constexpr std::string_view blanks = " \t";

// Splits at '-' and looks each keyword up; blanks around keywords are ignored.
std::expected<std::vector<item>, proposal_error> read_items(protocol_id protocol,
                                                            std::string_view text) {
    std::vector<item> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = std::min(text.find('-', start), text.size());
        std::string_view token = text.substr(start, end - start);
        std::size_t lead = std::min(token.find_first_not_of(blanks), token.size());
        token.remove_prefix(lead);
        token = token.substr(0, token.find_last_not_of(blanks) + 1);
        std::size_t offset = start + lead;
        auto transform = find_proposal_keyword(token);
        if (!transform) {
            auto code =
                token.empty() ? proposal_errc::empty_keyword : proposal_errc::unknown_keyword;
            return std::unexpected(proposal_error{code, protocol, std::string(token), offset,
                                                  suggest_proposal_keyword(token)});
        }
        items.push_back({token, offset, *transform});
        start = end + 1;
    }
    return items;
}

proposal build(const draft& d) {
    proposal p{d.protocol, {}};
    for (const item& i : d.items) {
        if (std::ranges::find(p.transforms, i.transform) == p.transforms.end()) {
            p.transforms.push_back(i.transform);
        }
    }
    sort_by_type(p);
    return p;
}

std::expected<proposal, proposal_error> parse(protocol_id protocol, std::string_view text,
                                              std::span<const rule> rules) {
    if (text.find_first_not_of(blanks) == std::string_view::npos) {
        return std::unexpected(proposal_error{proposal_errc::empty, protocol, {}, 0, {}});
    }
    auto items = read_items(protocol, text);
    if (!items) return std::unexpected(items.error());
    draft d{protocol, text.size(), std::move(*items)};
    for (rule r : rules) {
        if (auto ok = r(d); !ok) return std::unexpected(ok.error());
    }
    return build(d);
}

std::string unknown_keyword(const transform_spec& t) {
    std::string out =
        "UNKNOWN_" + std::to_string(static_cast<unsigned>(t.type)) + "_" + std::to_string(t.id);
    if (t.key_bits != 0) out += "_" + std::to_string(t.key_bits);
    return out;
}

}  // namespace

std::expected<proposal, proposal_error> parse_ike_proposal(std::string_view text) {
    return parse(protocol_id::ike, text, ike_rules);
}

std::expected<proposal, proposal_error> parse_esp_proposal(std::string_view text) {
    return parse(protocol_id::esp, text, esp_rules);
}

std::string to_string(const proposal& p) {
    proposal sorted = p;
    sort_by_type(sorted);
    std::string out;
    for (const auto& t : sorted.transforms) {
        if (!out.empty()) out += '-';
        std::string_view keyword = keyword_for(t);
        out += keyword.empty() ? unknown_keyword(t) : std::string(keyword);
    }
    return out;
}

}  // namespace ike
