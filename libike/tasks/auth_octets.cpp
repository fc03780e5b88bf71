#include "libike/tasks/auth_octets.hpp"

#include "libike/codec/byte_writer.hpp"
#include "libike/crypto/prf.hpp"
#include "libike/engine/ike_sa.hpp"

namespace ike {

std::expected<bytes, std::string> signed_octets(const ike_sa& sa, bool of_initiator,
                                                const id_payload& id) {
    const bytes& first_message = of_initiator ? sa.init_request : sa.init_response;
    const bytes& peer_nonce = of_initiator ? sa.nr : sa.ni;
    const secret& sk_p = of_initiator ? sa.keys->sk_pi : sa.keys->sk_pr;
    byte_writer id_body;
    encode_id_payload(id, id_body);
    auto id_prf = prf::create(sa.keys->prf_alg, sk_p.view());
    if (!id_prf) return std::unexpected(id_prf.error().message());
    auto mac_id = id_prf->compute(id_body.data());
    if (!mac_id) return std::unexpected(mac_id.error().message());
    bytes out;
    out.reserve(first_message.size() + peer_nonce.size() + mac_id->size());
    out.insert(out.end(), first_message.begin(), first_message.end());
    out.insert(out.end(), peer_nonce.begin(), peer_nonce.end());
    out.insert(out.end(), mac_id->view().begin(), mac_id->view().end());
    return out;
}

task_error auth_failed(std::string reason) {
    return task_error{notify_type::authentication_failed,
                      {},
                      "AUTHENTICATION_FAILED: " + std::move(reason),
                      true};
}

task_error auth_internal(std::string reason) {
    return task_error{std::nullopt, {}, "AUTH computation: " + std::move(reason), true};
}

}  // namespace ike
