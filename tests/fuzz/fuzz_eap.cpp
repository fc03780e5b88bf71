// libFuzzer target for the EAP layer (libike/eap). Properties checked on
// every input:
//  1. decode_eap_packet and the MSCHAPv2 type-data decoders never crash, and
//     what decodes re-encodes to the same bytes;
//  2. the gateway's session (local backend, EAP-MSCHAPv2) takes the input
//     as the peer's answer to its Challenge and never crashes, and never
//     accepts it as the right password (the fuzzer cannot know it);
//  3. the peer side takes the input as a server's request without crashing.
// The session's identifiers are random but fixed here; the harness writes
// them into the input so the fuzzer reaches the method rather than stopping
// at the identifier check.
#include <cstddef>
#include <cstdint>
#include <variant>

#include "libike/crypto/random_source.hpp"
#include "libike/eap/eap_packet.hpp"
#include "libike/eap/eap_peer.hpp"
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    bytes_view input(data, size);
    check_packet(input);
    check_server(bytes(input.begin(), input.end()));
    check_peer(input);
    return 0;
}
