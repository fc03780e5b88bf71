#include "libike/tasks/cert_payloads.hpp"

#include <algorithm>

#include "libike/crypto/cert_key_hash.hpp"
#include "libike/engine/ike_sa.hpp"
#include "libike/tasks/auth_octets.hpp"

namespace ike {

namespace {

bool sends_certificate(const ike_sa& sa) {
    switch (sa.config->send_cert) {
        case send_cert_policy::always:
            return true;
        case send_cert_policy::ifasked:
            return sa.peer_sent_certreq;
        case send_cert_policy::never:
            return false;
    }
    return false;
}

// The peer trusts this CA already: its CERTREQ named it.
bool peer_holds(const ike_sa& sa, const certificate& ca) {
    auto h = subject_public_key_sha1(ca);
    return h && std::ranges::find(sa.peer_certreq_cas, *h) != sa.peer_certreq_cas.end();
}

}  // namespace

std::vector<cert_payload> our_cert_payloads(const ike_sa& sa) {
    const auto& local = sa.config->local_cert;
    if (!local || !sends_certificate(sa)) return {};
    std::vector<cert_payload> out{{cert_encoding::x509_sig, local->cert.der()}};
    for (const auto& ca : local->intermediates)
        if (!peer_holds(sa, ca)) out.push_back({cert_encoding::x509_sig, ca.der()});
    return out;
}

std::expected<peer_certificates, task_error> read_peer_certificates(const inbound_message& m,
                                                                    cert_cache& cache) {
    peer_certificates out;
    std::size_t index = 0;
    for (const auto& p : m.payloads) {
        const auto* c = std::get_if<cert_payload>(&p.body);
        if (p.type != payload_type::cert || !c) continue;
        ++index;
        if (c->encoding != cert_encoding::x509_sig) {
            out.skipped.push_back(to_string(c->encoding));
            continue;
        }
        auto cert = cache.parse(c->data);
        if (!cert)
            return std::unexpected(
                auth_failed("CERT payload " + std::to_string(index) + " of the peer (" +
                            std::to_string(c->data.size()) +
                            " octets) is not a certificate: " + cert.error().message()));
        out.chain.push_back(std::move(*cert));
    }
    return out;
}

}  // namespace ike
