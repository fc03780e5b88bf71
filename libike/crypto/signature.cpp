#include "libike/crypto/signature.hpp"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <climits>
#include <memory>
#include <optional>

#include "libike/crypto/ke_openssl.hpp"

namespace ike {

namespace {

using ke_detail::openssl_deleter;
using ke_detail::openssl_error;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, openssl_deleter<EVP_MD_CTX_free>>;
using algor_ptr = std::unique_ptr<X509_ALGOR, openssl_deleter<X509_ALGOR_free>>;
using pss_params_ptr = std::unique_ptr<RSA_PSS_PARAMS, openssl_deleter<RSA_PSS_PARAMS_free>>;
using ecdsa_sig_ptr = std::unique_ptr<ECDSA_SIG, openssl_deleter<ECDSA_SIG_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BN_free>>;

crypto_error unsupported(std::string what) {
    return {crypto_errc::unsupported_algorithm, std::move(what)};
}

crypto_error malformed(std::string what) {
    return {crypto_errc::bad_ciphertext, std::move(what)};
}

/// OpenSSL's digest name; null for identity (Ed25519 signs the message).
const char* digest_name(hash_algorithm h) {
    switch (h) {
        case hash_algorithm::sha1:
            return "SHA1";
        case hash_algorithm::sha2_256:
            return "SHA256";
        case hash_algorithm::sha2_384:
            return "SHA384";
        case hash_algorithm::sha2_512:
            return "SHA512";
        case hash_algorithm::identity:
            break;
    }
    return nullptr;
}

std::size_t digest_size(hash_algorithm h) {
    switch (h) {
        case hash_algorithm::sha1:
            return 20;
        case hash_algorithm::sha2_256:
            return 32;
        case hash_algorithm::sha2_384:
            return 48;
        case hash_algorithm::sha2_512:
            return 64;
        case hash_algorithm::identity:
            break;
    }
    return 0;
}

std::optional<hash_algorithm> hash_of_digest_nid(int nid) {
    switch (nid) {
        case NID_sha1:
            return hash_algorithm::sha1;
        case NID_sha256:
            return hash_algorithm::sha2_256;
        case NID_sha384:
            return hash_algorithm::sha2_384;
        case NID_sha512:
            return hash_algorithm::sha2_512;
        default:
            return std::nullopt;
    }
}

// The AlgorithmIdentifiers of RFC 7427 Appendix A and RFC 8420 §2, DER.
// PSS: RSASSA-PSS-params with hashAlgorithm [0], maskGenAlgorithm [1] = MGF1
// with the same hash, saltLength [2] = hash length, trailerField left at its
// DEFAULT (DER omits defaults).
struct known_identifier {
    signature_scheme scheme;
    std::string_view hex;
};

constexpr std::array known_identifiers{
    known_identifier{{signature_algorithm::rsa_pkcs1, hash_algorithm::sha1},
                     "300d06092a864886f70d0101050500"},
    known_identifier{{signature_algorithm::rsa_pkcs1, hash_algorithm::sha2_256},
                     "300d06092a864886f70d01010b0500"},
    known_identifier{{signature_algorithm::rsa_pkcs1, hash_algorithm::sha2_384},
                     "300d06092a864886f70d01010c0500"},
    known_identifier{{signature_algorithm::rsa_pkcs1, hash_algorithm::sha2_512},
                     "300d06092a864886f70d01010d0500"},
    known_identifier{{signature_algorithm::rsa_pss, hash_algorithm::sha2_256},
                     "304106092a864886f70d01010a3034a00f300d06096086480165030402010500"
                     "a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120"},
    known_identifier{{signature_algorithm::rsa_pss, hash_algorithm::sha2_384},
                     "304106092a864886f70d01010a3034a00f300d06096086480165030402020500"
                     "a11c301a06092a864886f70d010108300d06096086480165030402020500a203020130"},
    known_identifier{{signature_algorithm::rsa_pss, hash_algorithm::sha2_512},
                     "304106092a864886f70d01010a3034a00f300d06096086480165030402030500"
                     "a11c301a06092a864886f70d010108300d06096086480165030402030500a203020140"},
    known_identifier{{signature_algorithm::ecdsa, hash_algorithm::sha1}, "300906072a8648ce3d0401"},
    known_identifier{{signature_algorithm::ecdsa, hash_algorithm::sha2_256},
                     "300a06082a8648ce3d040302"},
    known_identifier{{signature_algorithm::ecdsa, hash_algorithm::sha2_384},
                     "300a06082a8648ce3d040303"},
    known_identifier{{signature_algorithm::ecdsa, hash_algorithm::sha2_512},
                     "300a06082a8648ce3d040304"},
    known_identifier{{signature_algorithm::ed25519, hash_algorithm::identity}, "300506032b6570"},
};

/// Whether `s` can be made with a key of type `k`.
bool fits(key_type k, signature_scheme s) {
    switch (s.algorithm) {
        case signature_algorithm::rsa_pkcs1:
            return k == key_type::rsa && s.hash != hash_algorithm::identity;
        case signature_algorithm::rsa_pss:
            return k == key_type::rsa && s.hash != hash_algorithm::identity &&
                   s.hash != hash_algorithm::sha1;
        case signature_algorithm::ecdsa:
            return (k == key_type::ecdsa_p256 || k == key_type::ecdsa_p384 ||
                    k == key_type::ecdsa_p521) &&
                   s.hash != hash_algorithm::identity;
        case signature_algorithm::ed25519:
            return k == key_type::ed25519 && s.hash == hash_algorithm::identity;
    }
    return false;
}

std::expected<void, crypto_error> check_fits(const evp_pkey_st* key, signature_scheme s) {
    auto type = key_type_of(key);
    if (!type) return std::unexpected(std::move(type.error()));
    if (!fits(*type, s))
        return std::unexpected(unsupported(to_string(s) + " cannot be used with an " +
                                           std::string(name(*type)) + " key"));
    return {};
}

/// RSA-PSS as RFC 7427 and RFC 8017 §9.1 recommend: MGF1 with the message
/// hash and a salt as long as the hash.
bool set_pss(EVP_PKEY_CTX* pctx, hash_algorithm h) {
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, static_cast<int>(digest_size(h))) == 1 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, digest_name(h), nullptr) == 1;
}

