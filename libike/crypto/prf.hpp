#pragma once
// Pseudorandom functions, IKEv2 transform type 2 (RFC 7296 §3.3.2).
//
// Supported: PRF_HMAC_SHA1 (RFC 2104), PRF_HMAC_SHA2_256/384/512 (RFC 4868
// §2.2: untruncated output, keys of any length). Backed by OpenSSL 3's EVP_MAC
// "HMAC". A `prf` is keyed once with set_key() and can then compute any number
// of outputs without being keyed again (the HMAC pads are kept), which is what
// prf+ and a busy responder need.
//
// Cost (issue 7): create() copies a per-process template context instead of
// fetching "HMAC" and the digest by name, and the keyed OpenSSL context (~500
// bytes) is made at the first compute(), not at set_key(): a PRF that is kept
// but rarely used, such as an IKE_SA's SK_d, holds only its key until then.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <initializer_list>
#include <span>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/crypto_error.hpp"

// OpenSSL's types, so that this header does not pull in OpenSSL's.
struct evp_mac_ctx_st;

namespace ike {

/// Largest output of any supported PRF (HMAC-SHA2-512), in bytes.
inline constexpr std::size_t max_prf_output_size = 64;

class prf {
  public:
    /// A PRF for `id`, not yet keyed.
    /// Errors: unsupported_algorithm for any id other than hmac_sha1 and
    /// hmac_sha2_256/384/512 (e.g. AES128_XCBC, AES128_CMAC, HMAC_MD5), or if
    /// this OpenSSL lacks the digest; backend_failure if OpenSSL cannot
    /// allocate the MAC context.
    static std::expected<prf, crypto_error> create(prf_id id);

    /// create(id) followed by set_key(key): a PRF ready to compute.
    /// Errors: as create() and set_key().
    static std::expected<prf, crypto_error> create(prf_id id, bytes_view key);

    prf(prf&& other) noexcept;
    prf& operator=(prf&& other) noexcept;
    prf(const prf&) = delete;
    prf& operator=(const prf&) = delete;
    ~prf();

    /// An independent copy, keyed with the same key if this one is keyed (for
    /// use on another thread, or to keep a keyed SK_d PRF around).
    /// Errors: backend_failure if OpenSSL cannot duplicate the context.
    std::expected<prf, crypto_error> clone() const;

    prf_id id() const { return id_; }

    /// Output length in bytes (20, 32, 48 or 64).
    std::size_t output_size() const { return output_size_; }

    /// The key length RFC 7296 §2.13/§2.14 asks for: the PRF's output length
    /// for HMAC PRFs. Keys derived for this PRF (SK_d, SK_pi, SK_pr) have
    /// this length; set_key() accepts any length.
    std::size_t preferred_key_size() const { return output_size_; }

    /// True once set_key() has succeeded.
    bool keyed() const { return keyed_; }

    /// Keys the PRF with `key` (any length, including zero; HMAC hashes keys
    /// longer than the block size). Replaces any previous key. The key is
    /// kept, and handed to OpenSSL at the next compute().
    /// Errors: backend_failure if OpenSSL refuses the key of a PRF that has
    /// already computed; the PRF is then unkeyed.
    std::expected<void, crypto_error> set_key(bytes_view key);

    /// prf(key, data). Precondition: keyed().
    /// Errors: bad_key_length if the PRF was never keyed; backend_failure if
    /// OpenSSL fails (including refusing the key on the first call).
    /// Not thread-safe: a prf reuses one working context between calls, so
    /// one object must not be used from two threads at once (clone() it).
    std::expected<secret, crypto_error> compute(bytes_view data) const;

    /// prf(key, pieces[0] | pieces[1] | ...), without concatenating the pieces.
    /// Errors as compute(bytes_view).
    std::expected<secret, crypto_error> compute(std::initializer_list<bytes_view> pieces) const;
    std::expected<secret, crypto_error> compute(std::span<const bytes_view> pieces) const;

    /// As compute(pieces), writing the output_size() bytes of output to the
    /// start of `out`, for callers that manage their own (wiped) buffers.
    /// Precondition: out.size() >= output_size(); otherwise bad_key_length.
    std::expected<void, crypto_error> compute_into(std::span<const bytes_view> pieces,
                                                   std::span<std::uint8_t> out) const;

  private:
    prf(prf_id id, std::size_t output_size) : id_(id), output_size_(output_size) {}

    /// The keyed HMAC context, made from the template and key_ on first use.
    /// Errors: backend_failure.
    std::expected<evp_mac_ctx_st*, crypto_error> context() const;

    prf_id id_{};
    std::size_t output_size_ = 0;
    secret key_;
    // The keyed HMAC context, or null until the first compute(). compute()
    // re-initialises it in place (const members change the pointee, never
    // the key): no new context per call.
    mutable evp_mac_ctx_st* ctx_ = nullptr;
    bool keyed_ = false;
};

}  // namespace ike
