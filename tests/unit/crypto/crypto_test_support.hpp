#pragma once
// Small helpers shared by the crypto tests: building test inputs (hex, text,
// repeated and concatenated bytes), a random source that hands out fixed
// bytes, and key exchanges from a known private value.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>

#include "libike/common/bytes.hpp"
#include "libike/crypto/key_exchange.hpp"
#include "libike/crypto/random_source.hpp"

namespace ike::test {

/// Bytes from hex text (spaces ignored); malformed text fails the test.
inline bytes hex(std::string_view h) {
    bool ok = false;
    bytes out = from_hex(h, &ok);
    EXPECT_TRUE(ok) << h;
    return out;
}

/// The characters of `s` as bytes (no terminator).
inline bytes text(std::string_view s) {
    return bytes(s.begin(), s.end());
}

/// `n` copies of `b`.
inline bytes repeat(std::uint8_t b, std::size_t n) {
    return bytes(n, b);
}

/// The parts one after the other.
inline bytes cat(std::initializer_list<bytes_view> parts) {
    bytes out;
    for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

/// Hands out exactly the bytes it was given, so a test can pin the IV; drawing
/// more than that fails the test.
class fixed_random final : public random_source {
  public:
    explicit fixed_random(bytes b) : left_(b.begin(), b.end()) {}
    void fill(std::span<std::uint8_t> out) override {
        ASSERT_GE(left_.size(), out.size()) << "test drew more randomness than it set up";
        for (auto& o : out) {
            o = left_.front();
            left_.pop_front();
        }
    }

  private:
    std::deque<std::uint8_t> left_;
};

/// A key exchange of `group` with the private value `priv`; a refusal fails
/// the test and gives nullptr.
inline std::unique_ptr<key_exchange> from_private(ke_group group, const bytes& priv) {
    auto kx = make_key_exchange_from_private(group, priv);
    EXPECT_TRUE(kx.has_value()) << (kx ? "" : kx.error().message());
    return kx ? std::move(*kx) : nullptr;
}

}  // namespace ike::test