std::expected<md_ctx_ptr, crypto_error> init_ctx(const evp_pkey_st* key, signature_scheme s,
                                                 bool for_signing) {
    md_ctx_ptr ctx(EVP_MD_CTX_new());
    if (!ctx) return std::unexpected(openssl_error(crypto_errc::backend_failure, "EVP_MD_CTX_new"));
    EVP_PKEY_CTX* pctx = nullptr;
    auto* pkey = const_cast<EVP_PKEY*>(key);  // OpenSSL takes a reference, never modifies it
    const char* md = digest_name(s.hash);
    const int ok =
        for_signing
            ? EVP_DigestSignInit_ex(ctx.get(), &pctx, md, nullptr, nullptr, pkey, nullptr)
            : EVP_DigestVerifyInit_ex(ctx.get(), &pctx, md, nullptr, nullptr, pkey, nullptr);
    if (ok != 1)
        return std::unexpected(
            openssl_error(crypto_errc::backend_failure, "cannot set up " + to_string(s)));
    if (s.algorithm == signature_algorithm::rsa_pss && !set_pss(pctx, s.hash))
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "RSA-PSS parameters"));
    return ctx;
}

/// Method 9/10/11: the curve, hash and r/s length RFC 4754 §3 fixes.
struct ecdsa_method {
    key_type curve;
    hash_algorithm hash;
    std::size_t half;
};

std::optional<ecdsa_method> ecdsa_method_of(auth_method m) {
    switch (m) {
        case auth_method::ecdsa_sha256_p256:
            return ecdsa_method{key_type::ecdsa_p256, hash_algorithm::sha2_256, 32};
        case auth_method::ecdsa_sha384_p384:
            return ecdsa_method{key_type::ecdsa_p384, hash_algorithm::sha2_384, 48};
        case auth_method::ecdsa_sha512_p521:
            return ecdsa_method{key_type::ecdsa_p521, hash_algorithm::sha2_512, 66};
        default:
            return std::nullopt;
    }
}

