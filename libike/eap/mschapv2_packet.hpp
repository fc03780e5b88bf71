#pragma once
// EAP-MSCHAPv2 type data (draft-kamath-pppext-eap-mschapv2 §2): what follows
// the EAP Type octet 26.
//
//   OpCode(1) MS-CHAPv2-ID(1) MS-Length(2) data...
//     MS-Length = EAP Length - 5 = the size of this type data.
//   Challenge (1):  Value-Size=16, Challenge(16), Name (the server's)
//   Response  (2):  Value-Size=49, Peer-Challenge(16), Reserved(8, zero),
//                   NT-Response(24), Flags(1, zero), Name (the user's)
//   Success   (3):  request: "S=<40 hex> M=<text>"; response: OpCode only
//   Failure   (4):  request: "E=691 R=0 C=<32 hex> V=3 M=<text>"; response: OpCode only
//
// Decoders check every length and never read past their input.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "libike/common/bytes.hpp"
#include "libike/eap/eap_error.hpp"
#include "libike/eap/mschapv2_crypto.hpp"

namespace ike::mschapv2 {

enum class opcode : std::uint8_t {
    challenge = 1,
    response = 2,
    success = 3,
    failure = 4,
    change_password = 7,
};

struct challenge_packet {
    std::uint8_t ms_id = 0;
    challenge value{};
    std::string name;
};

struct response_packet {
    std::uint8_t ms_id = 0;
    challenge peer_challenge{};
    nt_response response{};
    std::string name;
};

/// A Success or Failure Request: OpCode, MS-CHAPv2-ID and the text.
struct message_packet {
    opcode op = opcode::success;
    std::uint8_t ms_id = 0;
    std::string text;
};

/// The OpCode. Errors: malformed if the type data is empty.
std::expected<opcode, eap_error> peek_opcode(bytes_view type_data);

/// Errors (all malformed, saying which field): header shorter than 4 octets,
/// MS-Length not equal to the size, another OpCode, Value-Size wrong, data
/// too short. decode_message takes Success and Failure Requests.
std::expected<challenge_packet, eap_error> decode_challenge(bytes_view type_data);
std::expected<response_packet, eap_error> decode_response(bytes_view type_data);
std::expected<message_packet, eap_error> decode_message(bytes_view type_data);

bytes encode(const challenge_packet& p);
bytes encode(const response_packet& p);
bytes encode(const message_packet& p);
/// The one-octet Success or Failure Response.
bytes encode_ack(opcode op);

/// The value of "K=" in a Success/Failure text ("S", "E", "R", "C", "M");
/// M's value runs to the end of the text. Nothing if the field is absent.
std::optional<std::string_view> text_field(std::string_view text, std::string_view key);

}  // namespace ike::mschapv2
