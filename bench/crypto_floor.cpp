// crypto_floor: the crypto an IKEv2 responder cannot avoid per IKE_SA (PSK,
// AEAD proposal such as aes128gcm16-prfsha256-x25519), straight on OpenSSL 3,
// without any of libike. bench/ikev2-establish prints the responder's CPU per
// IKE_SA as a multiple of it.
//
// Per IKE_SA, as a responder does it:
//   - one key pair of the group, the initiator's public value parsed, one
//     derivation (g^ir), and 32 random bytes for Nr;
//   - SKEYSEED = prf(Ni | Nr, g^ir), then prf+ for SK_d, SK_ei/er (AEAD:
//     key + 4-byte salt), SK_pi/pr (RFC 7296 §2.14);
//   - the two PSK AUTH values (the initiator's checked, ours made), each
//     prf(prf(PSK, "Key Pad for IKEv2"), octets | prf(SK_p, ID)) (§2.15);
//   - AES-GCM open of the IKE_AUTH request and seal of the response
//     (~300 bytes each);
//   - the four NAT detection SHA-1 hashes (two checked, two sent, §2.23).
//
// With --cert FILE --key FILE --cacert FILE (ECDSA-P256 certificate auth),
// each IKE_SA also pays what certificate authentication adds on top
// (`cert_us`): the peer's certificate parsed from DER (its CERT payload), its
// chain of one checked against the CA (X509_verify_cert), the peer's AUTH
// signature verified with its public key, and our own AUTH signed (ECDSA
// with SHA-256 over ~500 bytes of octets). The PSK AUTH values stay in:
// a certificate responder does not compute them, but they are two HMACs,
// well under 1 % of a signature.
//
// Two ways: `fresh` fetches algorithms and creates every context per IKE_SA
// (what straightforward code does), `reused` fetches once and reuses
// contexts. With X25519 a third way, `sodium`, is the reused one with the
// key exchange on libsodium, as ikev2d does it (libike/crypto/ke_x25519.hpp).
// Each prints one key=value line:
//   mode=fresh group=x25519 iterations=… per_sa_us=… ke_us=… prf_us=… aead_us=… natd_us=…
//   [cert_us=…]
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bytes = std::vector<unsigned char>;

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "crypto_floor: %s failed\n", what);
    std::exit(1);
}

// Algorithms fetched once and contexts kept (reused mode); in fresh mode
// each operation fetches its algorithm and makes its context.
struct algorithms {
    bool reuse = false;
    bool sodium = false;  ///< X25519 on libsodium (reuse is set too)
    EVP_MAC* hmac = nullptr;
    EVP_CIPHER* gcm = nullptr;
    EVP_MD* sha1 = nullptr;
    EVP_MAC_CTX* mac_ctx = nullptr;
    EVP_CIPHER_CTX* cipher_ctx = nullptr;
    EVP_MD_CTX* md_ctx = nullptr;
    EVP_PKEY_CTX* keygen = nullptr;  ///< of the group, initialised once

    void fetch(EVP_PKEY* group_key) {
        keygen = EVP_PKEY_CTX_new_from_pkey(nullptr, group_key, nullptr);
        if (!keygen || EVP_PKEY_keygen_init(keygen) <= 0) die("keygen context");
        hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        gcm = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
        sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
        mac_ctx = EVP_MAC_CTX_new(hmac);
        cipher_ctx = EVP_CIPHER_CTX_new();
        md_ctx = EVP_MD_CTX_new();
        if (!hmac || !gcm || !sha1 || !mac_ctx || !cipher_ctx || !md_ctx) die("fetch");
    }
    void release() {
        EVP_PKEY_CTX_free(keygen);
        EVP_MAC_CTX_free(mac_ctx);
        EVP_CIPHER_CTX_free(cipher_ctx);
        EVP_MD_CTX_free(md_ctx);
        EVP_MAC_free(hmac);
        EVP_CIPHER_free(gcm);
        EVP_MD_free(sha1);
    }
};

// HMAC-SHA-256(key, parts...).
bytes hmac(algorithms& a, const bytes& key, std::initializer_list<const bytes*> parts) {
    EVP_MAC* mac = a.reuse ? a.hmac : EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = a.reuse ? a.mac_ctx : EVP_MAC_CTX_new(mac);
    if (!ctx) die("HMAC");
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_END};
    if (!EVP_MAC_init(ctx, key.data(), key.size(), params)) die("EVP_MAC_init");
    for (const bytes* p : parts)
        if (!EVP_MAC_update(ctx, p->data(), p->size())) die("EVP_MAC_update");
    bytes out(32);
    std::size_t len = 0;
    if (!EVP_MAC_final(ctx, out.data(), &len, out.size())) die("EVP_MAC_final");
    if (!a.reuse) {
        EVP_MAC_CTX_free(ctx);
        EVP_MAC_free(mac);
    }
    return out;
}