/// DER Ecdsa-Sig-Value to RFC 4754's r | s, each left-padded to `half`.
std::expected<bytes, crypto_error> der_to_raw(bytes_view der, std::size_t half) {
    const unsigned char* p = der.data();
    ecdsa_sig_ptr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig) return std::unexpected(openssl_error(crypto_errc::backend_failure, "d2i_ECDSA_SIG"));
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    bytes out(2 * half);
    if (BN_bn2binpad(r, out.data(), static_cast<int>(half)) < 0 ||
        BN_bn2binpad(s, out.data() + half, static_cast<int>(half)) < 0)
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "ECDSA r|s too long"));
    return out;
}

/// RFC 4754's r | s to the DER form OpenSSL verifies.
std::expected<bytes, crypto_error> raw_to_der(bytes_view raw, std::size_t half) {
    if (raw.size() != 2 * half)
        return std::unexpected(malformed("ECDSA signature of " + std::to_string(raw.size()) +
                                         " octets; the method needs r | s of " +
                                         std::to_string(2 * half)));
    bn_ptr r(BN_bin2bn(raw.data(), static_cast<int>(half), nullptr));
    bn_ptr s(BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr));
    ecdsa_sig_ptr sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "ECDSA_SIG_set0"));
    r.release();  // owned by sig now
    s.release();
    const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (len <= 0)
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "i2d_ECDSA_SIG"));
    bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    i2d_ECDSA_SIG(sig.get(), &p);
    return out;
}

/// The hash inside an AlgorithmIdentifier such as PSS's hashAlgorithm.
std::optional<hash_algorithm> hash_of(const X509_ALGOR* alg) {
    if (alg == nullptr) return hash_algorithm::sha1;  // RSASSA-PSS-params DEFAULT sha1
    const ASN1_OBJECT* obj = nullptr;
    X509_ALGOR_get0(&obj, nullptr, nullptr, alg);
    return hash_of_digest_nid(OBJ_obj2nid(obj));
}

/// RSASSA-PSS-params (RFC 4055 §3.1) as RFC 7427 allows them for IKE: MGF1
/// with the message hash, salt of the hash's length, trailerField 1.
std::expected<signature_scheme, crypto_error> decode_pss_params(int ptype, const void* pval) {
    if (ptype != V_ASN1_SEQUENCE) return std::unexpected(unsupported("RSA-PSS without parameters"));
    const auto* seq = static_cast<const ASN1_STRING*>(pval);
    const unsigned char* p = ASN1_STRING_get0_data(seq);
    pss_params_ptr params(d2i_RSA_PSS_PARAMS(nullptr, &p, ASN1_STRING_length(seq)));
    if (!params) return std::unexpected(malformed("RSA-PSS parameters do not decode"));
    auto hash = hash_of(params->hashAlgorithm);
    if (!hash || *hash == hash_algorithm::sha1)
        return std::unexpected(unsupported("RSA-PSS with a hash other than SHA2-256/384/512"));
    // MGF1's parameter is itself an AlgorithmIdentifier naming its hash.
    std::optional<hash_algorithm> mgf_hash = hash_algorithm::sha1;
    if (params->maskGenAlgorithm != nullptr) {
        const ASN1_OBJECT* obj = nullptr;
        int mtype = 0;
        const void* mval = nullptr;
        X509_ALGOR_get0(&obj, &mtype, &mval, params->maskGenAlgorithm);
        if (OBJ_obj2nid(obj) != NID_mgf1 || mtype != V_ASN1_SEQUENCE)
            return std::unexpected(unsupported("RSA-PSS with a mask generation other than MGF1"));
        const auto* mseq = static_cast<const ASN1_STRING*>(mval);
        const unsigned char* mp = ASN1_STRING_get0_data(mseq);
        algor_ptr mgf_alg(d2i_X509_ALGOR(nullptr, &mp, ASN1_STRING_length(mseq)));
        mgf_hash = mgf_alg ? hash_of(mgf_alg.get()) : std::nullopt;
    }
    if (mgf_hash != hash)
        return std::unexpected(unsupported("RSA-PSS with MGF1 over a different hash"));
    const long salt = params->saltLength ? ASN1_INTEGER_get(params->saltLength) : 20;
    if (salt != static_cast<long>(digest_size(*hash)))
        return std::unexpected(unsupported("RSA-PSS with a " + std::to_string(salt) +
                                           "-octet salt; expected the hash length"));
    if (params->trailerField != nullptr && ASN1_INTEGER_get(params->trailerField) != 1)
        return std::unexpected(unsupported("RSA-PSS with a trailerField other than 1"));
    return signature_scheme{signature_algorithm::rsa_pss, *hash};
}

