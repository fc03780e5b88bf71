#include "libike/eap/eap_tls_peer.hpp"

#include "libike/crypto/cert_validation.hpp"
#include "libike/eap/eap_packet.hpp"
#include "libike/sa/identity.hpp"

namespace ike {

namespace {

std::expected<void, cert_error> check_server(const certificate& cert, const std::string& wanted) {
    if (!wanted.empty()) {
        auto id = parse_identity(wanted);
        if (!id || id->any)
            return std::unexpected(cert_error{cert_errc::identity_mismatch,
                                              "'" + wanted + "' is not a server identity"});
        if (auto named = match_identity(cert, id->type, id->data); !named) return named;
    }
    return check_eku(cert, eku_requirement::server_auth);
}

}  // namespace

eap_tls_peer::eap_tls_peer(eap_tls_peer_config config)
    : config_(std::move(config)),
      outgoing_(config_.fragment_size > 0 ? config_.fragment_size : 1000) {}

peer_step eap_tls_peer::process(bytes_view packet) {
    auto p = decode_eap_packet(packet);
    if (!p) return fail(p.error());
    switch (p->code) {
        case eap_code::request:
            if (p->type == eap_type::identity)
                return peer_response{
                    eap_response(p->identifier, eap_type::identity, as_view(config_.identity))};
            if (p->type == eap_type::tls) return on_tls(p->identifier, p->data);
            {
                const std::uint8_t ours[] = {static_cast<std::uint8_t>(eap_type::tls)};
                return peer_response{eap_response(p->identifier, eap_type::nak, ours)};
            }
        case eap_code::success:
            // RFC 3748 §4.2 and RFC 9190 §2.5: a Success before the server
            // accepted our certificate inside TLS is not to be believed.
            if (!accepted_)
                return fail({eap_errc::server_not_verified,
                             "EAP-Success before the EAP-TLS handshake accepted us"});
            return peer_success{msk_};
        case eap_code::failure:
            return fail(last_error_.value_or(
                eap_error{eap_errc::rejected_by_server, "the server sent EAP-Failure"}));
        case eap_code::response:
            break;
    }
    return fail({eap_errc::unexpected_packet, "an EAP Response from the server"});
}

peer_step eap_tls_peer::on_tls(std::uint8_t identifier, bytes_view type_data) {
    auto f = eap_tls::decode_fragment(type_data);
    if (!f) return fail(std::move(f.error()));
    if (f->start()) {
        if (tls_) return fail({eap_errc::unexpected_packet, "EAP-TLS: a second Start"});
        tls_channel_config c;
        c.server = false;
        c.cert = config_.cert;
        c.chain = config_.chain;
        c.key = config_.key;
        c.trust = config_.trust;
        c.now = config_.now;
        c.min_version = config_.min_version;
        c.max_version = config_.max_version;
        c.check_peer = [wanted = config_.server_identity](const certificate& cert) {
            return check_server(cert, wanted);
        };
        c.peer_role = "server";
        auto ch = tls_channel::create(std::move(c));
        if (!ch) return fail(std::move(ch.error()));
        tls_ = std::move(*ch);
        return on_flight(identifier, {});
    }
    if (!tls_) return fail({eap_errc::unexpected_packet, "EAP-TLS data before the Start"});
    if (outgoing_.pending()) {
        if (!f->is_ack())
            return fail({eap_errc::unexpected_packet,
                         "EAP-TLS: the server sent data before taking all our fragments"});
        return peer_response{eap_response(identifier, eap_type::tls, outgoing_.next())};
    }
    if (f->is_ack())
        return fail({eap_errc::unexpected_packet, "EAP-TLS: an acknowledgement from the server"});
    auto complete = incoming_.add(*f);
    if (!complete) return fail(std::move(complete.error()));
    if (!*complete)
        return peer_response{eap_response(identifier, eap_type::tls, eap_tls::ack_type_data())};
    return on_flight(identifier, incoming_.take());
}

peer_step eap_tls_peer::on_flight(std::uint8_t identifier, bytes flight) {
    if (auto fed = tls_->feed(flight); !fed) {
        // Our alert (or an acknowledgement) goes back; the server's
        // EAP-Failure follows and reports this reason.
        last_error_ = std::move(fed.error());
        return send(identifier, tls_->take_output());
    }
    if (tls_->established() && !accepted_) {
        // TLS 1.2: the server's Finished came after it checked us. TLS 1.3:
        // only the 0x00 record says so (RFC 9190 §2.5).
        const bytes app = tls_->read();
        if (tls_->version() == tls_version::tls1_2 || (app.size() == 1 && app[0] == 0)) {
            auto msk = tls_->export_msk(config_.tls13_key_derivation);
            if (!msk) return fail(std::move(msk.error()));
            msk_ = std::move(*msk);
            accepted_ = true;
        } else if (!app.empty()) {
            return fail({eap_errc::unexpected_packet,
                         "EAP-TLS: application data other than the success indication"});
        }
    }
    return send(identifier, tls_->take_output());
}

peer_step eap_tls_peer::send(std::uint8_t identifier, bytes flight) {
    if (flight.empty())
        return peer_response{eap_response(identifier, eap_type::tls, eap_tls::ack_type_data())};
    outgoing_.load(std::move(flight));
    return peer_response{eap_response(identifier, eap_type::tls, outgoing_.next())};
}

peer_step eap_tls_peer::fail(eap_error why) {
    last_error_ = why;
    return peer_failure{std::move(why)};
}

}  // namespace ike