// prf+ (§2.13) for `length` bytes.
bytes prf_plus(algorithms& a, const bytes& key, const bytes& seed, std::size_t length) {
    bytes out, t;
    for (unsigned char i = 1; out.size() < length; ++i) {
        const bytes counter{i};
        t = hmac(a, key, {&t, &seed, &counter});
        out.insert(out.end(), t.begin(), t.end());
    }
    out.resize(length);
    return out;
}

void gcm(algorithms& a, bool encrypt, const bytes& key, const bytes& in, bytes& out) {
    EVP_CIPHER* cipher = a.reuse ? a.gcm : EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
    EVP_CIPHER_CTX* ctx = a.reuse ? a.cipher_ctx : EVP_CIPHER_CTX_new();
    if (!cipher || !ctx) die("AES-GCM");
    std::array<unsigned char, 12> iv{};
    std::array<unsigned char, 16> tag{};
    std::array<unsigned char, 28> aad{};
    int len = 0;
    if (!EVP_CipherInit_ex2(ctx, cipher, key.data(), iv.data(), encrypt ? 1 : 0, nullptr))
        die("EVP_CipherInit_ex2");
    if (!EVP_CipherUpdate(ctx, nullptr, &len, aad.data(), aad.size())) die("aad");
    out.resize(in.size());
    if (!EVP_CipherUpdate(ctx, out.data(), &len, in.data(), static_cast<int>(in.size())))
        die("EVP_CipherUpdate");
    if (!encrypt) EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, tag.size(), tag.data());
    // Decryption with a made-up tag fails its check; the work is the same.
    (void)EVP_CipherFinal_ex(ctx, out.data() + len, &len);
    if (encrypt) EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, tag.size(), tag.data());
    if (!a.reuse) {
        EVP_CIPHER_CTX_free(ctx);
        EVP_CIPHER_free(cipher);
    }
}

void sha1(algorithms& a, const bytes& in, bytes& out) {
    EVP_MD* md = a.reuse ? a.sha1 : EVP_MD_fetch(nullptr, "SHA1", nullptr);
    EVP_MD_CTX* ctx = a.reuse ? a.md_ctx : EVP_MD_CTX_new();
    out.resize(20);
    unsigned len = 0;
    if (!md || !ctx || !EVP_DigestInit_ex2(ctx, md, nullptr) ||
        !EVP_DigestUpdate(ctx, in.data(), in.size()) || !EVP_DigestFinal_ex(ctx, out.data(), &len))
        die("SHA-1");
    if (!a.reuse) {
        EVP_MD_CTX_free(ctx);
        EVP_MD_free(md);
    }
}

struct group_spec {
    std::string name;
    EVP_PKEY* peer = nullptr;  ///< the initiator's key pair; its public value is parsed per SA
    bytes peer_public;
};

EVP_PKEY* generate(const std::string& group) {
    if (group == "x25519") return EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
    if (group == "ecp256") return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    if (group == "modp2048") {
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr);
        char name[] = "modp_2048";
        const OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, name, 0), OSSL_PARAM_END};
        EVP_PKEY* k = nullptr;
        if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0 || !EVP_PKEY_CTX_set_params(ctx, params) ||
            EVP_PKEY_generate(ctx, &k) <= 0)
            die("modp_2048 keygen");
        EVP_PKEY_CTX_free(ctx);
        return k;
    }
    std::fprintf(stderr, "crypto_floor: unknown group '%s' (x25519, ecp256, modp2048)\n",
                 group.c_str());
    std::exit(2);
}

bytes public_value(EVP_PKEY* k) {
    bytes out(1024);
    std::size_t len = 0;
    if (!EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out.data(),
                                         out.size(), &len))
        die("public value");
    out.resize(len);
    return out;
}

