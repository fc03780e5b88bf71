#pragma once
// How IKE names a CA without sending it: the SHA-1 hash of the CA
// certificate's DER SubjectPublicKeyInfo (the whole SEQUENCE, algorithm and
// key, not only the key bits), as a CERTREQ payload lists the CAs a peer
// trusts (RFC 7296 §3.7) and hash-and-URL CERT payloads name keys (§3.6).
#include <array>
#include <cstdint>
#include <expected>

#include "libike/crypto/certificate.hpp"

namespace ike {

using public_key_sha1 = std::array<std::uint8_t, 20>;

/// The SHA-1 of `cert`'s SubjectPublicKeyInfo.
/// Errors: backend_failure if OpenSSL cannot encode the key or hash it (a
/// certificate that parsed always has one; the caller skips that CA).
std::expected<public_key_sha1, cert_error> subject_public_key_sha1(const certificate& cert);

}  // namespace ike
