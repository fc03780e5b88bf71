#include "libike/tasks/cert_request.hpp"

#include <algorithm>

#include "libike/crypto/cert_key_hash.hpp"
#include "libike/engine/ike_sa.hpp"

namespace ike {

bool wants_certreq(const ike_sa_config& c) {
    return c.remote_auth == auth_kind::pubkey && c.send_certreq && c.trust && !c.trust->cas.empty();
}

std::optional<certreq_payload> make_certreq(std::span<const trust_anchors* const> anchors) {
    std::vector<ca_key_hash> hashes;
    for (const trust_anchors* t : anchors)
        for (const auto& ca : t->cas)
            if (auto h = subject_public_key_sha1(ca);
                h && std::ranges::find(hashes, *h) == hashes.end())
                hashes.push_back(*h);
    if (hashes.empty()) return std::nullopt;
    return certreq_payload{cert_encoding::x509_sig, join_ca_key_hashes(hashes)};
}

void read_certreqs(const inbound_message& m, ike_sa& sa) {
    for (const auto& p : m.payloads) {
        const auto* req = std::get_if<certreq_payload>(&p.body);
        if (p.type != payload_type::certreq || !req) continue;
        sa.peer_sent_certreq = true;
        if (req->encoding != cert_encoding::x509_sig) continue;
        auto hashes = split_ca_key_hashes(req->data);
        if (!hashes) continue;
        for (const auto& h : *hashes)
            if (std::ranges::find(sa.peer_certreq_cas, h) == sa.peer_certreq_cas.end())
                sa.peer_certreq_cas.push_back(h);
    }
}

}  // namespace ike
