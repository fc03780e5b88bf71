#include "libxfrm/ownership.hpp"

#include <algorithm>

namespace xfrm {

bool ownership::owns_reqid(std::uint32_t reqid) const {
    return reqid != 0 && reqid >= reqid_min && reqid <= reqid_max;
}

bool ownership::owns(const sa_state& sa) const {
    return owns_reqid(sa.reqid);
}

bool ownership::owns(const sa_config& sa) const {
    return owns_reqid(sa.reqid);
}

bool ownership::owns(const policy_config& policy) const {
    if (policy.templates.empty())
        return policy.priority >= bypass_priority_min && policy.priority <= bypass_priority_max;
    return std::all_of(policy.templates.begin(), policy.templates.end(),
                       [this](const policy_template& t) { return owns_reqid(t.reqid); });
}

bool ownership::owns(const policy_state& policy) const {
    return policy.main_type && !policy.per_socket && owns(policy.config);
}

}  // namespace xfrm
