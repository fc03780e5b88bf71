#pragma once
// The MS-CHAPv2 computations (RFC 2759 §8) and the MPPE key derivation that
// gives EAP-MSCHAPv2 its MSK (RFC 3079 §3.3-3.4), on OpenSSL 3. MD4 and DES
// come from the legacy provider: every function loads it first
// (load_legacy_provider) and fails with backend_unavailable, saying how to
// install it, when it is missing.
//
// Passwords are UTF-8 in a `secret`; MS-CHAPv2 hashes them as UTF-16LE.
#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "libike/common/bytes.hpp"
#include "libike/common/secret.hpp"
#include "libike/eap/eap_error.hpp"

namespace ike::mschapv2 {

inline constexpr std::size_t challenge_size = 16;    ///< authenticator and peer challenges
inline constexpr std::size_t nt_response_size = 24;  ///< NT-Response
inline constexpr std::size_t msk_size = 64;          ///< the EAP MSK (RFC 3748: >= 64)

using challenge = std::array<std::uint8_t, challenge_size>;
using nt_response = std::array<std::uint8_t, nt_response_size>;

/// NtPasswordHash: MD4 of the password in UTF-16LE (16 octets).
/// Errors: malformed if the password is not valid UTF-8; backend_unavailable.
std::expected<secret, eap_error> nt_password_hash(const secret& password_utf8);

/// The user name MS-CHAPv2 hashes: the part after a "DOMAIN\" prefix, if any
/// (RFC 2759 §4: the name without the domain).
std::string_view hashed_user_name(std::string_view user_name);

/// ChallengeHash: first 8 octets of SHA1(peer | authenticator | user name).
/// SHA1 comes from the default provider, which OpenSSL loads by itself (or
/// load_legacy_provider did); without it the process aborts (an invariant).
std::array<std::uint8_t, 8> challenge_hash(const challenge& peer, const challenge& authenticator,
                                           std::string_view user_name);

/// GenerateNTResponse from the password hash (so a server can keep hashes).
/// Errors: backend_unavailable.
std::expected<nt_response, eap_error> generate_nt_response(const challenge& authenticator,
                                                           const challenge& peer,
                                                           std::string_view user_name,
                                                           const secret& password_hash);

/// GenerateAuthenticatorResponse: "S=" and 40 upper-case hex digits.
/// Errors: backend_unavailable.
std::expected<std::string, eap_error> authenticator_response(const secret& password_hash,
                                                             const nt_response& response,
                                                             const challenge& peer,
                                                             const challenge& authenticator,
                                                             std::string_view user_name);

/// RFC 3079 §3.4 GetMasterKey (16 octets).
/// Errors: backend_unavailable.
std::expected<secret, eap_error> master_key(const secret& password_hash,
                                            const nt_response& response);

/// RFC 3079 §3.4 GetAsymmetricStartKey, 16 octets, for the server's
/// (`server` true) or the client's point of view.
secret asymmetric_start_key(const secret& master_key, bool is_send, bool is_server);

/// The 64-octet EAP-MSCHAPv2 MSK, the same on both sides: the server's
/// MasterReceiveKey | the server's MasterSendKey | 32 zero octets. This is
/// the layout Windows and strongSwan use (draft-kamath-pppext-eap-mschapv2
/// leaves it to RFC 3079; the order is the one interoperating peers agree on).
/// Errors: backend_unavailable.
std::expected<secret, eap_error> msk(const secret& password_hash, const nt_response& response);

/// Upper-case hex, as MS-CHAPv2 writes challenges and the "S=" response.
std::string upper_hex(bytes_view data);

}  // namespace ike::mschapv2