// The responder's key exchange: our key pair, the peer's value parsed into a
// key of the same group, the shared secret.
bytes key_exchange(const group_spec& g, algorithms& a) {
    if (a.sodium) {
        unsigned char priv[32], ours_public[32];
        bytes secret(32);
        if (RAND_bytes(priv, sizeof priv) != 1 ||
            crypto_scalarmult_curve25519_base(ours_public, priv) != 0 ||
            crypto_scalarmult_curve25519(secret.data(), priv, g.peer_public.data()) != 0)
            die("libsodium X25519");
        return secret;
    }
    EVP_PKEY* ours = nullptr;
    if (a.reuse) {
        if (EVP_PKEY_generate(a.keygen, &ours) <= 0) die("keygen");
    } else {
        ours = generate(g.name);
    }
    EVP_PKEY* peer = nullptr;
    if (g.name == "x25519") {
        peer = EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, g.peer_public.data(),
                                              g.peer_public.size());
    } else {
        peer = EVP_PKEY_new();
        if (!peer || !EVP_PKEY_copy_parameters(peer, ours) ||
            !EVP_PKEY_set1_encoded_public_key(peer, g.peer_public.data(), g.peer_public.size()))
            die("peer public value");
    }
    if (!peer) die("peer public value");
    (void)public_value(ours);  // KEr goes into the response
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(ours, nullptr);
    std::size_t len = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx) <= 0 || EVP_PKEY_derive_set_peer(ctx, peer) <= 0 ||
        EVP_PKEY_derive(ctx, nullptr, &len) <= 0)
        die("derive");
    bytes secret(len);
    if (EVP_PKEY_derive(ctx, secret.data(), &len) <= 0) die("derive");
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(peer);
    EVP_PKEY_free(ours);
    return secret;
}

struct timings {
    double ke = 0, prf = 0, aead = 0, natd = 0, cert = 0;
    double total() const { return ke + prf + aead + natd + cert; }
};

// The certificate part, loaded once as a daemon loads its configuration:
// the CA store, the peer's certificate as it arrives (DER), a signature the
// peer made, and our key.
struct cert_floor {
    X509_STORE* store = nullptr;
    bytes peer_der;
    bytes peer_signature;
    EVP_PKEY* key = nullptr;
    bytes octets = bytes(500, 0x44);
};

X509* read_cert(const std::string& file) {
    FILE* f = std::fopen(file.c_str(), "r");
    if (!f) die(("open " + file).c_str());
    X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    if (!x) die(("PEM_read_X509 " + file).c_str());
    return x;
}

bytes ecdsa_sign(EVP_PKEY* key, const bytes& data) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    if (!ctx ||
        EVP_DigestSignInit_ex(ctx, nullptr, "SHA256", nullptr, nullptr, key, nullptr) <= 0 ||
        EVP_DigestSign(ctx, nullptr, &len, data.data(), data.size()) <= 0)
        die("sign");
    bytes sig(len);
    if (EVP_DigestSign(ctx, sig.data(), &len, data.data(), data.size()) <= 0) die("sign");
    sig.resize(len);
    EVP_MD_CTX_free(ctx);
    return sig;
}

cert_floor load_cert_floor(const std::string& cert, const std::string& key_file,
                           const std::string& cacert) {
    cert_floor c;
    c.store = X509_STORE_new();
    X509* ca = read_cert(cacert);
    if (!c.store || X509_STORE_add_cert(c.store, ca) != 1) die("X509_STORE_add_cert");
    X509_free(ca);
    X509* peer = read_cert(cert);
    unsigned char* der = nullptr;
    const int len = i2d_X509(peer, &der);
    if (len <= 0) die("i2d_X509");
    c.peer_der.assign(der, der + len);
    OPENSSL_free(der);
    X509_free(peer);
    FILE* f = std::fopen(key_file.c_str(), "r");
    if (!f) die(("open " + key_file).c_str());
    c.key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    if (!c.key) die(("PEM_read_PrivateKey " + key_file).c_str());
    // The peer's key signs here; ours is the same kind of key, so one
    // key serves both sides.
    c.peer_signature = ecdsa_sign(c.key, c.octets);
    return c;
}

// What certificate auth adds per IKE_SA: the peer's certificate parsed and
// its chain checked, its signature verified, ours made.
void cert_auth(const cert_floor& c) {
    const unsigned char* p = c.peer_der.data();
    X509* peer = d2i_X509(nullptr, &p, static_cast<long>(c.peer_der.size()));
    X509_STORE_CTX* ctx = X509_STORE_CTX_new();
    if (!peer || !ctx || X509_STORE_CTX_init(ctx, c.store, peer, nullptr) != 1 ||
        X509_verify_cert(ctx) != 1)
        die("X509_verify_cert");
    X509_STORE_CTX_free(ctx);
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    if (!md ||
        EVP_DigestVerifyInit_ex(md, nullptr, "SHA256", nullptr, nullptr, X509_get0_pubkey(peer),
                                nullptr) <= 0 ||
        EVP_DigestVerify(md, c.peer_signature.data(), c.peer_signature.size(), c.octets.data(),
                         c.octets.size()) != 1)
        die("verify");
    EVP_MD_CTX_free(md);
    X509_free(peer);
    (void)ecdsa_sign(c.key, c.octets);
}

