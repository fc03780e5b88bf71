#pragma once
// Typed parse errors. Every decoder returns std::expected<T, parse_error>; the
// error says what is wrong (code), where (absolute offset into the datagram)
// and in which payload, so a log line can point at the offending byte.
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

#include "libike/common/iana.hpp"

namespace ike {

enum class parse_errc : std::uint8_t {
    truncated = 1,      ///< fewer bytes than a header or length field promises
    bad_length,         ///< a length field is impossible (too small, misaligned, inconsistent)
    bad_version,        ///< IKE major version is not 2
    bad_value,          ///< a field holds a value the RFC forbids
    reserved_not_zero,  ///< reserved bits set where the RFC says MUST be zero and receivers check
    unsupported_critical,  ///< unknown payload with the critical bit set (§2.5)
    trailing_data,         ///< bytes left after the last payload or inside a structure
    too_many,              ///< a count exceeds what we accept (DoS bound)
    bad_structure,         ///< payloads present/absent/out of order against the exchange rules
};

const std::error_category& parse_category();
inline std::error_code make_error_code(parse_errc e) {
    return {static_cast<int>(e), parse_category()};
}

struct parse_error {
    parse_errc code{};
    std::size_t offset = 0;  ///< absolute offset into the message where it went wrong
    payload_type payload = payload_type::none;  ///< payload being parsed, none for the IKE header
    const char* detail = "";  ///< static text: which field (never data from the wire)

    /// e.g. "truncated at offset 44 in SA payload: transform length"
    std::string message() const;
    friend bool operator==(const parse_error&, const parse_error&) = default;
};

}  // namespace ike

template <>
struct std::is_error_code_enum<ike::parse_errc> : std::true_type {};
