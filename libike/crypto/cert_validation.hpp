#pragma once
// Validating a peer's certificate (RFC 5280 §6 path validation, via OpenSSL's
// X509_verify_cert): a chain from the end-entity certificate, through the
// intermediates the peer sent in CERT payloads, to one of our trusted CA
// certificates; optionally checked against CRLs; at a time the caller passes
// in (libike never reads the clock). Then whether the certificate names the
// peer's IKE identity (RFC 7296 §3.5, RFC 4945 §3.1) and carries the extended
// key usage a client expects.
//
// Every rejection is a cert_error whose text names the certificate that
// failed and why, with the dates for expiry, and says what to do.
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/crypto/certificate.hpp"
#include "libike/crypto/openssl_handle.hpp"

struct X509_crl_st;
struct x509_store_st;

namespace ike {

/// A certificate revocation list (RFC 5280 §5) read from DER or PEM text, as
/// a daemon loads it from a file.
class revocation_list {
  public:
    /// Errors: malformed if the bytes are not one DER CRL.
    static std::expected<revocation_list, cert_error> from_der(bytes_view der);
    /// The first "-----BEGIN X509 CRL-----" block. Errors: malformed.
    static std::expected<revocation_list, cert_error> from_pem(std::string_view pem);

    /// Takes over one reference to `crl` (which must not be null).
    explicit revocation_list(X509_crl_st* crl) : crl_(crl) {}

    /// The DN of the CA that issued it.
    std::string issuer() const;
    cert_time this_update() const;
    /// Zero time if the CRL has no nextUpdate.
    cert_time next_update() const;

    X509_crl_st* native() const { return crl_.get(); }

  private:
    shared_handle<X509_crl_st> crl_;
};

/// What to do when CRLs are loaded but none is from the issuer of a
/// certificate in the chain.
enum class crl_policy : std::uint8_t {
    if_available,  ///< check where a CRL is loaded, accept the rest (strongSwan's default)
    required,      ///< reject: every certificate in the chain must be covered by a CRL
};

/// When a successful validation holds: every certificate of the chain that
/// was built is valid, and every CRL of the store current, from `from` to
/// `until` (both included). cert_cache keeps verdicts for that long.
struct validity_window {
    cert_time from{};
    cert_time until{};
    bool contains(cert_time t) const { return from <= t && t <= until; }
};

class trust_store {
  public:
    /// The CA certificates we trust and, optionally, CRLs. Any trusted
    /// certificate may end a chain, so an intermediate CA can be trusted
    /// without its root (X509_V_FLAG_PARTIAL_CHAIN). With no CRLs, revocation
    /// is not checked at all.
    /// Errors: backend_failure if OpenSSL cannot build the store.
    static std::expected<trust_store, cert_error> create(
        std::span<const certificate> cas, std::span<const revocation_list> crls = {},
        crl_policy policy = crl_policy::if_available);

    /// Checks that `leaf` chains to a trusted CA through `intermediates` (in
    /// any order; extra ones are ignored), that every certificate on the way is
    /// valid at `now`, correctly signed, issued by a CA, and not revoked.
    /// Errors (detail names the certificate, and the dates where they
    /// matter): expired, not_yet_valid, unknown_ca (naming the missing
    /// issuer), revoked, bad_signature, crl_problem (CRL missing under
    /// crl_policy::required, expired or not yet valid), invalid_chain (e.g. an
    /// issuer without CA:TRUE), backend_failure.
    /// On success, the window in which the same chain would pass again.
    std::expected<validity_window, cert_error> validate(const certificate& leaf,
                                                        std::span<const certificate> intermediates,
                                                        cert_time now) const;

    /// Unique per store made by create() in this process (copies share it):
    /// a verdict cached for one store is never taken for another, such as
    /// the store a configuration reload makes.
    std::uint64_t id() const { return id_; }

  private:
    trust_store(x509_store_st* store, bool check_crls, crl_policy policy);

    shared_handle<x509_store_st> store_;
    bool check_crls_ = false;
    crl_policy policy_ = crl_policy::if_available;
    std::uint64_t id_ = 0;
    validity_window crls_{};  ///< when every CRL of the store is current
};

/// Whether `cert` names the IKE identity (`type`, `data` as in an ID
/// payload): ID_FQDN against subjectAltName dNSName (case-insensitive, a
/// trailing dot ignored), ID_RFC822_ADDR against rfc822Name
/// (case-insensitive), ID_IPV4_ADDR/ID_IPV6_ADDR against iPAddress, and
/// ID_DER_ASN1_DN against the subject DN (X509_NAME_cmp). The subject's CN is
/// never taken for an FQDN (RFC 4945 §3.1.2: use subjectAltName).
/// Errors: identity_mismatch, listing what the certificate does contain; for
/// other ID types (KEY_ID, DER_ASN1_GN, NULL), saying they cannot be matched.
std::expected<void, cert_error> match_identity(const certificate& cert, id_type type,
                                               bytes_view data);

/// The extended key usage a peer's certificate must carry.
enum class eku_requirement : std::uint8_t {
    none,         ///< do not check
    server_auth,  ///< id-kp-serverAuth (Windows clients insist on it for gateways)
    client_auth,  ///< id-kp-clientAuth
};

/// Checks `cert`'s extendedKeyUsage against `need`. A certificate without the
/// extension passes (RFC 5280 §4.2.1.12: no restriction) unless `strict`.
/// Errors: missing_eku, naming the certificate and the usage it lacks.
std::expected<void, cert_error> check_eku(const certificate& cert, eku_requirement need,
                                          bool strict = false);

/// Text of an IP subjectAltName or identity (4 or 16 octets) for messages.
std::string ip_text(bytes_view address);

}  // namespace ike
