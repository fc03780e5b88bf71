#include "daemon/null_kernel_backend.hpp"

#include <cerrno>

namespace ikev2d {

std::expected<std::uint32_t, xfrm::kernel_error> null_kernel_backend::alloc_spi(
    const xfrm::spi_request& req) {
    return req.min;
}

std::vector<std::expected<void, xfrm::kernel_error>> null_kernel_backend::apply(
    std::span<const xfrm::kernel_change> changes) {
    return std::vector<std::expected<void, xfrm::kernel_error>>(changes.size());
}

std::expected<xfrm::sa_state, xfrm::kernel_error> null_kernel_backend::get_sa(const xfrm::sa_id&) {
    return std::unexpected(xfrm::make_kernel_error(ESRCH, "get SA (kernel backend 'none')"));
}

std::expected<xfrm::policy_state, xfrm::kernel_error> null_kernel_backend::get_policy(
    const xfrm::policy_id&) {
    return std::unexpected(xfrm::make_kernel_error(ENOENT, "get policy (kernel backend 'none')"));
}

std::expected<std::vector<xfrm::sa_state>, xfrm::kernel_error> null_kernel_backend::list_sas() {
    return std::vector<xfrm::sa_state>{};
}

std::expected<std::vector<xfrm::policy_state>, xfrm::kernel_error>
null_kernel_backend::list_policies() {
    return std::vector<xfrm::policy_state>{};
}

std::expected<xfrm::flush_report, xfrm::kernel_error> null_kernel_backend::flush_owned() {
    return xfrm::flush_report{};
}

}  // namespace ikev2d