bool announced(std::span<const hash_algorithm> list, hash_algorithm h) {
    return std::find(list.begin(), list.end(), h) != list.end();
}

std::string list_text(std::span<const hash_algorithm> list) {
    std::string out;
    for (auto h : list) out += (out.empty() ? "" : ", ") + to_string(h);
    return out;
}

}  // namespace

std::string to_string(signature_scheme s) {
    switch (s.algorithm) {
        case signature_algorithm::rsa_pkcs1:
            return "RSA PKCS#1 v1.5 with " + to_string(s.hash);
        case signature_algorithm::rsa_pss:
            return "RSA-PSS with " + to_string(s.hash);
        case signature_algorithm::ecdsa:
            return "ECDSA with " + to_string(s.hash);
        case signature_algorithm::ed25519:
            return s.hash == hash_algorithm::identity ? "Ed25519"
                                                      : "Ed25519 with " + to_string(s.hash);
    }
    return "unknown signature scheme";
}

std::expected<bytes, crypto_error> encode_algorithm_identifier(signature_scheme s) {
    for (const auto& k : known_identifiers)
        if (k.scheme == s) return from_hex(k.hex);
    return std::unexpected(unsupported("no AlgorithmIdentifier for " + to_string(s)));
}

std::expected<signature_scheme, crypto_error> decode_algorithm_identifier(bytes_view der) {
    if (der.empty() || der.size() > static_cast<std::size_t>(INT_MAX))
        return std::unexpected(malformed("empty AlgorithmIdentifier"));
    const unsigned char* p = der.data();
    algor_ptr alg(d2i_X509_ALGOR(nullptr, &p, static_cast<long>(der.size())));
    ERR_clear_error();
    if (!alg || p != der.data() + der.size())
        return std::unexpected(malformed("the AlgorithmIdentifier is not one DER object"));
    const ASN1_OBJECT* obj = nullptr;
    int ptype = 0;
    const void* pval = nullptr;
    X509_ALGOR_get0(&obj, &ptype, &pval, alg.get());
    const int nid = OBJ_obj2nid(obj);
    // PKCS#1 v1.5 identifiers carry NULL (RFC 4055 §5), though some encoders
    // omit it; ECDSA (RFC 5758 §3.2) and Ed25519 (RFC 8410 §3) have none.
    using sa = signature_algorithm;
    auto with = [&](sa a, hash_algorithm h) -> std::expected<signature_scheme, crypto_error> {
        const bool ok = ptype == V_ASN1_UNDEF || (a == sa::rsa_pkcs1 && ptype == V_ASN1_NULL);
        if (!ok)
            return std::unexpected(
                unsupported("unexpected parameters for " + to_string(signature_scheme{a, h})));
        return signature_scheme{a, h};
    };
    switch (nid) {
        case NID_sha1WithRSAEncryption:
            return with(sa::rsa_pkcs1, hash_algorithm::sha1);
        case NID_sha256WithRSAEncryption:
            return with(sa::rsa_pkcs1, hash_algorithm::sha2_256);
        case NID_sha384WithRSAEncryption:
            return with(sa::rsa_pkcs1, hash_algorithm::sha2_384);
        case NID_sha512WithRSAEncryption:
            return with(sa::rsa_pkcs1, hash_algorithm::sha2_512);
        case NID_ecdsa_with_SHA1:
            return with(sa::ecdsa, hash_algorithm::sha1);
        case NID_ecdsa_with_SHA256:
            return with(sa::ecdsa, hash_algorithm::sha2_256);
        case NID_ecdsa_with_SHA384:
            return with(sa::ecdsa, hash_algorithm::sha2_384);
        case NID_ecdsa_with_SHA512:
            return with(sa::ecdsa, hash_algorithm::sha2_512);
        case NID_ED25519:
            return with(sa::ed25519, hash_algorithm::identity);
        case NID_rsassaPss:
            return decode_pss_params(ptype, pval);
        default:
            break;
    }
    char oid[80] = {};
    OBJ_obj2txt(oid, sizeof oid, obj, 1);
    return std::unexpected(unsupported(std::string("signature algorithm OID ") + oid));
}

