// Real IKEv2 messages from strongSwan 5.9.8 (tests/data/charon, made by
// scripts/capture-charon), checked with our codec and crypto:
//  - every message parses, and re-encodes to the same bytes;
//  - the fields agree with what charon logged (SPIs, nonces, proposals, IDs);
//  - from charon's logged DH secret and the nonces/SPIs on the wire we derive
//    SKEYSEED and SK_* ourselves and must get exactly charon's keys;
//  - with our keys we verify and decrypt every SK payload and must get the
//    plaintext charon logged; the PSK AUTH values and CHILD_SA keys agree too.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "libike/codec/message.hpp"
#include "libike/codec/message_summary.hpp"
#include "libike/crypto/keymat.hpp"
#include "libike/crypto/prf.hpp"
#include "libike/crypto/random_source.hpp"
#include "libike/crypto/sk_cipher.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/engine/negotiated_algorithms.hpp"
#include "libike/proposal/proposal_string.hpp"
#include "tests/support/charon_capture.hpp"

namespace {

namespace fs = std::filesystem;
using namespace ike;

const fs::path data_root = fs::path(IKEV2D_TEST_DATA) / "charon";

using captured = ike::testing::captured_message;
using scenario = ike::testing::charon_scenario;

scenario load(const std::string& dir) {
    return ike::testing::load_charon_scenario(data_root, dir);
}

template <typename T>
std::vector<const T*> all_of(const std::vector<payload>& payloads, payload_type type) {
    std::vector<const T*> out;
    for (const auto& p : payloads)
        if (p.type == type)
            if (auto* body = std::get_if<T>(&p.body)) out.push_back(body);
    return out;
}

template <typename T>
const T* first_of(const std::vector<payload>& payloads, payload_type type) {
    auto v = all_of<T>(payloads, type);
    return v.empty() ? nullptr : v.front();
}

// The scenario's IKE algorithms, read off the proposal as the engine does.
ike_algorithms algorithms_of(const proposal& p) {
    auto a = ike_algorithms_of(p);
    EXPECT_TRUE(a.has_value()) << "IKE proposal without PRF or encryption: " << to_string(p);
    return a.value_or(ike_algorithms{});
}

secret as_secret(const bytes& b) {
    return secret(bytes_view(b));
}

bytes to_bytes(const secret& s) {
    return bytes(s.view().begin(), s.view().end());
}

const char* const all_scenarios[] = {"gcm-x25519", "cbc-modp2048", "chacha-x448", "invalid-ke",
                                     "gcm-x25519-netlink"};

class charon_capture : public ::testing::TestWithParam<const char*> {
  protected:
    void SetUp() override {
        sc_ = load(GetParam());
        ASSERT_FALSE(sc_.messages.empty()) << "no captures in " << (data_root / GetParam());
        ASSERT_FALSE(sc_.get("spi_i").empty());
    }
    scenario sc_;
};

TEST_P(charon_capture, keys_file_holds_well_formed_hex) {
    const std::set<std::string> text_fields = {"ike_proposal", "ike_proposal_r", "esp_proposal",
                                               "ike_selected", "esp_selected",   "id_i",
                                               "id_r",         "addr_i",         "addr_r"};
    for (const auto& [name, value] : sc_.keys) {
        if (text_fields.contains(name) || name.starts_with("port_")) continue;
        bool ok = false;
        sc_.hex(name, &ok);
        EXPECT_TRUE(ok) << sc_.dir << ": " << name << " is not hex";
    }
}

TEST_P(charon_capture, every_message_parses_and_re_encodes_to_the_same_bytes) {
    for (const auto& c : sc_.messages) {
        auto m = decode_message(c.raw);
        ASSERT_TRUE(m) << c.name << ": " << m.error().message();
        EXPECT_EQ(encode_message(*m), c.raw) << c.name;
    }
}

TEST_P(charon_capture, headers_agree_with_the_file_names_and_charons_spis) {
    const auto spi_i = std::stoull(sc_.get("spi_i"), nullptr, 16);
    const auto spi_r = std::stoull(sc_.get("spi_r"), nullptr, 16);
    for (const auto& c : sc_.messages) {
        auto m = decode_message(c.raw);
        ASSERT_TRUE(m) << c.name;
        const auto& h = m->header;
        EXPECT_EQ(h.is_response(), !c.request) << c.name;
        EXPECT_EQ(h.spi_i, spi_i) << c.name;
        std::string exchange = c.name.substr(3, c.name.rfind('-') - 3);
        std::string lower = to_string(h.exchange);
        std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
        EXPECT_EQ(lower, exchange) << c.name;
        // An INVALID_KE_PAYLOAD answer carries SPIr = 0 (RFC 7296 §1.2); all else ours.
        bool refused = h.exchange == exchange_type::ike_sa_init && h.is_response() &&
                       first_of<notify_payload>(m->payloads, payload_type::notify) &&
                       !first_of<sa_payload>(m->payloads, payload_type::sa);
        bool first_request = h.exchange == exchange_type::ike_sa_init && !h.is_response();
        if (first_request) {
            EXPECT_EQ(h.spi_r, 0u) << c.name;
        } else if (!refused) {
            EXPECT_EQ(h.spi_r, spi_r) << c.name;
        }
    }
}

TEST_P(charon_capture, ike_sa_init_carries_the_configured_proposal_nonces_and_ke) {
    auto configured = parse_ike_proposal(sc_.get("ike_proposal"));
    ASSERT_TRUE(configured) << configured.error().message();
    const captured* req = nullptr;
    const captured* resp = nullptr;
    for (const auto& c : sc_.messages) {  // the last IKE_SA_INIT pair is the one that counted
        if (c.name.find("ike_sa_init") == std::string::npos) continue;
        (c.request ? req : resp) = &c;
    }
    ASSERT_TRUE(req && resp);
    auto mreq = decode_message(req->raw);
    auto mresp = decode_message(resp->raw);
    ASSERT_TRUE(mreq && mresp);

    auto* sa = first_of<sa_payload>(mreq->payloads, payload_type::sa);
    ASSERT_NE(sa, nullptr);
    ASSERT_EQ(sa->proposals.size(), 1u);
    const auto& offered = sa->proposals[0];
    EXPECT_EQ(offered.protocol, protocol_id::ike);
    EXPECT_TRUE(offered.spi.empty());
    ASSERT_EQ(offered.transforms.size(), configured->transforms.size());
    for (std::size_t i = 0; i < offered.transforms.size(); ++i) {
        const auto& wire = offered.transforms[i];
        auto it = std::find_if(configured->transforms.begin(), configured->transforms.end(),
                               [&](const transform_spec& t) {
                                   return t.type == wire.type && t.id == wire.id &&
                                          t.key_bits == key_length(wire).value_or(0);
                               });
        EXPECT_NE(it, configured->transforms.end())
            << "transform " << to_string(wire.type) << " " << wire.id << " not configured";
    }

    auto* ni = first_of<nonce_payload>(mreq->payloads, payload_type::nonce);
    auto* nr = first_of<nonce_payload>(mresp->payloads, payload_type::nonce);
    ASSERT_TRUE(ni && nr);
    EXPECT_EQ(ni->nonce, sc_.hex("ni"));
    EXPECT_EQ(nr->nonce, sc_.hex("nr"));

    auto* ke_i = first_of<ke_payload>(mreq->payloads, payload_type::ke);
    auto* ke_r = first_of<ke_payload>(mresp->payloads, payload_type::ke);
    ASSERT_TRUE(ke_i && ke_r);
    EXPECT_EQ(ke_i->group, ke_r->group);
    auto groups = configured->groups();
    EXPECT_NE(std::find(groups.begin(), groups.end(), ke_i->group), groups.end());

    // The responder picked exactly one proposal, numbered as offered.
    auto* chosen = first_of<sa_payload>(mresp->payloads, payload_type::sa);
    ASSERT_NE(chosen, nullptr);
    ASSERT_EQ(chosen->proposals.size(), 1u);
    EXPECT_EQ(chosen->proposals[0].number, offered.number);

    // NAT detection: two 20-byte SHA-1 hashes in each direction.
    for (const auto* m : {&*mreq, &*mresp}) {
        int nat = 0;
        for (auto* n : all_of<notify_payload>(m->payloads, payload_type::notify)) {
            if (n->type == notify_type::nat_detection_source_ip ||
                n->type == notify_type::nat_detection_destination_ip) {
                EXPECT_TRUE(read_nat_detection_hash(*n).has_value());
                ++nat;
            }
        }
        EXPECT_EQ(nat, 2);
    }
}

TEST_P(charon_capture, we_derive_exactly_charons_ike_sa_keys) {
    auto configured = parse_ike_proposal(sc_.get("ike_proposal"));
    ASSERT_TRUE(configured);
    auto alg = algorithms_of(*configured);
    auto sizes = sk_key_sizes_for(alg.sk);
    ASSERT_TRUE(sizes) << sizes.error().message();

    auto skeyseed =
        derive_skeyseed(alg.prf, sc_.hex("ni"), sc_.hex("nr"), as_secret(sc_.hex("g_ir")));
    ASSERT_TRUE(skeyseed) << skeyseed.error().message();
    EXPECT_EQ(to_bytes(*skeyseed), sc_.hex("skeyseed"));

    auto keys = derive_ike_sa_keys(alg.prf, *skeyseed, sc_.hex("ni"), sc_.hex("nr"),
                                   std::stoull(sc_.get("spi_i"), nullptr, 16),
                                   std::stoull(sc_.get("spi_r"), nullptr, 16),
                                   sa_key_lengths{sizes->encr, sizes->integ});
    ASSERT_TRUE(keys) << keys.error().message();
    EXPECT_EQ(to_bytes(keys->sk_d), sc_.hex("sk_d"));
    EXPECT_EQ(to_bytes(keys->sk_ai), sc_.hex("sk_ai"));
    EXPECT_EQ(to_bytes(keys->sk_ar), sc_.hex("sk_ar"));
    EXPECT_EQ(to_bytes(keys->sk_ei), sc_.hex("sk_ei"));
    EXPECT_EQ(to_bytes(keys->sk_er), sc_.hex("sk_er"));
    EXPECT_EQ(to_bytes(keys->sk_pi), sc_.hex("sk_pi"));
    EXPECT_EQ(to_bytes(keys->sk_pr), sc_.hex("sk_pr"));
}

TEST_P(charon_capture, we_verify_and_decrypt_every_sk_payload_with_our_keys) {
    auto configured = parse_ike_proposal(sc_.get("ike_proposal"));
    ASSERT_TRUE(configured);
    auto alg = algorithms_of(*configured);
    auto sizes = sk_key_sizes_for(alg.sk);
    ASSERT_TRUE(sizes);
    auto skeyseed =
        derive_skeyseed(alg.prf, sc_.hex("ni"), sc_.hex("nr"), as_secret(sc_.hex("g_ir")));
    ASSERT_TRUE(skeyseed);
    auto keys = derive_ike_sa_keys(alg.prf, *skeyseed, sc_.hex("ni"), sc_.hex("nr"),
                                   std::stoull(sc_.get("spi_i"), nullptr, 16),
                                   std::stoull(sc_.get("spi_r"), nullptr, 16),
                                   sa_key_lengths{sizes->encr, sizes->integ});
    ASSERT_TRUE(keys);
    auto from_i = make_sk_cipher(alg.sk, keys->sk_ei, keys->sk_ai);
    auto from_r = make_sk_cipher(alg.sk, keys->sk_er, keys->sk_ar);
    ASSERT_TRUE(from_i && from_r);

    int decrypted = 0;
    for (const auto& c : sc_.messages) {
        auto m = decode_message(c.raw);
        ASSERT_TRUE(m);
        if (m->payloads.empty() || m->payloads.back().type != payload_type::sk) continue;
        const auto& sk = std::get<sk_payload>(m->payloads.back().body);
        // The AAD is every byte before the IV: IKE header, outer payloads, SK header.
        bytes_view aad(c.raw.data(), c.raw.size() - sk.encrypted.size());
        const auto& cipher = m->header.is_initiator() ? **from_i : **from_r;
        auto plain = cipher.open(aad, sk.encrypted);
        ASSERT_TRUE(plain) << c.name << ": " << plain.error().message();
        char key[16];
        std::snprintf(key, sizeof key, "plain_%02d", c.index);
        EXPECT_EQ(*plain, sc_.hex(key)) << c.name;

        byte_reader inner(*plain);
        auto chain = decode_payload_chain(sk.first_inner, inner);
        ASSERT_TRUE(chain) << c.name << ": " << chain.error().message();
        EXPECT_TRUE(inner.empty());

        // A flipped bit anywhere in the ICV-covered bytes must be caught.
        bytes tampered = sk.encrypted;
        tampered[tampered.size() / 2] ^= 0x01;
        EXPECT_FALSE(cipher.open(aad, tampered).has_value()) << c.name;
        ++decrypted;
    }
    EXPECT_GE(decrypted, 2);
}

// RFC 7296 §2.15: AUTH = prf(prf(PSK, "Key Pad for IKEv2"), <signed octets>), with
// signed octets = first message | peer's nonce | prf(SK_px, IDx').
TEST_P(charon_capture, psk_auth_matches_charons_auth_payloads) {
    auto configured = parse_ike_proposal(sc_.get("ike_proposal"));
    ASSERT_TRUE(configured);
    auto alg = algorithms_of(*configured);
    const captured* init_req = nullptr;
    const captured* init_resp = nullptr;
    for (const auto& c : sc_.messages) {
        if (c.name.find("ike_sa_init") == std::string::npos) continue;
        (c.request ? init_req : init_resp) = &c;
    }
    ASSERT_TRUE(init_req && init_resp);

    auto pad = prf::create(alg.prf, sc_.hex("psk"));
    ASSERT_TRUE(pad);
    auto pad_key = pad->compute(as_view("Key Pad for IKEv2"));
    ASSERT_TRUE(pad_key);
    auto auth_prf = prf::create(alg.prf, pad_key->view());
    ASSERT_TRUE(auth_prf);

    struct side {
        const char* who;
        const captured* first_message;
        const char* nonce_of_peer;
        const char* sk_p;
    };
    for (const side& s :
         {side{"i", init_req, "nr", "sk_pi"}, side{"r", init_resp, "ni", "sk_pr"}}) {
        auto id_prf = prf::create(alg.prf, sc_.hex(s.sk_p));
        ASSERT_TRUE(id_prf);
        auto mac_id = id_prf->compute(sc_.hex(std::string("idx_") + s.who));
        ASSERT_TRUE(mac_id);
        bytes octets = s.first_message->raw;
        auto nonce = sc_.hex(s.nonce_of_peer);
        octets.insert(octets.end(), nonce.begin(), nonce.end());
        octets.insert(octets.end(), mac_id->view().begin(), mac_id->view().end());
        EXPECT_EQ(octets, sc_.hex(std::string("auth_octets_") + s.who)) << s.who;
        auto auth = auth_prf->compute(octets);
        ASSERT_TRUE(auth);
        EXPECT_EQ(to_bytes(*auth), sc_.hex(std::string("auth_") + s.who)) << s.who;
    }
}

TEST_P(charon_capture, we_derive_exactly_charons_child_sa_keys) {
    if (sc_.get("child_sk_ei").empty()) GTEST_SKIP() << "no CHILD_SA keys logged";
    auto ike = parse_ike_proposal(sc_.get("ike_proposal"));
    auto esp = parse_esp_proposal(sc_.get("esp_proposal"));
    ASSERT_TRUE(ike && esp);
    auto lengths = esp_key_lengths(*esp);  // the engine's ESP KEYMAT layout
    ASSERT_TRUE(lengths) << lengths.error();
    auto sk_d = prf::create(algorithms_of(*ike).prf, sc_.hex("sk_d"));
    ASSERT_TRUE(sk_d);
    auto keys = derive_child_sa_keys(*sk_d, sc_.hex("ni"), sc_.hex("nr"),
                                     sa_key_lengths{lengths->first, lengths->second});
    ASSERT_TRUE(keys);
    EXPECT_EQ(to_bytes(keys->encr_i), sc_.hex("child_sk_ei"));
    EXPECT_EQ(to_bytes(keys->integ_i), sc_.hex("child_sk_ai"));
    EXPECT_EQ(to_bytes(keys->encr_r), sc_.hex("child_sk_er"));
    EXPECT_EQ(to_bytes(keys->integ_r), sc_.hex("child_sk_ar"));
}

INSTANTIATE_TEST_SUITE_P(strongswan, charon_capture, ::testing::ValuesIn(all_scenarios),
                         [](const auto& info) {
                             std::string n = info.param;
                             std::replace(n.begin(), n.end(), '-', '_');
                             return n;
                         });

// The IKE_AUTH request of the GCM scenario, field by field.
TEST(charon_capture_fields, ike_auth_request_inner_payloads) {
    auto sc = load("gcm-x25519");
    auto plain = sc.hex("plain_03");
    auto m = decode_message(sc.messages.at(2).raw);
    ASSERT_TRUE(m);
    const auto& sk = std::get<sk_payload>(m->payloads.back().body);
    byte_reader r(plain);
    auto chain = decode_payload_chain(sk.first_inner, r);
    ASSERT_TRUE(chain) << chain.error().message();

    auto* idi = first_of<id_payload>(*chain, payload_type::idi);
    ASSERT_NE(idi, nullptr);
    EXPECT_EQ(idi->type, id_type::fqdn);
    EXPECT_EQ(to_string(*idi), "initiator.test");
    auto* idr = first_of<id_payload>(*chain, payload_type::idr);
    ASSERT_NE(idr, nullptr);
    EXPECT_EQ(to_string(*idr), "responder.test");

    auto* auth = first_of<auth_payload>(*chain, payload_type::auth);
    ASSERT_NE(auth, nullptr);
    EXPECT_EQ(auth->method, auth_method::psk);
    EXPECT_EQ(auth->data, sc.hex("auth_i"));

    auto* sa = first_of<sa_payload>(*chain, payload_type::sa);
    ASSERT_NE(sa, nullptr);
    ASSERT_FALSE(sa->proposals.empty());
    EXPECT_EQ(sa->proposals[0].protocol, protocol_id::esp);
    EXPECT_EQ(to_hex(sa->proposals[0].spi), sc.get("esp_spi_i"));

    auto* tsi = first_of<ts_payload>(*chain, payload_type::tsi);
    auto* tsr = first_of<ts_payload>(*chain, payload_type::tsr);
    ASSERT_TRUE(tsi && tsr);
    ASSERT_EQ(tsi->selectors.size(), 1u);
    EXPECT_EQ(tsi->selectors[0].type, ts_type::ipv4_addr_range);
    EXPECT_EQ(tsi->selectors[0].addresses.start, (bytes{10, 10, 1, 0}));
    EXPECT_EQ(tsi->selectors[0].addresses.end, (bytes{10, 10, 1, 255}));
    EXPECT_EQ(tsr->selectors[0].addresses.start, (bytes{10, 10, 2, 0}));
    EXPECT_EQ(tsr->selectors[0].ports.start, 0);
    EXPECT_EQ(tsr->selectors[0].ports.end, 65535);
}

// Our one-line summaries read exactly as charon's own log lines for the same
// messages (tests/data/charon/gcm-x25519/README.md quotes the initiator's log).
TEST(charon_capture_fields, summaries_match_charons_log_lines) {
    auto sc = load("gcm-x25519");
    const char* expected[] = {
        "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) "
        "N(REDIR_SUP) ]",
        "IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) "
        "N(CHDLESS_SUP) N(MULT_AUTH) ]",
        "IKE_AUTH request 1 [ IDi N(INIT_CONTACT) IDr AUTH SA TSi TSr N(MOBIKE_SUP) N(NO_ADD_ADDR) "
        "N(MULT_AUTH) N(EAP_ONLY) N(MSG_ID_SYN_SUP) ]",
        "IKE_AUTH response 1 [ IDr AUTH SA TSi TSr N(MOBIKE_SUP) N(NO_ADD_ADDR) ]",
        "INFORMATIONAL request 2 [ D ]",
        "INFORMATIONAL response 2 [ ]",
    };
    ASSERT_EQ(sc.messages.size(), std::size(expected));
    for (std::size_t i = 0; i < sc.messages.size(); ++i) {
        auto m = decode_message(sc.messages[i].raw);
        ASSERT_TRUE(m);
        if (m->payloads.empty() || m->payloads.back().type != payload_type::sk) {
            EXPECT_EQ(summarize(*m), expected[i]);
            continue;
        }
        auto plain = sc.hex((i + 1 < 10 ? "plain_0" : "plain_") + std::to_string(i + 1));
        byte_reader r(plain);
        auto inner =
            decode_payload_chain(std::get<sk_payload>(m->payloads.back().body).first_inner, r);
        ASSERT_TRUE(inner);
        EXPECT_EQ(summarize(m->header, *inner), expected[i]);
    }
}

// The refused first IKE_SA_INIT names the group the responder wants.
TEST(charon_capture_fields, invalid_ke_payload_names_the_group) {
    auto sc = load("invalid-ke");
    auto m = decode_message(sc.messages.at(1).raw);
    ASSERT_TRUE(m);
    auto* n = first_of<notify_payload>(m->payloads, payload_type::notify);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->type, notify_type::invalid_ke_payload);
    auto group = read_invalid_ke_group(*n);
    ASSERT_TRUE(group);
    EXPECT_EQ(*group, ke_group::curve25519);
    auto first = decode_message(sc.messages.at(0).raw);
    ASSERT_TRUE(first);
    auto* ke = first_of<ke_payload>(first->payloads, payload_type::ke);
    ASSERT_NE(ke, nullptr);
    EXPECT_EQ(ke->group, ke_group::ecp256);
    EXPECT_EQ(ke->data.size(), 64u);  // RFC 5903 §7: x | y
}

}  // namespace
