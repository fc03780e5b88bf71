#include "libxfrm/kernel_backend.hpp"

namespace xfrm {

std::expected<void, kernel_error> kernel_backend::apply_one(kernel_change change) {
    return apply(std::span<const kernel_change>(&change, 1)).front();
}

std::expected<void, kernel_error> kernel_backend::add_sa(const sa_config& sa) {
    return apply_one(sa_add{sa});
}

std::expected<void, kernel_error> kernel_backend::update_sa(const sa_config& sa) {
    return apply_one(sa_update{sa});
}

std::expected<void, kernel_error> kernel_backend::delete_sa(const sa_id& id) {
    return apply_one(sa_delete{id});
}

std::expected<void, kernel_error> kernel_backend::add_policy(const policy_config& policy) {
    return apply_one(policy_add{policy});
}

std::expected<void, kernel_error> kernel_backend::update_policy(const policy_config& policy) {
    return apply_one(policy_update{policy});
}

std::expected<void, kernel_error> kernel_backend::delete_policy(const policy_id& id) {
    return apply_one(policy_delete{id});
}

}  // namespace xfrm
