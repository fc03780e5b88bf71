#pragma once
// Integrity algorithms, IKEv2 transform type 3 (RFC 7296 §3.3.2): HMACs whose
// output is truncated to the ICV length.
//
// Supported: AUTH_HMAC_SHA1_96 (RFC 2404), AUTH_HMAC_SHA2_256_128,
// AUTH_HMAC_SHA2_384_192, AUTH_HMAC_SHA2_512_256 (RFC 4868 §2). IKE uses them
// to protect the SK payload when the cipher is not an AEAD (RFC 7296 §3.14);
// ESP proposals name the same transforms. An `integrity` is keyed once and
// then computes or verifies any number of ICVs without re-keying.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <initializer_list>
#include <memory>
#include <span>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/crypto_error.hpp"

// OpenSSL's type, so that this header does not pull in OpenSSL's headers.
struct evp_mac_ctx_st;

namespace ike {

/// Sizes of one integrity transform, in bytes.
struct integrity_sizes {
    std::size_t key_size;  ///< length of SK_ai / SK_ar (and of an ESP integrity key)
    std::size_t icv_size;  ///< length of the truncated HMAC on the wire
};

/// Largest ICV of any supported transform (HMAC-SHA2-512-256), in bytes.
inline constexpr std::size_t max_icv_size = 32;

/// Key and ICV sizes of `id`: 20/12 for hmac_sha1_96, 32/16, 48/24 and 64/32
/// for hmac_sha2_256_128, _384_192 and _512_256.
/// Errors: unsupported_algorithm for any other id (including none).
std::expected<integrity_sizes, crypto_error> integrity_sizes_for(integ_id id);

class integrity {
  public:
    /// An HMAC for `id`, keyed with `key`.
    /// Errors: unsupported_algorithm as integrity_sizes_for(); bad_key_length
    /// unless key.size() is exactly the transform's key size (RFC 2404 §3 and
    /// RFC 4868 §2.1.1 fix it); backend_failure if OpenSSL lacks HMAC or the
    /// digest, or refuses the key.
    static std::expected<integrity, crypto_error> create(integ_id id, const secret& key);

    integrity(integrity&& other) noexcept;
    integrity& operator=(integrity&& other) noexcept;
    integrity(const integrity&) = delete;
    integrity& operator=(const integrity&) = delete;
    ~integrity();

    integ_id id() const { return id_; }
    std::size_t key_size() const { return sizes_.key_size; }
    std::size_t icv_size() const { return sizes_.icv_size; }

    /// Writes the ICV of pieces[0] | pieces[1] | ... into `icv`, which must be
    /// exactly icv_size() bytes. The pieces are not concatenated.
    /// Errors: backend_failure if `icv` has the wrong size or OpenSSL fails.
    /// Not thread-safe: one working context is reused between calls.
    std::expected<void, crypto_error> compute(std::span<const bytes_view> pieces,
                                              std::span<std::uint8_t> icv) const;
    std::expected<void, crypto_error> compute(std::initializer_list<bytes_view> pieces,
                                              std::span<std::uint8_t> icv) const;

    /// Checks `icv` against the ICV of the concatenated pieces, in constant
    /// time (CRYPTO_memcmp).
    /// Errors: integrity_check_failed on mismatch or if icv.size() !=
    /// icv_size() (drop the message); backend_failure if OpenSSL fails.
    std::expected<void, crypto_error> verify(std::span<const bytes_view> pieces,
                                             bytes_view icv) const;
    std::expected<void, crypto_error> verify(std::initializer_list<bytes_view> pieces,
                                             bytes_view icv) const;

  private:
    struct ctx_free {
        void operator()(evp_mac_ctx_st* ctx) const;
    };

    integrity(integ_id id, integrity_sizes sizes, std::unique_ptr<evp_mac_ctx_st, ctx_free> ctx);

    std::expected<void, crypto_error> full_mac(std::span<const bytes_view> pieces,
                                               std::span<std::uint8_t> out) const;

    integ_id id_;
    integrity_sizes sizes_;
    std::unique_ptr<evp_mac_ctx_st, ctx_free> ctx_;  // keyed once; re-initialised per ICV
};

}  // namespace ike
