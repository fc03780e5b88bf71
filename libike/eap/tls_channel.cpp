#include "libike/eap/tls_channel.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <string>
#include <vector>

#include "libike/crypto/cert_validation.hpp"
#include "libike/crypto/private_key.hpp"

namespace ike {

namespace {

eap_error unavailable(std::string why) {
    ERR_clear_error();
    return {eap_errc::backend_unavailable, "EAP-TLS: " + std::move(why)};
}

int proto_version(tls_version v) {
    return v == tls_version::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
}

/// The TLS alert our verify callback makes OpenSSL send for `code`
/// (X509 verify errors map to alerts in OpenSSL's ssl_verify_alarm_type).
int verify_error_for(cert_errc code) {
    switch (code) {
        case cert_errc::expired:
            return X509_V_ERR_CERT_HAS_EXPIRED;
        case cert_errc::not_yet_valid:
            return X509_V_ERR_CERT_NOT_YET_VALID;
        case cert_errc::revoked:
            return X509_V_ERR_CERT_REVOKED;
        case cert_errc::unknown_ca:
            return X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
        default:
            break;
    }
    return X509_V_ERR_CERT_REJECTED;
}

/// The first reason in OpenSSL's error queue, and an empty queue.
std::pair<int, std::string> drain_errors() {
    const unsigned long e = ERR_peek_error();
    std::string text;
    if (e != 0) {
        const char* r = ERR_reason_error_string(e);
        text = r != nullptr ? r : "error " + std::to_string(ERR_GET_REASON(e));
    }
    ERR_clear_error();
    return {e != 0 ? ERR_GET_REASON(e) : 0, text};
}

}  // namespace

std::string_view name(tls_version v) {
    return v == tls_version::tls1_3 ? "TLS 1.3" : "TLS 1.2";
}

std::expected<std::unique_ptr<tls_channel>, eap_error> tls_channel::create(
    tls_channel_config config) {
    std::unique_ptr<tls_channel> ch(new tls_channel(std::move(config)));
    if (auto ok = ch->setup(); !ok) return std::unexpected(std::move(ok.error()));
    return ch;
}

tls_channel::~tls_channel() {
    SSL_free(ssl_);  // frees both memory BIOs too
    SSL_CTX_free(ctx_);
}

std::expected<void, eap_error> tls_channel::setup() {
    const tls_channel_config& c = config_;
    if (c.trust == nullptr) return std::unexpected(unavailable("no trust store for certificates"));
    if (c.server && (c.cert == nullptr || c.key == nullptr))
        return std::unexpected(unavailable("the EAP-TLS server has no certificate or key"));
    if (c.min_version > c.max_version)
        return std::unexpected(unavailable("minimum TLS version above the maximum"));
    ctx_ = SSL_CTX_new(c.server ? TLS_server_method() : TLS_client_method());
    if (ctx_ == nullptr) return std::unexpected(unavailable("SSL_CTX_new failed"));
    SSL_CTX_set_min_proto_version(ctx_, proto_version(c.min_version));
    SSL_CTX_set_max_proto_version(ctx_, proto_version(c.max_version));
    // One handshake per IKE_SA and no resumption: no tickets, no cache
    // (RFC 9190 §2.1.2 makes resumption optional).
    SSL_CTX_set_options(ctx_, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(ctx_, 0);
    SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_OFF);
    if (c.cert != nullptr) {
        if (c.key == nullptr) return std::unexpected(unavailable("a certificate without its key"));
        if (SSL_CTX_use_certificate(ctx_, c.cert->native()) != 1 ||
            SSL_CTX_use_PrivateKey(ctx_, c.key->native()) != 1 ||
            SSL_CTX_check_private_key(ctx_) != 1)
            return std::unexpected(
                unavailable("the key does not match certificate '" + c.cert->subject() + "'"));
        for (const auto& inter : c.chain)
            if (SSL_CTX_add1_chain_cert(ctx_, inter.native()) != 1)
                return std::unexpected(
                    unavailable("cannot add intermediate '" + inter.subject() + "'"));
    }
    // A server demands the client's certificate (RFC 5216 §2.1.1: EAP-TLS
    // authenticates the peer by it); both sides verify the other's chain
    // with our callback instead of OpenSSL's verifier.
    SSL_CTX_set_verify(
        ctx_, c.server ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER,
        nullptr);
    SSL_CTX_set_cert_verify_callback(ctx_, &tls_channel::verify_cb, this);

    ssl_ = SSL_new(ctx_);
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    if (ssl_ == nullptr || in == nullptr || out == nullptr) {
        BIO_free(in);
        BIO_free(out);
        return std::unexpected(unavailable("SSL_new failed"));
    }
    // An empty memory BIO reports "retry" rather than EOF, so the handshake
    // waits for the next EAP round instead of failing.
    BIO_set_mem_eof_return(in, -1);
    SSL_set_bio(ssl_, in, out);
    if (c.server)
        SSL_set_accept_state(ssl_);
    else
        SSL_set_connect_state(ssl_);
    ERR_clear_error();
    return {};
}

int tls_channel::verify_cb(x509_store_ctx_st* ctx, void* arg) {
    return static_cast<tls_channel*>(arg)->verify(ctx);
}

int tls_channel::verify(x509_store_ctx_st* ctx) {
    X509* leaf_x = X509_STORE_CTX_get0_cert(ctx);
    if (leaf_x == nullptr || X509_up_ref(leaf_x) != 1) return 0;
    certificate leaf(leaf_x);
    std::vector<certificate> others;
    if (STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(ctx))
        for (int i = 0; i < sk_X509_num(sent); ++i) {
            X509* x = sk_X509_value(sent, i);
            if (x != nullptr && x != leaf_x && X509_up_ref(x) == 1) others.emplace_back(x);
        }
    std::expected<void, cert_error> valid;
    if (auto window = config_.trust->validate(leaf, others, config_.now); !window)
        valid = std::unexpected(std::move(window.error()));
    else if (config_.check_peer)
        valid = config_.check_peer(leaf);
    if (!valid) {
        rejected_ = std::move(valid.error());
        X509_STORE_CTX_set_error(ctx, verify_error_for(rejected_->code));
        return 0;
    }
    peer_cert_ = std::move(leaf);
    return 1;
}

eap_error tls_channel::handshake_error(int ssl_error) {
    if (rejected_) {
        ERR_clear_error();
        return {eap_errc::certificate_rejected,
                "the " + std::string(config_.peer_role) + "'s " + rejected_->message()};
    }
    auto [reason, text] = drain_errors();
    if (reason == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
        return {eap_errc::tls_failed,
                "the " + std::string(config_.peer_role) +
                    " sent no certificate; EAP-TLS needs a client certificate and key on the "
                    "peer"};
    if (text.empty())
        text = ssl_error == SSL_ERROR_SYSCALL ? "unexpected end of the TLS stream"
                                              : "SSL error " + std::to_string(ssl_error);
    return {eap_errc::tls_failed, "TLS: " + text};
}

std::expected<void, eap_error> tls_channel::feed(bytes_view in) {
    if (!in.empty() && BIO_write(SSL_get_rbio(ssl_), in.data(), static_cast<int>(in.size())) !=
                           static_cast<int>(in.size()))
        return std::unexpected(unavailable("BIO_write failed"));
    return pump();
}

std::expected<void, eap_error> tls_channel::pump() {
    if (!established_) {
        const int rc = SSL_do_handshake(ssl_);
        if (rc != 1) {
            const int err = SSL_get_error(ssl_, rc);
            if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
                ERR_clear_error();
                return {};
            }
            return std::unexpected(handshake_error(err));
        }
        established_ = true;
    }
    // After the handshake: application data (TLS 1.3's success indication),
    // or an alert the peer sent late.
    std::uint8_t buf[512];
    for (;;) {
        const int n = SSL_read(ssl_, buf, sizeof buf);
        if (n > 0) {
            app_in_.insert(app_in_.end(), buf, buf + n);
            continue;
        }
        const int err = SSL_get_error(ssl_, n);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            ERR_clear_error();
            return {};
        }
        return std::unexpected(handshake_error(err));
    }
}

