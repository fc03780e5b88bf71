#pragma once
// Certificates, private keys and CRLs named by the configuration, read when
// the file is loaded so that a bad path or a damaged PEM is reported at its
// key (file:line:column) rather than when a peer connects. Relative paths
// are relative to the configuration file's directory.
//
//   authorities:            # CAs we trust for peers' certificates
//     example-ca:
//       cacert: ca.pem      # one or more CA certificates (PEM)
//       crls: [ca.crl]      # optional CRLs (PEM or DER)
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "daemon/config/config.hpp"
#include "daemon/config/yaml_reader.hpp"

namespace ikev2d::config {

/// Every certificate in the PEM file `at` names (errors reported there).
std::optional<std::vector<ike::certificate>> load_certificate_file(
    diagnostics& diag, const scalar& at, const std::filesystem::path& base_dir);

/// The private key in the PEM file `at` names; a warning when the file is
/// readable by group or others.
std::shared_ptr<const ike::private_key> load_private_key_file(
    diagnostics& diag, const scalar& at, const std::filesystem::path& base_dir);

/// The `authorities` map.
std::vector<authority_config> load_authorities(diagnostics& diag, const located_node& node,
                                               const std::filesystem::path& base_dir);

}  // namespace ikev2d::config
