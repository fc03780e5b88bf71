#include "libike/crypto/certificate.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <climits>
#include <cstdio>
#include <ctime>
#include <memory>

#include "libike/crypto/ke_openssl.hpp"

namespace ike {

namespace {

using ke_detail::openssl_deleter;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free>>;
using names_ptr = std::unique_ptr<GENERAL_NAMES, openssl_deleter<GENERAL_NAMES_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BN_free>>;

class cert_category_impl final : public std::error_category {
  public:
    const char* name() const noexcept override { return "ike.cert"; }
    std::string message(int ev) const override {
        switch (static_cast<cert_errc>(ev)) {
            case cert_errc::malformed:
                return "malformed certificate";
            case cert_errc::expired:
                return "certificate expired";
            case cert_errc::not_yet_valid:
                return "certificate not yet valid";
            case cert_errc::unknown_ca:
                return "certificate from an unknown CA";
            case cert_errc::revoked:
                return "certificate revoked";
            case cert_errc::bad_signature:
                return "bad certificate signature";
            case cert_errc::crl_problem:
                return "CRL problem";
            case cert_errc::invalid_chain:
                return "invalid certificate chain";
            case cert_errc::identity_mismatch:
                return "identity not in certificate";
            case cert_errc::missing_eku:
                return "missing extended key usage";
            case cert_errc::backend_failure:
                return "certificate backend failure";
        }
        return "unknown certificate error";
    }
};

/// OpenSSL's reason for the last failure, and an empty error queue.
std::string drain_openssl_errors() {
    std::string why;
    unsigned long e = ERR_get_error();
    if (e != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        why = buf;
    }
    ERR_clear_error();
    return why;
}

cert_error malformed(std::string what) {
    std::string why = drain_openssl_errors();
    if (!why.empty()) what += " (" + why + ")";
    return {cert_errc::malformed, std::move(what)};
}

std::string name_text(const X509_NAME* name) {
    // RFC 2253 escaping in forward order with ", " between RDNs, as strongSwan
    // prints DNs; UTF-8 is kept as UTF-8 rather than escaped byte by byte.
    const unsigned long flags =
        ((XN_FLAG_RFC2253 & ~XN_FLAG_SEP_MASK & ~XN_FLAG_DN_REV) | XN_FLAG_SEP_CPLUS_SPC) &
        ~static_cast<unsigned long>(ASN1_STRFLGS_ESC_MSB);
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) return "<unprintable DN>";
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

cert_time to_cert_time(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return cert_time{};
    using namespace std::chrono;
    const sys_days day = year{tm.tm_year + 1900} / month{static_cast<unsigned>(tm.tm_mon + 1)} /
                         static_cast<unsigned>(tm.tm_mday);
    return cert_time{day} + hours{tm.tm_hour} + minutes{tm.tm_min} + seconds{tm.tm_sec};
}

std::string ia5_text(const ASN1_STRING* s) {
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<std::size_t>(ASN1_STRING_length(s)));
}

/// Calls `f(const GENERAL_NAME&)` for each subjectAltName entry.
template <typename F>
void for_each_san(X509* x, F&& f) {
    names_ptr names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr)));
    if (!names) return;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
        if (gn != nullptr) f(*gn);
    }
}

}  // namespace

const std::error_category& cert_category() {
    static const cert_category_impl instance;
    return instance;
}

std::string cert_error::message() const {
    std::string out = make_error_code(code).message();
    if (!detail.empty()) out += ": " + detail;
    return out;
}

std::string format_cert_time(cert_time t) {
    using namespace std::chrono;
    const sys_days day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d UTC",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return buf;
}

std::string dn_text(bytes_view der_name) {
    const unsigned char* p = der_name.data();
    X509_NAME* name = d2i_X509_NAME(nullptr, &p, static_cast<long>(der_name.size()));
    ERR_clear_error();
    if (name == nullptr) return "<undecodable DN>";
    std::string out = name_text(name);
    X509_NAME_free(name);
    return out;
}

std::expected<certificate, cert_error> certificate::from_der(bytes_view der) {
    if (der.empty()) return std::unexpected(cert_error{cert_errc::malformed, "empty certificate"});
    if (der.size() > static_cast<std::size_t>(LONG_MAX))
        return std::unexpected(cert_error{cert_errc::malformed, "certificate too large"});
    const unsigned char* p = der.data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    if (x == nullptr) return std::unexpected(malformed("cannot decode the DER certificate"));
    certificate cert(x);
    if (p != der.data() + der.size())
        return std::unexpected(cert_error{
            cert_errc::malformed,
            std::to_string(der.data() + der.size() - p) + " bytes follow the DER certificate"});
    return cert;
}

