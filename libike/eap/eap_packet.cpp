#include "libike/eap/eap_packet.hpp"

namespace ike {

std::expected<eap_packet, eap_error> decode_eap_packet(bytes_view packet) {
    byte_reader in(packet);
    auto p = decode_eap_payload(in);
    if (!p) return std::unexpected(eap_error{eap_errc::malformed, p.error().message()});
    return std::move(*p);
}

bytes encode_eap_packet(const eap_packet& p) {
    byte_writer out;
    encode_eap_payload(p, out);
    return out.take();
}

namespace {

bytes with_type(eap_code code, std::uint8_t identifier, eap_type type, bytes_view data) {
    return encode_eap_packet(eap_packet{code, identifier, type, bytes(data.begin(), data.end())});
}

}  // namespace

bytes eap_request(std::uint8_t identifier, eap_type type, bytes_view type_data) {
    return with_type(eap_code::request, identifier, type, type_data);
}

bytes eap_response(std::uint8_t identifier, eap_type type, bytes_view type_data) {
    return with_type(eap_code::response, identifier, type, type_data);
}

bytes eap_success_packet(std::uint8_t identifier) {
    return encode_eap_packet(eap_packet{eap_code::success, identifier, {}, {}});
}

bytes eap_failure_packet(std::uint8_t identifier) {
    return encode_eap_packet(eap_packet{eap_code::failure, identifier, {}, {}});
}

}  // namespace ike
