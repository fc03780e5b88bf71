#include "libike/crypto/prf_plus.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ike {

namespace {

// Wipes a stack buffer that held a T block, however the function is left.
class wiped_block {
  public:
    ~wiped_block() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }
    std::span<std::uint8_t> span() { return bytes_; }

  private:
    std::array<std::uint8_t, max_prf_output_size> bytes_{};
};

}  // namespace

std::expected<secret, crypto_error> prf_plus(const prf& keyed_prf, std::span<const bytes_view> seed,
                                             std::size_t length) {
    const std::size_t block = keyed_prf.output_size();
    // RFC 7296 §2.13: n is one octet, so at most 255 blocks. Asking for more
    // is an error, never a silent wrap of the counter to 0x00.
    if (length > prf_plus_max_blocks * block) {
        return std::unexpected(crypto_error{
            crypto_errc::bad_key_length,
            "prf+ asked for " + std::to_string(length) + " bytes, more than 255 blocks"});
    }
    secret out(length);
    if (length == 0) return out;

    // Input of block n: T(n-1) | S | n, with T(0) empty. One piece list,
    // reused for every block: [T(n-1), seed..., n].
    std::vector<bytes_view> pieces;
    pieces.reserve(seed.size() + 2);
    pieces.push_back({});
    pieces.insert(pieces.end(), seed.begin(), seed.end());
    std::uint8_t counter = 0;
    pieces.push_back(bytes_view(&counter, 1));

    wiped_block t;
    for (std::size_t offset = 0; offset < length; offset += block) {
        ++counter;
        auto done = keyed_prf.compute_into(pieces, t.span());
        if (!done) return std::unexpected(done.error());
        const std::size_t take = std::min(block, length - offset);
        std::copy_n(t.span().begin(), take, out.data() + offset);
        pieces.front() = bytes_view(t.span().data(), block);
    }
    return out;
}

std::expected<secret, crypto_error> prf_plus(const prf& keyed_prf,
                                             std::initializer_list<bytes_view> seed,
                                             std::size_t length) {
    return prf_plus(keyed_prf, std::span<const bytes_view>(seed.begin(), seed.size()), length);
}

}  // namespace ike
