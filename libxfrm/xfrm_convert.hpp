#pragma once
// Conversions between libxfrm's value types and the <linux/xfrm.h> structs,
// used by the message builders and parsers. Network byte order is handled here
// and nowhere else: value types hold host-order ports and SPIs.
#include <linux/xfrm.h>

#include "libxfrm/xfrm_types.hpp"

namespace xfrm {

xfrm_address_t to_kernel(const ip_address& addr);
ip_address from_kernel(const xfrm_address_t& addr, std::uint16_t family);

/// Ports become (htons(port), 0xffff) or (0, 0) for a wildcard.
xfrm_selector to_kernel(const selector& sel);
selector from_kernel(const xfrm_selector& sel);

xfrm_lifetime_cfg to_kernel(const lifetime_limits& lft);
lifetime_limits from_kernel(const xfrm_lifetime_cfg& lft);

usage from_kernel(const xfrm_lifetime_cur& cur);

}  // namespace xfrm
