#include "libike/crypto/openssl_handle.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace ike {

// The up_ref calls cannot fail short of memory corruption (an atomic
// increment); their result carries no information for us.

void openssl_ops<x509_st>::up_ref(x509_st* p) noexcept {
    X509_up_ref(p);
}
void openssl_ops<x509_st>::free(x509_st* p) noexcept {
    X509_free(p);
}

void openssl_ops<X509_crl_st>::up_ref(X509_crl_st* p) noexcept {
    X509_CRL_up_ref(p);
}
void openssl_ops<X509_crl_st>::free(X509_crl_st* p) noexcept {
    X509_CRL_free(p);
}

void openssl_ops<x509_store_st>::up_ref(x509_store_st* p) noexcept {
    X509_STORE_up_ref(p);
}
void openssl_ops<x509_store_st>::free(x509_store_st* p) noexcept {
    X509_STORE_free(p);
}

void openssl_ops<evp_pkey_st>::free(evp_pkey_st* p) noexcept {
    EVP_PKEY_free(p);
}

void openssl_ops<evp_mac_ctx_st>::free(evp_mac_ctx_st* p) noexcept {
    // The provider wipes the stored key and HMAC pads when the context is freed.
    EVP_MAC_CTX_free(p);
}

}  // namespace ike
