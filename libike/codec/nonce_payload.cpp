#include "libike/codec/nonce_payload.hpp"

namespace ike {

std::expected<nonce_payload, parse_error> decode_nonce_payload(byte_reader& body) {
    // §3.9: nonces are 16..256 octets; anything else is a malformed message,
    // and a short nonce would weaken SKEYSEED.
    std::size_t n = body.remaining();
    if (n < min_nonce_size || n > max_nonce_size) {
        return std::unexpected(
            parse_error{parse_errc::bad_length, body.offset(), payload_type::nonce, "nonce size"});
    }
    auto data = body.rest();
    return nonce_payload{bytes(data.begin(), data.end())};
}

void encode_nonce_payload(const nonce_payload& p, byte_writer& out) {
    out.append(p.nonce);
}

}  // namespace ike
