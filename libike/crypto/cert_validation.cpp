#include "libike/crypto/cert_validation.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <climits>
#include <ctime>
#include <memory>

#include "libike/crypto/ke_openssl.hpp"

namespace ike {

namespace {

using ke_detail::openssl_deleter;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free>>;
using store_ctx_ptr = std::unique_ptr<X509_STORE_CTX, openssl_deleter<X509_STORE_CTX_free>>;
using name_ptr = std::unique_ptr<X509_NAME, openssl_deleter<X509_NAME_free>>;

struct x509_stack_free {
    // The stack borrows its certificates: free the stack, not them.
    void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
using x509_stack_ptr = std::unique_ptr<STACK_OF(X509), x509_stack_free>;

cert_error fail(cert_errc code, std::string what) {
    return {code, std::move(what)};
}

std::string quoted(const std::string& dn) {
    return "'" + dn + "'";
}

cert_time from_asn1(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return cert_time{};
    using namespace std::chrono;
    const sys_days day = year{tm.tm_year + 1900} / month{static_cast<unsigned>(tm.tm_mon + 1)} /
                         static_cast<unsigned>(tm.tm_mday);
    return cert_time{day} + hours{tm.tm_hour} + minutes{tm.tm_min} + seconds{tm.tm_sec};
}

/// Under crl_policy::if_available a certificate whose issuer published no
/// CRL we know of is accepted; every other verdict stands.
int lenient_crl_cb(int ok, X509_STORE_CTX* ctx) {
    if (ok == 0 && X509_STORE_CTX_get_error(ctx) == X509_V_ERR_UNABLE_TO_GET_CRL) return 1;
    return ok;
}

/// The operator-facing reason for X509_verify_cert's verdict `err` about
/// `cert` (depth `depth` in the chain of `leaf`).
cert_error explain(int err, const certificate& cert, int depth, const certificate& leaf,
                   cert_time now) {
    std::string who = "certificate " + quoted(cert.subject());
    if (depth > 0)
        who += " (CA at depth " + std::to_string(depth) + " in the chain of " +
               quoted(leaf.subject()) + ")";
    const std::string at = " (checked at " + format_cert_time(now) + ")";
    switch (err) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return fail(cert_errc::expired, who + " expired on " +
                                                format_cert_time(cert.not_after()) + at +
                                                "; it must be renewed");
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return fail(cert_errc::not_yet_valid, who + " is not valid before " +
                                                      format_cert_time(cert.not_before()) + at +
                                                      "; check this host's clock and the issuer's");
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
            return fail(cert_errc::unknown_ca,
                        who + " was issued by " + quoted(cert.issuer()) +
                            ", which is not among the trusted CA certificates and was not sent "
                            "as an intermediate; add that CA's certificate to the trusted CAs");
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            return fail(cert_errc::unknown_ca,
                        who + " is self-signed and not among the trusted CA certificates");
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return fail(cert_errc::unknown_ca,
                        "the chain of " + quoted(leaf.subject()) + " ends in " +
                            quoted(cert.subject()) +
                            ", a root CA that is not among the trusted CA certificates");
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return fail(cert_errc::unknown_ca,
                        who + " cannot be verified: its issuer " + quoted(cert.issuer()) +
                            " is unknown; add that CA's certificate to the trusted CAs");
        case X509_V_ERR_CERT_REVOKED:
            return fail(cert_errc::revoked, who + " (serial " + cert.serial() +
                                                ") is revoked by the CRL of " +
                                                quoted(cert.issuer()));
        case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
            return fail(cert_errc::bad_signature,
                        "the signature on " + who + " does not verify with the key of " +
                            quoted(cert.issuer()) +
                            " (forged, damaged, or a different CA of the same name)");
        case X509_V_ERR_CRL_SIGNATURE_FAILURE:
        case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
            return fail(cert_errc::bad_signature, "the CRL of " + quoted(cert.issuer()) +
                                                      " has a signature that does not verify");
        case X509_V_ERR_UNABLE_TO_GET_CRL:
            return fail(cert_errc::crl_problem, "no CRL of " + quoted(cert.issuer()) +
                                                    " is loaded to check " + who +
                                                    ", and CRLs are required; add that CA's CRL");
        case X509_V_ERR_CRL_HAS_EXPIRED:
            return fail(cert_errc::crl_problem, "the CRL of " + quoted(cert.issuer()) +
                                                    " is past its nextUpdate" + at +
                                                    "; load a fresh one");
        case X509_V_ERR_CRL_NOT_YET_VALID:
            return fail(cert_errc::crl_problem, "the CRL of " + quoted(cert.issuer()) +
                                                    " is not valid yet" + at +
                                                    "; check this host's clock");
        case X509_V_ERR_INVALID_CA:
            return fail(cert_errc::invalid_chain,
                        who +
                            " issues certificates but is not a CA (no basicConstraints "
                            "CA:TRUE or keyCertSign)");
        default:
            break;
    }
    return fail(cert_errc::invalid_chain, who + ": " + X509_verify_cert_error_string(err));
}

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view without_trailing_dot(std::string_view s) {
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    return s;
}

/// "DNS:vpn.example.com, IP:192.0.2.1, email:a@b", for a mismatch message.
std::string san_list(const certificate& cert) {
    std::string out;
    auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
    for (const auto& d : cert.dns_names()) add("DNS:" + d);
    for (const auto& ip : cert.ip_addresses()) add("IP:" + ip_text(ip));
    for (const auto& e : cert.emails()) add("email:" + e);
    return out.empty() ? "no subjectAltName" : "subjectAltName " + out;
}

cert_error mismatch(const certificate& cert, const std::string& id) {
    return fail(cert_errc::identity_mismatch,
                "certificate " + quoted(cert.subject()) + " does not contain the identity " + id +
                    "; it has " + san_list(cert) +
                    " (the peer's ID must match one of them, or its subject DN)");
}

}  // namespace

// ---- revocation_list ----

std::expected<revocation_list, cert_error> revocation_list::from_der(bytes_view der) {
    if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX))
        return std::unexpected(fail(cert_errc::malformed, "empty or oversized CRL"));
    const unsigned char* p = der.data();
    X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size()));
    ERR_clear_error();
    if (crl == nullptr)
        return std::unexpected(fail(cert_errc::malformed, "the CRL does not decode"));
    revocation_list out(crl);
    if (p != der.data() + der.size())
        return std::unexpected(fail(cert_errc::malformed, "bytes follow the DER CRL"));
    return out;
}