std::expected<bytes, crypto_error> sign(const private_key& key, signature_scheme s,
                                        bytes_view data) {
    if (!fits(key.type(), s))
        return std::unexpected(unsupported(to_string(s) + " cannot be made with an " +
                                           std::string(name(key.type())) + " key"));
    auto ctx = init_ctx(key.native(), s, true);
    if (!ctx) return std::unexpected(std::move(ctx.error()));
    std::size_t len = 0;
    if (EVP_DigestSign(ctx->get(), nullptr, &len, data.data(), data.size()) != 1)
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "EVP_DigestSign size"));
    bytes out(len);
    if (EVP_DigestSign(ctx->get(), out.data(), &len, data.data(), data.size()) != 1)
        return std::unexpected(openssl_error(crypto_errc::backend_failure, "EVP_DigestSign"));
    out.resize(len);
    return out;
}

std::expected<void, crypto_error> verify(const evp_pkey_st* public_key, signature_scheme s,
                                         bytes_view data, bytes_view sig) {
    if (auto ok = check_fits(public_key, s); !ok) return ok;
    auto ctx = init_ctx(public_key, s, false);
    if (!ctx) return std::unexpected(std::move(ctx.error()));
    const int rc = EVP_DigestVerify(ctx->get(), sig.data(), sig.size(), data.data(), data.size());
    // 0 is a wrong signature; a negative result is OpenSSL failing to parse
    // it (a mangled DER ECDSA value): to the caller both are a bad signature.
    ERR_clear_error();
    if (rc != 1)
        return std::unexpected(crypto_error{crypto_errc::integrity_check_failed,
                                            to_string(s) + " signature does not verify"});
    return {};
}

std::expected<signature_scheme, crypto_error> choose_signature_scheme(
    key_type key, std::span<const hash_algorithm> peer_hashes, bool rsa_pss) {
    using h = hash_algorithm;
    if (peer_hashes.empty())
        return std::unexpected(unsupported(
            "the peer sent no SIGNATURE_HASH_ALGORITHMS, so RFC 7427 signatures (AUTH method "
            "14) cannot be used with it"));
    auto first_announced = [&](std::initializer_list<h> prefs) -> std::optional<h> {
        for (auto p : prefs)
            if (announced(peer_hashes, p)) return p;
        return std::nullopt;
    };
    std::optional<h> hash;
    signature_algorithm alg = signature_algorithm::ecdsa;
    switch (key) {
        case key_type::ed25519:
            if (announced(peer_hashes, h::identity))
                return signature_scheme{signature_algorithm::ed25519, h::identity};
            break;
        case key_type::rsa:
            alg = rsa_pss ? signature_algorithm::rsa_pss : signature_algorithm::rsa_pkcs1;
            hash = first_announced({h::sha2_256, h::sha2_384, h::sha2_512});
            break;
        case key_type::ecdsa_p256:
            hash = first_announced({h::sha2_256, h::sha2_384, h::sha2_512});
            break;
        case key_type::ecdsa_p384:
            hash = first_announced({h::sha2_384, h::sha2_256, h::sha2_512});
            break;
        case key_type::ecdsa_p521:
            hash = first_announced({h::sha2_512, h::sha2_256, h::sha2_384});
            break;
    }
    if (hash) return signature_scheme{alg, *hash};
    return std::unexpected(unsupported(
        "the peer's SIGNATURE_HASH_ALGORITHMS (" + list_text(peer_hashes) + ") offer no hash for " +
        std::string(name(key)) +
        (key == key_type::ed25519 ? " (it needs IDENTITY, RFC 8420)" : " (it needs SHA2)")));
}

