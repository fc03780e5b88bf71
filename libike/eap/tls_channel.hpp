#pragma once
// TLS over byte buffers, for EAP-TLS: OpenSSL's TLS engine with memory BIOs,
// so the handshake consumes the octets the EAP layer reassembled and
// produces the octets it must fragment, and never sees a socket.
//
// Certificates are not checked by OpenSSL's own verifier (it would read the
// system clock): a verify callback hands the peer's chain to our
// trust_store at the caller's wall time (`now`), then to `check_peer`
// (identity, key usage). A rejection there aborts the handshake with a TLS
// alert, which is left in the output for the EAP layer to deliver, and the
// error keeps the trust store's words (which certificate, and why).
//
// OpenSSL draws the TLS randoms and ephemeral keys from its own DRBG;
// that is the one input not injected here.
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "libike/common/bytes.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/certificate.hpp"
#include "libike/eap/eap_error.hpp"

struct ssl_st;
struct ssl_ctx_st;
struct x509_store_ctx_st;

namespace ike {

class private_key;
class trust_store;

enum class tls_version : std::uint8_t { tls1_2 = 1, tls1_3 };
std::string_view name(tls_version v);

/// How the EAP-TLS MSK is derived under TLS 1.3.
enum class tls13_msk : std::uint8_t {
    /// RFC 9190 §2.3: exporter label "EXPORTER_EAP_TLS_Key_Material",
    /// context the EAP type (0x0D).
    rfc9190,
    /// What charon 5.9.x does (its libtls predates RFC 9190): the TLS 1.3
    /// exporter with RFC 5216's label "client EAP encryption" and an empty
    /// context. Only for peers that are charon with libtls version_max = 1.3.
    strongswan_5_9,
};

struct tls_channel_config {
    bool server = true;
    /// Our certificate, its intermediates (issuer first) and key. A server
    /// needs them; a client without them sends no certificate.
    const certificate* cert = nullptr;
    std::span<const certificate> chain = {};
    const private_key* key = nullptr;
    /// What the peer's certificate must chain to. Required.
    const trust_store* trust = nullptr;
    /// The wall-clock time certificates are checked at.
    cert_time now = {};
    tls_version min_version = tls_version::tls1_2;
    tls_version max_version = tls_version::tls1_3;
    /// Further checks of the peer's end-entity certificate once its chain
    /// validated (e.g. that it names the EAP identity); may be empty.
    std::function<std::expected<void, cert_error>(const certificate&)> check_peer = {};
    /// How this side's messages call the peer's certificate ("client", "server").
    std::string_view peer_role = "peer";
};

class tls_channel {
  public:
    /// Errors: backend_unavailable when OpenSSL refuses the configuration
    /// (no trust store, a key that does not match the certificate, a server
    /// without certificate or key); the text says which.
    static std::expected<std::unique_ptr<tls_channel>, eap_error> create(tls_channel_config config);

    tls_channel(const tls_channel&) = delete;
    tls_channel& operator=(const tls_channel&) = delete;
    ~tls_channel();

    /// Takes the peer's TLS octets (empty for the client's first call, which
    /// makes its ClientHello) and runs the handshake as far as they allow;
    /// after the handshake, records application data for read().
    /// Errors: certificate_rejected (the peer's certificate, the reason from
    /// the trust store or check_peer); tls_failed (a TLS alert from the
    /// peer, no client certificate, no common version or cipher suite,
    /// garbage). After an error, take_output() may hold our alert.
    std::expected<void, eap_error> feed(bytes_view in);

    /// Octets to send to the peer, emptied by the call.
    bytes take_output();

    /// True once the handshake finished on this side.
    bool established() const { return established_; }
    std::optional<tls_version> version() const;

    /// Encrypts application data into the output. Precondition: established().
    std::expected<void, eap_error> write(bytes_view data);
    /// Application data received so far, emptied by the call.
    bytes read();

    /// 64 octets of MSK for EAP-TLS: the TLS exporter with label "client EAP
    /// encryption" and no context under TLS 1.2 (RFC 5216 §2.3, the TLS-PRF
    /// over both randoms); under TLS 1.3 as `tls13` says. Precondition:
    /// established(). Errors: backend_unavailable if OpenSSL refuses.
    std::expected<secret, eap_error> export_msk(tls13_msk tls13 = tls13_msk::rfc9190) const;

    /// The peer's certificate once it validated.
    const std::optional<certificate>& peer_certificate() const { return peer_cert_; }

  private:
    explicit tls_channel(tls_channel_config config) : config_(std::move(config)) {}
    std::expected<void, eap_error> setup();
    std::expected<void, eap_error> pump();
    eap_error handshake_error(int ssl_error);
    static int verify_cb(x509_store_ctx_st* ctx, void* arg);
    int verify(x509_store_ctx_st* ctx);

    tls_channel_config config_;
    ssl_ctx_st* ctx_ = nullptr;
    ssl_st* ssl_ = nullptr;
    bool established_ = false;
    bytes app_in_;
    std::optional<certificate> peer_cert_;
    std::optional<cert_error> rejected_;
};

}  // namespace ike
