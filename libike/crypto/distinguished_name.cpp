#include "libike/crypto/distinguished_name.hpp"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <memory>
#include <vector>

#include "libike/crypto/openssl_handle.hpp"

namespace ike {

namespace {

using name_ptr = std::unique_ptr<X509_NAME, openssl_deleter<X509_NAME_free>>;

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

// Splits at unescaped separators; "\," (or "\/") keeps the character.
std::vector<std::string> split_rdns(std::string_view text, char sep) {
    std::vector<std::string> out(1);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            out.back() += text[++i];
        } else if (text[i] == sep) {
            out.emplace_back();
        } else {
            out.back() += text[i];
        }
    }
    return out;
}

// strongSwan's attribute names where they differ from OpenSSL's.
// Types are matched case-insensitively ("cn" is CN, "commonname" commonName).
int attribute_nid(std::string_view type) {
    std::string upper(type), lower(type);
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (upper == "E" || upper == "EMAIL") return NID_pkcs9_emailAddress;
    if (upper == "SN") return NID_serialNumber;
    for (const std::string& t : {std::string(type), upper}) {
        if (const int nid = OBJ_txt2nid(t.c_str()); nid != NID_undef) return nid;
    }
    // Long names in any case: compare against OpenSSL's table.
    for (int nid :
         {NID_commonName, NID_countryName, NID_localityName, NID_stateOrProvinceName,
          NID_organizationName, NID_organizationalUnitName, NID_domainComponent, NID_userId,
          NID_serialNumber, NID_pkcs9_emailAddress, NID_title, NID_surname, NID_givenName}) {
        std::string ln = OBJ_nid2ln(nid);
        for (auto& c : ln) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (ln == lower) return nid;
    }
    return NID_undef;
}

name_ptr parse_der(bytes_view der) {
    if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX)) return nullptr;
    const unsigned char* p = der.data();
    name_ptr n(d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size())));
    ERR_clear_error();
    if (n && p != der.data() + der.size()) return nullptr;
    return n;
}

// One RDN entry as its own Name, so that X509_NAME_cmp compares it canonically.
name_ptr single_entry(const X509_NAME_ENTRY* e) {
    name_ptr n(X509_NAME_new());
    if (!n || X509_NAME_add_entry(n.get(), e, -1, 0) != 1) return nullptr;
    return n;
}

bool is_wildcard(const X509_NAME_ENTRY* e) {
    const ASN1_STRING* v = X509_NAME_ENTRY_get_data(e);
    return ASN1_STRING_length(v) == 1 && ASN1_STRING_get0_data(v)[0] == '*';
}

bool entries_match(const X509_NAME_ENTRY* conf, const X509_NAME_ENTRY* recv) {
    if (OBJ_cmp(X509_NAME_ENTRY_get_object(conf), X509_NAME_ENTRY_get_object(recv)) != 0)
        return false;
    if (is_wildcard(conf)) return true;
    auto a = single_entry(conf);
    auto b = single_entry(recv);
    return a && b && X509_NAME_cmp(a.get(), b.get()) == 0;
}

}  // namespace

std::expected<bytes, std::string> dn_from_text(std::string_view text) {
    text = trim(text);
    const char sep = text.starts_with('/') ? '/' : ',';
    if (sep == '/') text.remove_prefix(1);
    name_ptr name(X509_NAME_new());
    if (!name) return std::unexpected("OpenSSL cannot allocate a Name");
    for (const std::string& rdn : split_rdns(text, sep)) {
        const std::string_view part = trim(rdn);
        const auto eq = part.find('=');
        if (eq == std::string_view::npos)
            return std::unexpected("'" + std::string(part) + "' is not TYPE=value");
        const std::string_view type = trim(part.substr(0, eq));
        const std::string value(trim(part.substr(eq + 1)));
        const int nid = attribute_nid(type);
        if (nid == NID_undef)
            return std::unexpected("unknown attribute type '" + std::string(type) +
                                   "' (use C, ST, L, O, OU, CN, E, SN, DC, UID or a dotted OID)");
        if (value.empty()) return std::unexpected("empty value for " + std::string(type));
        const auto* v = reinterpret_cast<const unsigned char*>(value.data());
        if (X509_NAME_add_entry_by_NID(name.get(), nid, MBSTRING_UTF8, v,
                                       static_cast<int>(value.size()), -1, 0) != 1) {
            ERR_clear_error();
            return std::unexpected("value '" + value + "' is not allowed for " + std::string(type) +
                                   " (C takes a two-letter country code)");
        }
    }
    unsigned char* der = nullptr;
    const int len = i2d_X509_NAME(name.get(), &der);
    if (len <= 0) return std::unexpected("OpenSSL cannot encode the Name");
    bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

bool dn_equal(bytes_view a, bytes_view b) {
    auto x = parse_der(a);
    auto y = parse_der(b);
    return x && y && X509_NAME_cmp(x.get(), y.get()) == 0;
}

bool dn_matches(bytes_view configured, bytes_view received) {
    auto conf = parse_der(configured);
    auto recv = parse_der(received);
    if (!conf || !recv) return false;
    const int n = X509_NAME_entry_count(conf.get());
    if (n != X509_NAME_entry_count(recv.get())) return false;
    for (int i = 0; i < n; ++i) {
        if (!entries_match(X509_NAME_get_entry(conf.get(), i), X509_NAME_get_entry(recv.get(), i)))
            return false;
    }
    return true;
}

}  // namespace ike
