#include "daemon/config/default_proposals.hpp"

#include <array>
#include <cassert>

#include "libike/proposal/proposal_string.hpp"

namespace ikev2d::config {

namespace {

constexpr std::array<std::string_view, 2> ike_defaults{
    "aes128gcm16-aes256gcm16-chacha20poly1305-prfsha256-prfsha384-prfsha512-x25519-ecp256-"
    "ecp384-modp3072-modp2048",
    "aes128-aes256-sha256-sha384-sha512-x25519-ecp256-ecp384-modp3072-modp2048",
};

constexpr std::array<std::string_view, 2> esp_defaults{
    "aes128gcm16-aes256gcm16-chacha20poly1305",
    "aes128-aes256-sha256-sha384-sha512",
};

template <class Parse>
std::vector<ike::proposal> parse_all(std::span<const std::string_view> texts, Parse parse) {
    std::vector<ike::proposal> out;
    for (std::string_view text : texts) {
        auto p = parse(text);
        assert(p && "default proposal strings are valid");
        out.push_back(std::move(*p));
    }
    return out;
}

}  // namespace

std::span<const std::string_view> default_ike_proposal_strings() {
    return ike_defaults;
}
std::span<const std::string_view> default_esp_proposal_strings() {
    return esp_defaults;
}

std::vector<ike::proposal> default_ike_proposals() {
    return parse_all(ike_defaults, ike::parse_ike_proposal);
}

std::vector<ike::proposal> default_esp_proposals() {
    return parse_all(esp_defaults, ike::parse_esp_proposal);
}

}  // namespace ikev2d::config
