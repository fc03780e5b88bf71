#pragma once
// OpenSSL plumbing shared by the key-exchange families (ke_modp, ke_ecp,
// ke_ecx): owning pointers for the OpenSSL objects they create, capture of
// OpenSSL's error queue into a crypto_error, and the one EVP derive call they
// all end in. Private to libike/crypto.
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

#include <cstddef>
#include <expected>
#include <memory>
#include <string>

#include "libike/common/bytes.hpp"
#include "libike/common/secret.hpp"
#include "libike/crypto/crypto_error.hpp"
#include "libike/crypto/openssl_handle.hpp"

namespace ike::ke_detail {

using ike::openssl_deleter;

using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY_free>>;
using pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, openssl_deleter<EVP_PKEY_CTX_free>>;
using param_bld_ptr = std::unique_ptr<OSSL_PARAM_BLD, openssl_deleter<OSSL_PARAM_BLD_free>>;
using params_ptr = std::unique_ptr<OSSL_PARAM, openssl_deleter<OSSL_PARAM_free>>;
/// For private scalars: BN_clear_free wipes the digits before freeing.
using secret_bn_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BN_clear_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BN_free>>;

/// A crypto_error with `what` plus OpenSSL's reason for the last failure; the
/// OpenSSL error queue is emptied so that it does not leak into later calls.
crypto_error openssl_error(crypto_errc code, std::string what);

/// A private scalar (big-endian octets) as a BIGNUM in OpenSSL's secure heap,
/// so the OSSL_PARAM copy made from it is wiped on free as well.
std::expected<secret_bn_ptr, crypto_error> secret_bignum(bytes_view big_endian);

/// A public (non-secret) big-endian value as a BIGNUM.
std::expected<bn_ptr, crypto_error> public_bignum(bytes_view big_endian);

/// EVP_PKEY_fromdata for key type `type` ("DH", "EC") from `bld`'s params.
/// Errors: `on_reject` when OpenSSL refuses the data (e.g. an off-curve point).
std::expected<pkey_ptr, crypto_error> pkey_from_params(const char* type, int selection,
                                                       OSSL_PARAM_BLD& bld, crypto_errc on_reject);

/// EVP_PKEY_derive of `ours` with `peer`, expecting exactly `size` octets.
/// `pad` asks the DH exchange for output left-padded to the prime's length
/// (RFC 7296 §2.14). OpenSSL validates the peer key when it is set and fails
/// X25519/X448 derivations with an all-zero result, so both of those map to
/// invalid_public_value; anything else is a backend_failure.
/// `check_peer` false skips that check, for a "peer" key that is our own
/// constant (MODP's generator when computing g^x), never for received data.
std::expected<secret, crypto_error> derive(EVP_PKEY& ours, EVP_PKEY& peer, std::size_t size,
                                           bool pad, bool check_peer = true);

/// "expected N octets, got M" for length errors.
std::string length_mismatch(std::size_t expected, std::size_t got);

}  // namespace ike::ke_detail
