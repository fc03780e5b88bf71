#pragma once
// Bounds-checked big-endian reader over a borrowed buffer. Every read checks
// the remaining length first and returns std::nullopt instead of reading past
// the end; decoders turn that into a parse_error carrying `offset()`.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "libike/common/bytes.hpp"

namespace ike {

class byte_reader {
  public:
    /// `base` is the absolute offset of data[0] within the whole message, so
    /// that sub-readers report positions a person can find in a capture.
    explicit byte_reader(bytes_view data, std::size_t base = 0) : data_(data), base_(base) {}

    std::size_t remaining() const { return data_.size() - pos_; }
    bool empty() const { return pos_ == data_.size(); }
    /// Absolute offset of the next byte to read.
    std::size_t offset() const { return base_ + pos_; }

    std::optional<std::uint8_t> u8();
    std::optional<std::uint16_t> u16();
    std::optional<std::uint32_t> u32();
    std::optional<std::uint64_t> u64();
    /// The next `n` bytes as a view (no copy), or nullopt if fewer remain.
    std::optional<bytes_view> take(std::size_t n);
    /// A reader over the next `n` bytes, advancing this one past them.
    std::optional<byte_reader> sub(std::size_t n);
    /// Everything left, advancing to the end.
    bytes_view rest();
    /// Skips `n` bytes; false if fewer remain.
    bool skip(std::size_t n);

  private:
    bytes_view data_;
    std::size_t base_ = 0;
    std::size_t pos_ = 0;
};

}  // namespace ike
