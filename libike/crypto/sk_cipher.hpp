#pragma once
// Protection of the Encrypted (SK) payload, RFC 7296 §3.14, and of Encrypted
// Fragment (SKF) payloads, RFC 7383 §2.5. The body of either is
//
//     IV | encrypted( IKE payloads | Padding | Pad Length ) | ICV
//
// and everything in the message before the IV (the IKE header and the SK or
// SKF generic header, with their final lengths) is authenticated too.
//
// The engine's order of work, which this interface is shaped for:
//   1. encode the inner payloads (the plaintext);
//   2. sealed_size(plaintext.size()) gives the SK body length, so the IKE
//      header and SK header can be written with final lengths;
//   3. seal(header bytes, plaintext, rng, rest of the datagram buffer);
// and on receipt: open(bytes before the IV, SK body) -> inner payloads.
//
// One sk_cipher per direction of an IKE SA: SK_ei/SK_ai seal what the
// initiator sends and open what the responder receives, SK_er/SK_ar the other
// way (RFC 7296 §2.14).
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

namespace ike {

class sk_cipher {
  public:
    virtual ~sk_cipher() = default;

    /// Bytes of IV at the start of the SK body (16 for AES-CBC, 8 for AEADs).
    virtual std::size_t iv_size() const = 0;

    /// Bytes of ICV at the end of the SK body.
    virtual std::size_t icv_size() const = 0;

    /// Size of IV | ciphertext | ICV for a plaintext of `plain_len` bytes,
    /// padding and the Pad Length byte included.
    virtual std::size_t sealed_size(std::size_t plain_len) const = 0;

    /// Encrypts and authenticates `plaintext` (the inner payloads, without
    /// padding) into `out`, which must be exactly sealed_size(plaintext.size())
    /// bytes and must not overlap `plaintext` or `aad`.
    /// `aad` is every byte of the message before the IV: IKE header and SK (or
    /// SKF) generic header, carrying the final lengths.
    /// IVs: AES-CBC draws each IV from `rng`; the AEADs draw only a 64-bit
    /// starting value from `rng` on the first call and count up from it, so an
    /// IV never repeats under one key (see sk_aead.hpp).
    /// Errors: backend_failure if `out` has the wrong size, the AEAD IV space
    /// is exhausted (rekey), or OpenSSL fails. On error `out` is unspecified
    /// and must not be sent.
    /// Not thread-safe (advances the IV counter and reuses cipher contexts).
    virtual std::expected<void, crypto_error> seal(bytes_view aad, bytes_view plaintext,
                                                   random_source& rng,
                                                   std::span<std::uint8_t> out) = 0;

    /// Verifies and decrypts an SK body received after the bytes `aad`.
    /// Returns the inner payload bytes with Padding and Pad Length removed.
    /// Never reads outside `aad` and `sk_body`, whatever their contents.
    /// Errors (drop the message silently, RFC 7296 §2.21.1 / §3.14):
    ///   bad_ciphertext: body too short to hold IV, Pad Length and ICV, a
    ///     CBC ciphertext that is not a whole number of blocks, or (after the
    ///     ICV checked out) a Pad Length longer than the decrypted data;
    ///   integrity_check_failed: ICV or AEAD tag mismatch, i.e. any change to
    ///     `aad`, IV, ciphertext or ICV;
    ///   backend_failure: OpenSSL failed.
    /// Not thread-safe (reuses cipher contexts); logically const.
    virtual std::expected<bytes, crypto_error> open(bytes_view aad, bytes_view sk_body) const = 0;
};

/// The negotiated transforms that protect the SK payload.
struct sk_algorithms {
    encr_id encr;            ///< aes_cbc, aes_gcm_16 or chacha20_poly1305
    std::uint16_t key_bits;  ///< Key Length attribute: 128 or 256 for AES; 0 or 256 for ChaCha20
    integ_id integ;          ///< an HMAC transform with aes_cbc; none with an AEAD (RFC 7296 §3.3)
};

/// Key lengths the key derivation must produce (RFC 7296 §2.14), in bytes.
struct sk_key_sizes {
    std::size_t encr;   ///< SK_ei / SK_er; for AEADs the key plus its 4-byte salt
    std::size_t integ;  ///< SK_ai / SK_ar; 0 for AEADs
};

/// Key sizes for `algs`: AES-CBC 16/32 + the HMAC's key; AES-GCM-16 20/36 + 0;
/// ChaCha20-Poly1305 36 + 0.
/// Errors: unsupported_algorithm for any other cipher, a key_bits value the
/// cipher does not take (including AES-192), an AEAD combined with an
/// integrity transform, or AES-CBC without a supported one.
std::expected<sk_key_sizes, crypto_error> sk_key_sizes_for(const sk_algorithms& algs);

/// The sk_cipher for `algs`, keyed with SK_e (`encr_key`; for AEADs the key
/// followed by its 4-byte salt, exactly as cut from KEYMAT) and SK_a
/// (`integ_key`; empty for AEADs).
/// Errors: unsupported_algorithm as sk_key_sizes_for(); bad_key_length if
/// either key's size differs from sk_key_sizes_for(); backend_failure if
/// OpenSSL lacks the cipher or refuses the key.
std::expected<std::unique_ptr<sk_cipher>, crypto_error> make_sk_cipher(const sk_algorithms& algs,
                                                                       const secret& encr_key,
                                                                       const secret& integ_key);

}  // namespace ike
