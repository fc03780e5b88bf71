#pragma once
// rtnetlink messages that add or remove one host address (/32 or /128) on an
// interface: RTM_NEWADDR / RTM_DELADDR. Pure builders, tested on bytes; a
// virtual IP from the gateway is installed this way (RFC 7296 §2.19).
//
//   nlmsghdr | ifaddrmsg (family, prefixlen, flags, scope, index)
//            | IFA_LOCAL addr | IFA_ADDRESS addr
#include <cstdint>

#include "libxfrm/nl_message.hpp"
#include "libxfrm/xfrm_types.hpp"

namespace xfrm {

/// RTM_NEWADDR for `addr` as a host address on interface `ifindex`, scope
/// global; IPv6 without duplicate address detection (IFA_F_NODAD), so it is
/// usable at once. NLM_F_EXCL: an address already there fails with EEXIST
/// (it is someone else's, and must not be removed with ours).
nl_message add_address_message(std::uint32_t ifindex, const ip_address& addr);

/// RTM_DELADDR for the same address.
nl_message delete_address_message(std::uint32_t ifindex, const ip_address& addr);

/// 32 or 128.
std::uint8_t host_prefix(const ip_address& addr);

}  // namespace xfrm
