#pragma once
// The server side of one EAP method, as the local backend runs it: it sees
// only its own type data (what follows the EAP Type octet); the session
// around it (local_backend.cpp) owns codes, identifiers and the
// Identity/Nak handling. A method that carries TLS records (EAP-TLS, its
// L/M/S flags and fragments) keeps its reassembly state in here.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/common/secret.hpp"
#include "libike/eap/eap_error.hpp"

namespace ike {

struct method_request {
    bytes type_data;
    std::optional<eap_error> failing;  ///< see eap_request_step::failing
};
struct method_success {
    secret msk;
    std::string identity;  ///< who the method authenticated
};
struct method_failure {
    eap_error error;
};
using method_step = std::variant<method_request, method_success, method_failure>;

class eap_method_server {
  public:
    virtual ~eap_method_server() = default;
    virtual eap_type type() const = 0;
    /// The first request. `identity` is the peer's EAP identity (or its IDi
    /// when no Identity round was run); a method that proves an identity of
    /// its own (EAP-TLS: a certificate) checks it against this one.
    virtual method_step initiate(std::string_view identity) = 0;
    /// The peer's response to our last request (its type data).
    virtual method_step process(bytes_view type_data) = 0;
};

}  // namespace ike
