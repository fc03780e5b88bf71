#include "libike/tasks/psk_auth.hpp"

#include <openssl/crypto.h>

#include <string_view>

#include "libike/crypto/prf.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/sa/identity.hpp"
#include "libike/tasks/auth_octets.hpp"

namespace ike {

namespace {

constexpr std::string_view key_pad = "Key Pad for IKEv2";

// prf(prf(PSK, key pad), octets). Errors: a reason (PRF failure).
std::expected<secret, std::string> psk_value(prf_id alg, const secret& psk, bytes_view octets) {
    auto pad = prf::create(alg, psk.view());
    if (!pad) return std::unexpected(pad.error().message());
    auto pad_key = pad->compute(as_view(key_pad));
    if (!pad_key) return std::unexpected(pad_key.error().message());
    auto auth_prf = prf::create(alg, pad_key->view());
    if (!auth_prf) return std::unexpected(auth_prf.error().message());
    auto auth = auth_prf->compute(octets);
    if (!auth) return std::unexpected(auth.error().message());
    return std::move(*auth);
}

task_error no_psk(const ike_sa& sa, const id_payload& peer_id) {
    return auth_failed("no PSK configured for " + to_string(sa.config->local_id) + " - " +
                       to_string(peer_id));
}

}  // namespace

std::expected<secret, task_error> shared_key_auth(const ike_sa& sa, const secret& key,
                                                  bool of_initiator, const id_payload& id) {
    auto octets = signed_octets(sa, of_initiator, id);
    if (!octets) return std::unexpected(auth_internal(octets.error()));
    auto v = psk_value(sa.keys->prf_alg, key, *octets);
    if (!v) return std::unexpected(auth_internal(v.error()));
    return std::move(*v);
}

std::expected<auth_payload, task_error> build_psk_auth(const ike_sa& sa, engine_context& ctx,
                                                       const id_payload& our_id,
                                                       const id_payload& peer_id) {
    const secret* psk = ctx.psks.find(sa.config->local_id, peer_id);
    if (!psk) return std::unexpected(no_psk(sa, peer_id));
    auto v = shared_key_auth(sa, *psk, sa.initiator, our_id);
    if (!v) return std::unexpected(std::move(v.error()));
    return auth_payload{auth_method::psk, bytes(v->view().begin(), v->view().end())};
}

std::expected<void, task_error> verify_psk_auth(const ike_sa& sa, engine_context& ctx,
                                                const id_payload& peer_id,
                                                const auth_payload& auth) {
    if (auth.method != auth_method::psk)
        return std::unexpected(auth_failed("peer uses authentication method " +
                                           to_string(auth.method) + ", we expect a PSK"));
    const secret* psk = ctx.psks.find(sa.config->local_id, peer_id);
    if (!psk) return std::unexpected(no_psk(sa, peer_id));
    auto expected = shared_key_auth(sa, *psk, !sa.initiator, peer_id);
    if (!expected) return std::unexpected(std::move(expected.error()));
    if (expected->size() != auth.data.size() ||
        CRYPTO_memcmp(expected->data(), auth.data.data(), auth.data.size()) != 0)
        return std::unexpected(auth_failed("AUTH payload of '" + to_string(peer_id) +
                                           "' does not verify with the configured PSK "
                                           "(the two sides' PSKs differ?)"));
    return {};
}

}  // namespace ike
