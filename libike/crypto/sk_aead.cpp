#include "libike/crypto/sk_aead.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <climits>
#include <string>
#include <utility>

namespace ike {

namespace {

std::unexpected<crypto_error> fail(crypto_errc code, std::string what) {
    return std::unexpected(crypto_error{code, std::move(what)});
}

// OpenSSL's EVP lengths are ints; IKE messages are far smaller, but a
// hostile length must not wrap.
bool fits_int(std::size_t n) {
    return n <= static_cast<std::size_t>(INT_MAX);
}

const char* openssl_name(encr_id encr, std::uint16_t key_bits) {
    if (encr == encr_id::chacha20_poly1305) return "ChaCha20-Poly1305";
    return key_bits == 128 ? "AES-128-GCM" : "AES-256-GCM";
}

// Appends `in` to the running AEAD operation; `out` null means `in` is
// associated data.
bool update(EVP_CIPHER_CTX* ctx, std::uint8_t* out, bytes_view in, int& written) {
    written = 0;
    if (in.empty()) return true;
    return fits_int(in.size()) &&
           EVP_CipherUpdate(ctx, out, &written, in.data(), static_cast<int>(in.size())) == 1;
}

}  // namespace

void sk_aead::cipher_free::operator()(evp_cipher_st* c) const {
    EVP_CIPHER_free(c);
}

void sk_aead::ctx_free::operator()(evp_cipher_ctx_st* c) const {
    EVP_CIPHER_CTX_free(c);
}

std::expected<std::size_t, crypto_error> sk_aead::key_and_salt_size(encr_id encr,
                                                                    std::uint16_t key_bits) {
    // RFC 5282: AES-GCM's Key Length attribute is 128, 192 or 256; we offer
    // 128 and 256. RFC 7634: ChaCha20's key is always 256 bits.
    if (encr == encr_id::aes_gcm_16 && (key_bits == 128 || key_bits == 256)) {
        return key_bits / 8 + salt_size;
    }
    if (encr == encr_id::chacha20_poly1305 && (key_bits == 0 || key_bits == 256)) {
        return 32 + salt_size;
    }
    return fail(crypto_errc::unsupported_algorithm,
                to_string(encr) + " with a " + std::to_string(key_bits) + "-bit key");
}

sk_aead::sk_aead(cipher_ptr cipher, secret key, bytes_view salt)
    : cipher_(std::move(cipher)), key_(std::move(key)) {
    std::copy_n(salt.begin(), salt_size, salt_.begin());
}

// The nonce is set by the caller. The default 12-byte nonce length is what
// salt | IV needs.
sk_aead::ctx_ptr sk_aead::context(bool encrypt) const {
    ctx_ptr ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher_.get(), key_.data(), nullptr, encrypt ? 1 : 0,
                                   nullptr) != 1)
        return nullptr;
    return ctx;
}

sk_aead::~sk_aead() {
    OPENSSL_cleanse(salt_.data(), salt_.size());
}

std::expected<std::unique_ptr<sk_aead>, crypto_error> sk_aead::create(encr_id encr,
                                                                      std::uint16_t key_bits,
                                                                      const secret& key_and_salt) {
    auto size = key_and_salt_size(encr, key_bits);
    if (!size) return std::unexpected(size.error());
    if (key_and_salt.size() != *size) {
        return fail(crypto_errc::bad_key_length,
                    to_string(encr) + " needs " + std::to_string(*size) +
                        " bytes of key and salt, got " + std::to_string(key_and_salt.size()));
    }
    cipher_ptr cipher(EVP_CIPHER_fetch(nullptr, openssl_name(encr, key_bits), nullptr));
    if (!cipher) return fail(crypto_errc::backend_failure, "cipher not available");
    const std::size_t key_size = *size - salt_size;
    secret key(key_and_salt.view().first(key_size));
    bytes_view salt = key_and_salt.view().subspan(key_size);
    return std::unique_ptr<sk_aead>(new sk_aead(std::move(cipher), std::move(key), salt));
}

