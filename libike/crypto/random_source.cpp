#include "libike/crypto/random_source.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace ike {

namespace {

void draw(std::span<std::uint8_t> out) {
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
        std::fputs("ikev2d: RAND_bytes failed; refusing to continue without randomness\n", stderr);
        std::abort();
    }
}

}  // namespace

openssl_random::~openssl_random() {
    OPENSSL_cleanse(pool_.data(), pool_.size());
}

void openssl_random::fill(std::span<std::uint8_t> out) {
    if (out.empty()) return;
    // Requests larger than the pool (none in IKE) go straight to the DRBG.
    if (out.size() > pool_size) {
        draw(out);
        return;
    }
    if (pool_size - used_ < out.size()) {
        draw(pool_);
        used_ = 0;
    }
    const auto taken = std::span(pool_).subspan(used_, out.size());
    std::ranges::copy(taken, out.begin());
    OPENSSL_cleanse(taken.data(), taken.size());
    used_ += out.size();
}

void deterministic_random::fill(std::span<std::uint8_t> out) {
    // splitmix64: tiny, well-distributed, and good enough to make tests vary.
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (i % 8 == 0) {
            state_ += 0x9e3779b97f4a7c15ULL;
        }
        std::uint64_t z = state_ + i / 8;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        out[i] = static_cast<std::uint8_t>(z >> (8 * (i % 8)));
    }
}

}  // namespace ike
