// ike_selfcheck: the demo's look inside libike. It replays a real IKEv2
// exchange between two strongSwan 5.9.8 peers (tests/data/charon), and with
// our own codec and crypto: prints each message as charon's log would,
// derives the IKE_SA keys from the Diffie-Hellman secret charon logged,
// decrypts every SK payload, verifies both PSK AUTH payloads and derives the
// CHILD_SA keys. Each check prints "ok" or "FAILED"; the exit code says whether
// all passed.
//   ike_selfcheck DATA_DIR [SCENARIO]   (default scenario: gcm-x25519)
#include <cstdio>
#include <string>

#include "libike/codec/message_summary.hpp"
#include "libike/crypto/key_exchange.hpp"
#include "libike/crypto/keymat.hpp"
#include "libike/crypto/prf.hpp"
#include "libike/crypto/sk_cipher.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/engine/negotiated_algorithms.hpp"
#include "libike/proposal/proposal_string.hpp"
#include "tests/support/charon_capture.hpp"

namespace {

using namespace ike;

int failures = 0;

void check(bool ok, const std::string& what) {
    std::printf("  %-64s %s\n", what.c_str(), ok ? "ok" : "FAILED");
    if (!ok) ++failures;
}

bytes bytes_of(const secret& s) {
    return bytes(s.view().begin(), s.view().end());
}

// Our own Diffie-Hellman first: two fresh X25519 key pairs agree.
void key_exchange_self_test() {
    std::printf("Our X25519 key exchange (OpenSSL 3):\n");
    openssl_random rng;
    auto a = make_key_exchange(ke_group::curve25519, rng);
    auto b = make_key_exchange(ke_group::curve25519, rng);
    bool ok = a && b;
    if (ok) {
        auto ab = (*a)->shared_secret((*b)->public_value());
        auto ba = (*b)->shared_secret((*a)->public_value());
        ok = ab && ba && *ab == *ba;
    }
    check(ok, "two fresh key pairs derive the same shared secret");
}

// RFC 7296 §2.15: AUTH = prf(prf(PSK, "Key Pad for IKEv2"), signed octets).
bool psk_auth_matches(const testing::charon_scenario& sc, prf_id alg, const std::string& who) {
    auto pad = prf::create(alg, sc.hex("psk"));
    if (!pad) return false;
    auto pad_key = pad->compute(as_view("Key Pad for IKEv2"));
    if (!pad_key) return false;
    auto auth_prf = prf::create(alg, pad_key->view());
    if (!auth_prf) return false;
    auto auth = auth_prf->compute(sc.hex("auth_octets_" + who));
    return auth && bytes_of(*auth) == sc.hex("auth_" + who);
}

// CHILD_SA KEYMAT (§2.17) with the engine's ESP key layout.
bool child_keys_match(const testing::charon_scenario& sc, prf_id alg, const secret& sk_d) {
    auto esp = parse_esp_proposal(sc.get("esp_proposal"));
    if (!esp) return false;
    auto lengths = esp_key_lengths(*esp);
    auto sk_d_prf = prf::create(alg, sk_d.view());
    if (!lengths || !sk_d_prf) return false;
    auto child = derive_child_sa_keys(*sk_d_prf, sc.hex("ni"), sc.hex("nr"),
                                      {lengths->first, lengths->second});
    return child && bytes_of(child->encr_i) == sc.hex("child_sk_ei") &&
           bytes_of(child->encr_r) == sc.hex("child_sk_er");
}

int replay_scenario(const testing::charon_scenario& sc) {
    auto ike = parse_ike_proposal(sc.get("ike_proposal"));
    auto chosen = ike ? ike_algorithms_of(*ike) : std::nullopt;
    if (!chosen || sc.messages.size() < 4) {
        std::printf("  cannot read the scenario %s\n", sc.dir.c_str());
        return 1;
    }
    const ike_algorithms& alg = *chosen;
    std::printf("\nA real strongSwan exchange (%s), IKE proposal %s:\n", sc.dir.c_str(),
                to_string(*ike).c_str());

    auto skeyseed = derive_skeyseed(alg.prf, sc.hex("ni"), sc.hex("nr"), secret(sc.hex("g_ir")));
    auto sizes = sk_key_sizes_for(alg.sk);
    if (!skeyseed || !sizes) return 1;
    auto keys = derive_ike_sa_keys(
        alg.prf, *skeyseed, sc.hex("ni"), sc.hex("nr"), std::stoull(sc.get("spi_i"), nullptr, 16),
        std::stoull(sc.get("spi_r"), nullptr, 16), sa_key_lengths{sizes->encr, sizes->integ});
    if (!keys) return 1;
    check(bytes_of(*skeyseed) == sc.hex("skeyseed") && bytes_of(keys->sk_d) == sc.hex("sk_d") &&
              bytes_of(keys->sk_ei) == sc.hex("sk_ei") &&
              bytes_of(keys->sk_er) == sc.hex("sk_er") &&
              bytes_of(keys->sk_pi) == sc.hex("sk_pi") && bytes_of(keys->sk_pr) == sc.hex("sk_pr"),
          "SKEYSEED and SK_* from charon's DH secret equal charon's");

    auto from_i = make_sk_cipher(alg.sk, keys->sk_ei, keys->sk_ai);
    auto from_r = make_sk_cipher(alg.sk, keys->sk_er, keys->sk_ar);
    if (!from_i || !from_r) return 1;
    for (const auto& c : sc.messages) {
        auto m = decode_message(c.raw);
        if (!m) {
            check(false, c.name + ": " + m.error().message());
            continue;
        }
        const char* arrow = m->header.is_initiator() ? "->" : "<-";
        if (m->payloads.empty() || m->payloads.back().type != payload_type::sk) {
            std::printf("  %s %s\n", arrow, summarize(*m).c_str());
            continue;
        }
        const auto& sk = std::get<sk_payload>(m->payloads.back().body);
        bytes_view aad(c.raw.data(), c.raw.size() - sk.encrypted.size());
        auto plain = (m->header.is_initiator() ? **from_i : **from_r).open(aad, sk.encrypted);
        byte_reader r(plain ? bytes_view(*plain) : bytes_view());
        auto inner = plain ? decode_payload_chain(sk.first_inner, r)
                           : std::expected<std::vector<payload>, parse_error>{};
        if (!plain || !inner) {
            check(false, c.name + ": decryption with our keys");
            continue;
        }
        std::printf("  %s %s  (decrypted)\n", arrow, summarize(m->header, *inner).c_str());
    }

    bool auth_ok = psk_auth_matches(sc, alg.prf, "i") && psk_auth_matches(sc, alg.prf, "r");
    check(auth_ok, "both peers' PSK AUTH payloads verify");

    if (!sc.get("child_sk_ei").empty())
        check(child_keys_match(sc, alg.prf, keys->sk_d), "CHILD_SA (ESP) keys equal charon's");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: ike_selfcheck DATA_DIR [SCENARIO]\n");
        return 2;
    }
    std::string scenario = argc > 2 ? argv[2] : "gcm-x25519";
    key_exchange_self_test();
    auto sc =
        ike::testing::load_charon_scenario(std::filesystem::path(argv[1]) / "charon", scenario);
    if (replay_scenario(sc) != 0) ++failures;
    std::printf("\n%s\n", failures ? "self-check FAILED" : "self-check passed");
    return failures ? 1 : 0;
}
