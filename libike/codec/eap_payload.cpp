#include "libike/codec/eap_payload.hpp"

namespace ike {

namespace {

parse_error eap_error(parse_errc code, std::size_t offset, const char* detail) {
    return parse_error{code, offset, payload_type::eap, detail};
}

bool has_type(eap_code c) {
    return c == eap_code::request || c == eap_code::response;
}

}  // namespace

std::expected<eap_payload, parse_error> decode_eap_payload(byte_reader& body) {
    std::size_t start = body.offset();
    std::size_t body_size = body.remaining();
    auto code = body.u8();
    auto identifier = body.u8();
    auto length = body.u16();
    if (!code || !identifier || !length) {
        return std::unexpected(eap_error(parse_errc::truncated, body.offset(), "EAP header"));
    }
    eap_payload p;
    p.code = static_cast<eap_code>(*code);
    p.identifier = *identifier;
    // RFC 3748 §4.1: codes other than 1..4 are silently discarded.
    if (*code < 1 || *code > 4) {
        return std::unexpected(eap_error(parse_errc::bad_value, start, "EAP code"));
    }
    // RFC 7296 §3.16 carries exactly one EAP message, so its own length must
    // agree with the payload's; a mismatch means one of them lies.
    if (*length != body_size) {
        return std::unexpected(eap_error(parse_errc::bad_length, start + 2, "EAP length"));
    }
    if (!has_type(p.code)) {
        // RFC 3748 §4.2: success and failure carry no data.
        if (!body.empty()) {
            return std::unexpected(
                eap_error(parse_errc::bad_length, start + 2, "EAP success/failure"));
        }
        return p;
    }
    auto type = body.u8();
    if (!type) {
        return std::unexpected(eap_error(parse_errc::truncated, body.offset(), "EAP type"));
    }
    p.type = static_cast<eap_type>(*type);
    auto data = body.rest();
    p.data.assign(data.begin(), data.end());
    return p;
}

void encode_eap_payload(const eap_payload& p, byte_writer& out) {
    out.u8(static_cast<std::uint8_t>(p.code));
    out.u8(p.identifier);
    if (!has_type(p.code)) {
        out.u16(4);
        return;
    }
    out.u16(static_cast<std::uint16_t>(5 + p.data.size()));
    out.u8(static_cast<std::uint8_t>(p.type));
    out.append(p.data);
}

}  // namespace ike
