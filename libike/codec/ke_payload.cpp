#include "libike/codec/ke_payload.hpp"

namespace ike {

namespace {
parse_error ke_error(parse_errc code, const byte_reader& at, const char* detail) {
    return parse_error{code, at.offset(), payload_type::ke, detail};
}
}  // namespace

std::expected<ke_payload, parse_error> decode_ke_payload(byte_reader& body) {
    ke_payload p;
    auto group = body.u16();
    if (!group || !body.skip(2)) {
        return std::unexpected(ke_error(parse_errc::truncated, body, "group/reserved"));
    }
    p.group = static_cast<ke_group>(*group);
    // §3.4: the data is the sender's public value; an empty one can never be
    // valid for any group, so reject it here rather than in every KE method.
    if (body.empty()) {
        return std::unexpected(ke_error(parse_errc::bad_length, body, "empty key exchange data"));
    }
    auto data = body.rest();
    p.data.assign(data.begin(), data.end());
    return p;
}

void encode_ke_payload(const ke_payload& p, byte_writer& out) {
    out.u16(static_cast<std::uint16_t>(p.group));
    out.zeros(2);
    out.append(p.data);
}

}  // namespace ike
