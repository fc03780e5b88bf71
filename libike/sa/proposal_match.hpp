#pragma once
// Proposal conversion and selection (RFC 7296 §2.7, §3.3, §3.3.6).
//
// The responder picks one proposal out of the peer's SA payload and, in it,
// exactly one transform of each type; the initiator checks that the answer is
// such a pick out of what it offered. Both work on the wire structs
// (sa_payload) against our configured proposals (proposal), so that the
// answer carries the peer's transforms unmodified, attributes included
// (§3.3.6: "Any attributes of a selected Transform MUST be returned
// unmodified").
//
// Matching rules, per transform type:
//  - a type present in one side must be satisfiable by the other, with the
//    same id and key length (KEY_LENGTH attribute; 0 = absent);
//  - for ESP/AH a missing KE type stands for KE NONE (no PFS), a missing ESN
//    type for NO_ESN; on both sides a missing INTEG type stands for INTEG
//    NONE (AEAD proposals); so a no-PFS ESP proposal of ours accepts a peer
//    proposal with no KE or with KE NONE among its groups;
//  - when the chosen cipher is AEAD, the peer's integrity transforms are not
//    needed and are left out of the answer (INTEG NONE is echoed if sent);
//  - a peer proposal with a transform type we do not know at all is
//    unacceptable; a transform we do not know (id, or an attribute other than
//    a TV KEY_LENGTH) is skipped, others of its type are still considered.
#include <expected>
#include <optional>
#include <span>
#include <string>

#include "libike/codec/sa_payload.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/proposal/proposal.hpp"

namespace ike {

/// Wire form of our configured proposals, numbered 1..n in order, each with
/// `spi` (empty for the first IKE SA, 8 bytes for an IKE rekey, 4 for ESP) and
/// its protocol; transforms keep their order, key lengths become TV KEY_LENGTH
/// attributes. Precondition: at most 255 proposals (the config loader limits).
sa_payload to_sa_payload(std::span<const proposal> ours, bytes_view spi);

/// Config form of one wire proposal: protocol, transform ids and key lengths
/// (from KEY_LENGTH), in wire order. Transforms of unknown types are dropped;
/// other attributes are ignored. Never fails.
proposal to_proposal(const sa_proposal& wire);

/// Options for selection and verification.
struct select_options {
    /// Ignore KE transforms on both sides (an SA payload for a CHILD_SA in
    /// IKE_AUTH, which has no KE payload: RFC 7296 §1.2). The choice then has
    /// no KE transform and `negotiated` no groups.
    bool skip_ke = false;
};

/// A successful pick.
struct proposal_choice {
    /// The answer to send: the peer's proposal number and SPI (the responder
    /// replaces the SPI with its own) and exactly one of the peer's transforms
    /// per type the peer offered, copied unmodified. When a NONE was chosen for
    /// a type the peer sent (KE NONE, INTEG NONE), that transform is included.
    sa_proposal chosen;
    /// The same choice in config form, for key derivation and the kernel:
    /// one transform per type, without KE NONE / INTEG NONE; ESP/AH always
    /// carry their ESN choice (NO_ESN when the peer sent none).
    proposal negotiated;
};

/// Why nothing matched; `explanation` is one line for the operator log, e.g.
/// "no IKE proposal matches: we accept [aes256gcm16-prfsha384-x25519,
/// aes128-sha256-modp2048], peer offered [#1 aes128-sha1-modp1024]".
struct no_proposal_match {
    std::string explanation;
};

/// Responder side (RFC 7296 §2.7, §3.3.6): walks OUR proposals in our order
/// and, for each, the peer's proposals of `protocol` in the peer's order; the
/// first pair that matches wins. Within a type the first of our transforms
/// that the peer offered is taken (our preference again).
/// Errors: no_proposal_match (the caller answers NO_PROPOSAL_CHOSEN and logs
/// the explanation), also when the peer offered nothing of `protocol`.
std::expected<proposal_choice, no_proposal_match> select_proposal(std::span<const proposal> ours,
                                                                  const sa_payload& offered,
                                                                  protocol_id protocol,
                                                                  select_options options = {});

/// Initiator side (RFC 7296 §3.3.6: "The initiator of an exchange MUST check
/// that the accepted offer is consistent with one of its proposals"): `answer`
/// must hold exactly one proposal, of `protocol`, whose number is that of a
/// proposal of `protocol` we offered, with an SPI of the same size as ours,
/// exactly one transform per type, each identical (id and attributes) to one
/// we offered in that proposal, and every type we offered present — except
/// that KE/INTEG may be missing when we offered NONE for it, and ESN when we
/// offered NO_ESN.
/// Errors: no_proposal_match naming what is wrong (the caller fails the
/// exchange: IKE_SA_INIT → give up / delete; CREATE_CHILD_SA → delete the
/// CHILD_SA the answer created).
std::expected<proposal_choice, no_proposal_match> verify_chosen(const sa_payload& offered_by_us,
                                                                const sa_payload& answer,
                                                                protocol_id protocol,
                                                                select_options options = {});

/// The group an initiator guesses for its KE payload: the first group of our
/// first proposal (KE NONE skipped); nullopt when that proposal has none
/// (ESP without PFS, or an empty list).
std::optional<ke_group> preferred_group(std::span<const proposal> ours);

/// True when any proposal of `sa` has a KE transform with `group`
/// (responder: is the initiator's KE payload group one it offered, RFC 7296 §1.2).
bool offers_group(const sa_payload& sa, ke_group group);

}  // namespace ike