std::expected<revocation_list, cert_error> revocation_list::from_pem(std::string_view pem) {
    if (pem.size() > static_cast<std::size_t>(INT_MAX))
        return std::unexpected(fail(cert_errc::malformed, "PEM text too large"));
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return std::unexpected(fail(cert_errc::backend_failure, "BIO_new_mem_buf"));
    X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr);
    ERR_clear_error();
    if (crl == nullptr)
        return std::unexpected(
            fail(cert_errc::malformed, "no readable \"-----BEGIN X509 CRL-----\" block"));
    return revocation_list(crl);
}

std::string revocation_list::issuer() const {
    const unsigned char* der = nullptr;
    std::size_t len = 0;
    if (X509_NAME_get0_der(X509_CRL_get_issuer(crl_.get()), &der, &len) != 1)
        return "<unknown issuer>";
    return dn_text({der, len});
}

cert_time revocation_list::this_update() const {
    return from_asn1(X509_CRL_get0_lastUpdate(crl_.get()));
}

cert_time revocation_list::next_update() const {
    return from_asn1(X509_CRL_get0_nextUpdate(crl_.get()));
}

// ---- trust_store ----

trust_store::trust_store(x509_store_st* store, bool check_crls, crl_policy policy)
    : store_(store), check_crls_(check_crls), policy_(policy) {
    static std::atomic<std::uint64_t> next_id{1};
    id_ = next_id.fetch_add(1, std::memory_order_relaxed);
    crls_.until = cert_time::max();
}

namespace {

// The part of `w` in which `c` is valid too.
void narrow(validity_window& w, cert_time from, cert_time until) {
    w.from = std::max(w.from, from);
    w.until = std::min(w.until, until);
}

}  // namespace

std::expected<trust_store, cert_error> trust_store::create(std::span<const certificate> cas,
                                                           std::span<const revocation_list> crls,
                                                           crl_policy policy) {
    X509_STORE* store = X509_STORE_new();
    if (store == nullptr)
        return std::unexpected(fail(cert_errc::backend_failure, "X509_STORE_new"));
    trust_store out(store, !crls.empty(), policy);
    for (const auto& ca : cas)
        if (X509_STORE_add_cert(store, ca.native()) != 1) {
            ERR_clear_error();
            return std::unexpected(fail(cert_errc::backend_failure,
                                        "cannot add CA " + quoted(ca.subject()) + " to the store"));
        }
    for (const auto& crl : crls) {
        // A CRL without nextUpdate (zero time) never goes stale.
        const cert_time next = crl.next_update();
        narrow(out.crls_, crl.this_update(), next == cert_time{} ? cert_time::max() : next);
        if (X509_STORE_add_crl(store, crl.native()) != 1) {
            ERR_clear_error();
            return std::unexpected(
                fail(cert_errc::backend_failure, "cannot add the CRL of " + quoted(crl.issuer())));
        }
    }
    return out;
}

