#include "libike/eap/eap_tls_server.hpp"

#include <algorithm>

#include "libike/crypto/cert_validation.hpp"
#include "libike/sa/identity.hpp"

namespace ike {

namespace {

// A handshake takes about ten rounds with 1000-octet fragments; a peer that
// keeps the conversation going far longer (e.g. in one-octet fragments) is
// stalling. strongSwan stops at 32 rounds of 1024 octets; we allow 50 and
// scale with a smaller configured fragment size.
constexpr unsigned rounds_per_1000_octets = 50;

unsigned round_limit(std::size_t fragment_size) {
    const std::size_t size = std::clamp<std::size_t>(fragment_size, 1, 1000);
    return rounds_per_1000_octets * static_cast<unsigned>((1000 + size - 1) / size);
}

}  // namespace

eap_tls_server::eap_tls_server(const eap_session_params& params)
    : cert_(params.tls_certificate),
      chain_(params.tls_chain),
      key_(params.tls_key),
      trust_(params.tls_trust),
      now_(params.now),
      min_version_(params.tls_min_version),
      max_version_(params.tls_max_version),
      tls13_msk_(params.tls13_key_derivation),
      outgoing_(params.tls_fragment_size > 0 ? params.tls_fragment_size : 1000),
      max_rounds_(round_limit(params.tls_fragment_size)) {}

std::expected<void, cert_error> eap_tls_server::check_client(const certificate& cert) const {
    // RFC 5216 §5.2: the identity the peer claimed must be the one its
    // certificate proves, else a valid certificate of anyone would pass for
    // the user in the Identity Response.
    auto id = parse_identity(identity_);
    if (!id || id->any)
        return std::unexpected(cert_error{
            cert_errc::identity_mismatch,
            "the EAP identity '" + printable(identity_) +
                "' is not an identity a certificate can name (use an email, FQDN, IP or DN)"});
    if (auto named = match_identity(cert, id->type, id->data); !named) return named;
    return check_eku(cert, eku_requirement::client_auth);
}

method_step eap_tls_server::initiate(std::string_view identity) {
    if (state_ != state::idle) return fail({eap_errc::session_state, "EAP-TLS started twice"});
    identity_ = identity;
    tls_channel_config config;
    config.server = true;
    config.cert = cert_;
    config.chain = chain_;
    config.key = key_;
    config.trust = trust_;
    config.now = now_;
    config.min_version = min_version_;
    config.max_version = max_version_;
    config.check_peer = [this](const certificate& c) { return check_client(c); };
    config.peer_role = "client";
    auto ch = tls_channel::create(std::move(config));
    if (!ch) return fail(std::move(ch.error()));
    tls_ = std::move(*ch);
    state_ = state::handshake;
    return method_request{eap_tls::start_type_data(), {}};
}

method_step eap_tls_server::process(bytes_view type_data) {
    if (++rounds_ > max_rounds_)
        return fail({eap_errc::unexpected_packet,
                     "EAP-TLS: no result after " + std::to_string(max_rounds_) + " rounds"});
    if (state_ == state::alert_sent) {
        // The peer got our alert; whatever it answers, it failed for the
        // reason already found.
        state_ = state::done;
        return method_failure{std::move(*final_error_)};
    }
    if (state_ != state::handshake)
        return fail({eap_errc::session_state, "EAP-TLS: no request outstanding"});
    auto f = eap_tls::decode_fragment(type_data);
    if (!f) return fail(std::move(f.error()));
    if (f->start()) return fail({eap_errc::unexpected_packet, "EAP-TLS: a Start from the peer"});
    if (outgoing_.pending()) {
        if (!f->is_ack())
            return fail({eap_errc::unexpected_packet,
                         "EAP-TLS: expected an acknowledgement of our fragment, got data"});
        return method_request{outgoing_.next(), {}};
    }
    if (f->is_ack()) {
        if (finished_sent_) return finish();
        return fail({eap_errc::unexpected_packet,
                     "EAP-TLS: an acknowledgement while we wait for the peer's TLS data"});
    }
    auto complete = incoming_.add(*f);
    if (!complete) return fail(std::move(complete.error()));
    if (!*complete) return method_request{eap_tls::ack_type_data(), {}};
    return on_flight(incoming_.take());
}

method_step eap_tls_server::on_flight(bytes flight) {
    if (finished_sent_)
        return fail({eap_errc::unexpected_packet, "EAP-TLS: TLS data after the handshake ended"});
    if (auto fed = tls_->feed(flight); !fed) {
        bytes alert = tls_->take_output();
        if (alert.empty()) return fail(std::move(fed.error()));
        // RFC 5216 §2.1.3: tell the peer with our alert, then EAP-Failure.
        final_error_ = std::move(fed.error());
        state_ = state::alert_sent;
        outgoing_.load(std::move(alert));
        return method_request{outgoing_.next(), final_error_};
    }
    if (tls_->established()) {
        // RFC 9190 §2.5: under TLS 1.3 the server's handshake may end before
        // the client's certificate was checked by anyone but us, so a
        // one-octet 0x00 record tells the peer it is accepted.
        if (tls_->version() == tls_version::tls1_3) {
            const std::uint8_t indication[] = {0};
            if (auto w = tls_->write(indication); !w) return fail(std::move(w.error()));
        }
        finished_sent_ = true;
    }
    return send_output();
}

method_step eap_tls_server::send_output() {
    bytes out = tls_->take_output();
    if (out.empty())
        return fail({eap_errc::tls_failed,
                     "EAP-TLS: the peer's flight left the handshake incomplete (truncated TLS "
                     "records?)"});
    outgoing_.load(std::move(out));
    return method_request{outgoing_.next(), {}};
}

method_step eap_tls_server::finish() {
    auto msk = tls_->export_msk(tls13_msk_);
    if (!msk) return fail(std::move(msk.error()));
    state_ = state::done;
    return method_success{std::move(*msk), identity_};
}

method_step eap_tls_server::fail(eap_error why) {
    state_ = state::done;
    return method_failure{std::move(why)};
}

}  // namespace ike
