#pragma once
// Randomness is injected, never global: production passes an OpenSSL-backed
// source, tests pass a deterministic one so nonces, SPIs, IVs and DH private
// keys are reproducible.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ike {

class random_source {
  public:
    virtual ~random_source() = default;
    /// Fills `out` with random bytes. The OpenSSL source aborts if the system
    /// RNG fails, since continuing with weak randomness would be worse.
    virtual void fill(std::span<std::uint8_t> out) = 0;
};

/// RAND_bytes from OpenSSL's default (DRBG) provider, drawn pool_size bytes
/// at a time: one IKE_SA asks for an SPI, a nonce, a private key and an IV
/// start, and each RAND_bytes call costs a pass through the DRBG's locks and
/// reseed checks (4.6 % of a responder's CPU per IKE_SA, docs/performance.md).
/// Bytes are wiped from the pool as they are handed out, so the pool never
/// holds a key that is in use. Not thread-safe (one per engine), and a copy
/// of the process made by fork() would repeat the pool: do not fork with one.
class openssl_random final : public random_source {
  public:
    static constexpr std::size_t pool_size = 512;

    openssl_random() = default;
    openssl_random(const openssl_random&) = delete;
    openssl_random& operator=(const openssl_random&) = delete;
    ~openssl_random() override;

    void fill(std::span<std::uint8_t> out) override;

  private:
    std::array<std::uint8_t, pool_size> pool_{};
    std::size_t used_ = pool_size;  ///< bytes at the front already handed out (and wiped)
};

/// Deterministic bytes for tests: a counter-mode stream from a seed. Not secure.
class deterministic_random final : public random_source {
  public:
    explicit deterministic_random(std::uint64_t seed) : state_(seed) {}
    void fill(std::span<std::uint8_t> out) override;

  private:
    std::uint64_t state_;
};

}  // namespace ike
