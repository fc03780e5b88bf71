#pragma once
// Key material. A `secret` owns its bytes, wipes them with OPENSSL_cleanse when
// it is destroyed or reassigned, and has no stream or fmt formatter, so key
// material cannot reach a log line by accident (it does not compile).
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <vector>

#include "libike/common/bytes.hpp"

namespace ike {

class secret {
  public:
    secret() = default;
    explicit secret(std::size_t size);
    explicit secret(bytes_view data);
    secret(const secret& other);
    secret(secret&& other) noexcept;
    secret& operator=(const secret& other);
    secret& operator=(secret&& other) noexcept;
    ~secret();

    std::size_t size() const { return data_.size(); }
    bool empty() const { return data_.empty(); }
    std::uint8_t* data() { return data_.data(); }
    const std::uint8_t* data() const { return data_.data(); }

    /// Borrowed views for crypto calls; never pass these to a logger.
    bytes_view view() const { return {data_.data(), data_.size()}; }
    std::span<std::uint8_t> mutable_view() { return {data_.data(), data_.size()}; }

    /// A sub-range [offset, offset+len) as a new secret (e.g. SK_ei out of KEYMAT).
    /// Precondition: offset + len <= size().
    secret slice(std::size_t offset, std::size_t len) const;

    /// Appends bytes; the old buffer is wiped if it has to move.
    void append(bytes_view more);

    /// Wipes and empties.
    void clear();

    /// Constant-time comparison (CRYPTO_memcmp) of equal-length contents.
    friend bool operator==(const secret& a, const secret& b);

  private:
    std::vector<std::uint8_t> data_;
};

// Deleted: streaming a secret is a compile error. There is no fmt::formatter
// either, so fmt and spdlog refuse it too (tests/unit/common checks both).
std::ostream& operator<<(std::ostream&, const secret&) = delete;

}  // namespace ike
