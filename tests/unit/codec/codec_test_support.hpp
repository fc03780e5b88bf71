#pragma once
// Mechanics shared by the codec tests: hex literals, running a decoder over a
// body placed at an absolute offset, encoding through a byte_writer, and
// checking a parse_error. Each test file still names its own decoder, base
// offset and payload type in one-line wrappers (`decode`, `encode`,
// `fails_with`), so a file reads on its own.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/codec/parse_error.hpp"
#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike::test {

/// Bytes from hex text (spaces ignored); malformed text fails the test.
inline bytes hex(std::string_view s) {
    bool ok = false;
    bytes b = from_hex(s, &ok);
    EXPECT_TRUE(ok) << s;
    return b;
}

/// Copy of `b` with byte `at` set to `v` (`at` counts from the start of `b`).
inline bytes with(bytes b, std::size_t at, std::uint8_t v) {
    b.at(at) = v;
    return b;
}

/// Whether a successful decode must have read every byte of the body.
enum class consume { any, all };

/// `decode_fn(reader, args...)` over `b` placed at absolute offset `base`, so
/// error offsets are absolute. With consume::all, a successful decode that
/// leaves bytes unread fails the test.
template <class Decode, class... Args>
auto decode_at(Decode&& decode_fn, bytes_view b, std::size_t base, consume rest, Args&&... args) {
    byte_reader r(b, base);
    auto p = std::invoke(std::forward<Decode>(decode_fn), r, std::forward<Args>(args)...);
    if (p && rest == consume::all) {
        EXPECT_TRUE(r.empty()) << r.remaining() << " bytes left unread";
    }
    return p;
}

/// The bytes `encode_fn(p, writer)` writes into a fresh byte_writer.
template <class Encode, class Payload>
bytes encode_with(Encode&& encode_fn, const Payload& p) {
    byte_writer w;
    std::invoke(std::forward<Encode>(encode_fn), p, w);
    return w.take();
}

/// Success when `r` is an error with exactly this code, absolute offset and
/// payload type.
template <class T>
testing::AssertionResult is_parse_error(const std::expected<T, parse_error>& r, parse_errc code,
                                        std::size_t offset, payload_type payload) {
    if (r) return testing::AssertionFailure() << "decoded successfully";
    const parse_error& e = r.error();
    if (e.code != code || e.offset != offset || e.payload != payload) {
        return testing::AssertionFailure()
               << "got \"" << e.message() << "\", want \""
               << parse_error{code, offset, payload, ""}.message() << "\"";
    }
    return testing::AssertionSuccess();
}

/// Success when `decode_fn` rejects every proper prefix of `whole`. Each cut
/// is copied into its own buffer, so ASan catches a read past it.
template <class Decode>
testing::AssertionResult every_prefix_fails(Decode&& decode_fn, const bytes& whole) {
    std::vector<std::size_t> decoded;
    for (std::size_t n = 0; n < whole.size(); ++n) {
        bytes cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n));
        if (std::invoke(decode_fn, cut)) decoded.push_back(n);
    }
    if (decoded.empty()) return testing::AssertionSuccess();
    testing::AssertionResult failure = testing::AssertionFailure();
    failure << "prefixes of these lengths decoded:";
    for (std::size_t n : decoded) failure << ' ' << n;
    return failure;
}

/// Flips each bit of `wire` in turn. Whatever still decodes must decode again
/// after encoding, to an equal value (reserved bytes are not preserved, so the
/// comparison is between decoded values, not bytes).
template <class Decode, class Encode>
void expect_bit_flips_round_trip(Decode&& decode_fn, Encode&& encode_fn, const bytes& wire) {
    for (std::size_t i = 0; i < wire.size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            bytes b = wire;
            b[i] ^= static_cast<std::uint8_t>(1 << bit);
            auto p = std::invoke(decode_fn, b);
            if (!p) continue;
            auto again = std::invoke(decode_fn, std::invoke(encode_fn, *p));
            ASSERT_TRUE(again) << "byte " << i << " bit " << bit;
            EXPECT_EQ(*again, *p) << "byte " << i << " bit " << bit;
        }
    }
}

}  // namespace ike::test
