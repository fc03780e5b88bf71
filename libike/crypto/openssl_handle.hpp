#pragma once
// Owning handles for OpenSSL objects, so that no class repeats the
// up_ref/free bookkeeping by hand.
//
// - shared_handle<T>: a reference-counted object (X509, X509_CRL,
//   X509_STORE): copying takes another reference with T's up_ref, destroying
//   drops one with T's free. Copies share one immutable OpenSSL object.
// - unique_handle<T>: one owner (EVP_PKEY, EVP_MAC_CTX), freed once.
// - openssl_deleter<fn>: a unique_ptr deleter over any free function, for
//   .cpp files that include OpenSSL's headers anyway.
//
// Public headers of libike/crypto name OpenSSL's types only by their struct
// tags, so that they do not pull in OpenSSL's headers. The handles therefore
// reach up_ref/free through openssl_ops<T>, declared here for the types that
// appear in those headers and defined in openssl_handle.cpp.
#include <memory>
#include <utility>

struct x509_st;
struct X509_crl_st;
struct x509_store_st;
struct evp_pkey_st;
struct evp_mac_ctx_st;

namespace ike {

/// up_ref and free for OpenSSL type T; one specialisation per type.
template <typename T>
struct openssl_ops;

template <>
struct openssl_ops<x509_st> {
    static void up_ref(x509_st* p) noexcept;
    static void free(x509_st* p) noexcept;
};
template <>
struct openssl_ops<X509_crl_st> {
    static void up_ref(X509_crl_st* p) noexcept;
    static void free(X509_crl_st* p) noexcept;
};
template <>
struct openssl_ops<x509_store_st> {
    static void up_ref(x509_store_st* p) noexcept;
    static void free(x509_store_st* p) noexcept;
};
template <>
struct openssl_ops<evp_pkey_st> {
    static void free(evp_pkey_st* p) noexcept;
};
template <>
struct openssl_ops<evp_mac_ctx_st> {
    static void free(evp_mac_ctx_st* p) noexcept;
};

/// A unique_ptr deleter calling `free_fn` (e.g. openssl_deleter<BIO_free>).
template <auto free_fn>
struct openssl_deleter {
    template <typename T>
    void operator()(T* p) const noexcept {
        free_fn(p);
    }
};

template <typename T>
struct openssl_ops_deleter {
    void operator()(T* p) const noexcept { openssl_ops<T>::free(p); }
};

/// The only owner of a T.
template <typename T>
using unique_handle = std::unique_ptr<T, openssl_ops_deleter<T>>;

/// One reference to a reference-counted T; null after a move.
template <typename T>
class shared_handle {
  public:
    shared_handle() = default;
    /// Takes over one reference the caller holds (e.g. from d2i_X509).
    explicit shared_handle(T* adopted) noexcept : p_(adopted) {}
    shared_handle(const shared_handle& other) noexcept : p_(other.p_) {
        if (p_ != nullptr) openssl_ops<T>::up_ref(p_);
    }
    shared_handle(shared_handle&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
    // By value: covers copy and move, and self-assignment cannot free the object.
    shared_handle& operator=(shared_handle other) noexcept {
        std::swap(p_, other.p_);
        return *this;
    }
    ~shared_handle() {
        if (p_ != nullptr) openssl_ops<T>::free(p_);
    }

    T* get() const noexcept { return p_; }
    explicit operator bool() const noexcept { return p_ != nullptr; }

  private:
    T* p_ = nullptr;
};

}  // namespace ike