bytes tls_channel::take_output() {
    BIO* out = SSL_get_wbio(ssl_);
    bytes data(BIO_ctrl_pending(out));
    if (!data.empty()) {
        const int n = BIO_read(out, data.data(), static_cast<int>(data.size()));
        data.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    }
    return data;
}

std::optional<tls_version> tls_channel::version() const {
    if (!established_) return std::nullopt;
    return SSL_version(ssl_) == TLS1_3_VERSION ? tls_version::tls1_3 : tls_version::tls1_2;
}

std::expected<void, eap_error> tls_channel::write(bytes_view data) {
    if (!established_)
        return std::unexpected(
            eap_error{eap_errc::session_state, "EAP-TLS: write before the handshake"});
    const int n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
    if (n != static_cast<int>(data.size()))
        return std::unexpected(handshake_error(SSL_get_error(ssl_, n)));
    return {};
}

bytes tls_channel::read() {
    return std::exchange(app_in_, {});
}

std::expected<secret, eap_error> tls_channel::export_msk(tls13_msk tls13) const {
    if (!established_)
        return std::unexpected(
            eap_error{eap_errc::session_state, "EAP-TLS: key material before the handshake"});
    // 128 octets are derived (MSK, then EMSK) and the MSK is the first 64:
    // the TLS 1.3 exporter's output depends on the length asked for, so the
    // length must be the RFC's.
    secret key_material(128);
    int ok = 0;
    static constexpr char rfc5216_label[] = "client EAP encryption";
    if (version() == tls_version::tls1_3 && tls13 == tls13_msk::strongswan_5_9) {
        ok = SSL_export_keying_material(ssl_, key_material.data(), key_material.size(),
                                        rfc5216_label, sizeof rfc5216_label - 1, nullptr, 0, 1);
    } else if (version() == tls_version::tls1_3) {
        static constexpr char label[] = "EXPORTER_EAP_TLS_Key_Material";
        static constexpr unsigned char context[] = {13};  // EAP-TLS's Type-Code
        ok = SSL_export_keying_material(ssl_, key_material.data(), key_material.size(), label,
                                        sizeof label - 1, context, sizeof context, 1);
    } else {
        ok = SSL_export_keying_material(ssl_, key_material.data(), key_material.size(),
                                        rfc5216_label, sizeof rfc5216_label - 1, nullptr, 0, 0);
    }
    if (ok != 1) return std::unexpected(unavailable("the TLS exporter failed"));
    return key_material.slice(0, 64);
}

}  // namespace ike
