#include "libike/eap/eap_peer.hpp"

#include "libike/eap/eap_packet.hpp"

namespace ike {

eap_peer::eap_peer(std::string identity, secret password, random_source& random)
    : identity_(identity), mschapv2_(std::move(identity), std::move(password), random) {}

peer_step eap_peer::process(bytes_view packet) {
    auto p = decode_eap_packet(packet);
    if (!p) return peer_failure{p.error()};
    switch (p->code) {
        case eap_code::request:
            return on_request(p->identifier, p->type, p->data);
        case eap_code::success:
            // RFC 3748 §4.2: a Success before the method finished must not be
            // trusted; MSCHAPv2 finishes when the server's proof verified.
            if (!mschapv2_.server_verified())
                return peer_failure{
                    {eap_errc::server_not_verified, "EAP-Success before the server proved itself"}};
            return peer_success{mschapv2_.msk()};
        case eap_code::failure:
            return peer_failure{last_error_.value_or(
                eap_error{eap_errc::rejected_by_server, "the server sent EAP-Failure"})};
        case eap_code::response:
            break;
    }
    return peer_failure{{eap_errc::unexpected_packet, "an EAP Response from the server"}};
}

peer_step eap_peer::on_request(std::uint8_t identifier, eap_type type, bytes_view data) {
    switch (type) {
        case eap_type::identity:
            return peer_response{eap_response(identifier, eap_type::identity, as_view(identity_))};
        case eap_type::mschapv2: {
            // MSCHAPv2's Failure Request carries the server's reason: keep it
            // for the EAP-Failure that follows.
            if (!data.empty() && data[0] == 4) {
                last_error_ =
                    eap_error{eap_errc::rejected_by_server,
                              "EAP-MSCHAPv2: the server refused user '" + identity_ + "'"};
            }
            auto answer = mschapv2_.process(data);
            if (!answer) return peer_failure{answer.error()};
            return peer_response{eap_response(identifier, eap_type::mschapv2, *answer)};
        }
        default: {
            const std::uint8_t ours[] = {static_cast<std::uint8_t>(eap_type::mschapv2)};
            return peer_response{eap_response(identifier, eap_type::nak, ours)};
        }
    }
}

}  // namespace ike
