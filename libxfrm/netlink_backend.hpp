#pragma once
// kernel_backend on NETLINK_XFRM: builds messages with xfrm_sa_msg /
// xfrm_policy_msg and sends them through a netlink_channel. Enforces the
// ownership tag on everything it installs.
#include <expected>

#include "libxfrm/kernel_backend.hpp"
#include "libxfrm/netlink_channel.hpp"
#include "libxfrm/ownership.hpp"

namespace xfrm {

class netlink_backend final : public kernel_backend {
  public:
    /// Opens the request channel. `owned` says which reqids (and bypass
    /// priorities) are ours; installs outside it are refused with EINVAL.
    /// Errors: socket setup failures.
    static std::expected<netlink_backend, kernel_error> open(const ownership& owned);

    std::expected<std::uint32_t, kernel_error> alloc_spi(const spi_request& req) override;
    std::vector<std::expected<void, kernel_error>> apply(
        std::span<const kernel_change> changes) override;
    std::expected<sa_state, kernel_error> get_sa(const sa_id& id) override;
    std::expected<policy_state, kernel_error> get_policy(const policy_id& id) override;
    std::expected<std::vector<sa_state>, kernel_error> list_sas() override;
    std::expected<std::vector<policy_state>, kernel_error> list_policies() override;
    std::expected<flush_report, kernel_error> flush_owned() override;

    /// Deletes every ESP SA / every policy, ours or not (XFRM_MSG_FLUSHSA /
    /// FLUSHPOLICY). For lab tests and an explicit operator command only.
    std::expected<void, kernel_error> flush_all_sas();
    std::expected<void, kernel_error> flush_all_policies();

    const ownership& owned() const { return owned_; }

  private:
    netlink_backend(netlink_channel channel, const ownership& owned)
        : channel_(std::move(channel)), owned_(owned) {}
    std::expected<nl_message, kernel_error> build(const kernel_change& change) const;
    std::size_t delete_all(std::vector<nl_message> requests, flush_report& report);

    netlink_channel channel_;
    ownership owned_;
};

}  // namespace xfrm
