#pragma once
// Typed crypto errors. Anything fed by the network (a peer's KE value, an SK
// payload) can fail; it fails with one of these, never with an exception.
#include <cstdint>
#include <string>
#include <system_error>

namespace ike {

enum class crypto_errc : std::uint8_t {
    unsupported_algorithm = 1,  ///< transform we (or this OpenSSL) do not implement
    invalid_public_value,       ///< peer KE value fails RFC 6989 / RFC 7296 §5 checks
    bad_key_length,             ///< key of the wrong size for the algorithm
    integrity_check_failed,     ///< ICV / AEAD tag mismatch: drop the message
    bad_ciphertext,             ///< wrong length, misaligned, or bad padding after decryption
    backend_failure,            ///< OpenSSL refused an operation it should not have
};

const std::error_category& crypto_category();
inline std::error_code make_error_code(crypto_errc e) {
    return {static_cast<int>(e), crypto_category()};
}

struct crypto_error {
    crypto_errc code{};
    std::string detail;  ///< what and why, for the log; never key material
    std::string message() const;
};

}  // namespace ike

template <>
struct std::is_error_code_enum<ike::crypto_errc> : std::true_type {};
