#include "libike/eap/mschapv2_packet.hpp"

#include <algorithm>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"

namespace ike::mschapv2 {

namespace {

constexpr std::uint8_t response_value_size = 49;

eap_error malformed(const char* what) {
    return {eap_errc::malformed, std::string("EAP-MSCHAPv2: ") + what};
}

struct header {
    opcode op{};
    std::uint8_t ms_id = 0;
};

/// OpCode, MS-CHAPv2-ID and MS-Length, which must match the type data's size.
std::expected<header, eap_error> read_header(byte_reader& in, std::size_t size) {
    auto op = in.u8();
    auto id = in.u8();
    auto len = in.u16();
    if (!op || !id || !len)
        return std::unexpected(malformed("type data shorter than its 4-octet header"));
    if (*len != size) return std::unexpected(malformed("MS-Length does not match the EAP Length"));
    return header{static_cast<opcode>(*op), *id};
}

std::string text_of(bytes_view b) {
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

void write_header(byte_writer& out, opcode op, std::uint8_t ms_id, std::size_t body) {
    out.u8(static_cast<std::uint8_t>(op));
    out.u8(ms_id);
    out.u16(static_cast<std::uint16_t>(4 + body));
}

}  // namespace

std::expected<opcode, eap_error> peek_opcode(bytes_view type_data) {
    if (type_data.empty()) return std::unexpected(malformed("no OpCode"));
    return static_cast<opcode>(type_data[0]);
}

std::expected<challenge_packet, eap_error> decode_challenge(bytes_view type_data) {
    byte_reader in(type_data);
    auto h = read_header(in, type_data.size());
    if (!h) return std::unexpected(h.error());
    if (h->op != opcode::challenge) return std::unexpected(malformed("not a Challenge"));
    auto value_size = in.u8();
    if (!value_size || *value_size != challenge_size)
        return std::unexpected(malformed("Challenge Value-Size is not 16"));
    auto value = in.take(challenge_size);
    if (!value) return std::unexpected(malformed("Challenge shorter than 16 octets"));
    challenge_packet p{h->ms_id, {}, text_of(in.rest())};
    std::copy(value->begin(), value->end(), p.value.begin());
    return p;
}

std::expected<response_packet, eap_error> decode_response(bytes_view type_data) {
    byte_reader in(type_data);
    auto h = read_header(in, type_data.size());
    if (!h) return std::unexpected(h.error());
    if (h->op != opcode::response) return std::unexpected(malformed("not a Response"));
    auto value_size = in.u8();
    if (!value_size || *value_size != response_value_size)
        return std::unexpected(malformed("Response Value-Size is not 49"));
    auto peer = in.take(challenge_size);
    bool reserved_ok = in.skip(8);
    auto nt = in.take(nt_response_size);
    auto flags = in.u8();
    if (!peer || !reserved_ok || !nt || !flags)
        return std::unexpected(malformed("Response shorter than its 49-octet value"));
    response_packet p{h->ms_id, {}, {}, text_of(in.rest())};
    std::copy(peer->begin(), peer->end(), p.peer_challenge.begin());
    std::copy(nt->begin(), nt->end(), p.response.begin());
    return p;
}

std::expected<message_packet, eap_error> decode_message(bytes_view type_data) {
    byte_reader in(type_data);
    auto h = read_header(in, type_data.size());
    if (!h) return std::unexpected(h.error());
    if (h->op != opcode::success && h->op != opcode::failure)
        return std::unexpected(malformed("not a Success or Failure Request"));
    return message_packet{h->op, h->ms_id, text_of(in.rest())};
}

bytes encode(const challenge_packet& p) {
    byte_writer out;
    write_header(out, opcode::challenge, p.ms_id, 1 + challenge_size + p.name.size());
    out.u8(challenge_size);
    out.append(p.value);
    out.append(as_view(p.name));
    return out.take();
}

bytes encode(const response_packet& p) {
    byte_writer out;
    write_header(out, opcode::response, p.ms_id, 1 + response_value_size + p.name.size());
    out.u8(response_value_size);
    out.append(p.peer_challenge);
    out.zeros(8);
    out.append(p.response);
    out.u8(0);  // Flags
    out.append(as_view(p.name));
    return out.take();
}

bytes encode(const message_packet& p) {
    byte_writer out;
    write_header(out, p.op, p.ms_id, p.text.size());
    out.append(as_view(p.text));
    return out.take();
}

bytes encode_ack(opcode op) {
    return bytes{static_cast<std::uint8_t>(op)};
}

std::optional<std::string_view> text_field(std::string_view text, std::string_view key) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t end = std::min(text.find(' ', pos), text.size());
        std::string_view token = text.substr(pos, end - pos);
        if (token.size() > key.size() && token.starts_with(key) && token[key.size()] == '=') {
            // M= is free text and the last field: it keeps its spaces.
            if (key == "M") return text.substr(pos + key.size() + 1);
            return token.substr(key.size() + 1);
        }
        pos = end + 1;
    }
    return std::nullopt;
}

}  // namespace ike::mschapv2
