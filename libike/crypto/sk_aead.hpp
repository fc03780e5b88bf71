#pragma once
// SK payload protection with an AEAD cipher: AES-GCM with a 16-byte ICV
// (ENCR_AES_GCM_16, RFC 5282) and ChaCha20-Poly1305 (RFC 7634).
//
// SK_e is key | 4-byte salt. Each SK body carries an 8-byte IV; the 12-byte
// AEAD nonce is salt | IV (RFC 4106 §4 via RFC 5282, RFC 7634 §2). The
// associated data is every byte of the message before the IV (RFC 5282
// §5.1), and the ICV is the full 16-byte tag.
//
// IV choice: a 64-bit counter per object. The first seal() draws the
// counter's starting value from the random source, and each seal() uses the
// next value, so IVs never repeat under one key for 2^64 messages (RFC 5282
// §3.1 and RFC 4106 §3.1 require uniqueness, not unpredictability). The
// random start protects against the one way a pure counter could still
// repeat: two objects built from the same key (say, after a state restore).
// The IKE Message ID is not used: our requests and our responses are both
// sealed with our SK_e, but take their Message IDs from two independent
// counters (ours and the peer's), so the same ID occurs twice.
#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <span>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/crypto_error.hpp"
#include "libike/crypto/random_source.hpp"
#include "libike/crypto/sk_cipher.hpp"

// OpenSSL's types, so that this header does not pull in OpenSSL's headers.
struct evp_cipher_st;
struct evp_cipher_ctx_st;

namespace ike {

class sk_aead final : public sk_cipher {
  public:
    static constexpr std::size_t salt_size = 4;
    static constexpr std::size_t wire_iv_size = 8;
    static constexpr std::size_t tag_size = 16;

    /// Bytes of SK_e (key and salt) for `encr` at `key_bits`: 20 or 36 for
    /// aes_gcm_16 at 128 or 256 bits, 36 for chacha20_poly1305 (key_bits 0 or
    /// 256; RFC 7634 fixes the key at 256 bits).
    /// Errors: unsupported_algorithm for other ciphers or key sizes.
    static std::expected<std::size_t, crypto_error> key_and_salt_size(encr_id encr,
                                                                      std::uint16_t key_bits);

    /// An AEAD SK protector keyed with `key_and_salt` (key | 4-byte salt).
    /// Errors: unsupported_algorithm as key_and_salt_size(); bad_key_length if
    /// key_and_salt.size() differs from it; backend_failure if OpenSSL lacks
    /// the cipher or refuses the key.
    static std::expected<std::unique_ptr<sk_aead>, crypto_error> create(encr_id encr,
                                                                        std::uint16_t key_bits,
                                                                        const secret& key_and_salt);

    sk_aead(const sk_aead&) = delete;
    sk_aead& operator=(const sk_aead&) = delete;
    ~sk_aead() override;

    std::size_t iv_size() const override { return wire_iv_size; }
    std::size_t icv_size() const override { return tag_size; }

    /// IV | plaintext | Pad Length (no padding: a stream cipher needs no
    /// block alignment, RFC 5282 / RFC 7634) | tag.
    std::size_t sealed_size(std::size_t plain_len) const override;

    /// See sk_cipher::seal. Draws 8 bytes from `rng` on the first call only.
    std::expected<void, crypto_error> seal(bytes_view aad, bytes_view plaintext, random_source& rng,
                                           std::span<std::uint8_t> out) override;

    /// See sk_cipher::open. Accepts any Pad Length that fits (the sender may
    /// pad, RFC 7296 §3.14) and ignores the padding's contents.
    std::expected<bytes, crypto_error> open(bytes_view aad, bytes_view sk_body) const override;

    /// The bare AEAD with a caller-chosen 8-byte IV (nonce = salt | iv):
    /// writes ciphertext | tag, plaintext.size() + 16 bytes, into `out`. No
    /// IKE padding is added. For known-answer tests and ESP-style callers,
    /// who must themselves never reuse an IV under this key.
    /// Errors: backend_failure if iv is not 8 bytes, `out` has the wrong size,
    /// or OpenSSL fails.
    std::expected<void, crypto_error> encrypt_with_iv(bytes_view iv, bytes_view aad,
                                                      bytes_view plaintext,
                                                      std::span<std::uint8_t> out) const;

    /// Inverse of encrypt_with_iv: verifies the trailing 16-byte tag and
    /// returns the plaintext.
    /// Errors: bad_ciphertext if iv is not 8 bytes or the input is shorter
    /// than a tag; integrity_check_failed on tag mismatch; backend_failure.
    std::expected<bytes, crypto_error> decrypt_with_iv(bytes_view iv, bytes_view aad,
                                                       bytes_view ciphertext_and_tag) const;

  private:
    struct cipher_free {
        void operator()(evp_cipher_st* c) const;
    };
    struct ctx_free {
        void operator()(evp_cipher_ctx_st* c) const;
    };
    using cipher_ptr = std::unique_ptr<evp_cipher_st, cipher_free>;
    using ctx_ptr = std::unique_ptr<evp_cipher_ctx_st, ctx_free>;

    sk_aead(cipher_ptr cipher, secret key, bytes_view salt);

    /// A context keyed for one message, freed (and wiped) after it. An
    /// AES-GCM context is ~1.15 KB of key schedule and GHASH table, and an
    /// established IKE_SA sends or receives a message every few minutes at
    /// most: keeping the 16-32 byte key instead is most of an idle IKE_SA's
    /// memory (issue 7), and keying costs about a microsecond per message.
    /// Null if OpenSSL fails.
    ctx_ptr context(bool encrypt) const;

    std::array<std::uint8_t, 12> nonce_for(bytes_view iv) const;
    std::expected<void, crypto_error> encrypt(bytes_view iv, bytes_view aad,
                                              std::span<const bytes_view> pieces,
                                              std::span<std::uint8_t> out) const;
    std::expected<void, crypto_error> decrypt(bytes_view iv, bytes_view aad, bytes_view ciphertext,
                                              bytes_view tag, std::span<std::uint8_t> out) const;
    std::expected<std::uint64_t, crypto_error> next_iv(random_source& rng);

    cipher_ptr cipher_;  // fetched once; each message's context refers to it
    secret key_;         // keys each message's context
    std::array<std::uint8_t, salt_size> salt_{};
    bool iv_started_ = false;
    std::uint64_t next_iv_ = 0;
    std::uint64_t ivs_left_ = ~std::uint64_t{0};
};

}  // namespace ike
