#pragma once
// The error value every kernel-facing call in libxfrm returns: the errno the
// kernel (or a socket call) reported, plus what we were doing and the kernel's
// extended-ack text (NLMSGERR_ATTR_MSG) when it sent one.
#include <string>
#include <system_error>

namespace xfrm {

struct kernel_error {
    std::error_code code;  ///< errno from the kernel or from a socket call
    std::string what;      ///< the operation, plus the kernel's extended-ack text if any
    std::string message() const { return what + ": " + code.message(); }
    int value() const { return code.value(); }
};

/// An error from a positive errno value `err` and a description of the operation.
kernel_error make_kernel_error(int err, std::string what);

/// Adds the likely cause to a failed SA install (NEWSA/UPDSA): EPROTONOSUPPORT
/// means the kernel has no ESP (CONFIG_INET_ESP/CONFIG_INET6_ESP, modules
/// esp4/esp6), ENOSYS means a requested algorithm is missing from its crypto API.
/// Other errors come back unchanged.
kernel_error explain_sa_install_error(kernel_error err);

/// True if `err` says the kernel cannot do ESP at all (see explain_sa_install_error).
bool lacks_esp(const kernel_error& err);

}  // namespace xfrm
