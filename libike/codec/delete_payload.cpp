#include "libike/codec/delete_payload.hpp"

#include <optional>

namespace ike {

namespace {

parse_error delete_error(parse_errc code, std::size_t offset, const char* detail) {
    return parse_error{code, offset, payload_type::delete_, detail};
}

/// §3.11: the SPI size is implied by the protocol; nullopt for protocols
/// that cannot be deleted.
std::optional<std::uint8_t> spi_size_for(protocol_id p) {
    switch (p) {
        case protocol_id::ike:
            return 0;
        case protocol_id::ah:
        case protocol_id::esp:
            return 4;
        default:
            return std::nullopt;
    }
}

}  // namespace

std::expected<delete_payload, parse_error> decode_delete_payload(byte_reader& body) {
    std::size_t start = body.offset();
    auto protocol = body.u8();
    auto spi_size = body.u8();
    auto count = body.u16();
    if (!protocol || !spi_size || !count) {
        return std::unexpected(delete_error(parse_errc::truncated, body.offset(), "delete header"));
    }
    delete_payload p;
    p.protocol = static_cast<protocol_id>(*protocol);
    auto expected_size = spi_size_for(p.protocol);
    if (!expected_size) {
        return std::unexpected(delete_error(parse_errc::bad_value, start, "protocol ID"));
    }
    if (*spi_size != *expected_size) {
        return std::unexpected(delete_error(parse_errc::bad_value, start + 1, "SPI size"));
    }
    // §3.11: deleting the IKE SA names no SPIs (they are in the header).
    if (p.protocol == protocol_id::ike && *count != 0) {
        return std::unexpected(delete_error(parse_errc::bad_value, start + 2, "IKE delete count"));
    }
    if (std::size_t{*count} * *spi_size != body.remaining()) {
        return std::unexpected(
            delete_error(parse_errc::bad_length, start + 2, "count * SPI size != SPI bytes"));
    }
    p.spis.reserve(*count);
    while (auto spi = body.u32()) p.spis.push_back(*spi);
    return p;
}

void encode_delete_payload(const delete_payload& p, byte_writer& out) {
    out.u8(static_cast<std::uint8_t>(p.protocol));
    out.u8(spi_size_for(p.protocol).value_or(4));
    out.u16(static_cast<std::uint16_t>(p.spis.size()));
    for (auto spi : p.spis) out.u32(spi);
}

}  // namespace ike
