#include "libike/codec/byte_reader.hpp"

namespace ike {

std::optional<std::uint8_t> byte_reader::u8() {
    if (remaining() < 1) return std::nullopt;
    return data_[pos_++];
}

std::optional<std::uint16_t> byte_reader::u16() {
    if (remaining() < 2) return std::nullopt;
    std::uint16_t v = static_cast<std::uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return v;
}

std::optional<std::uint32_t> byte_reader::u32() {
    if (remaining() < 4) return std::nullopt;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | data_[pos_ + i];
    pos_ += 4;
    return v;
}

std::optional<std::uint64_t> byte_reader::u64() {
    if (remaining() < 8) return std::nullopt;
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | data_[pos_ + i];
    pos_ += 8;
    return v;
}

std::optional<bytes_view> byte_reader::take(std::size_t n) {
    if (remaining() < n) return std::nullopt;
    bytes_view v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
}

std::optional<byte_reader> byte_reader::sub(std::size_t n) {
    std::size_t start = offset();
    auto v = take(n);
    if (!v) return std::nullopt;
    return byte_reader(*v, start);
}

bytes_view byte_reader::rest() {
    bytes_view v = data_.subspan(pos_);
    pos_ = data_.size();
    return v;
}

bool byte_reader::skip(std::size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
}

}  // namespace ike
