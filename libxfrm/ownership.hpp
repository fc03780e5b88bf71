#pragma once
// How ikev2d recognises its own kernel state after a crash.
//
// The tag is the reqid. The daemon reserves a reqid range in its config and
// gives every SA and every IPsec policy template a reqid from it. Why reqid:
//  - the kernel stores it verbatim and dumps it back for SAs and templates;
//  - it is already set on larval SAs (ALLOCSPI and kernel ACQUIREs copy the
//    template's reqid), so half-negotiated state is found too;
//  - it has no effect on packet matching beyond binding templates to SAs, so
//    tagging changes no forwarding behaviour (marks, if_id, priority and the
//    selector's `user` field do: they take part in lookups or identity);
//  - strongSwan/libreswan also allocate reqids per CHILD_SA, so administrators
//    already expect reqid ranges to belong to one keying daemon.
// Policies without templates (clear-text bypass or drop policies) carry no
// reqid; for those the daemon reserves a priority band instead and only
// policies inside it are ours. Sub-type and per-socket policies are never ours.
#include <cstdint>

#include "libxfrm/xfrm_policy.hpp"
#include "libxfrm/xfrm_sa.hpp"

namespace xfrm {

struct ownership {
    std::uint32_t reqid_min = 0;  ///< inclusive; reqid 0 is never owned
    std::uint32_t reqid_max = 0;  ///< inclusive
    /// Priority band of template-less (bypass/drop) policies; empty if min > max.
    std::uint32_t bypass_priority_min = 1;
    std::uint32_t bypass_priority_max = 0;

    bool owns_reqid(std::uint32_t reqid) const;
    /// An SA is ours if its reqid is in range.
    bool owns(const sa_state& sa) const;
    bool owns(const sa_config& sa) const;
    /// A policy with templates is ours if every template's reqid is in range;
    /// one without templates if its priority is in the bypass band.
    bool owns(const policy_config& policy) const;
    bool owns(const policy_state& policy) const;
};

}  // namespace xfrm
