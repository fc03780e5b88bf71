#pragma once
// SK payload protection with AES-CBC (RFC 3602) and a separate integrity
// transform (RFC 7296 §3.14):
//
//     IV (16, random) | AES-CBC( payloads | Padding | Pad Length ) | ICV
//
// The plaintext plus Padding plus the Pad Length byte is a whole number of
// 16-byte blocks. The ICV is the truncated HMAC, keyed with SK_a, over the
// whole message from the first byte of the IKE header through the last
// ciphertext byte: aad | IV | ciphertext. Receivers check it before
// decrypting anything.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <span>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/crypto_error.hpp"
#include "libike/crypto/integrity.hpp"
#include "libike/crypto/random_source.hpp"
#include "libike/crypto/sk_cipher.hpp"

// OpenSSL's types, so that this header does not pull in OpenSSL's headers.
struct evp_cipher_st;
struct evp_cipher_ctx_st;

namespace ike {

class sk_cbc_hmac final : public sk_cipher {
  public:
    static constexpr std::size_t block_size = 16;

    /// An AES-CBC + HMAC SK protector.
    /// `key_bits` is 128 or 256; `encr_key` is SK_e (16 or 32 bytes);
    /// `integ`/`integ_key` are the integrity transform and SK_a.
    /// Errors: unsupported_algorithm for other key_bits (AES-192 included) or
    /// an unsupported integrity transform; bad_key_length if encr_key is not
    /// key_bits/8 bytes or integ_key is not the transform's key size;
    /// backend_failure if OpenSSL lacks the cipher or refuses a key.
    static std::expected<std::unique_ptr<sk_cbc_hmac>, crypto_error> create(
        std::uint16_t key_bits, const secret& encr_key, integ_id integ, const secret& integ_key);

    sk_cbc_hmac(const sk_cbc_hmac&) = delete;
    sk_cbc_hmac& operator=(const sk_cbc_hmac&) = delete;
    ~sk_cbc_hmac() override;

    std::size_t iv_size() const override { return block_size; }
    std::size_t icv_size() const override { return integ_.icv_size(); }

    /// IV + plaintext padded to whole blocks (at least the Pad Length byte,
    /// at most one extra block) + ICV.
    std::size_t sealed_size(std::size_t plain_len) const override;

    /// See sk_cipher::seal. Draws a fresh 16-byte IV from `rng` every call
    /// (RFC 3602 §2.1 wants it unpredictable). Padding bytes are zero.
    std::expected<void, crypto_error> seal(bytes_view aad, bytes_view plaintext, random_source& rng,
                                           std::span<std::uint8_t> out) override;

    /// See sk_cipher::open. The ICV is checked first; the padding's contents
    /// are ignored (RFC 7296 §3.14 lets the sender choose them).
    std::expected<bytes, crypto_error> open(bytes_view aad, bytes_view sk_body) const override;

  private:
    struct cipher_free {
        void operator()(evp_cipher_st* c) const;
    };
    struct ctx_free {
        void operator()(evp_cipher_ctx_st* c) const;
    };
    using cipher_ptr = std::unique_ptr<evp_cipher_st, cipher_free>;
    using ctx_ptr = std::unique_ptr<evp_cipher_ctx_st, ctx_free>;

    sk_cbc_hmac(cipher_ptr cipher, ctx_ptr enc, ctx_ptr dec, integrity integ);

    std::expected<void, crypto_error> encrypt(bytes_view iv, bytes_view plaintext,
                                              std::span<std::uint8_t> out) const;
    std::expected<void, crypto_error> decrypt(bytes_view iv, bytes_view ciphertext,
                                              std::span<std::uint8_t> out) const;

    cipher_ptr cipher_;  // fetched once; the contexts refer to it
    ctx_ptr enc_;        // keyed once for encryption; only the IV changes per message
    ctx_ptr dec_;        // keyed once for decryption (AES's inverse key schedule)
    integrity integ_;
};

}  // namespace ike
