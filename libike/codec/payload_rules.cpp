#include "libike/codec/payload_rules.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>
#include <variant>

namespace ike {

namespace {

constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max();
// §3.6 sets no limit on CERT payloads; a chain longer than charon accepts
// (8) is refused, which bounds the certificate work one message can cause.
constexpr std::size_t max_cert_payloads = 8;

struct count_rule {
    payload_type type;
    std::size_t min;
    std::size_t max;
};

struct message_rules {
    exchange_type exchange;
    bool response;
    std::span<const count_rule> counts;      ///< a type not listed may not appear
    std::span<const payload_type> together;  ///< all of them or none
    std::span<const payload_type> one_of;    ///< at least one of them
    bool child_or_ike_rekey = false;         ///< CREATE_CHILD_SA: TS/KE depend on the SA
};

// §1.2: HDR, SAi1, KEi, Ni. Any number of Notify and Vendor ID everywhere
// (§3.10, §3.12) is handled outside the table.
constexpr std::array<count_rule, 3> ike_sa_init_request{{
    {payload_type::sa, 1, 1},
    {payload_type::ke, 1, 1},
    {payload_type::nonce, 1, 1},
}};

// §1.2: HDR, SAr1, KEr, Nr, [CERTREQ]. §3.7: CERTREQ appears in the
// IKE_SA_INIT response and the IKE_AUTH request, one per encoding and list
// of CAs, so several may come.
constexpr std::array<count_rule, 4> ike_sa_init_response{{
    {payload_type::sa, 1, 1},
    {payload_type::ke, 1, 1},
    {payload_type::nonce, 1, 1},
    {payload_type::certreq, 0, unlimited},
}};

// §1.2: SK {IDi, [CERT,] [CERTREQ,] [IDr,] AUTH, SAi2, TSi, TSr}. §2.16 (EAP):
// the first request leaves AUTH out, later ones carry only EAP, the last one
// only AUTH; so every payload is optional but one of IDi, AUTH, EAP must come.
// §1.2, RFC 6023: SA, TSi, TSr create the first CHILD_SA together, or are
// all left out (childless, or not in this round). CP: §2.19 shows a single
// CFG_REQUEST/CFG_REPLY; charon and libreswan accept at most one.
constexpr std::array<count_rule, 10> ike_auth_request{{
    {payload_type::idi, 0, 1},
    {payload_type::cert, 0, max_cert_payloads},
    {payload_type::certreq, 0, unlimited},
    {payload_type::idr, 0, 1},
    {payload_type::auth, 0, 1},
    {payload_type::eap, 0, 1},
    {payload_type::cp, 0, 1},
    {payload_type::sa, 0, 1},
    {payload_type::tsi, 0, 1},
    {payload_type::tsr, 0, 1},
}};
constexpr std::array<payload_type, 3> ike_auth_request_one_of{payload_type::idi, payload_type::auth,
                                                              payload_type::eap};

// §1.2: SK {IDr, [CERT,] AUTH, SAr2, TSi, TSr}; §2.16: SK {IDr, [CERT,] AUTH,
// EAP}, then SK {EAP}, and last SK {AUTH, SAr2, TSi, TSr}; RFC 5998 (EAP-only):
// IDr and EAP without AUTH. No CERTREQ: §3.7 puts it in the request only.
constexpr std::array<count_rule, 8> ike_auth_response{{
    {payload_type::idr, 0, 1},
    {payload_type::cert, 0, max_cert_payloads},
    {payload_type::auth, 0, 1},
    {payload_type::eap, 0, 1},
    {payload_type::cp, 0, 1},
    {payload_type::sa, 0, 1},
    {payload_type::tsi, 0, 1},
    {payload_type::tsr, 0, 1},
}};
constexpr std::array<payload_type, 3> ike_auth_response_one_of{
    payload_type::idr, payload_type::auth, payload_type::eap};

constexpr std::array<payload_type, 3> sa_and_ts{payload_type::sa, payload_type::tsi,
                                                payload_type::tsr};

// §1.3.1: SK {SA, Ni, [KEi,] TSi, TSr} (a CHILD_SA, §1.3.3 with N(REKEY_SA)
// to rekey one); §1.3.2: SK {SA, Ni, KEi} to rekey the IKE SA. The responses
// mirror them with Nr and KEr. Whether TSi/TSr or KE are required depends on
// the SA payload, checked by check_child_or_ike_rekey. CP: §1.3 does not
// show it, but §3.15 does not tie it to an exchange; charon and libreswan
// accept one here, and so do we.
constexpr std::array<count_rule, 6> create_child_sa{{
    {payload_type::sa, 1, 1},
    {payload_type::nonce, 1, 1},
    {payload_type::ke, 0, 1},
    {payload_type::tsi, 0, 1},
    {payload_type::tsr, 0, 1},
    {payload_type::cp, 0, 1},
}};

// §1.4: SK {[N,] [D,] [CP,] ...}, both ways; an empty one is a liveness
// check (§2.4). Several Delete payloads may come, one per protocol (§3.11).
constexpr std::array<count_rule, 2> informational{{
    {payload_type::delete_, 0, unlimited},
    {payload_type::cp, 0, 1},
}};

constexpr std::array<message_rules, 8> rules_table{{
    {exchange_type::ike_sa_init, false, ike_sa_init_request, {}, {}},
    {exchange_type::ike_sa_init, true, ike_sa_init_response, {}, {}},
    {exchange_type::ike_auth, false, ike_auth_request, sa_and_ts, ike_auth_request_one_of},
    {exchange_type::ike_auth, true, ike_auth_response, sa_and_ts, ike_auth_response_one_of},
    {exchange_type::create_child_sa, false, create_child_sa, {}, {}, true},
    {exchange_type::create_child_sa, true, create_child_sa, {}, {}, true},
    {exchange_type::informational, false, informational, {}, {}},
    {exchange_type::informational, true, informational, {}, {}},
}};

const message_rules* find_rules(exchange_type exchange, bool response) {
    for (const auto& r : rules_table)
        if (r.exchange == exchange && r.response == response) return &r;
    return nullptr;
}

using counts = std::array<std::size_t, 256>;
using result = std::expected<void, payload_rule_violation>;

counts count_types(std::span<const payload> payloads) {
    counts c{};
    for (const auto& p : payloads) ++c[static_cast<std::uint8_t>(p.type)];
    return c;
}

std::unexpected<payload_rule_violation> violation(payload_type type, std::string explanation) {
    return std::unexpected(payload_rule_violation{type, std::move(explanation)});
}

/// "IKE_AUTH request"
std::string words(const message_rules& r) {
    return to_string(r.exchange) + (r.response ? " response" : " request");
}

/// "no KE payload", "1 SA payload", "2 IDi payloads"
std::string how_many(std::size_t n, payload_type type) {
    if (n == 0) return "no " + to_string(type) + " payload";
    return std::to_string(n) + " " + to_string(type) + (n == 1 ? " payload" : " payloads");
}

/// "SA, TSi and TSr" (joiner "and") or "IDi, AUTH or EAP" (joiner "or").
std::string list(std::span<const payload_type> types, const char* joiner) {
    std::string out;
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (i > 0) out += (i + 1 == types.size()) ? std::string(" ") + joiner + " " : ", ";
        out += to_string(types[i]);
    }
    return out;
}

const count_rule* find_count(const message_rules& r, payload_type type) {
    for (const auto& c : r.counts)
        if (c.type == type) return &c;
    return nullptr;
}

/// Payloads allowed in every message of every exchange: §3.10 (Notify) and
/// §3.12 (Vendor ID) put no limit on where or how often they appear.
bool allowed_anywhere(payload_type type) {
    return type == payload_type::notify || type == payload_type::vendor_id;
}

/// §2.5: an unknown payload without the critical bit is skipped; with it the
/// message is rejected (the decoder already does; this guards hand-built lists).
result check_unknown(std::string_view what, const payload& p) {
    if (!p.critical) return {};
    return violation(p.type, std::string(what) + " carries payload type " + to_string(p.type) +
                                 " marked critical, which we do not support");
}

/// Whether `p` may appear in this message, and not more often than allowed.
result check_allowed(const message_rules& r, const payload& p, const counts& seen) {
    if (allowed_anywhere(p.type)) return {};
    if (!has_codec(p.type)) return check_unknown(words(r), p);
    const std::size_t n = seen[static_cast<std::uint8_t>(p.type)];
    const count_rule* rule = find_count(r, p.type);
    if (rule == nullptr)
        return violation(p.type, words(r) + " carries " + how_many(n, p.type) + ", none allowed");
    if (n > rule->max)
        return violation(p.type, words(r) + " carries " + how_many(n, p.type) + ", at most " +
                                     std::to_string(rule->max) + " allowed");
    return {};
}

/// A response that reports failure instead of doing the exchange: any error
/// Notify (§2.21, §3.10.1), or in IKE_SA_INIT a COOKIE request (§2.6) or a
/// REDIRECT (RFC 5685 §4.2), each of which replaces SA, KE and Nonce.
bool replaces_response(exchange_type exchange, const payload& p) {
    const auto* n = std::get_if<notify_payload>(&p.body);
    if (n == nullptr) return false;
    if (is_error(n->type)) return true;
    return exchange == exchange_type::ike_sa_init &&
           (n->type == notify_type::cookie || n->type == notify_type::redirect);
}

bool is_short_response(const message_rules& r, std::span<const payload> payloads) {
    if (!r.response) return false;
    for (const auto& p : payloads)
        if (replaces_response(r.exchange, p)) return true;
    return false;
}

result check_required(const message_rules& r, const counts& seen) {
    for (const auto& c : r.counts) {
        const std::size_t n = seen[static_cast<std::uint8_t>(c.type)];
        if (n < c.min)
            return violation(c.type, words(r) + " carries " + how_many(n, c.type) + ", " +
                                         std::to_string(c.min) + " required");
    }
    return {};
}

result check_together(const message_rules& r, const counts& seen) {
    const payload_type* present = nullptr;
    const payload_type* absent = nullptr;
    for (const auto& t : r.together)
        (seen[static_cast<std::uint8_t>(t)] > 0 ? present : absent) = &t;
    if (present == nullptr || absent == nullptr) return {};
    return violation(*absent, words(r) + " carries " + to_string(*present) + " without " +
                                  to_string(*absent) + "; " + list(r.together, "and") +
                                  " come together");
}

result check_one_of(const message_rules& r, const counts& seen) {
    if (r.one_of.empty()) return {};
    for (const auto& t : r.one_of)
        if (seen[static_cast<std::uint8_t>(t)] > 0) return {};
    return violation(r.one_of.front(),
                     words(r) + " carries none of " + list(r.one_of, "or") + ", one required");
}

/// The SA payload proposes a new IKE SA (§1.3.2) rather than a CHILD_SA.
bool rekeys_ike_sa(std::span<const payload> payloads) {
    for (const auto& p : payloads)
        if (const auto* sa = std::get_if<sa_payload>(&p.body))
            return !sa->proposals.empty() && sa->proposals.front().protocol == protocol_id::ike;
    return false;
}

/// §1.3.1-§1.3.3: a CHILD_SA needs TSi and TSr; an IKE SA rekey has no
/// traffic selectors but must carry KE (§1.3.2: fresh keys need a new DH).
result check_child_or_ike_rekey(const message_rules& r, std::span<const payload> payloads,
                                const counts& seen) {
    auto has = [&](payload_type t) { return seen[static_cast<std::uint8_t>(t)] > 0; };
    if (!rekeys_ike_sa(payloads)) {
        for (payload_type t : {payload_type::tsi, payload_type::tsr})
            if (!has(t))
                return violation(
                    t, words(r) + " for a CHILD_SA carries " + how_many(0, t) + ", 1 required");
        return {};
    }
    for (payload_type t : {payload_type::tsi, payload_type::tsr})
        if (has(t))
            return violation(
                t, words(r) + " rekeying the IKE SA carries " + how_many(1, t) + ", none allowed");
    if (!has(payload_type::ke))
        return violation(payload_type::ke, words(r) + " rekeying the IKE SA carries " +
                                               how_many(0, payload_type::ke) + ", 1 required");
    return {};
}

/// The payloads a message must carry, unless it is a short response.
result check_presence(const message_rules& r, std::span<const payload> payloads,
                      const counts& seen) {
    if (is_short_response(r, payloads)) return {};
    if (auto ok = check_required(r, seen); !ok) return ok;
    if (auto ok = check_together(r, seen); !ok) return ok;
    if (auto ok = check_one_of(r, seen); !ok) return ok;
    if (r.child_or_ike_rekey) return check_child_or_ike_rekey(r, payloads, seen);
    return {};
}

bool is_encrypted_container(payload_type type) {
    return type == payload_type::sk || type == payload_type::skf;
}

}  // namespace

