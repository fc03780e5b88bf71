#include "libike/tasks/ike_natd.hpp"

#include <openssl/evp.h>

#include <memory>

#include "libike/codec/byte_writer.hpp"
#include "libike/engine/ike_sa.hpp"

namespace ike {

namespace {

// SHA-1, fetched once per process: EVP_sha1() fetches it by name again in
// every EVP_Digest call, and a responder hashes four times per IKE_SA
// (issue 7). Immutable once fetched, so threads may share it; freed at exit.
const EVP_MD* sha1() {
    static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(
        EVP_MD_fetch(nullptr, "SHA1", nullptr), &EVP_MD_free);
    return md.get();
}

}  // namespace

nat_detection_hash nat_hash(std::uint64_t spi_i, std::uint64_t spi_r, const socket_address& a) {
    byte_writer w;
    w.u64(spi_i);
    w.u64(spi_r);
    w.append(a.ip.view());
    w.u16(a.port);
    nat_detection_hash h{};
    unsigned int len = 0;
    EVP_Digest(w.data().data(), w.data().size(), h.data(), &len, sha1(), nullptr);
    return h;
}

task_result ike_natd::build(message_builder& m, engine_context&) {
    // A responder answers only a peer that sent NAT-D itself (§2.23).
    if (!initiator_ && !peer_supports_) return progress::done;
    m.add(payload_type::notify, make_nat_detection(notify_type::nat_detection_source_ip,
                                                   nat_hash(m.spi_i, m.spi_r, sa_.local)));
    m.add(payload_type::notify, make_nat_detection(notify_type::nat_detection_destination_ip,
                                                   nat_hash(m.spi_i, m.spi_r, sa_.remote)));
    return progress::done;
}

task_result ike_natd::process(const inbound_message& m, engine_context& ctx) {
    if (initiator_ && m.first_error()) return progress::done;  // ike_init decides
    bool any_source = false, source_match = false, any_dest = false, dest_match = false;
    const auto ours = nat_hash(m.header.spi_i, m.header.spi_r, sa_.local);
    const auto theirs = nat_hash(m.header.spi_i, m.header.spi_r, sa_.remote);
    for (const auto& p : m.payloads) {
        const auto* n = std::get_if<notify_payload>(&p.body);
        if (!n) continue;
        if (n->type == notify_type::nat_detection_source_ip) {
            auto h = read_nat_detection_hash(*n);
            any_source = true;
            source_match |= h && *h == theirs;
        } else if (n->type == notify_type::nat_detection_destination_ip) {
            auto h = read_nat_detection_hash(*n);
            any_dest = true;
            dest_match |= h && *h == ours;
        }
    }
    peer_supports_ = any_source && any_dest;
    if (!peer_supports_) return progress::done;
    sa_.nat_remote = !source_match;
    sa_.nat_local = !dest_match;
    if (initiator_ && (sa_.nat_local || sa_.nat_remote) && !m.find_notify(notify_type::cookie) &&
        !m.find_notify(notify_type::invalid_ke_payload)) {
        sa_.local.port = ctx.settings.natt_port;
        sa_.remote.port = ctx.settings.natt_port;
    }
    return progress::done;
}

}  // namespace ike
