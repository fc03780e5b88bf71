#include "libike/crypto/prf.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <utility>

namespace ike {

namespace {

struct hmac_prf_info {
    const char* digest;  // OpenSSL digest name
    std::size_t output_size;
    std::size_t slot;  // in hmac_templates::digests
};

// RFC 7296 §3.3.2 transform type 2. As PRFs the SHA-2 HMACs are used with
// their full output (RFC 4868 §2.2), unlike their truncated integrity
// counterparts (type 3). HMAC-MD5 and the AES-based PRFs are not offered: MD5
// is obsolete, and the AES PRFs' fixed 16-byte keys would need the §2.14 nonce
// split described in keymat.hpp.
std::expected<hmac_prf_info, crypto_error> info_for(prf_id id) {
    switch (id) {
        case prf_id::hmac_sha1:
            return hmac_prf_info{"SHA1", 20, 0};
        case prf_id::hmac_sha2_256:
            return hmac_prf_info{"SHA2-256", 32, 1};
        case prf_id::hmac_sha2_384:
            return hmac_prf_info{"SHA2-384", 48, 2};
        case prf_id::hmac_sha2_512:
            return hmac_prf_info{"SHA2-512", 64, 3};
        default:
            return std::unexpected(
                crypto_error{crypto_errc::unsupported_algorithm, "PRF " + to_string(id)});
    }
}

std::unexpected<crypto_error> backend_error(const char* what) {
    return std::unexpected(crypto_error{crypto_errc::backend_failure, what});
}

// Allocates an HMAC context bound to `digest`. Binding the digest here, once,
// means a missing digest shows up at create() and set_key() only has the key
// to pass.
EVP_MAC_CTX* new_hmac_ctx(const char* digest) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) return nullptr;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);  // the context holds its own reference
    if (ctx == nullptr) return nullptr;
    std::array<OSSL_PARAM, 2> params{
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_CTX_set_params(ctx, params.data()) != 1) {
        EVP_MAC_CTX_free(ctx);
        return nullptr;
    }
    return ctx;
}

// One unkeyed HMAC context per PRF, made once per process; every prf copies
// one (EVP_MAC_CTX_dup takes references to the fetched HMAC and digest).
// Fetching both by name per PRF looked them up in OpenSSL's name map under a
// lock each time: ~5 % of a responder's CPU per IKE_SA, which makes ~6 PRFs
// (docs/performance.md). This is a cache of immutable algorithm objects, not
// state: the templates are never keyed or changed after they are made, so
// any thread may copy them, and a missing digest still fails create().
class hmac_templates {
  public:
    static constexpr std::array<const char*, 4> digests{"SHA1", "SHA2-256", "SHA2-384", "SHA2-512"};
    hmac_templates() {
        for (std::size_t i = 0; i < digests.size(); ++i) ctx_[i] = new_hmac_ctx(digests[i]);
    }
    ~hmac_templates() {
        for (EVP_MAC_CTX* ctx : ctx_) EVP_MAC_CTX_free(ctx);
    }
    hmac_templates(const hmac_templates&) = delete;
    hmac_templates& operator=(const hmac_templates&) = delete;

    // A fresh, unkeyed context for digest number `slot`; null if this OpenSSL
    // lacks the digest or cannot allocate.
    EVP_MAC_CTX* copy(std::size_t slot) const {
        return ctx_[slot] == nullptr ? nullptr : EVP_MAC_CTX_dup(ctx_[slot]);
    }
    bool has(std::size_t slot) const { return ctx_[slot] != nullptr; }

  private:
    std::array<EVP_MAC_CTX*, digests.size()> ctx_{};
};

// An empty key (legal for HMAC, RFC 2104 §2) still needs a non-null pointer:
// a null one would mean "re-use the previous key" to EVP_MAC_init.
bool init_with_key(EVP_MAC_CTX* ctx, bytes_view key) {
    static constexpr std::uint8_t empty_key = 0;
    const std::uint8_t* key_ptr = key.empty() ? &empty_key : key.data();
    return EVP_MAC_init(ctx, key_ptr, key.size(), nullptr) == 1;
}

const hmac_templates& templates() {
    static const hmac_templates t;  // thread-safe initialisation (C++11)
    return t;
}

}  // namespace

std::expected<prf, crypto_error> prf::create(prf_id id) {
    auto info = info_for(id);
    if (!info) return std::unexpected(info.error());
    if (!templates().has(info->slot)) {
        return std::unexpected(crypto_error{crypto_errc::unsupported_algorithm,
                                            std::string("OpenSSL has no HMAC-") + info->digest});
    }
    return prf(id, info->output_size);
}

