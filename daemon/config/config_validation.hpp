#pragma once
// Checks that span sections of the file (a connection and the secrets it
// needs). Checks within one connection or child run while it is loaded.
#include "daemon/config/config.hpp"
#include "daemon/config/yaml_reader.hpp"

namespace ikev2d::config {

/// Reports to `diag`: a connection with auth: psk (either side) for whose
/// identities no secret applies (secret_match.hpp), at the connection's
/// key; a secret whose ids match no connection (a warning; it is probably a
/// typo in an id); no connections at all (a warning).
void validate_config(diagnostics& diag, const config& cfg);

}  // namespace ikev2d::config
