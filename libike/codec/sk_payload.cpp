#include "libike/codec/sk_payload.hpp"

namespace ike {

std::expected<sk_payload, parse_error> decode_sk_payload(byte_reader& body,
                                                         payload_type first_inner) {
    // §3.14: the body holds at least an integrity checksum; an empty one can
    // only be garbage, and rejecting it here spares the crypto layer a case.
    if (body.empty()) {
        return std::unexpected(
            parse_error{parse_errc::bad_length, body.offset(), payload_type::sk, "empty SK"});
    }
    auto data = body.rest();
    return sk_payload{first_inner, bytes(data.begin(), data.end())};
}

void encode_sk_payload(const sk_payload& p, byte_writer& out) {
    out.append(p.encrypted);
}

}  // namespace ike