result check_payload_rules(exchange_type exchange, bool response,
                           std::span<const payload> payloads) {
    const message_rules* rules = find_rules(exchange, response);
    if (rules == nullptr) return {};
    const counts seen = count_types(payloads);
    for (const auto& p : payloads)
        if (auto ok = check_allowed(*rules, p, seen); !ok) return ok;
    return check_presence(*rules, payloads, seen);
}

// §3.14: the Encrypted payload, if present, is the last payload; RFC 7383
// §2.5 says the same of SKF. In IKE_AUTH, CREATE_CHILD_SA and INFORMATIONAL
// every payload RFC 7296 defines travels inside it (§1.2-§1.4), so a known
// payload outside it is a sender bug, and the tasks never read one.
result check_protected_outer(std::span<const payload> outer) {
    if (outer.empty() || !is_encrypted_container(outer.back().type))
        return violation(payload_type::sk,
                         "protected message does not end with an SK or SKF payload");
    for (const auto& p : outer.first(outer.size() - 1)) {
        if (is_encrypted_container(p.type))
            return violation(p.type, "protected message carries more than one SK or SKF payload");
        if (has_codec(p.type))
            return violation(p.type, "protected message carries " + to_string(p.type) +
                                         " outside its SK payload, where it must be encrypted");
        if (auto ok = check_unknown("protected message", p); !ok) return ok;
    }
    return {};
}

}  // namespace ike
