#include "libike/crypto/ke_x25519.hpp"

#include <sodium.h>

#include <string>
#include <utility>

namespace ike {

namespace {

constexpr std::size_t key_len = crypto_scalarmult_curve25519_BYTES;  // 32, RFC 7748 §5
static_assert(crypto_scalarmult_curve25519_SCALARBYTES == key_len);

crypto_error not_ready() {
    return crypto_error{crypto_errc::backend_failure, "libsodium could not be initialised"};
}

std::string length_error(std::string_view what, std::size_t got) {
    return std::string(what) + ": expected " + std::to_string(key_len) + " octets, got " +
           std::to_string(got);
}

class x25519_key_exchange final : public key_exchange {
  public:
    x25519_key_exchange(secret priv, bytes pub)
        : private_(std::move(priv)), public_(std::move(pub)) {}

    ke_group group() const override { return ke_group::curve25519; }
    const bytes& public_value() const override { return public_; }

    std::expected<secret, crypto_error> shared_secret(bytes_view peer) const override {
        if (peer.size() != key_len) {
            return std::unexpected(crypto_error{
                crypto_errc::invalid_public_value,
                length_error(to_string(ke_group::curve25519) + " KE data", peer.size())});
        }
        // Any 32 octets are a u-coordinate (RFC 7748 §5: the top bit is
        // ignored, non-canonical values are reduced). libsodium refuses a
        // low-order point and an all-zero result (RFC 8031 §2.2) with -1.
        secret out(key_len);
        if (crypto_scalarmult_curve25519(out.data(), private_.view().data(), peer.data()) != 0) {
            return std::unexpected(crypto_error{crypto_errc::invalid_public_value,
                                                to_string(ke_group::curve25519) +
                                                    " KE data: low-order point, the shared secret "
                                                    "would be all zero (RFC 8031 §2.2)"});
        }
        return out;
    }

  private:
    secret private_;
    bytes public_;
};

std::expected<std::unique_ptr<key_exchange>, crypto_error> build(secret priv) {
    bytes pub(key_len);
    if (crypto_scalarmult_curve25519_base(pub.data(), priv.view().data()) != 0) {
        // Only for a private key that clamps to a multiple of the group
        // order, which clamping rules out; kept as an error, not an assert.
        return std::unexpected(
            crypto_error{crypto_errc::backend_failure, "X25519 public key computation refused"});
    }
    return std::make_unique<x25519_key_exchange>(std::move(priv), std::move(pub));
}

}  // namespace

bool libsodium_ready() {
    static const bool ready = sodium_init() >= 0;  // a static: once per process
    return ready;
}

std::expected<std::unique_ptr<key_exchange>, crypto_error> make_x25519_key_exchange_from_private(
    bytes_view private_key) {
    if (!libsodium_ready()) return std::unexpected(not_ready());
    if (private_key.size() != key_len) {
        return std::unexpected(crypto_error{
            crypto_errc::bad_key_length, length_error("X25519 private key", private_key.size())});
    }
    return build(secret(private_key));
}

std::expected<std::unique_ptr<key_exchange>, crypto_error> make_x25519_key_exchange_from_pair(
    secret priv, bytes pub) {
    if (!libsodium_ready()) return std::unexpected(not_ready());
    if (priv.size() != key_len || pub.size() != key_len) {
        return std::unexpected(crypto_error{crypto_errc::bad_key_length,
                                            length_error("X25519 key pair", priv.size())});
    }
    return std::make_unique<x25519_key_exchange>(std::move(priv), std::move(pub));
}

}  // namespace ike
