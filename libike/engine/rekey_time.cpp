#include "libike/engine/rekey_time.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace ike {

namespace {

std::uint32_t random_u32(random_source& rng) {
    std::array<std::uint8_t, 4> b{};
    rng.fill(b);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           b[3];
}

}  // namespace

std::chrono::seconds jittered(duration rekey_time, duration rand_time, random_source& rng) {
    using std::chrono::seconds;
    const auto rekey = std::chrono::duration_cast<seconds>(rekey_time);
    const auto spread = std::chrono::duration_cast<seconds>(std::min(rand_time, rekey_time));
    if (rekey.count() <= 0 || spread.count() <= 0) return rekey;
    const auto cut = seconds(random_u32(rng) % (static_cast<std::uint64_t>(spread.count()) + 1));
    return std::max(seconds(1), rekey - cut);
}

std::uint64_t jittered_count(std::uint64_t limit, std::uint64_t rand, random_source& rng) {
    if (limit == 0 || rand == 0) return limit;
    // Never down to 0, which the kernel would read as "no limit".
    const std::uint64_t spread = std::min(rand, limit - 1);
    const std::uint64_t r = (std::uint64_t{random_u32(rng)} << 32) | random_u32(rng);
    return limit - r % (spread + 1);
}

duration random_delay(std::chrono::seconds low, std::chrono::seconds high, random_source& rng) {
    const auto span =
        static_cast<std::uint64_t>(std::max(high - low, std::chrono::seconds(0)).count());
    return low + std::chrono::seconds(random_u32(rng) % (span + 1));
}

}  // namespace ike
