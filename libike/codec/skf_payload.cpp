#include "libike/codec/skf_payload.hpp"

namespace ike {

namespace {
parse_error skf_error(parse_errc code, std::size_t offset, const char* detail) {
    return parse_error{code, offset, payload_type::skf, detail};
}
}  // namespace

std::expected<skf_payload, parse_error> decode_skf_payload(byte_reader& body,
                                                           payload_type first_inner) {
    std::size_t start = body.offset();
    auto number = body.u16();
    auto total = body.u16();
    if (!number || !total) {
        return std::unexpected(skf_error(parse_errc::truncated, body.offset(), "fragment fields"));
    }
    // RFC 7383 §2.5: numbering starts at 1; §2.6: a fragment numbered above
    // the total is invalid and would otherwise poison reassembly.
    if (*number == 0) {
        return std::unexpected(skf_error(parse_errc::bad_value, start, "fragment number 0"));
    }
    if (*total < *number) {
        return std::unexpected(
            skf_error(parse_errc::bad_value, start + 2, "total fragments below fragment number"));
    }
    if (body.empty()) {
        return std::unexpected(skf_error(parse_errc::bad_length, body.offset(), "empty fragment"));
    }
    auto data = body.rest();
    return skf_payload{first_inner, *number, *total, bytes(data.begin(), data.end())};
}

void encode_skf_payload(const skf_payload& p, byte_writer& out) {
    out.u16(p.fragment_number);
    out.u16(p.total_fragments);
    out.append(p.encrypted);
}

}  // namespace ike