std::size_t sk_aead::sealed_size(std::size_t plain_len) const {
    return wire_iv_size + plain_len + 1 + tag_size;
}

// RFC 4106 §4 (adopted by RFC 5282) / RFC 7634 §2: the nonce is the salt from the key material
// followed by the IV carried in the payload.
std::array<std::uint8_t, 12> sk_aead::nonce_for(bytes_view iv) const {
    std::array<std::uint8_t, 12> nonce{};
    std::copy(salt_.begin(), salt_.end(), nonce.begin());
    std::copy_n(iv.begin(), wire_iv_size, nonce.begin() + salt_size);
    return nonce;
}

std::expected<void, crypto_error> sk_aead::encrypt(bytes_view iv, bytes_view aad,
                                                   std::span<const bytes_view> pieces,
                                                   std::span<std::uint8_t> out) const {
    const ctx_ptr owned = context(true);
    EVP_CIPHER_CTX* ctx = owned.get();
    auto nonce = nonce_for(iv);
    int n = 0;
    if (!ctx || EVP_CipherInit_ex2(ctx, nullptr, nullptr, nonce.data(), 1, nullptr) != 1 ||
        !update(ctx, nullptr, aad, n)) {
        return fail(crypto_errc::backend_failure, "AEAD encrypt setup");
    }
    std::size_t done = 0;
    for (bytes_view piece : pieces) {
        if (!update(ctx, out.data() + done, piece, n)) {
            return fail(crypto_errc::backend_failure, "AEAD encrypt");
        }
        done += static_cast<std::size_t>(n);
    }
    // Both ciphers are stream modes: everything came out of the updates.
    std::array<std::uint8_t, 16> rest{};
    if (EVP_CipherFinal_ex(ctx, rest.data(), &n) != 1 || n != 0 || done + tag_size != out.size()) {
        return fail(crypto_errc::backend_failure, "AEAD encrypt final");
    }
    std::array<OSSL_PARAM, 2> params{
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, out.data() + done, tag_size),
        OSSL_PARAM_construct_end()};
    if (EVP_CIPHER_CTX_get_params(ctx, params.data()) != 1) {
        return fail(crypto_errc::backend_failure, "AEAD tag");
    }
    return {};
}

