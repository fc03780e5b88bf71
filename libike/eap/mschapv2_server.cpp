#include "libike/eap/mschapv2_server.hpp"

#include <openssl/crypto.h>

#include "libike/crypto/random_source.hpp"
#include "libike/eap/mschapv2_packet.hpp"

namespace ike {

namespace {

using namespace mschapv2;

// The name we send in the Challenge; peers show it at most.
constexpr std::string_view server_name = "ikev2d";

}  // namespace

mschapv2_server::mschapv2_server(const eap_user_store& users, random_source& random,
                                 unsigned retries)
    : users_(users), random_(random), retries_left_(retries) {}

mschapv2::challenge mschapv2_server::new_challenge() {
    challenge c{};
    random_.fill(c);
    return c;
}

method_step mschapv2_server::initiate(std::string_view /*identity*/) {
    if (state_ != state::idle)
        return method_failure{{eap_errc::session_state, "EAP-MSCHAPv2 started twice"}};
    std::uint8_t id = 0;
    random_.fill({&id, 1});
    ms_id_ = id;
    challenge_ = new_challenge();
    state_ = state::wait_response;
    return method_request{encode(challenge_packet{ms_id_, challenge_, std::string(server_name)}),
                          {}};
}

method_step mschapv2_server::process(bytes_view type_data) {
    switch (state_) {
        case state::wait_response:
            return on_response(type_data);
        case state::wait_success_ack:
        case state::wait_failure_ack:
            return on_ack(type_data);
        case state::idle:
        case state::done:
            break;
    }
    return method_failure{{eap_errc::session_state, "EAP-MSCHAPv2: no request outstanding"}};
}

method_step mschapv2_server::on_response(bytes_view type_data) {
    auto op = peek_opcode(type_data);
    if (!op) return fail(op.error());
    if (*op != opcode::response)
        return fail(
            {eap_errc::unexpected_packet, "EAP-MSCHAPv2: expected a Response to our Challenge"});
    auto r = decode_response(type_data);
    if (!r) return fail(r.error());
    if (r->ms_id != ms_id_)
        return fail({eap_errc::unexpected_identifier, "EAP-MSCHAPv2: Response for MS-CHAPv2-ID " +
                                                          std::to_string(r->ms_id) + ", we sent " +
                                                          std::to_string(ms_id_)});
    const std::string who = printable(r->name);
    const secret* password = users_.find(r->name);
    if (password == nullptr)
        return reject({eap_errc::unknown_user,
                       "EAP-MSCHAPv2: unknown user '" + who + "' (no EAP secret for it)"});
    auto hash = nt_password_hash(*password);
    if (!hash) return fail(hash.error());
    auto expected = generate_nt_response(challenge_, r->peer_challenge, r->name, *hash);
    if (!expected) return fail(expected.error());
    if (CRYPTO_memcmp(expected->data(), r->response.data(), expected->size()) != 0)
        return reject(
            {eap_errc::wrong_password, "EAP-MSCHAPv2: user '" + who + "' sent a wrong password"});
    auto proof = authenticator_response(*hash, *expected, r->peer_challenge, challenge_, r->name);
    auto key = msk(*hash, *expected);
    if (!proof) return fail(proof.error());
    if (!key) return fail(key.error());
    msk_ = std::move(*key);
    user_ = r->name;
    state_ = state::wait_success_ack;
    return method_request{encode(message_packet{opcode::success, ms_id_, *proof + " M=Welcome"}),
                          {}};
}

method_step mschapv2_server::reject(eap_error why) {
    challenge_ = new_challenge();
    const std::string c = upper_hex(challenge_);
    if (retries_left_ > 0) {
        // RFC 2759 §6: a retry is a new Response to the challenge in C=,
        // under the next MS-CHAPv2-ID.
        --retries_left_;
        const std::uint8_t sent_id = ms_id_++;
        return method_request{
            encode(message_packet{opcode::failure, sent_id,
                                  "E=691 R=1 C=" + c + " V=3 M=Authentication failed, try again"}),
            {}};
    }
    final_error_ = why;
    state_ = state::wait_failure_ack;
    return method_request{
        encode(message_packet{opcode::failure, ms_id_,
                              "E=691 R=0 C=" + c + " V=3 M=Authentication failed"}),
        std::move(why)};
}

method_step mschapv2_server::on_ack(bytes_view type_data) {
    if (state_ == state::wait_failure_ack) {
        // Whatever the peer answers now, even junk, it failed for the reason
        // already found; that reason is what the operator needs to read.
        state_ = state::done;
        return method_failure{std::move(*final_error_)};
    }
    auto op = peek_opcode(type_data);
    if (!op) return fail(op.error());
    if (*op != opcode::success)
        return fail(
            {eap_errc::unexpected_packet, "EAP-MSCHAPv2: user '" + printable(user_) +
                                              "' did not accept our authenticator response"});
    state_ = state::done;
    return method_success{std::move(msk_), std::move(user_)};
}

method_step mschapv2_server::fail(eap_error why) {
    state_ = state::done;
    return method_failure{std::move(why)};
}

}  // namespace ike
