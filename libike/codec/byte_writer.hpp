#pragma once
// Big-endian appender. Length fields are written as placeholders and patched
// once the body is known (`reserve_u16` + `patch_u16`), so encoders never
// compute lengths twice.
#include <cstddef>
#include <cstdint>

#include "libike/common/bytes.hpp"

namespace ike {

class byte_writer {
  public:
    byte_writer() = default;
    /// Appends to an existing buffer (e.g. a pooled one); it is not cleared.
    explicit byte_writer(bytes& out) : out_(&out) {}

    void u8(std::uint8_t v) { buf().push_back(v); }
    void u16(std::uint16_t v);
    void u32(std::uint32_t v);
    void u64(std::uint64_t v);
    void append(bytes_view v) { buf().insert(buf().end(), v.begin(), v.end()); }
    void zeros(std::size_t n) { buf().insert(buf().end(), n, 0); }

    /// Writes a zero u16 and returns its position for patch_u16.
    std::size_t reserve_u16();
    std::size_t reserve_u32();
    void patch_u16(std::size_t at, std::uint16_t v);
    void patch_u32(std::size_t at, std::uint32_t v);
    void patch_u8(std::size_t at, std::uint8_t v) { buf()[at] = v; }

    std::size_t size() const { return out_ ? out_->size() : own_.size(); }
    const bytes& data() const { return out_ ? *out_ : own_; }
    /// Moves the owned buffer out (only when not appending to an external one).
    bytes take() { return std::move(own_); }

  private:
    bytes& buf() { return out_ ? *out_ : own_; }
    bytes own_;
    bytes* out_ = nullptr;
};

}  // namespace ike