std::expected<validity_window, cert_error> trust_store::validate(
    const certificate& leaf, std::span<const certificate> intermediates, cert_time now) const {
    x509_stack_ptr untrusted(sk_X509_new_null());
    store_ctx_ptr ctx(X509_STORE_CTX_new());
    if (!untrusted || !ctx)
        return std::unexpected(fail(cert_errc::backend_failure, "X509_STORE_CTX_new"));
    for (const auto& c : intermediates)
        if (sk_X509_push(untrusted.get(), c.native()) <= 0)
            return std::unexpected(fail(cert_errc::backend_failure, "sk_X509_push"));
    if (X509_STORE_CTX_init(ctx.get(), store_.get(), leaf.native(), untrusted.get()) != 1)
        return std::unexpected(fail(cert_errc::backend_failure, "X509_STORE_CTX_init"));

    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    // The caller's time, never the system clock (sans-I/O): this also fixes
    // the time CRLs are checked against.
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(now.time_since_epoch().count()));
    unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;
    if (check_crls_) flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
    X509_VERIFY_PARAM_set_flags(param, flags);
    if (check_crls_ && policy_ == crl_policy::if_available)
        X509_STORE_CTX_set_verify_cb(ctx.get(), lenient_crl_cb);

    const int rc = X509_verify_cert(ctx.get());
    ERR_clear_error();
    if (rc == 1) {
        validity_window w =
            check_crls_ ? crls_ : validity_window{cert_time::min(), cert_time::max()};
        STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
        for (int i = 0; i < sk_X509_num(chain); ++i) {
            X509* c = sk_X509_value(chain, i);
            narrow(w, from_asn1(X509_get0_notBefore(c)), from_asn1(X509_get0_notAfter(c)));
        }
        return w;
    }
    const int err = X509_STORE_CTX_get_error(ctx.get());
    if (err == X509_V_OK)
        return std::unexpected(
            fail(cert_errc::backend_failure,
                 "X509_verify_cert failed without a reason for " + quoted(leaf.subject())));
    X509* current = X509_STORE_CTX_get_current_cert(ctx.get());
    const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
    if (current == nullptr || X509_up_ref(current) != 1)
        return std::unexpected(explain(err, leaf, 0, leaf, now));
    return std::unexpected(explain(err, certificate(current), depth, leaf, now));
}

// ---- identity and key usage ----

std::string ip_text(bytes_view address) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (address.size() == 4) return inet_ntop(AF_INET, address.data(), buf, sizeof buf);
    if (address.size() == 16) return inet_ntop(AF_INET6, address.data(), buf, sizeof buf);
    return "<" + std::to_string(address.size()) + "-octet address>";
}

std::expected<void, cert_error> match_identity(const certificate& cert, id_type type,
                                               bytes_view data) {
    const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    switch (type) {
        case id_type::fqdn:
            for (const auto& d : cert.dns_names())
                if (iequal(without_trailing_dot(d), without_trailing_dot(text))) return {};
            return std::unexpected(mismatch(cert, "FQDN '" + std::string(text) + "'"));
        case id_type::rfc822_addr:
            for (const auto& e : cert.emails())
                if (iequal(e, text)) return {};
            return std::unexpected(mismatch(cert, "email '" + std::string(text) + "'"));
        case id_type::ipv4_addr:
        case id_type::ipv6_addr:
            for (const auto& ip : cert.ip_addresses())
                if (std::equal(ip.begin(), ip.end(), data.begin(), data.end())) return {};
            return std::unexpected(mismatch(cert, "IP '" + ip_text(data) + "'"));
        case id_type::der_asn1_dn: {
            const unsigned char* p = data.data();
            name_ptr name(d2i_X509_NAME(nullptr, &p, static_cast<long>(data.size())));
            ERR_clear_error();
            if (!name || p != data.data() + data.size())
                return std::unexpected(fail(cert_errc::identity_mismatch,
                                            "the peer's ID_DER_ASN1_DN is not a DER DN"));
            if (X509_NAME_cmp(name.get(), X509_get_subject_name(cert.native())) == 0) return {};
            return std::unexpected(fail(cert_errc::identity_mismatch,
                                        "certificate subject " + quoted(cert.subject()) +
                                            " is not the peer's DN " + quoted(dn_text(data))));
        }
        default:
            break;
    }
    return std::unexpected(fail(cert_errc::identity_mismatch,
                                "an identity of type " + to_string(type) +
                                    " cannot be matched against a certificate; use an FQDN, "
                                    "IP address, email or DN identity"));
}

std::expected<void, cert_error> check_eku(const certificate& cert, eku_requirement need,
                                          bool strict) {
    if (need == eku_requirement::none) return {};
    const bool server = need == eku_requirement::server_auth;
    const char* usage = server ? "serverAuth" : "clientAuth";
    if (!cert.has_eku()) {
        if (!strict) return {};
        return std::unexpected(fail(cert_errc::missing_eku,
                                    "certificate " + quoted(cert.subject()) +
                                        " has no extendedKeyUsage; " + usage + " is required"));
    }
    if (server ? cert.eku_server_auth() : cert.eku_client_auth()) return {};
    return std::unexpected(fail(cert_errc::missing_eku, "certificate " + quoted(cert.subject()) +
                                                            " has an extendedKeyUsage without " +
                                                            usage + "; reissue it with " + usage));
}

}  // namespace ike
