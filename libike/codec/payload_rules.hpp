#pragma once
// Which payloads each exchange may carry, and how many of each (RFC 7296
// §1.2-§1.5, §2.x, §3), checked in one place after decoding (and, for
// protected exchanges, after decryption) and before any task reads a payload.
//
// The table lives in payload_rules.cpp, one block per exchange and direction:
//
//   exchange         direction  required         optional (count)
//   ---------------  ---------  ---------------  ----------------------------------------
//   IKE_SA_INIT      request    SA, KE, Nonce    -
//   IKE_SA_INIT      response   SA, KE, Nonce    CERTREQ (any)
//   IKE_AUTH         request    IDi|AUTH|EAP     IDi, IDr, AUTH, EAP, CP, SA+TSi+TSr (1 each),
//                                                CERT (8), CERTREQ (any)
//   IKE_AUTH         response   IDr|AUTH|EAP     IDr, AUTH, EAP, CP, SA+TSi+TSr (1 each), CERT (8)
//   CREATE_CHILD_SA  both       SA, Nonce        KE, CP (1 each); TSi+TSr for a CHILD_SA,
//                                                required; for an IKE SA rekey no TS, KE required
//   INFORMATIONAL    both       -                Delete (any), CP (1)
//
// Everywhere: Notify and Vendor ID in any number, and payload types the
// decoder kept as unknown_payload (not critical, §2.5). A response with an
// error Notify (type below 16384), and an IKE_SA_INIT response with COOKIE
// or REDIRECT, need not carry the required payloads; the limits still apply.
#include <expected>
#include <span>
#include <string>

#include "libike/codec/payload.hpp"
#include "libike/common/iana.hpp"

namespace ike {

/// The first rule a message breaks, for the operator's log.
struct payload_rule_violation {
    payload_type type = payload_type::none;  ///< the payload at fault (missing, extra or misplaced)
    std::string explanation;  ///< e.g. "IKE_AUTH request carries 2 IDi payloads, at most 1 allowed"
    friend bool operator==(const payload_rule_violation&, const payload_rule_violation&) = default;
};

/// Checks `payloads` against the rules of `exchange` in the direction given
/// by `response`. For IKE_SA_INIT pass the message's payloads; for every
/// other exchange pass the DECRYPTED inner chain (check the outer chain with
/// check_protected_outer). Exchange types without rules (IKE_INTERMEDIATE,
/// unknown values) are accepted: the engine handles those elsewhere.
/// Error: the first violation, in this order: a payload not allowed, too
/// many of one type, or an unknown payload marked critical (in wire order);
/// then a required payload missing, a payload present without its partners
/// (SA, TSi, TSr in IKE_AUTH), or a CREATE_CHILD_SA whose TS/KE payloads do
/// not fit what its SA payload creates. What the caller does: answer a
/// protected request with INVALID_SYNTAX (§3.10.1: only inside a message
/// whose ICV checked); drop an IKE_SA_INIT request; treat a response as a
/// failed exchange.
std::expected<void, payload_rule_violation> check_payload_rules(exchange_type exchange,
                                                                bool response,
                                                                std::span<const payload> payloads);

/// Checks the outer chain of a protected message (every exchange but
/// IKE_SA_INIT): it ends with exactly one SK or SKF payload (§3.14, RFC 7383
/// §2.5), and nothing before it is a payload we know, since all of those
/// belong inside. Unknown non-critical payloads before it are allowed (§2.5).
/// Error: no SK/SKF at the end, a second SK/SKF, a known payload outside
/// SK/SKF, or an unknown payload marked critical. The caller drops the
/// message: nothing in it can be trusted before the ICV is checked.
std::expected<void, payload_rule_violation> check_protected_outer(std::span<const payload> outer);

}  // namespace ike
