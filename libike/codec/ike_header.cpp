#include "libike/codec/ike_header.hpp"

namespace ike {

namespace {

constexpr std::uint8_t known_flags =
    header_flag::initiator | header_flag::version | header_flag::response;
constexpr std::size_t length_field_offset = 24;

parse_error header_error(parse_errc code, std::size_t offset, const char* detail) {
    return parse_error{code, offset, payload_type::none, detail};
}

}  // namespace

std::expected<decoded_ike_header, parse_error> decode_ike_header(bytes_view datagram) {
    byte_reader in(datagram);
    if (in.remaining() < ike_header_size) {
        return std::unexpected(header_error(parse_errc::truncated, datagram.size(), "IKE header"));
    }
    // The size check above covers every fixed-size read below.
    decoded_ike_header d;
    d.header.spi_i = *in.u64();
    d.header.spi_r = *in.u64();
    d.first_payload = static_cast<payload_type>(*in.u8());
    std::uint8_t version = *in.u8();
    // §2.5: a major version we do not speak means the rest may be laid out
    // differently, so check it before trusting the length field.
    if (version >> 4 != 2) {
        return std::unexpected(header_error(parse_errc::bad_version, 17, "major version"));
    }
    d.header.minor_version = version & 0x0f;
    d.header.exchange = static_cast<exchange_type>(*in.u8());
    // §3.1: reserved flag bits MUST be ignored on receipt.
    d.header.flags = *in.u8() & known_flags;
    d.header.message_id = *in.u32();
    d.length = *in.u32();
    if (d.length < ike_header_size) {
        return std::unexpected(
            header_error(parse_errc::bad_length, length_field_offset, "length below 28"));
    }
    if (d.length > datagram.size()) {
        return std::unexpected(
            header_error(parse_errc::truncated, datagram.size(), "datagram shorter than length"));
    }
    if (d.length < datagram.size()) {
        return std::unexpected(
            header_error(parse_errc::trailing_data, d.length, "datagram longer than length"));
    }
    return d;
}

void encode_ike_header(const ike_header& h, payload_type first_payload, std::uint32_t length,
                       byte_writer& out) {
    out.u64(h.spi_i);
    out.u64(h.spi_r);
    out.u8(static_cast<std::uint8_t>(first_payload));
    out.u8(static_cast<std::uint8_t>(0x20 | (h.minor_version & 0x0f)));
    out.u8(static_cast<std::uint8_t>(h.exchange));
    out.u8(h.flags & known_flags);
    out.u32(h.message_id);
    out.u32(length);
}

}  // namespace ike
