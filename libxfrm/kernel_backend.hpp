#pragma once
// The narrow interface the daemon uses to program the kernel's IPsec state.
// Argument structs in, typed results out; every kernel failure is a
// kernel_error value. netlink_backend implements it on NETLINK_XFRM; tests of
// the daemon can substitute a fake that records what was installed.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <variant>
#include <vector>

#include "libxfrm/kernel_error.hpp"
#include "libxfrm/xfrm_policy.hpp"
#include "libxfrm/xfrm_sa.hpp"

namespace xfrm {

struct sa_add {
    sa_config sa;
};
struct sa_update {
    sa_config sa;
};
struct sa_delete {
    sa_id id;
};
struct policy_add {
    policy_config policy;
};
struct policy_update {
    policy_config policy;
};
struct policy_delete {
    policy_id id;
};

/// One change to the kernel's state; apply() takes many at once.
using kernel_change =
    std::variant<sa_add, sa_update, sa_delete, policy_add, policy_update, policy_delete>;

/// What flush_owned() removed, and what it could not.
struct flush_report {
    std::size_t sas_deleted = 0;
    std::size_t policies_deleted = 0;
    /// Larval SAs of kernel ACQUIREs (SPI 0) that are ours but cannot be
    /// deleted one by one (DELSA looks SAs up by SPI); they expire on their own
    /// after net.core.xfrm_acq_expires (30 s) once our policies are gone.
    std::size_t larval_left = 0;
    std::vector<kernel_error> failures;
};

class kernel_backend {
  public:
    virtual ~kernel_backend() = default;

    /// Reserves a free SPI in [req.min, req.max] (a larval SA).
    /// Errors: ENOENT if the range is exhausted, EINVAL for a bad range, I/O errors.
    virtual std::expected<std::uint32_t, kernel_error> alloc_spi(const spi_request& req) = 0;

    /// Applies `changes` in order, as one batch, and returns one result per
    /// change. A failing change does not stop the others. Errors per change:
    /// EINVAL for a config the builders refuse or one outside the owned reqid
    /// range; the kernel's errno and text otherwise (EEXIST for a duplicate,
    /// ESRCH/ENOENT for a missing SA/policy, EPROTONOSUPPORT when the kernel
    /// lacks ESP, ENOSYS for a missing algorithm).
    virtual std::vector<std::expected<void, kernel_error>> apply(
        std::span<const kernel_change> changes) = 0;

    /// The SA's state and usage counters (bytes, packets, add/use times).
    /// Errors: ESRCH if there is no such SA, I/O errors.
    virtual std::expected<sa_state, kernel_error> get_sa(const sa_id& id) = 0;

    /// One policy. Errors: ENOENT if there is no such policy, I/O errors.
    virtual std::expected<policy_state, kernel_error> get_policy(const policy_id& id) = 0;

    /// All SAs / policies (ours and others'), for ikev2ctl and resync.
    virtual std::expected<std::vector<sa_state>, kernel_error> list_sas() = 0;
    virtual std::expected<std::vector<policy_state>, kernel_error> list_policies() = 0;

    /// Deletes every SA and policy tagged as ours (see ownership.hpp) and
    /// nothing else. Errors: a failed dump; per-object failures are listed in
    /// the report (objects that vanished meanwhile are not failures).
    virtual std::expected<flush_report, kernel_error> flush_owned() = 0;

    // Single-change conveniences over apply().
    std::expected<void, kernel_error> add_sa(const sa_config& sa);
    std::expected<void, kernel_error> update_sa(const sa_config& sa);
    std::expected<void, kernel_error> delete_sa(const sa_id& id);
    std::expected<void, kernel_error> add_policy(const policy_config& policy);
    std::expected<void, kernel_error> update_policy(const policy_config& policy);
    std::expected<void, kernel_error> delete_policy(const policy_id& id);

  private:
    std::expected<void, kernel_error> apply_one(kernel_change change);
};

}  // namespace xfrm
