#include "daemon/config/credential_loader.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "daemon/config/psk.hpp"

namespace ikev2d::config {

namespace {

constexpr std::string_view authority_keys[] = {"cacert", "crls"};
// Certificate chains and CRLs of real CAs stay far below this.
constexpr std::size_t max_credential_file = 4 * 1024 * 1024;

std::filesystem::path resolve(const scalar& at, const std::filesystem::path& base_dir) {
    std::filesystem::path p(at.value);
    return p.is_relative() && !base_dir.empty() ? base_dir / p : p;
}

// The file's bytes, or an error reported at `at`.
std::optional<std::string> read_file(diagnostics& diag, const scalar& at,
                                     const std::filesystem::path& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        diag.error(at, "cannot read " + path.string() + ": " + ec.message());
        return std::nullopt;
    }
    if (size > max_credential_file) {
        diag.error(at, path.string() + " is larger than 4 MiB; is it the right file?");
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf())) {
        diag.error(at, "cannot read " + path.string() + ": " + std::strerror(errno));
        return std::nullopt;
    }
    return text.str();
}

std::optional<ike::revocation_list> load_crl(diagnostics& diag, const scalar& at,
                                             const std::filesystem::path& base_dir) {
    const auto path = resolve(at, base_dir);
    auto text = read_file(diag, at, path);
    if (!text) return std::nullopt;
    auto crl = text->find("-----BEGIN X509 CRL-----") != std::string::npos
                   ? ike::revocation_list::from_pem(*text)
                   : ike::revocation_list::from_der(ike::as_view(*text));
    if (!crl) {
        diag.error(at, path.string() + ": " + crl.error().message());
        return std::nullopt;
    }
    return std::move(*crl);
}

std::optional<authority_config> load_authority(diagnostics& diag, const map_entry& entry,
                                               const std::filesystem::path& base_dir) {
    schema_map m(diag, entry.value, authority_keys);
    if (!m.valid()) return std::nullopt;
    authority_config out;
    out.name = entry.key.value;
    auto cacert = m.get_scalar("cacert");
    if (!cacert) {
        m.error_missing("missing 'cacert' (the CA certificate's PEM file)");
        return std::nullopt;
    }
    auto certs = load_certificate_file(diag, *cacert, base_dir);
    if (!certs) return std::nullopt;
    for (const auto& c : *certs) {
        if (!c.is_ca())
            diag.error(*cacert, "'" + c.subject() +
                                    "' is not a CA certificate (no basicConstraints CA:TRUE); "
                                    "give the certificate of the CA that issued it");
    }
    out.cacerts = std::move(*certs);
    if (auto crls = m.get_list("crls")) {
        for (const scalar& s : *crls) {
            if (auto crl = load_crl(diag, s, base_dir)) out.crls.push_back(std::move(*crl));
        }
    }
    return out;
}

}  // namespace

std::optional<std::vector<ike::certificate>> load_certificate_file(
    diagnostics& diag, const scalar& at, const std::filesystem::path& base_dir) {
    const auto path = resolve(at, base_dir);
    auto text = read_file(diag, at, path);
    if (!text) return std::nullopt;
    auto certs = ike::certificate::all_from_pem(*text);
    if (!certs) {
        diag.error(at, path.string() + ": " + certs.error().message() +
                           " (a PEM file with -----BEGIN CERTIFICATE----- blocks is expected)");
        return std::nullopt;
    }
    return std::move(*certs);
}

std::shared_ptr<const ike::private_key> load_private_key_file(
    diagnostics& diag, const scalar& at, const std::filesystem::path& base_dir) {
    const auto path = resolve(at, base_dir);
    auto text = read_file(diag, at, path);
    if (!text) return nullptr;
    ike::secret pem(ike::as_view(*text));
    std::fill(text->begin(), text->end(), '\0');
    auto key = ike::private_key::from_pem(pem);
    if (!key) {
        diag.error(at, path.string() + ": " + key.error().message() +
                           " (an unencrypted PEM private key is expected)");
        return nullptr;
    }
    if (is_group_or_world_accessible(path))
        diag.warning(at, path.string() +
                             " holds a private key and is readable by others; "
                             "chmod 600 it");
    return std::make_shared<const ike::private_key>(std::move(*key));
}

std::vector<authority_config> load_authorities(diagnostics& diag, const located_node& node,
                                               const std::filesystem::path& base_dir) {
    std::vector<authority_config> out;
    auto entries = read_map(diag, node);
    if (!entries) return out;
    for (const auto& e : *entries) {
        if (auto a = load_authority(diag, e, base_dir)) out.push_back(std::move(*a));
    }
    return out;
}

}  // namespace ikev2d::config
