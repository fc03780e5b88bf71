#pragma once
// Randomness is injected, never global: production passes an OpenSSL-backed
// source, tests pass a deterministic one so nonces, SPIs, IVs and DH private
// keys are reproducible.
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

/// RAND_bytes from OpenSSL's default (DRBG) provider.
class openssl_random final : public random_source {
  public:
    void fill(std::span<std::uint8_t> out) override;
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
