#include "libike/eap/eap_error.hpp"

namespace ike {

namespace {

class eap_category_impl final : public std::error_category {
  public:
    const char* name() const noexcept override { return "ike.eap"; }
    std::string message(int ev) const override {
        switch (static_cast<eap_errc>(ev)) {
            case eap_errc::malformed:
                return "malformed EAP packet";
            case eap_errc::unexpected_identifier:
                return "EAP response with an unexpected identifier";
            case eap_errc::unexpected_packet:
                return "unexpected EAP packet";
            case eap_errc::method_refused:
                return "EAP method refused by the peer";
            case eap_errc::unknown_user:
                return "unknown EAP user";
            case eap_errc::wrong_password:
                return "EAP wrong password";
            case eap_errc::server_not_verified:
                return "EAP server not verified";
            case eap_errc::rejected_by_server:
                return "EAP rejected by the server";
            case eap_errc::backend_unavailable:
                return "EAP backend unavailable";
            case eap_errc::session_state:
                return "EAP session driven out of order";
            case eap_errc::certificate_rejected:
                return "EAP-TLS certificate rejected";
            case eap_errc::tls_failed:
                return "EAP-TLS handshake failed";
        }
        return "unknown EAP error";
    }
};

}  // namespace

const std::error_category& eap_category() {
    static const eap_category_impl instance;
    return instance;
}

std::string printable(std::string_view peer_text) {
    std::string out(peer_text.substr(0, 128));
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) c = '?';
    return out;
}

std::string eap_error::message() const {
    std::string out = make_error_code(code).message();
    if (!detail.empty()) out += ": " + detail;
    return out;
}

}  // namespace ike
