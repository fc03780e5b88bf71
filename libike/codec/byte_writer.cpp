#include "libike/codec/byte_writer.hpp"

namespace ike {

void byte_writer::u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
}

void byte_writer::u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
}

void byte_writer::u64(std::uint64_t v) {
    u32(static_cast<std::uint32_t>(v >> 32));
    u32(static_cast<std::uint32_t>(v));
}

std::size_t byte_writer::reserve_u16() {
    std::size_t at = size();
    u16(0);
    return at;
}

std::size_t byte_writer::reserve_u32() {
    std::size_t at = size();
    u32(0);
    return at;
}

void byte_writer::patch_u16(std::size_t at, std::uint16_t v) {
    buf()[at] = static_cast<std::uint8_t>(v >> 8);
    buf()[at + 1] = static_cast<std::uint8_t>(v);
}

void byte_writer::patch_u32(std::size_t at, std::uint32_t v) {
    patch_u16(at, static_cast<std::uint16_t>(v >> 16));
    patch_u16(at + 2, static_cast<std::uint16_t>(v));
}

}  // namespace ike
