#include "libike/sa/proposal_match.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "libike/proposal/proposal_string.hpp"

namespace ike {

namespace {

// The transform types RFC 7296 §3.3.2 defines; a peer proposal with any other
// type is unacceptable as a whole (§3.3.6).
constexpr std::array known_types{transform_type::encr, transform_type::prf, transform_type::integ,
                                 transform_type::ke, transform_type::esn};

bool is_known_type(transform_type type) {
    return std::ranges::find(known_types, type) != known_types.end();
}

bool is_child(protocol_id protocol) {
    return protocol == protocol_id::esp || protocol == protocol_id::ah;
}

// A transform we can interpret: no attributes, or one TV KEY_LENGTH. Anything
// else is "a Transform Attribute it does not understand" (§3.3.6): skip it.
bool understood(const sa_transform& t) {
    return std::ranges::all_of(t.attributes, [](const sa_attribute& a) {
        return a.type == transform_attr::key_length && a.tv;
    });
}

transform_spec spec_of(const sa_transform& t) {
    return {t.type, t.id, key_length(t).value_or(0)};
}

sa_transform wire_of(const transform_spec& t) {
    sa_transform out{t.type, t.id, {}};
    if (t.key_bits != 0)
        out.attributes.push_back({transform_attr::key_length, true, t.key_bits, {}});
    return out;
}

// The id a missing type stands for (see the header): KE NONE and NO_ESN for
// ESP/AH, INTEG NONE for everybody (AEAD). nullopt: a missing type is missing.
std::optional<std::uint16_t> implicit_id(transform_type type, protocol_id protocol) {
    switch (type) {
        case transform_type::integ:
            return static_cast<std::uint16_t>(integ_id::none);
        case transform_type::ke:
            if (is_child(protocol)) return static_cast<std::uint16_t>(ke_group::none);
            return std::nullopt;
        case transform_type::esn:
            if (is_child(protocol)) return static_cast<std::uint16_t>(esn_id::no);
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

// NONE choices that mean "this type is not used" and so stay out of the
// negotiated config-form proposal (ESN NO is a real choice and stays).
bool is_none_choice(const transform_spec& t) {
    return (t.type == transform_type::ke || t.type == transform_type::integ) && t.id == 0;
}

bool has_type(const sa_proposal& p, transform_type type) {
    return std::ranges::any_of(p.transforms,
                               [type](const sa_transform& t) { return t.type == type; });
}

bool has_type(const proposal& p, transform_type type) {
    return std::ranges::any_of(p.transforms,
                               [type](const transform_spec& t) { return t.type == type; });
}

std::string protocol_word(protocol_id protocol) {
    switch (protocol) {
        case protocol_id::ike:
            return "IKE";
        case protocol_id::esp:
            return "ESP";
        case protocol_id::ah:
            return "AH";
        default:
            return to_string(protocol);
    }
}

// A wire proposal in keyword form, unknown types included (they print as
// UNKNOWN_<type>_<id>) so the operator sees why it was refused.
std::string describe(const sa_proposal& p) {
    proposal shown{p.protocol, {}};
    for (const auto& t : p.transforms) shown.transforms.push_back(spec_of(t));
    std::string out = "#" + std::to_string(p.number) + " ";
    return out + to_string(shown);
}

std::string describe(std::span<const proposal> ours) {
    std::string out = "[";
    for (std::size_t i = 0; i < ours.size(); ++i) {
        if (i != 0) out += ", ";
        out += to_string(ours[i]);
    }
    return out + "]";
}

std::string describe_offer(const sa_payload& sa, protocol_id protocol) {
    std::string out = "[";
    bool first = true;
    for (const auto& p : sa.proposals) {
        if (!first) out += ", ";
        first = false;
        if (p.protocol != protocol) out += protocol_word(p.protocol) + " ";
        out += describe(p);
    }
    return out + "]";
}

// One matched transform: the peer's wire transform when the peer sent the
// type, nothing when the choice is an implicit NONE/NO_ESN.
struct pick {
    transform_spec spec;
    std::optional<sa_transform> wire;
};

// Our candidates for `type`, in preference order (implicit id when we have none).
std::vector<transform_spec> our_candidates(const proposal& ours, transform_type type,
                                           protocol_id protocol) {
    auto list = ours.of_type(type);
    if (list.empty()) {
        if (auto id = implicit_id(type, protocol)) list.push_back({type, *id, 0});
    }
    return list;
}

std::optional<pick> match_type(const proposal& ours, const sa_proposal& theirs, transform_type type,
                               protocol_id protocol) {
    bool theirs_has = has_type(theirs, type);
    for (const auto& want : our_candidates(ours, type, protocol)) {
        if (theirs_has) {
            for (const auto& t : theirs.transforms) {
                if (t.type == type && understood(t) && spec_of(t) == want) return pick{want, t};
            }
        } else if (implicit_id(type, protocol) == want.id) {
            return pick{want, std::nullopt};
        }
    }
    return std::nullopt;
}

std::optional<proposal_choice> match(const proposal& ours, const sa_proposal& theirs,
                                     protocol_id protocol, const select_options& options) {
    if (!std::ranges::all_of(theirs.transforms,
                             [](const sa_transform& t) { return is_known_type(t.type); })) {
        return std::nullopt;
    }
    proposal_choice choice{{theirs.number, theirs.protocol, theirs.spi, {}}, {protocol, {}}};
    // Our print order (encr, integ, prf, ke, esn) for the answer too; §3.3
    // leaves the order of transforms free.
    constexpr std::array order{transform_type::encr, transform_type::integ, transform_type::prf,
                               transform_type::ke, transform_type::esn};
    for (transform_type type : order) {
        if (type == transform_type::ke && options.skip_ke) continue;
        if (!has_type(ours, type) && !has_type(theirs, type)) continue;
        if (type == transform_type::integ && choice.negotiated.is_aead()) {
            // A combined-mode cipher carries its own integrity: the peer's
            // integrity transforms (meant for its non-AEAD ciphers in the same
            // proposal) are not needed; INTEG NONE is echoed when it was sent
            // (RFC 5282 §8, as charon does).
            auto none = std::ranges::find_if(theirs.transforms, [](const sa_transform& t) {
                return t.type == transform_type::integ && t.id == 0 && t.attributes.empty();
            });
            if (none != theirs.transforms.end()) choice.chosen.transforms.push_back(*none);
            continue;
        }
        auto chosen = match_type(ours, theirs, type, protocol);
        if (!chosen) return std::nullopt;
        if (chosen->wire) choice.chosen.transforms.push_back(*chosen->wire);
        if (!is_none_choice(chosen->spec)) choice.negotiated.transforms.push_back(chosen->spec);
    }
    // ESP/AH always carry an ESN decision, also when neither side named one.
    if (is_child(protocol) && !has_type(choice.negotiated, transform_type::esn)) {
        choice.negotiated.transforms.push_back(make_transform(esn_id::no));
    }
    return choice;
}

std::unexpected<no_proposal_match> refuse(std::string text) {
    return std::unexpected(no_proposal_match{std::move(text)});
}

}  // namespace

sa_payload to_sa_payload(std::span<const proposal> ours, bytes_view spi) {
    sa_payload out;
    std::uint8_t number = 0;
    for (const auto& p : ours) {
        sa_proposal wire{++number, p.protocol, bytes(spi.begin(), spi.end()), {}};
        for (const auto& t : p.transforms) wire.transforms.push_back(wire_of(t));
        out.proposals.push_back(std::move(wire));
    }
    return out;
}

proposal to_proposal(const sa_proposal& wire) {
    proposal out{wire.protocol, {}};
    for (const auto& t : wire.transforms) {
        if (is_known_type(t.type)) out.transforms.push_back(spec_of(t));
    }
    return out;
}

std::expected<proposal_choice, no_proposal_match> select_proposal(std::span<const proposal> ours,
                                                                  const sa_payload& offered,
                                                                  protocol_id protocol,
                                                                  select_options options) {
    // Our preference first (charon's default, prefer_configured_proposals):
    // an initiator cannot push us to a weaker suite we list later.
    for (const auto& mine : ours) {
        if (mine.protocol != protocol) continue;
        for (const auto& theirs : offered.proposals) {
            if (theirs.protocol != protocol) continue;
            if (auto choice = match(mine, theirs, protocol, options)) return std::move(*choice);
        }
    }
    return refuse("no " + protocol_word(protocol) + " proposal matches: we accept " +
                  describe(ours) + ", peer offered " + describe_offer(offered, protocol));
}

std::expected<proposal_choice, no_proposal_match> verify_chosen(const sa_payload& offered_by_us,
                                                                const sa_payload& answer,
                                                                protocol_id protocol,
                                                                select_options options) {
    std::string what = protocol_word(protocol) + " proposal answer ";
    if (answer.proposals.size() != 1) {
        return refuse(what + "has " + std::to_string(answer.proposals.size()) +
                      " proposals, must have exactly one");
    }
    const sa_proposal& got = answer.proposals.front();
    what += describe(got);
    if (got.protocol != protocol) {
        return refuse(what + " is for " + protocol_word(got.protocol) + ", we asked for " +
                      protocol_word(protocol));
    }
    auto ours = std::ranges::find_if(offered_by_us.proposals, [&](const sa_proposal& p) {
        return p.protocol == protocol && p.number == got.number;
    });
    if (ours == offered_by_us.proposals.end()) {
        return refuse(what + ": we offered no proposal #" + std::to_string(got.number));
    }
    std::string versus = " (we offered " + describe(*ours) + ")";
    if (got.spi.size() != ours->spi.size()) {
        return refuse(what + ": SPI of " + std::to_string(got.spi.size()) + " bytes, expected " +
                      std::to_string(ours->spi.size()) + versus);
    }
    proposal_choice choice{got, {protocol, {}}};
    for (const auto& t : got.transforms) {
        bool offered = std::ranges::find(ours->transforms, t) != ours->transforms.end();
        if (!offered || (options.skip_ke && t.type == transform_type::ke)) {
            proposal one{protocol, {spec_of(t)}};
            return refuse(what + ": " + to_string(one) + " was not offered" + versus);
        }
        auto same = std::ranges::count_if(got.transforms,
                                          [&](const sa_transform& o) { return o.type == t.type; });
        if (same != 1) {
            return refuse(what + ": " + std::to_string(same) + " transforms of type " +
                          std::string(name(t.type)) + ", must be exactly one" + versus);
        }
        if (!is_none_choice(spec_of(t))) choice.negotiated.transforms.push_back(spec_of(t));
    }
    // Every type we offered must be answered, unless its absence stands for
    // an id we offered (KE NONE, INTEG NONE, NO_ESN; see implicit_id).
    proposal mine = to_proposal(*ours);
    for (transform_type type : known_types) {
        if (type == transform_type::ke && options.skip_ke) continue;
        if (!has_type(mine, type) || has_type(got, type)) continue;
        auto id = implicit_id(type, protocol);
        auto list = mine.of_type(type);
        bool ok = id && std::ranges::any_of(list, [&](const transform_spec& t) {
                      return t.id == *id && t.key_bits == 0;
                  });
        if (!ok) {
            return refuse(what + ": no transform of type " + std::string(name(type)) + versus);
        }
    }
    if (is_child(protocol) && !has_type(choice.negotiated, transform_type::esn)) {
        choice.negotiated.transforms.push_back(make_transform(esn_id::no));
    }
    sort_by_type(choice.negotiated);
    return choice;
}

std::optional<ke_group> preferred_group(std::span<const proposal> ours) {
    if (ours.empty()) return std::nullopt;
    for (ke_group g : ours.front().groups()) {
        if (g != ke_group::none) return g;
    }
    return std::nullopt;
}

bool offers_group(const sa_payload& sa, ke_group group) {
    return std::ranges::any_of(sa.proposals, [group](const sa_proposal& p) {
        return std::ranges::any_of(p.transforms, [group](const sa_transform& t) {
            return t.type == transform_type::ke && t.id == static_cast<std::uint16_t>(group);
        });
    });
}

}  // namespace ike
