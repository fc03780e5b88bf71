#pragma once
// CERT payloads (RFC 7296 §3.6) in IKE_AUTH: ours out, the peer's in. Only
// X.509 certificates (encoding 4) are sent and read; the first one is the
// end-entity certificate whose key signed the AUTH payload, the others are
// intermediates that help the receiver build a chain to a CA it trusts.
#include <expected>
#include <string>
#include <vector>

#include "libike/codec/cert_payload.hpp"
#include "libike/crypto/cert_cache.hpp"
#include "libike/crypto/certificate.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

/// Our CERT payloads under the connection's send_cert: none for never, none
/// for ifasked when the peer sent no CERTREQ; else our certificate, then
/// each intermediate in file order except those the peer's CERTREQ names
/// (it holds them already). Empty without a local certificate.
std::vector<cert_payload> our_cert_payloads(const ike_sa& sa);

/// The certificates a peer sent.
struct peer_certificates {
    std::vector<certificate> chain;  ///< end entity first, then intermediates; may be empty
    /// CERT payloads of other encodings, passed over ("PGP", "HASH_URL_X509_CERT").
    std::vector<std::string> skipped;
};

/// Parses the X.509 CERT payloads of `m` in order.
/// Errors: AUTHENTICATION_FAILED naming the payload (its position among the
/// CERT payloads) that OpenSSL cannot read, with OpenSSL's reason.
std::expected<peer_certificates, task_error> read_peer_certificates(const inbound_message& m,
                                                                    cert_cache& cache);

}  // namespace ike