std::expected<auth_method, crypto_error> auth_method_for(key_type key) {
    switch (key) {
        case key_type::rsa:
            return auth_method::rsa_sig;
        case key_type::ecdsa_p256:
            return auth_method::ecdsa_sha256_p256;
        case key_type::ecdsa_p384:
            return auth_method::ecdsa_sha384_p384;
        case key_type::ecdsa_p521:
            return auth_method::ecdsa_sha512_p521;
        case key_type::ed25519:
            break;
    }
    return std::unexpected(unsupported(
        "Ed25519 keys need RFC 7427 signatures (AUTH method 14), and the peer did not announce "
        "SIGNATURE_HASH_ALGORITHMS with IDENTITY"));
}

std::expected<bytes, crypto_error> build_auth_signature(const private_key& key, auth_method method,
                                                        signature_scheme scheme,
                                                        bytes_view octets) {
    if (method == auth_method::rsa_sig)
        return sign(key, {signature_algorithm::rsa_pkcs1, hash_algorithm::sha1}, octets);
    if (auto ec = ecdsa_method_of(method)) {
        if (key.type() != ec->curve)
            return std::unexpected(unsupported("AUTH method " + to_string(method) + " needs an " +
                                               std::string(name(ec->curve)) + " key, not " +
                                               std::string(name(key.type()))));
        auto der = sign(key, {signature_algorithm::ecdsa, ec->hash}, octets);
        if (!der) return der;
        return der_to_raw(*der, ec->half);
    }
    if (method != auth_method::digital_signature)
        return std::unexpected(
            unsupported("AUTH method " + to_string(method) + " is not a signature method"));
    auto alg_id = encode_algorithm_identifier(scheme);
    if (!alg_id) return alg_id;
    auto sig = sign(key, scheme, octets);
    if (!sig) return sig;
    bytes out;
    out.reserve(1 + alg_id->size() + sig->size());
    out.push_back(static_cast<std::uint8_t>(alg_id->size()));  // all known ones are < 256
    out.insert(out.end(), alg_id->begin(), alg_id->end());
    out.insert(out.end(), sig->begin(), sig->end());
    return out;
}

std::expected<signature_scheme, crypto_error> verify_auth_signature(
    const evp_pkey_st* public_key, auth_method method, bytes_view auth_data, bytes_view octets,
    std::span<const hash_algorithm> our_hashes) {
    if (method == auth_method::rsa_sig) {
        const signature_scheme s{signature_algorithm::rsa_pkcs1, hash_algorithm::sha1};
        if (auto ok = verify(public_key, s, octets, auth_data); !ok)
            return std::unexpected(std::move(ok.error()));
        return s;
    }
    if (auto ec = ecdsa_method_of(method)) {
        auto type = key_type_of(public_key);
        if (!type) return std::unexpected(std::move(type.error()));
        if (*type != ec->curve)
            return std::unexpected(unsupported("the peer used AUTH method " + to_string(method) +
                                               " but its certificate holds an " +
                                               std::string(name(*type)) + " key"));
        auto der = raw_to_der(auth_data, ec->half);
        if (!der) return std::unexpected(std::move(der.error()));
        const signature_scheme s{signature_algorithm::ecdsa, ec->hash};
        if (auto ok = verify(public_key, s, octets, *der); !ok)
            return std::unexpected(std::move(ok.error()));
        return s;
    }
    if (method != auth_method::digital_signature)
        return std::unexpected(
            unsupported("AUTH method " + to_string(method) + " is not a signature method"));
    if (auth_data.empty() || auth_data[0] == 0 || auth_data.size() <= 1u + auth_data[0])
        return std::unexpected(
            malformed("AUTH data too short for its AlgorithmIdentifier length prefix"));
    const std::size_t id_len = auth_data[0];
    auto scheme = decode_algorithm_identifier(auth_data.subspan(1, id_len));
    if (!scheme) return std::unexpected(std::move(scheme.error()));
    if (!announced(our_hashes, scheme->hash))
        return std::unexpected(unsupported("the peer signed with " + to_string(*scheme) +
                                           ", a hash we did not announce in "
                                           "SIGNATURE_HASH_ALGORITHMS (" +
                                           list_text(our_hashes) + ")"));
    if (auto ok = verify(public_key, *scheme, octets, auth_data.subspan(1 + id_len)); !ok)
        return std::unexpected(std::move(ok.error()));
    return *scheme;
}

}  // namespace ike
