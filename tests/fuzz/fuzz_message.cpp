// libFuzzer target for the message codec. Properties checked on every input:
//  1. decode_message never crashes (ASan/UBSan watch reads and arithmetic);
//  2. whatever decodes re-encodes to bytes that decode to the same message,
//     and encoding that again gives the same bytes (the codec is a bijection
//     on its image);
//  3. decode_payload_chain, which the engine runs on decrypted SK plaintext,
//     survives the same bytes with the first payload type taken from byte 0.
#include <cstddef>
#include <cstdint>

#include "libike/codec/message.hpp"
#include "libike/codec/payload.hpp"

namespace {

void check_message(ike::bytes_view input) {
    auto m = ike::decode_message(input);
    if (!m) return;
    ike::bytes again = ike::encode_message(*m);
    auto m2 = ike::decode_message(again);
    if (!m2 || !(*m2 == *m)) __builtin_trap();
    if (ike::encode_message(*m2) != again) __builtin_trap();
}

void check_chain(ike::bytes_view input) {
    if (input.empty()) return;
    ike::byte_reader in(input.subspan(1), 1);
    auto chain = ike::decode_payload_chain(static_cast<ike::payload_type>(input[0]), in);
    if (!chain) return;
    ike::byte_writer out;
    ike::encode_payload_chain(*chain, out);
    ike::byte_reader again(out.data(), 1);
    auto chain2 = ike::decode_payload_chain(ike::first_payload_type(*chain), again);
    if (!chain2 || !(*chain2 == *chain)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ike::bytes_view input(data, size);
    check_message(input);
    check_chain(input);
    return 0;
}
