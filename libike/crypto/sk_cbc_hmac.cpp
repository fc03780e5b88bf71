#include "libike/crypto/sk_cbc_hmac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <climits>
#include <string>
#include <utility>

namespace ike {

namespace {

std::unexpected<crypto_error> fail(crypto_errc code, std::string what) {
    return std::unexpected(crypto_error{code, std::move(what)});
}

bool fits_int(std::size_t n) {
    return n <= static_cast<std::size_t>(INT_MAX);
}

// Starts a CBC operation with a new IV on a context keyed at creation.
// Padding is switched off every time: IKE pads by itself (RFC 7296 §3.14),
// and OpenSSL's PKCS#7 padding would add or strip a block.
bool restart(EVP_CIPHER_CTX* ctx, bytes_view iv, int enc) {
    return EVP_CipherInit_ex2(ctx, nullptr, nullptr, iv.data(), enc, nullptr) == 1 &&
           EVP_CIPHER_CTX_set_padding(ctx, 0) == 1;
}

// Runs `pieces` through the cipher into `out`, which must be exactly as long
// as the pieces together (a whole number of blocks).
bool run(EVP_CIPHER_CTX* ctx, std::span<const bytes_view> pieces, std::span<std::uint8_t> out) {
    std::size_t done = 0;
    int n = 0;
    for (bytes_view piece : pieces) {
        if (piece.empty()) continue;
        if (!fits_int(piece.size()) || EVP_CipherUpdate(ctx, out.data() + done, &n, piece.data(),
                                                        static_cast<int>(piece.size())) != 1) {
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    std::array<std::uint8_t, 16> rest{};
    return EVP_CipherFinal_ex(ctx, rest.data(), &n) == 1 && n == 0 && done == out.size();
}

}  // namespace

void sk_cbc_hmac::cipher_free::operator()(evp_cipher_st* c) const {
    EVP_CIPHER_free(c);
}

void sk_cbc_hmac::ctx_free::operator()(evp_cipher_ctx_st* c) const {
    EVP_CIPHER_CTX_free(c);
}

sk_cbc_hmac::sk_cbc_hmac(cipher_ptr cipher, ctx_ptr enc, ctx_ptr dec, integrity integ)
    : cipher_(std::move(cipher)),
      enc_(std::move(enc)),
      dec_(std::move(dec)),
      integ_(std::move(integ)) {}

sk_cbc_hmac::~sk_cbc_hmac() = default;

std::expected<std::unique_ptr<sk_cbc_hmac>, crypto_error> sk_cbc_hmac::create(
    std::uint16_t key_bits, const secret& encr_key, integ_id integ, const secret& integ_key) {
    // RFC 3602 allows AES-192 too; we offer 128 and 256 only.
    if (key_bits != 128 && key_bits != 256) {
        return fail(crypto_errc::unsupported_algorithm,
                    "AES-CBC with a " + std::to_string(key_bits) + "-bit key");
    }
    auto mac = integrity::create(integ, integ_key);
    if (!mac) return std::unexpected(mac.error());
    if (encr_key.size() != key_bits / 8u) {
        return fail(crypto_errc::bad_key_length, "AES-CBC-" + std::to_string(key_bits) +
                                                     " needs a " + std::to_string(key_bits / 8) +
                                                     "-byte key, got " +
                                                     std::to_string(encr_key.size()));
    }
    cipher_ptr cipher(
        EVP_CIPHER_fetch(nullptr, key_bits == 128 ? "AES-128-CBC" : "AES-256-CBC", nullptr));
    if (!cipher) return fail(crypto_errc::backend_failure, "cipher not available");
    ctx_ptr enc(EVP_CIPHER_CTX_new());
    ctx_ptr dec(EVP_CIPHER_CTX_new());
    if (!enc || !dec) return fail(crypto_errc::backend_failure, "EVP_CIPHER_CTX_new failed");
    // Keyed once each: AES decryption uses its own (inverse) key schedule, so
    // one context per direction keeps per-message work to setting the IV.
    if (EVP_CipherInit_ex2(enc.get(), cipher.get(), encr_key.data(), nullptr, 1, nullptr) != 1 ||
        EVP_CipherInit_ex2(dec.get(), cipher.get(), encr_key.data(), nullptr, 0, nullptr) != 1) {
        return fail(crypto_errc::backend_failure, "AES-CBC keying failed");
    }
    return std::unique_ptr<sk_cbc_hmac>(
        new sk_cbc_hmac(std::move(cipher), std::move(enc), std::move(dec), std::move(*mac)));
}

std::size_t sk_cbc_hmac::sealed_size(std::size_t plain_len) const {
    // The Pad Length byte is always there; round plaintext + 1 up to blocks.
    std::size_t padded = (plain_len + 1 + block_size - 1) / block_size * block_size;
    return block_size + padded + icv_size();
}

std::expected<void, crypto_error> sk_cbc_hmac::encrypt(bytes_view iv, bytes_view plaintext,
                                                       std::span<std::uint8_t> out) const {
    // Minimal padding: enough zero bytes to fill the last block, then the
    // Pad Length byte (RFC 7296 §3.14: "any value chosen by the sender").
    std::size_t pad_length = out.size() - plaintext.size() - 1;
    std::array<std::uint8_t, block_size> tail{};
    tail[pad_length] = static_cast<std::uint8_t>(pad_length);
    const std::array<bytes_view, 2> pieces{plaintext, bytes_view(tail).first(pad_length + 1)};
    if (!restart(enc_.get(), iv, 1) || !run(enc_.get(), pieces, out)) {
        return fail(crypto_errc::backend_failure, "AES-CBC encrypt");
    }
    return {};
}

std::expected<void, crypto_error> sk_cbc_hmac::decrypt(bytes_view iv, bytes_view ciphertext,
                                                       std::span<std::uint8_t> out) const {
    const std::array<bytes_view, 1> pieces{ciphertext};
    if (!restart(dec_.get(), iv, 0) || !run(dec_.get(), pieces, out)) {
        return fail(crypto_errc::backend_failure, "AES-CBC decrypt");
    }
    return {};
}

std::expected<void, crypto_error> sk_cbc_hmac::seal(bytes_view aad, bytes_view plaintext,
                                                    random_source& rng,
                                                    std::span<std::uint8_t> out) {
    if (out.size() != sealed_size(plaintext.size())) {
        return fail(crypto_errc::backend_failure, "seal buffer of the wrong size");
    }
    std::span<std::uint8_t> iv = out.first(block_size);
    std::span<std::uint8_t> ciphertext =
        out.subspan(block_size, out.size() - block_size - icv_size());
    rng.fill(iv);
    auto encrypted = encrypt(iv, plaintext, ciphertext);
    if (!encrypted) return encrypted;
    // RFC 7296 §3.14: the checksum covers the message from the IKE header's
    // first byte through the end of the encrypted data.
    bytes_view covered(out.data(), block_size + ciphertext.size());
    return integ_.compute({aad, covered}, out.last(icv_size()));
}

std::expected<bytes, crypto_error> sk_cbc_hmac::open(bytes_view aad, bytes_view sk_body) const {
    // At least the IV, one block (it holds the Pad Length byte) and the ICV.
    if (sk_body.size() < block_size + block_size + icv_size()) {
        return fail(crypto_errc::bad_ciphertext, "SK body too short");
    }
    std::size_t ciphertext_size = sk_body.size() - block_size - icv_size();
    if (ciphertext_size % block_size != 0) {
        return fail(crypto_errc::bad_ciphertext, "ciphertext is not whole AES blocks");
    }
    // Authenticate before touching the ciphertext, so a forgery never reaches
    // the decryption or padding logic (no padding oracle).
    auto verified =
        integ_.verify({aad, sk_body.first(block_size + ciphertext_size)}, sk_body.last(icv_size()));
    if (!verified) return std::unexpected(verified.error());
    bytes plain(ciphertext_size);
    auto decrypted =
        decrypt(sk_body.first(block_size), sk_body.subspan(block_size, ciphertext_size), plain);
    if (!decrypted) return std::unexpected(decrypted.error());
    std::size_t pad_length = plain.back();
    if (pad_length + 1 > plain.size()) {
        OPENSSL_cleanse(plain.data(), plain.size());
        return fail(crypto_errc::bad_ciphertext, "Pad Length exceeds the decrypted data");
    }
    plain.resize(plain.size() - pad_length - 1);
    return plain;
}

}  // namespace ike
