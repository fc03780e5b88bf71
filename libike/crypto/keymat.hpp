#pragma once
// IKEv2 key derivation: SKEYSEED and the seven SK_* keys of an IKE SA
// (RFC 7296 §2.14), their rekeyed successors (§2.18), and CHILD_SA KEYMAT
// (§2.17).
//
// Initial IKE SA (§2.14):
//   SKEYSEED = prf(Ni | Nr, g^ir)
//   {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
//            = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
// Rekeyed IKE SA (§2.18), with the new exchange's nonces, g^ir and SPIs:
//   SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)   <- the OLD SA's PRF
//   {SK_d | ...} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) <- the NEW SA's PRF
//   i.e. derive_rekey_skeyseed() with the old SA's SK_d PRF, then
//   derive_ike_sa_keys() with the new SA's prf_id.
// CHILD_SA (§2.17), Ni/Nr from the CREATE_CHILD_SA exchange (or IKE_SA_INIT
// for the first CHILD_SA):
//   KEYMAT = prf+(SK_d, Ni | Nr)                 without PFS
//   KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr)    with PFS
//
// Fixed-key-size PRFs (§2.14): for a PRF that takes keys of one size only,
// such as AES-XCBC-PRF-128 and AES-CMAC-PRF-128, SKEYSEED's key is not Ni | Nr
// but the first half of Ni followed by the first half of Nr (64 bits each for
// those two), and SK_d, SK_pi, SK_pr take the PRF's key size. prf::create()
// rejects those PRFs, so no code here implements that rule; whoever adds them
// must.
//
// All key material is returned in `secret`s; nothing here logs.
#include <cstddef>
#include <cstdint>
#include <expected>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/crypto_error.hpp"
#include "libike/crypto/prf.hpp"

namespace ike {

/// Key lengths, in bytes, that the negotiated ENCR and INTEG transforms need
/// from the keying material. The caller fills it from the proposal:
///  - encr: the cipher key plus any salt/nonce the transform takes from
///    KEYMAT: AES-GCM (RFC 5282 §7.1) and ChaCha20-Poly1305 (RFC 7634 §2)
///    add 4 bytes of salt to the key (e.g. 16+4 for AES-128-GCM, 32+4 for
///    ChaCha20-Poly1305); AES-CCM adds 3 (RFC 5282 §7.1), AES-CTR a 4-byte
///    nonce (RFC 5930 §2). 0 for ENCR_NULL.
///  - integ: the integrity key length (e.g. 32 for HMAC-SHA2-256-128);
///    0 with an AEAD cipher, which has no separate integrity transform.
struct sa_key_lengths {
    std::size_t encr = 0;
    std::size_t integ = 0;
};

/// The seven keys of an IKE SA, in prf+ order (RFC 7296 §2.14).
struct ike_sa_keys {
    secret sk_d;   ///< derives CHILD_SA KEYMAT and the next IKE SA's SKEYSEED
    secret sk_ai;  ///< integrity, initiator's messages (empty with AEAD)
    secret sk_ar;  ///< integrity, responder's messages (empty with AEAD)
    secret sk_ei;  ///< encryption (+ salt), initiator's messages
    secret sk_er;  ///< encryption (+ salt), responder's messages
    secret sk_pi;  ///< initiator's AUTH payload computation
    secret sk_pr;  ///< responder's AUTH payload computation
};

/// The four keys of a CHILD_SA pair (RFC 7296 §2.17). `_i` keys protect
/// initiator-to-responder traffic (the inbound SA of the responder), `_r`
/// keys responder-to-initiator traffic. "Initiator" is the initiator of the
/// exchange that created the CHILD_SA, not of the IKE SA.
struct child_sa_keys {
    secret encr_i;
    secret integ_i;
    secret encr_r;
    secret integ_r;
};

/// SKEYSEED = prf(Ni | Nr, g^ir) for a new IKE SA (RFC 7296 §2.14).
/// Errors: unsupported_algorithm for a PRF prf::create() rejects;
/// backend_failure from OpenSSL.
std::expected<secret, crypto_error> derive_skeyseed(prf_id prf_alg, bytes_view ni, bytes_view nr,
                                                    const secret& g_ir);

/// SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) for a rekeyed IKE SA
/// (RFC 7296 §2.18). `old_sk_d_prf` is the OLD IKE SA's PRF keyed with its
/// SK_d; Ni, Nr and g^ir come from the CREATE_CHILD_SA exchange that rekeys.
/// Errors: bad_key_length if `old_sk_d_prf` is not keyed; backend_failure.
std::expected<secret, crypto_error> derive_rekey_skeyseed(const prf& old_sk_d_prf,
                                                          const secret& g_ir_new, bytes_view ni,
                                                          bytes_view nr);

/// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
///   = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)            (RFC 7296 §2.14)
/// with SK_d, SK_pi, SK_pr of the PRF's preferred key size. For a rekeyed SA
/// pass the new SA's PRF, nonces and SPIs (§2.18). SPIs are encoded as the
/// 8 big-endian octets of the IKE header.
/// Errors: unsupported_algorithm for the PRF; bad_key_length if the keys need
/// more than 255 PRF blocks; backend_failure.
std::expected<ike_sa_keys, crypto_error> derive_ike_sa_keys(prf_id prf_alg, const secret& skeyseed,
                                                            bytes_view ni, bytes_view nr,
                                                            std::uint64_t spi_i,
                                                            std::uint64_t spi_r,
                                                            const sa_key_lengths& lengths);

/// CHILD_SA keys without PFS: KEYMAT = prf+(SK_d, Ni | Nr) (RFC 7296 §2.17),
/// split as encr_i | integ_i | encr_r | integ_r. `sk_d_prf` is the IKE SA's
/// PRF keyed with SK_d (keep one per IKE SA and reuse it).
/// Errors: bad_key_length if `sk_d_prf` is not keyed or the keys need more
/// than 255 PRF blocks; backend_failure.
std::expected<child_sa_keys, crypto_error> derive_child_sa_keys(const prf& sk_d_prf, bytes_view ni,
                                                                bytes_view nr,
                                                                const sa_key_lengths& lengths);

/// CHILD_SA keys with PFS: KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr), where
/// g^ir (new) is the shared secret of the CREATE_CHILD_SA's KE payloads.
/// Errors: as the overload without PFS.
std::expected<child_sa_keys, crypto_error> derive_child_sa_keys(const prf& sk_d_prf,
                                                                const secret& g_ir_new,
                                                                bytes_view ni, bytes_view nr,
                                                                const sa_key_lengths& lengths);

}  // namespace ike