// CPU time of this thread, not wall time: the machine is shared, and the
// responder's cost is read as CPU time too.
struct cpu_clock {
    using time_point = double;
    static double now() {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
    }
};

double us_since(double t0) {
    return cpu_clock::now() - t0;
}

void one_sa(const group_spec& g, algorithms& a, timings& t, const cert_floor* c) {
    static const bytes ni(32, 0x11), psk(32, 0x22), key_pad{'K', 'e', 'y', ' ', 'P', 'a', 'd'},
        id(16, 0x33), octets(400, 0x44), request(300, 0x55), response(250, 0x66),
        natd_input(30, 0x77);
    auto t0 = cpu_clock::now();
    bytes nr(32);
    if (RAND_bytes(nr.data(), static_cast<int>(nr.size())) != 1) die("RAND_bytes");
    const bytes gir = key_exchange(g, a);
    t.ke += us_since(t0);

    t0 = cpu_clock::now();
    bytes nonces = ni;
    nonces.insert(nonces.end(), nr.begin(), nr.end());
    const bytes skeyseed = hmac(a, nonces, {&gir});
    const bytes keymat = prf_plus(a, skeyseed, nonces, 32 + 2 * 20 + 2 * 32);
    const bytes sk_ei(keymat.begin() + 32, keymat.begin() + 48);
    const bytes sk_p(keymat.begin() + 72, keymat.begin() + 104);
    for (int side = 0; side < 2; ++side) {
        const bytes mac_id = hmac(a, sk_p, {&id});
        const bytes pad = hmac(a, psk, {&key_pad});
        (void)hmac(a, pad, {&octets, &mac_id});
    }
    t.prf += us_since(t0);

    t0 = cpu_clock::now();
    bytes out;
    gcm(a, false, sk_ei, request, out);
    gcm(a, true, sk_ei, response, out);
    t.aead += us_since(t0);

    t0 = cpu_clock::now();
    for (int i = 0; i < 4; ++i) sha1(a, natd_input, out);
    t.natd += us_since(t0);

    if (!c) return;
    t0 = cpu_clock::now();
    cert_auth(*c);
    t.cert += us_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
    unsigned iterations = 2000;
    std::string group = "x25519", cert, key, cacert;
    const char* usage =
        "usage: crypto_floor [--iterations N] [--group G] [--cert FILE --key FILE --cacert FILE]\n";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view k = argv[i], v = argv[i + 1];
        if (k == "--iterations")
            std::from_chars(v.data(), v.data() + v.size(), iterations);
        else if (k == "--group")
            group = v;
        else if (k == "--cert")
            cert = v;
        else if (k == "--key")
            key = v;
        else if (k == "--cacert")
            cacert = v;
        else {
            std::fputs(usage, stderr);
            return 2;
        }
    }
    if (argc % 2 == 0 || cert.empty() != key.empty() || cert.empty() != cacert.empty()) {
        std::fputs(usage, stderr);
        return 2;
    }
    std::optional<cert_floor> certs;
    if (!cert.empty()) certs = load_cert_floor(cert, key, cacert);
    group_spec g{group, nullptr, {}};
    g.peer = generate(group);
    g.peer_public = public_value(g.peer);
    if (sodium_init() < 0) die("sodium_init");
    for (std::string_view mode : {"fresh", "reused", "sodium"}) {
        if (mode == "sodium" && group != "x25519") break;
        const bool reuse = mode != "fresh";
        algorithms a{reuse, mode == "sodium"};
        if (reuse) a.fetch(g.peer);
        timings warm;
        const cert_floor* c = certs ? &*certs : nullptr;
        for (unsigned i = 0; i < iterations / 10 + 1; ++i) one_sa(g, a, warm, c);
        timings t;
        for (unsigned i = 0; i < iterations; ++i) one_sa(g, a, t, c);
        if (reuse) a.release();
        const double n = iterations;
        std::printf(
            "mode=%s group=%s iterations=%u per_sa_us=%.1f ke_us=%.1f prf_us=%.1f aead_us=%.1f "
            "natd_us=%.1f",
            std::string(mode).c_str(), group.c_str(), iterations, t.total() / n, t.ke / n,
            t.prf / n, t.aead / n, t.natd / n);
        if (certs) std::printf(" cert_us=%.1f", t.cert / n);
        std::printf("\n");
    }
    if (certs) {
        X509_STORE_free(certs->store);
        EVP_PKEY_free(certs->key);
    }
    EVP_PKEY_free(g.peer);
    return 0;
}
