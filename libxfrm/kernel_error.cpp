#include "libxfrm/kernel_error.hpp"

#include <cerrno>

namespace xfrm {

kernel_error make_kernel_error(int err, std::string what) {
    return kernel_error{std::error_code(err, std::generic_category()), std::move(what)};
}

// The kernel's xfrm_user.c answers NEWSA with EPROTONOSUPPORT ("Requested type
// not found") when no xfrm_type is registered for the protocol, i.e. esp4/esp6
// are not built or loaded; and with ENOSYS when xfrm_algo.c has no descriptor for
// an algorithm name (or its crypto template, e.g. gcm, is missing).
kernel_error explain_sa_install_error(kernel_error err) {
    if (err.value() == EPROTONOSUPPORT) {
        err.what +=
            " [the kernel lacks ESP support: enable CONFIG_INET_ESP/CONFIG_INET6_ESP or "
            "load the esp4/esp6 modules]";
    } else if (err.value() == ENOSYS) {
        // The kernel looks up AEAD algorithms before it checks for ESP, so a
        // kernel without ESP *and* without GCM answers ENOSYS: name both.
        err.what +=
            " [the kernel lacks a requested algorithm: enable or load its crypto module, "
            "e.g. CONFIG_CRYPTO_GCM (gcm) for rfc4106(gcm(aes)); if it also lacks ESP "
            "(CONFIG_INET_ESP, modules esp4/esp6), no SA can be installed at all]";
    }
    return err;
}

bool lacks_esp(const kernel_error& err) {
    return err.value() == EPROTONOSUPPORT;
}

}  // namespace xfrm
