#include "libike/tasks/signature_auth.hpp"

#include <array>
#include <vector>

#include "libike/crypto/signature.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/tasks/auth_octets.hpp"

namespace ike {

namespace {

constexpr std::array announced_hashes{hash_algorithm::sha2_256, hash_algorithm::sha2_384,
                                      hash_algorithm::sha2_512, hash_algorithm::identity};

struct method_choice {
    auth_method method{};
    signature_scheme scheme{};
};

// Method 14 when the peer announced a hash our key can use (RFC 7427 §4),
// else the key's legacy method. Errors: why neither is possible.
std::expected<method_choice, std::string> choose_method(const ike_sa& sa, key_type key) {
    std::vector<hash_algorithm> peer;
    for (auto h : sa.peer_signature_hashes) peer.push_back(static_cast<hash_algorithm>(h));
    auto scheme = choose_signature_scheme(key, peer, sa.config->rsa_pss);
    if (scheme) return method_choice{auth_method::digital_signature, *scheme};
    auto legacy = auth_method_for(key);
    if (!legacy) return std::unexpected(scheme.error().message() + "; " + legacy.error().message());
    return method_choice{*legacy, {}};
}

std::string describe(const method_choice& c) {
    if (c.method == auth_method::digital_signature) return to_string(c.scheme) + " (method 14)";
    return to_string(c.method) + " (method " + std::to_string(static_cast<int>(c.method)) + ")";
}

}  // namespace

std::span<const hash_algorithm> our_signature_hashes(const engine_settings& settings) {
    if (!settings.announce_signature_hashes) return {};
    return announced_hashes;
}

std::expected<signature_auth, task_error> build_signature_auth(const ike_sa& sa,
                                                               bytes_view octets) {
    const auto& local = sa.config->local_cert;
    if (!local || !local->key)
        return std::unexpected(auth_failed("connection '" + sa.config->name +
                                           "' authenticates with a certificate, but none (or "
                                           "no private key) is loaded for it"));
    auto choice = choose_method(sa, local->key->type());
    if (!choice)
        return std::unexpected(auth_failed("cannot sign our AUTH payload with the " +
                                           std::string(name(local->key->type())) + " key of '" +
                                           local->cert.subject() + "': " + choice.error()));
    auto data = build_auth_signature(*local->key, choice->method, choice->scheme, octets);
    if (!data)
        return std::unexpected(auth_failed("signing our AUTH payload with the key of '" +
                                           local->cert.subject() +
                                           "' failed: " + data.error().message()));
    return signature_auth{{choice->method, std::move(*data)}, describe(*choice)};
}

}  // namespace ike
