#include "libike/codec/message.hpp"

namespace ike {

std::expected<message, parse_error> decode_message(bytes_view datagram) {
    auto header = decode_ike_header(datagram);
    if (!header) return std::unexpected(header.error());
    // decode_ike_header guarantees at least ike_header_size bytes. The base
    // offset keeps error offsets absolute in the datagram.
    byte_reader in(datagram.subspan(ike_header_size), ike_header_size);
    auto payloads = decode_payload_chain(header->first_payload, in);
    if (!payloads) return std::unexpected(payloads.error());
    return message{header->header, std::move(*payloads)};
}

bytes encode_message(const message& m) {
    byte_writer out;
    encode_ike_header(m.header, first_payload_type(m.payloads), 0, out);
    encode_payload_chain(m.payloads, out);
    // §3.1: the length covers header and payloads; patched once known.
    out.patch_u32(24, static_cast<std::uint32_t>(out.size()));
    return out.take();
}

}  // namespace ike
