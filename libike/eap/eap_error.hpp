#pragma once
// Why an EAP conversation failed. Everything the peer sends can fail, and
// fails with one of these (never an exception); `detail` is written for the
// operator and names the user where there is one.
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace ike {

enum class eap_errc : std::uint8_t {
    malformed = 1,          ///< an EAP packet or method data that does not parse
    unexpected_identifier,  ///< a response to a request we did not send (RFC 3748 §4.1)
    unexpected_packet,      ///< a code, type or MSCHAPv2 opcode that does not fit the state
    method_refused,         ///< the peer answered our method with a Nak (RFC 3748 §5.3.1)
    unknown_user,           ///< the identity is not in the EAP user store
    wrong_password,         ///< the peer's proof does not match the user's secret
    server_not_verified,    ///< (peer side) the server's proof did not verify
    rejected_by_server,     ///< (peer side) the server sent a failure
    backend_unavailable,    ///< crypto the method needs is missing (OpenSSL legacy provider)
    session_state,          ///< the session was driven out of order (a caller bug)
    certificate_rejected,   ///< EAP-TLS: the other side's certificate did not validate
    tls_failed,             ///< EAP-TLS: the TLS handshake failed (alert, no certificate...)
};

const std::error_category& eap_category();
inline std::error_code make_error_code(eap_errc e) {
    return {static_cast<int>(e), eap_category()};
}

struct eap_error {
    eap_errc code{};
    std::string detail;  ///< what, why and for whom; never a secret
    /// "EAP wrong password: EAP-MSCHAPv2: user 'carol' sent a wrong password"
    std::string message() const;
};

/// A peer-chosen name (EAP identity, MSCHAPv2 Name) fit for a log line:
/// at most 128 characters, control and non-ASCII octets shown as '?', so a
/// peer cannot forge or break log lines.
std::string printable(std::string_view peer_text);

}  // namespace ike

template <>
struct std::is_error_code_enum<ike::eap_errc> : std::true_type {};
