#pragma once
// An X.509 certificate (RFC 5280) as it arrives in a CERT payload (encoding 4,
// "X.509 Certificate - Signature", RFC 7296 §3.6) or from a PEM file, with the
// fields IKE authentication needs: subject and issuer, subjectAltNames,
// validity, extended key usage and the public key.
//
// Parsing never throws: a certificate that OpenSSL cannot read comes back as a
// cert_error that says what was wrong. A `certificate` shares its OpenSSL
// object (a shared_handle: X509_up_ref) when copied, so copies are cheap and
// immutable.
#include <chrono>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "libike/common/bytes.hpp"
#include "libike/crypto/openssl_handle.hpp"

// OpenSSL's types, so that this header does not pull in OpenSSL's.
struct x509_st;
struct evp_pkey_st;

namespace ike {

/// Why a certificate, a CRL or a chain was not accepted.
enum class cert_errc : std::uint8_t {
    malformed = 1,      ///< not DER/PEM OpenSSL can read; the peer (or file) sent junk
    expired,            ///< notAfter before the time checked
    not_yet_valid,      ///< notBefore after the time checked
    unknown_ca,         ///< no chain to a trusted CA certificate
    revoked,            ///< listed in its issuer's CRL
    bad_signature,      ///< a certificate's or CRL's signature does not verify
    crl_problem,        ///< CRL missing (strict), expired, not yet valid or unreadable
    invalid_chain,      ///< anything else X509_verify_cert rejects (not a CA, path length...)
    identity_mismatch,  ///< the IKE identity is not in the certificate
    missing_eku,        ///< extended key usage lacks serverAuth/clientAuth
    backend_failure,    ///< OpenSSL refused an operation it should not have
};

const std::error_category& cert_category();
inline std::error_code make_error_code(cert_errc e) {
    return {static_cast<int>(e), cert_category()};
}

struct cert_error {
    cert_errc code{};
    std::string detail;  ///< which certificate and why, written for the operator
    std::string message() const;
};

/// Wall-clock seconds (UTC). Certificates are checked against a time the
/// caller passes in; libike never reads a clock.
using cert_time = std::chrono::sys_seconds;

/// "2026-01-31 23:59:59 UTC", for error texts and logs.
std::string format_cert_time(cert_time t);

/// A DER Name (an ID_DER_ASN1_DN identity, a CRL's issuer) as text in the
/// form certificate::subject() uses; "<undecodable DN>" if it does not parse.
std::string dn_text(bytes_view der_name);

class certificate {
  public:
    /// Parses one DER certificate (a CERT payload body with encoding 4).
    /// Errors: malformed if OpenSSL cannot decode it or bytes follow it.
    static std::expected<certificate, cert_error> from_der(bytes_view der);

    /// The first certificate in PEM text ("-----BEGIN CERTIFICATE-----").
    /// Errors: malformed if there is none or it does not decode.
    static std::expected<certificate, cert_error> from_pem(std::string_view pem);

    /// Every certificate in PEM text, in order (a bundle of CAs, or a leaf
    /// followed by its intermediates). Errors: malformed if there is none or
    /// one does not decode.
    static std::expected<std::vector<certificate>, cert_error> all_from_pem(std::string_view pem);

    /// Takes over one reference to `x` (which must not be null).
    explicit certificate(x509_st* x) : x_(x) {}

    /// The DER encoding, as sent in a CERT payload.
    bytes der() const;

    /// Subject and issuer DNs as text in strongSwan's order and form:
    /// "C=CH, O=Example, CN=vpn.example.com".
    std::string subject() const;
    std::string issuer() const;
    /// The subject Name's DER, as an ID_DER_ASN1_DN identity carries it.
    bytes subject_der() const;
    /// Serial number in upper-case hex ("1A2B"), for logs and revocation messages.
    std::string serial() const;

    /// subjectAltName entries by type. IP addresses are 4 or 16 octets.
    std::vector<std::string> dns_names() const;
    std::vector<bytes> ip_addresses() const;
    std::vector<std::string> emails() const;

    cert_time not_before() const;
    cert_time not_after() const;
    /// notBefore <= t <= notAfter.
    bool valid_at(cert_time t) const;

    /// True if the certificate has an extendedKeyUsage extension at all;
    /// without one, RFC 5280 §4.2.1.12 places no restriction.
    bool has_eku() const;
    bool eku_server_auth() const;
    bool eku_client_auth() const;
    /// basicConstraints CA:TRUE.
    bool is_ca() const;
    /// Subject and issuer are the same Name.
    bool self_issued() const;

    /// The subject public key, borrowed: valid as long as this certificate.
    /// Null only if OpenSSL cannot decode the key (then signatures fail).
    evp_pkey_st* public_key() const;

    /// The OpenSSL object, borrowed, for cert_validation.
    x509_st* native() const { return x_.get(); }

  private:
    shared_handle<x509_st> x_;
};

}  // namespace ike

template <>
struct std::is_error_code_enum<ike::cert_errc> : std::true_type {};
