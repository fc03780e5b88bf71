#include "libike/eap/mschapv2_peer.hpp"

#include "libike/common/bytes.hpp"
#include "libike/crypto/random_source.hpp"
#include "libike/eap/mschapv2_packet.hpp"

namespace ike {

using namespace mschapv2;

mschapv2_peer::mschapv2_peer(std::string user, secret password, random_source& random)
    : user_(std::move(user)), password_(std::move(password)), random_(random) {}

std::expected<bytes, eap_error> mschapv2_peer::process(bytes_view type_data) {
    auto op = peek_opcode(type_data);
    if (!op) return std::unexpected(op.error());
    switch (*op) {
        case opcode::challenge: {
            auto c = decode_challenge(type_data);
            if (!c) return std::unexpected(c.error());
            return answer_challenge(c->ms_id, c->value);
        }
        case opcode::success:
            return on_success(type_data);
        case opcode::failure:
            return on_failure(type_data);
        case opcode::response:
        case opcode::change_password:
            break;
    }
    return std::unexpected(
        eap_error{eap_errc::unexpected_packet, "EAP-MSCHAPv2: OpCode " +
                                                   std::to_string(static_cast<int>(*op)) +
                                                   " is not one a server sends"});
}

std::expected<bytes, eap_error> mschapv2_peer::answer_challenge(std::uint8_t ms_id,
                                                                const challenge& c) {
    challenge peer{};
    random_.fill(peer);
    auto hash = nt_password_hash(password_);
    if (!hash) return std::unexpected(hash.error());
    auto nt = generate_nt_response(c, peer, user_, *hash);
    if (!nt) return std::unexpected(nt.error());
    auto proof = authenticator_response(*hash, *nt, peer, c, user_);
    auto key = mschapv2::msk(*hash, *nt);
    if (!proof) return std::unexpected(proof.error());
    if (!key) return std::unexpected(key.error());
    expected_proof_ = std::move(*proof);
    pending_msk_ = std::move(*key);
    return encode(response_packet{ms_id, peer, *nt, user_});
}

std::expected<bytes, eap_error> mschapv2_peer::on_success(bytes_view type_data) {
    auto m = decode_message(type_data);
    if (!m) return std::unexpected(m.error());
    auto s = text_field(m->text, "S");
    // The proof is compared as text: "S=" and 40 upper-case hex digits.
    if (expected_proof_.empty() || !s || "S=" + std::string(*s) != expected_proof_)
        return std::unexpected(
            eap_error{eap_errc::server_not_verified,
                      "EAP-MSCHAPv2: the server's authenticator response does not "
                      "verify; it does not know the password of '" +
                          user_ + "'"});
    verified_ = true;
    msk_ = std::move(pending_msk_);
    return encode_ack(opcode::success);
}

std::expected<bytes, eap_error> mschapv2_peer::on_failure(bytes_view type_data) {
    auto m = decode_message(type_data);
    if (!m) return std::unexpected(m.error());
    const auto retry = text_field(m->text, "R");
    const auto c = text_field(m->text, "C");
    if (retry == "1" && c && c->size() == 2 * challenge_size) {
        bool ok = false;
        const bytes value = from_hex(*c, &ok);
        if (ok && value.size() == challenge_size) {
            challenge next{};
            std::copy(value.begin(), value.end(), next.begin());
            return answer_challenge(static_cast<std::uint8_t>(m->ms_id + 1), next);
        }
    }
    return encode_ack(opcode::failure);
}

}  // namespace ike
