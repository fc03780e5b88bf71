#include "libike/codec/cert_payload.hpp"

namespace ike {

std::expected<cert_payload, parse_error> decode_cert_payload(byte_reader& body) {
    std::size_t at = body.offset();
    auto encoding = body.u8();
    if (!encoding)
        return std::unexpected(
            parse_error{parse_errc::truncated, at, payload_type::cert, "encoding"});
    // §3.6: a CERT payload exists to carry a certificate (or hash and URL);
    // an empty one can only be a broken peer, and would pass for a
    // certificate further up if we let it through.
    if (body.empty()) {
        return std::unexpected(
            parse_error{parse_errc::bad_length, body.offset(), payload_type::cert, "empty data"});
    }
    bytes_view data = body.rest();
    return cert_payload{static_cast<cert_encoding>(*encoding), bytes(data.begin(), data.end())};
}

void encode_cert_payload(const cert_payload& p, byte_writer& out) {
    out.u8(static_cast<std::uint8_t>(p.encoding));
    out.append(p.data);
}

}  // namespace ike