std::expected<void, crypto_error> sk_aead::decrypt(bytes_view iv, bytes_view aad,
                                                   bytes_view ciphertext, bytes_view tag,
                                                   std::span<std::uint8_t> out) const {
    const ctx_ptr owned = context(false);
    EVP_CIPHER_CTX* ctx = owned.get();
    auto nonce = nonce_for(iv);
    // A copy because OSSL_PARAM wants a mutable pointer even for input.
    std::array<std::uint8_t, tag_size> expected_tag{};
    std::copy_n(tag.begin(), tag_size, expected_tag.begin());
    std::array<OSSL_PARAM, 2> params{OSSL_PARAM_construct_octet_string(
                                         OSSL_CIPHER_PARAM_AEAD_TAG, expected_tag.data(), tag_size),
                                     OSSL_PARAM_construct_end()};
    int n = 0;
    if (!ctx || EVP_CipherInit_ex2(ctx, nullptr, nullptr, nonce.data(), 0, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_params(ctx, params.data()) != 1 || !update(ctx, nullptr, aad, n)) {
        return fail(crypto_errc::backend_failure, "AEAD decrypt setup");
    }
    if (!update(ctx, out.data(), ciphertext, n)) {
        return fail(crypto_errc::backend_failure, "AEAD decrypt");
    }
    // The tag is checked here, over AAD and ciphertext together; the caller
    // discards `out` unless this succeeds.
    std::array<std::uint8_t, 16> rest{};
    if (EVP_CipherFinal_ex(ctx, rest.data(), &n) != 1) {
        return fail(crypto_errc::integrity_check_failed, "AEAD tag mismatch");
    }
    return {};
}

std::expected<std::uint64_t, crypto_error> sk_aead::next_iv(random_source& rng) {
    if (!iv_started_) {
        std::array<std::uint8_t, 8> start{};
        rng.fill(start);
        for (std::uint8_t b : start) next_iv_ = (next_iv_ << 8) | b;
        iv_started_ = true;
    }
    if (ivs_left_ == 0) {
        return fail(crypto_errc::backend_failure, "AEAD IV space exhausted; rekey the IKE SA");
    }
    --ivs_left_;
    return next_iv_++;  // wraps modulo 2^64; ivs_left_ stops a second lap
}

std::expected<void, crypto_error> sk_aead::seal(bytes_view aad, bytes_view plaintext,
                                                random_source& rng, std::span<std::uint8_t> out) {
    if (out.size() != sealed_size(plaintext.size())) {
        return fail(crypto_errc::backend_failure, "seal buffer of the wrong size");
    }
    auto iv = next_iv(rng);
    if (!iv) return std::unexpected(iv.error());
    for (std::size_t i = 0; i < wire_iv_size; ++i) {
        out[i] = static_cast<std::uint8_t>(*iv >> (8 * (wire_iv_size - 1 - i)));
    }
    // RFC 7296 §3.14 always has a Pad Length byte; a stream cipher needs no
    // padding before it, so it is zero.
    const std::array<std::uint8_t, 1> pad_length{0};
    const std::array<bytes_view, 2> pieces{plaintext, bytes_view(pad_length)};
    return encrypt(out.first(wire_iv_size), aad, pieces, out.subspan(wire_iv_size));
}

std::expected<bytes, crypto_error> sk_aead::open(bytes_view aad, bytes_view sk_body) const {
    if (sk_body.size() < wire_iv_size + 1 + tag_size || !fits_int(sk_body.size()) ||
        !fits_int(aad.size())) {
        return fail(crypto_errc::bad_ciphertext, "SK body too short");
    }
    bytes_view iv = sk_body.first(wire_iv_size);
    bytes_view ciphertext = sk_body.subspan(wire_iv_size, sk_body.size() - wire_iv_size - tag_size);
    bytes_view tag = sk_body.last(tag_size);
    bytes plain(ciphertext.size());
    auto done = decrypt(iv, aad, ciphertext, tag, plain);
    if (!done) {
        OPENSSL_cleanse(plain.data(), plain.size());
        return std::unexpected(done.error());
    }
    // The tag verified, so this is what the peer sent; a Pad Length that does
    // not fit is the peer's bug, not tampering.
    std::size_t pad_length = plain.back();
    if (pad_length + 1 > plain.size()) {
        OPENSSL_cleanse(plain.data(), plain.size());
        return fail(crypto_errc::bad_ciphertext, "Pad Length exceeds the decrypted data");
    }
    plain.resize(plain.size() - pad_length - 1);
    return plain;
}

std::expected<void, crypto_error> sk_aead::encrypt_with_iv(bytes_view iv, bytes_view aad,
                                                           bytes_view plaintext,
                                                           std::span<std::uint8_t> out) const {
    if (iv.size() != wire_iv_size || out.size() != plaintext.size() + tag_size) {
        return fail(crypto_errc::backend_failure, "IV or output of the wrong size");
    }
    const std::array<bytes_view, 1> pieces{plaintext};
    return encrypt(iv, aad, pieces, out);
}

std::expected<bytes, crypto_error> sk_aead::decrypt_with_iv(bytes_view iv, bytes_view aad,
                                                            bytes_view ciphertext_and_tag) const {
    if (iv.size() != wire_iv_size || ciphertext_and_tag.size() < tag_size) {
        return fail(crypto_errc::bad_ciphertext,
                    "IV of the wrong size or input shorter than a tag");
    }
    bytes_view ciphertext = ciphertext_and_tag.first(ciphertext_and_tag.size() - tag_size);
    bytes plain(ciphertext.size());
    auto done = decrypt(iv, aad, ciphertext, ciphertext_and_tag.last(tag_size), plain);
    if (!done) {
        OPENSSL_cleanse(plain.data(), plain.size());
        return std::unexpected(done.error());
    }
    return plain;
}

}  // namespace ike
