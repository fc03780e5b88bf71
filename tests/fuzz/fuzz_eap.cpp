// libFuzzer target for the EAP layer (libike/eap). Properties checked on
// every input:
//  1. decode_eap_packet and the MSCHAPv2 type-data decoders never crash, and
//     what decodes re-encodes to the same bytes;
//  2. the gateway's session (local backend, EAP-MSCHAPv2) takes the input
//     as the peer's answer to its Challenge and never crashes, and never
//     accepts it as the right password (the fuzzer cannot know it);
//  3. the peer side takes the input as a server's request without crashing;
//  4. EAP-TLS: the fragment decoder round-trips what it accepts, the
//     gateway's EAP-TLS session takes the input as the peer's answer to its
//     Start (never a success: no client certificate can be in one packet
//     that also finishes the handshake), and the EAP-TLS peer takes it as a
//     server's request after a Start.
// The session's identifiers are random but fixed here; the harness writes
// them into the input so the fuzzer reaches the method rather than stopping
// at the identifier check.
#include <cstddef>
#include <cstdint>
#include <variant>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>

#include "libike/crypto/cert_validation.hpp"
#include "libike/crypto/private_key.hpp"
#include "libike/crypto/random_source.hpp"
#include "libike/eap/eap_packet.hpp"
#include "libike/eap/eap_peer.hpp"
#include "libike/eap/eap_tls_fragments.hpp"
#include "libike/eap/eap_tls_peer.hpp"
#include "libike/eap/local_backend.hpp"
#include "libike/eap/mschapv2_packet.hpp"

namespace {

using namespace ike;

void check_packet(bytes_view input) {
    auto p = decode_eap_packet(input);
    if (!p) return;
    if (encode_eap_packet(*p) != bytes(input.begin(), input.end())) __builtin_trap();
    if (p->type != eap_type::mschapv2) return;
    if (auto c = mschapv2::decode_challenge(p->data); c && mschapv2::encode(*c) != p->data)
        __builtin_trap();
    if (auto m = mschapv2::decode_message(p->data); m && mschapv2::encode(*m) != p->data)
        __builtin_trap();
    (void)mschapv2::decode_response(p->data);
}

void check_server(bytes input) {
    static const eap_user_store users = [] {
        eap_user_store u;
        u.add("carol", secret(as_view("a password no fuzzer guesses")));
        return u;
    }();
    local_backend backend(users);
    deterministic_random random(1);
    eap_session_params params;
    params.random = &random;
    auto session = backend.create_session(params);
    if (!session) __builtin_trap();  // the legacy provider is missing
    const eap_step first = (*session)->start("carol");
    const auto* challenge = std::get_if<eap_request_step>(&first);
    if (challenge == nullptr) __builtin_trap();
    if (input.size() > 1) input[1] = challenge->packet[1];  // EAP Identifier
    if (input.size() > 6) input[6] = challenge->packet[6];  // MS-CHAPv2-ID
    const eap_step step = (*session)->process(input);
    if (const auto* r = std::get_if<eap_request_step>(&step); r != nullptr && !r->failing)
        __builtin_trap();  // a Success Request: the fuzzer proved a password
}

void check_peer(bytes_view input) {
    deterministic_random random(2);
    eap_peer peer("carol", secret(as_view("pw")), random);
    (void)peer.process(input);
}

/// A self-signed gateway certificate, its key and a trust store holding it,
/// made once with OpenSSL (no key material lives in the repository).
struct tls_fixture {
    private_key key;
    certificate cert;
    trust_store trust;

    static tls_fixture make() {
        EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        X509* x = X509_new();
        if (k == nullptr || x == nullptr) __builtin_trap();
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
        X509_NAME* name = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>("vpn.example.org"), -1,
                                   -1, 0);
        X509_set_issuer_name(x, name);
        ASN1_TIME_set(X509_getm_notBefore(x), 0);
        ASN1_TIME_set(X509_getm_notAfter(x), 4102444800);  // 2100-01-01
        X509_set_pubkey(x, k);
        if (X509_sign(x, k, EVP_sha256()) <= 0) __builtin_trap();
        certificate cert(x);
        auto store = trust_store::create(std::span<const certificate>(&cert, 1));
        if (!store) __builtin_trap();
        return tls_fixture{private_key(k, key_type::ecdsa_p256), cert, std::move(*store)};
    }
};

const tls_fixture& fixture() {
    static const tls_fixture f = tls_fixture::make();
    return f;
}

const cert_time fuzz_now = cert_time{std::chrono::seconds{1800000000}};

void check_tls_fragment(bytes_view input) {
    auto f = eap_tls::decode_fragment(input);
    if (f && eap_tls::encode_fragment(*f) != bytes(input.begin(), input.end())) __builtin_trap();
}

void check_tls_server(bytes input) {
    static const eap_user_store users;
    local_backend backend(users);
    deterministic_random random(3);
    eap_session_params params;
    params.methods = {eap_type::tls};
    params.random = &random;
    params.tls_certificate = &fixture().cert;
    params.tls_key = &fixture().key;
    params.tls_trust = &fixture().trust;
    params.now = fuzz_now;
    auto session = backend.create_session(params);
    if (!session) __builtin_trap();
    const eap_step first = (*session)->start("carol@example.org");
    const auto* start = std::get_if<eap_request_step>(&first);
    if (start == nullptr) __builtin_trap();
    if (input.size() > 1) input[1] = start->packet[1];  // EAP Identifier
    if (std::holds_alternative<eap_success_step>((*session)->process(input))) __builtin_trap();
}

void check_tls_peer(bytes_view input) {
    eap_tls_peer_config config;
    config.identity = "carol@example.org";
    config.trust = &fixture().trust;
    config.now = fuzz_now;
    eap_tls_peer peer(config);
    const std::uint8_t start[] = {1, 7, 0, 6, 13, eap_tls::flag_start};
    (void)peer.process(start);
    if (std::holds_alternative<peer_success>(peer.process(input))) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    bytes_view input(data, size);
    check_packet(input);
    check_server(bytes(input.begin(), input.end()));
    check_peer(input);
    if (size > 5) check_tls_fragment(input.subspan(5));
    check_tls_server(bytes(input.begin(), input.end()));
    check_tls_peer(input);
    return 0;
}
