#pragma once
// A kernel backend that installs nothing: `ikev2d --kernel-backend none`.
// BENCHMARK ONLY (bench/ikev2-establish, issue 7). Every change "succeeds"
// without reaching the kernel, so a responder can accept CHILD_SAs on a host
// without ESP while its IKE cost is measured. No traffic is ever protected:
// never use it on a gateway, and no test of SA installation may use it.
#include "libxfrm/kernel_backend.hpp"

namespace ikev2d {

class null_kernel_backend final : public xfrm::kernel_backend {
  public:
    /// The lowest SPI of the range: nothing is reserved, nothing collides.
    std::expected<std::uint32_t, xfrm::kernel_error> alloc_spi(
        const xfrm::spi_request& req) override;
    /// One success per change; nothing is kept.
    std::vector<std::expected<void, xfrm::kernel_error>> apply(
        std::span<const xfrm::kernel_change> changes) override;
    /// ESRCH / ENOENT: nothing is ever installed.
    std::expected<xfrm::sa_state, xfrm::kernel_error> get_sa(const xfrm::sa_id& id) override;
    std::expected<xfrm::policy_state, xfrm::kernel_error> get_policy(
        const xfrm::policy_id& id) override;
    /// Empty lists and an empty flush report.
    std::expected<std::vector<xfrm::sa_state>, xfrm::kernel_error> list_sas() override;
    std::expected<std::vector<xfrm::policy_state>, xfrm::kernel_error> list_policies() override;
    std::expected<xfrm::flush_report, xfrm::kernel_error> flush_owned() override;
};

}  // namespace ikev2d
