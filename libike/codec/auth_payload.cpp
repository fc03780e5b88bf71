#include "libike/codec/auth_payload.hpp"

#include <cassert>

namespace ike {

namespace {

parse_error fail(parse_errc code, std::size_t at, const char* what) {
    return {code, at, payload_type::auth, what};
}

}  // namespace

std::expected<auth_payload, parse_error> decode_auth_payload(byte_reader& body) {
    std::size_t at = body.offset();
    auto method = body.u8();
    if (!method || !body.skip(3)) return std::unexpected(fail(parse_errc::truncated, at, "header"));
    // Every method of §3.8 and its extensions carries a MAC or signature;
    // empty data could only fail verification later, so fail it early.
    if (body.empty()) return std::unexpected(fail(parse_errc::bad_length, body.offset(), "empty"));
    bytes_view data = body.rest();
    return auth_payload{static_cast<auth_method>(*method), bytes(data.begin(), data.end())};
}

void encode_auth_payload(const auth_payload& p, byte_writer& out) {
    out.u8(static_cast<std::uint8_t>(p.method));
    out.zeros(3);
    out.append(p.data);
}

std::expected<signature_auth_data, parse_error> decode_signature_auth_data(bytes_view data) {
    byte_reader r(data);
    auto length = r.u8();
    if (!length) return std::unexpected(fail(parse_errc::truncated, 0, "ASN.1 length"));
    // RFC 7427 §3: the AlgorithmIdentifier is a DER SEQUENCE, never empty.
    if (*length == 0) return std::unexpected(fail(parse_errc::bad_length, 0, "ASN.1 length"));
    auto algorithm = r.take(*length);
    if (!algorithm) return std::unexpected(fail(parse_errc::truncated, 0, "ASN.1 length"));
    if (r.empty()) return std::unexpected(fail(parse_errc::bad_length, r.offset(), "signature"));
    bytes_view signature = r.rest();
    return signature_auth_data{bytes(algorithm->begin(), algorithm->end()),
                               bytes(signature.begin(), signature.end())};
}

bytes encode_signature_auth_data(const signature_auth_data& s) {
    assert(!s.algorithm.empty() && s.algorithm.size() <= 255);
    byte_writer out;
    out.u8(static_cast<std::uint8_t>(s.algorithm.size()));
    out.append(s.algorithm);
    out.append(s.signature);
    return out.take();
}

}  // namespace ike