std::expected<prf, crypto_error> prf::create(prf_id id, bytes_view key) {
    auto out = create(id);
    if (!out) return out;
    auto keyed = out->set_key(key);
    if (!keyed) return std::unexpected(keyed.error());
    return out;
}

prf::prf(prf&& other) noexcept
    : id_(other.id_),
      output_size_(other.output_size_),
      key_(std::move(other.key_)),
      ctx_(std::exchange(other.ctx_, nullptr)),
      keyed_(std::exchange(other.keyed_, false)) {}

prf& prf::operator=(prf&& other) noexcept {
    if (this != &other) {
        EVP_MAC_CTX_free(ctx_);
        id_ = other.id_;
        output_size_ = other.output_size_;
        key_ = std::move(other.key_);
        ctx_ = std::exchange(other.ctx_, nullptr);
        keyed_ = std::exchange(other.keyed_, false);
    }
    return *this;
}

prf::~prf() {
    // The provider wipes the stored key and HMAC pads when the context is
    // freed; key_ wipes itself.
    EVP_MAC_CTX_free(ctx_);
}

std::expected<prf, crypto_error> prf::clone() const {
    prf out(id_, output_size_);
    if (ctx_ != nullptr) {
        out.ctx_ = EVP_MAC_CTX_dup(ctx_);
        if (out.ctx_ == nullptr) return backend_error("EVP_MAC_CTX_dup");
    }
    out.key_ = key_;
    out.keyed_ = keyed_;
    return out;
}

std::expected<void, crypto_error> prf::set_key(bytes_view key) {
    keyed_ = false;
    key_ = secret(key);
    // A context that exists already is re-keyed now, so that it never holds
    // an older key than key_.
    if (ctx_ != nullptr && !init_with_key(ctx_, key)) {
        return backend_error("EVP_MAC_init with a new key");
    }
    keyed_ = true;
    return {};
}

std::expected<evp_mac_ctx_st*, crypto_error> prf::context() const {
    if (ctx_ != nullptr) return ctx_;
    auto info = info_for(id_);
    if (!info) return std::unexpected(info.error());
    EVP_MAC_CTX* ctx = templates().copy(info->slot);
    if (ctx == nullptr) return backend_error("EVP_MAC_CTX_dup");
    if (!init_with_key(ctx, key_.view())) {
        EVP_MAC_CTX_free(ctx);
        return backend_error("EVP_MAC_init with the key");
    }
    ctx_ = ctx;
    return ctx_;
}

std::expected<void, crypto_error> prf::compute_into(std::span<const bytes_view> pieces,
                                                    std::span<std::uint8_t> out) const {
    if (!keyed_) {
        return std::unexpected(
            crypto_error{crypto_errc::bad_key_length, "PRF used before set_key"});
    }
    if (out.size() < output_size_) {
        return std::unexpected(
            crypto_error{crypto_errc::bad_key_length, "PRF output buffer too small"});
    }
    auto ctx = context();
    if (!ctx) return std::unexpected(ctx.error());
    // Re-initialising with a null key restarts HMAC from the stored inner and
    // outer pads: no key schedule and no allocation per call.
    if (EVP_MAC_init(*ctx, nullptr, 0, nullptr) != 1) return backend_error("EVP_MAC_init");
    for (bytes_view piece : pieces) {
        if (piece.empty()) continue;
        if (EVP_MAC_update(*ctx, piece.data(), piece.size()) != 1) {
            return backend_error("EVP_MAC_update");
        }
    }
    std::size_t written = 0;
    if (EVP_MAC_final(*ctx, out.data(), &written, out.size()) != 1 || written != output_size_) {
        return backend_error("EVP_MAC_final");
    }
    return {};
}

std::expected<secret, crypto_error> prf::compute(std::span<const bytes_view> pieces) const {
    secret out(output_size_);
    auto done = compute_into(pieces, out.mutable_view());
    if (!done) return std::unexpected(done.error());
    return out;
}

std::expected<secret, crypto_error> prf::compute(std::initializer_list<bytes_view> pieces) const {
    return compute(std::span<const bytes_view>(pieces.begin(), pieces.size()));
}

std::expected<secret, crypto_error> prf::compute(bytes_view data) const {
    return compute(std::span<const bytes_view>(&data, 1));
}

}  // namespace ike
