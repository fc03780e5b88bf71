#pragma once
// MS-CHAPv2 needs MD4 (the NT password hash) and single DES (the challenge
// response). OpenSSL 3 keeps both only in its "legacy" provider, which is not
// loaded by default; this loads it, together with "default" (loading any
// provider explicitly stops OpenSSL from loading "default" on its own).
#include <expected>

#include "libike/eap/eap_error.hpp"

namespace ike {

/// Loads OpenSSL's legacy and default providers into the default library
/// context, once per process, and checks that MD4 and DES-ECB can be fetched.
/// Later calls return the first result. Not thread-safe before the first call
/// returns (the daemon calls it at start-up, on its one thread).
/// Errors: backend_unavailable, saying which algorithm or provider is missing
/// and how to install it (Debian: libssl3 ships
/// /usr/lib/<arch>/ossl-modules/legacy.so; OPENSSL_MODULES may point elsewhere).
std::expected<void, eap_error> load_legacy_provider();

}  // namespace ike