std::expected<std::vector<certificate>, cert_error> certificate::all_from_pem(
    std::string_view pem) {
    if (pem.size() > static_cast<std::size_t>(INT_MAX))
        return std::unexpected(cert_error{cert_errc::malformed, "PEM text too large"});
    ERR_clear_error();
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return std::unexpected(cert_error{cert_errc::backend_failure, "BIO_new_mem_buf"});
    std::vector<certificate> out;
    for (;;) {
        X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
        if (x == nullptr) break;
        out.emplace_back(x);
    }
    // The loop ends with "no start line" after the last certificate; any
    // other reason means one of them was damaged.
    const unsigned long last = ERR_peek_last_error();
    if (last != 0 && ERR_GET_REASON(last) != PEM_R_NO_START_LINE)
        return std::unexpected(malformed("certificate " + std::to_string(out.size() + 1) +
                                         " in the PEM text does not decode"));
    ERR_clear_error();
    if (out.empty())
        return std::unexpected(cert_error{
            cert_errc::malformed, "no \"-----BEGIN CERTIFICATE-----\" block in the PEM text"});
    return out;
}

std::expected<certificate, cert_error> certificate::from_pem(std::string_view pem) {
    auto all = all_from_pem(pem);
    if (!all) return std::unexpected(std::move(all.error()));
    return std::move(all->front());
}

bytes certificate::der() const {
    const int len = i2d_X509(native(), nullptr);
    if (len <= 0) return {};
    bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    i2d_X509(native(), &p);
    return out;
}

std::string certificate::subject() const {
    return name_text(X509_get_subject_name(native()));
}

std::string certificate::issuer() const {
    return name_text(X509_get_issuer_name(native()));
}

bytes certificate::subject_der() const {
    const X509_NAME* name = X509_get_subject_name(native());
    const unsigned char* der = nullptr;
    std::size_t len = 0;
    if (X509_NAME_get0_der(name, &der, &len) != 1) return {};
    return bytes(der, der + len);
}

std::string certificate::serial() const {
    bn_ptr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(native()), nullptr));
    if (!bn) return "?";
    char* hex = BN_bn2hex(bn.get());
    if (hex == nullptr) return "?";
    std::string out(hex);
    OPENSSL_free(hex);
    return out;
}

std::vector<std::string> certificate::dns_names() const {
    std::vector<std::string> out;
    for_each_san(native(), [&](const GENERAL_NAME& gn) {
        if (gn.type == GEN_DNS) out.push_back(ia5_text(gn.d.dNSName));
    });
    return out;
}

std::vector<bytes> certificate::ip_addresses() const {
    std::vector<bytes> out;
    for_each_san(native(), [&](const GENERAL_NAME& gn) {
        if (gn.type != GEN_IPADD) return;
        const unsigned char* p = ASN1_STRING_get0_data(gn.d.iPAddress);
        out.emplace_back(p, p + ASN1_STRING_length(gn.d.iPAddress));
    });
    return out;
}

std::vector<std::string> certificate::emails() const {
    std::vector<std::string> out;
    for_each_san(native(), [&](const GENERAL_NAME& gn) {
        if (gn.type == GEN_EMAIL) out.push_back(ia5_text(gn.d.rfc822Name));
    });
    return out;
}

cert_time certificate::not_before() const {
    return to_cert_time(X509_get0_notBefore(native()));
}

cert_time certificate::not_after() const {
    return to_cert_time(X509_get0_notAfter(native()));
}

bool certificate::valid_at(cert_time t) const {
    return not_before() <= t && t <= not_after();
}

bool certificate::has_eku() const {
    return (X509_get_extension_flags(native()) & EXFLAG_XKUSAGE) != 0;
}

bool certificate::eku_server_auth() const {
    return has_eku() && (X509_get_extended_key_usage(native()) & XKU_SSL_SERVER) != 0;
}

bool certificate::eku_client_auth() const {
    return has_eku() && (X509_get_extended_key_usage(native()) & XKU_SSL_CLIENT) != 0;
}

bool certificate::is_ca() const {
    return (X509_get_extension_flags(native()) & EXFLAG_CA) != 0;
}

bool certificate::self_issued() const {
    return X509_NAME_cmp(X509_get_subject_name(native()), X509_get_issuer_name(native())) == 0;
}

evp_pkey_st* certificate::public_key() const {
    return X509_get0_pubkey(native());
}

}  // namespace ike
