#include "libike/tasks/peer_certificate_check.hpp"

#include "libike/crypto/cert_validation.hpp"
#include "libike/crypto/signature.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/tasks/auth_octets.hpp"
#include "libike/tasks/cert_payloads.hpp"
#include "libike/tasks/signature_auth.hpp"

namespace ike {

namespace {

bool is_signature_method(auth_method m) {
    switch (m) {
        case auth_method::rsa_sig:
        case auth_method::ecdsa_sha256_p256:
        case auth_method::ecdsa_sha384_p384:
        case auth_method::ecdsa_sha512_p521:
        case auth_method::digital_signature:
            return true;
        default:
            return false;
    }
}

std::string named(const certificate& c) {
    return "certificate '" + c.subject() + "' (serial " + c.serial() + ")";
}

// Chain, identity and extended key usage of the peer's end-entity certificate.
std::expected<void, task_error> check_certificate(const ike_sa& sa, engine_context& ctx,
                                                  const peer_certificates& certs,
                                                  const id_payload& peer_id) {
    const auto& cfg = *sa.config;
    const certificate& leaf = certs.chain.front();
    const auto intermediates = std::span(certs.chain).subspan(1);
    if (!cfg.trust)
        return std::unexpected(auth_failed("connection '" + cfg.name +
                                           "' has no trusted CAs to check the peer's " +
                                           named(leaf) + " with"));
    if (!ctx.settings.wall_clock)
        return std::unexpected(auth_failed("no wall clock to check the validity of the peer's " +
                                           named(leaf) + " (engine_settings::wall_clock)"));
    if (auto v =
            ctx.certs.validate(cfg.trust->store, leaf, intermediates, ctx.settings.wall_clock());
        !v)
        return std::unexpected(
            auth_failed("peer's " + named(leaf) + " rejected: " + v.error().message()));
    if (auto v = match_identity(leaf, peer_id.type, peer_id.data); !v)
        return std::unexpected(auth_failed("peer's " + named(leaf) +
                                           " does not name its identity '" + to_string(peer_id) +
                                           "': " + v.error().message()));
    if (auto v = check_eku(leaf, cfg.remote_eku); !v)
        return std::unexpected(
            auth_failed("peer's " + named(leaf) + " rejected: " + v.error().message()));
    return {};
}

}  // namespace

std::string peer_cert_auth::description() const {
    return "certificate '" + cert.subject() + "' (serial " + cert.serial() + ", issuer '" +
           cert.issuer() + "') and a " + scheme + " signature";
}

std::expected<peer_cert_auth, task_error> verify_peer_certificate(const ike_sa& sa,
                                                                  engine_context& ctx,
                                                                  const inbound_message& m,
                                                                  const id_payload& peer_id,
                                                                  const auth_payload& auth) {
    if (!is_signature_method(auth.method))
        return std::unexpected(auth_failed("peer '" + to_string(peer_id) +
                                           "' uses authentication method " +
                                           to_string(auth.method) +
                                           ", we expect a certificate signature (remote auth "
                                           "pubkey)"));
    auto certs = read_peer_certificates(m, ctx.certs);
    if (!certs) return std::unexpected(std::move(certs.error()));
    for (const auto& s : certs->skipped)
        sa.emit(ctx, sa_event::kind::notice, 0,
                "passed over a CERT payload of encoding " + s + " (only X.509 is read)");
    if (certs->chain.empty())
        return std::unexpected(auth_failed(
            "peer '" + to_string(peer_id) +
            "' sent no X.509 CERT payload and no certificate is configured for it: the peer "
            "must send its certificate (charon: send_cert = always)"));
    if (auto v = check_certificate(sa, ctx, *certs, peer_id); !v)
        return std::unexpected(std::move(v.error()));
    const certificate& leaf = certs->chain.front();
    auto octets = signed_octets(sa, !sa.initiator, peer_id);
    if (!octets) return std::unexpected(auth_internal(octets.error()));
    auto scheme = verify_auth_signature(leaf.public_key(), auth.method, auth.data, *octets,
                                        our_signature_hashes(ctx.settings));
    if (!scheme)
        return std::unexpected(auth_failed("AUTH payload of '" + to_string(peer_id) + "' (method " +
                                           to_string(auth.method) +
                                           ") does not verify with the key of its " + named(leaf) +
                                           ": " + scheme.error().message()));
    std::string how = auth.method == auth_method::digital_signature
                          ? to_string(*scheme) + " (method 14)"
                          : to_string(*scheme) + " (method " +
                                std::to_string(static_cast<int>(auth.method)) + ")";
    return peer_cert_auth{leaf, std::move(how)};
}

}  // namespace ike
