#include "libxfrm/address_netlink.hpp"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

namespace xfrm {

namespace {

nl_message address_message(std::uint16_t type, std::uint16_t flags, std::uint32_t ifindex,
                           const ip_address& addr) {
    nl_builder b(type, flags);
    auto& ifa = b.put_struct<ifaddrmsg>();
    ifa.ifa_family = static_cast<std::uint8_t>(addr.family);
    ifa.ifa_prefixlen = host_prefix(addr);
    ifa.ifa_scope = RT_SCOPE_UNIVERSE;
    ifa.ifa_index = ifindex;
    if (addr.is_v6()) ifa.ifa_flags = IFA_F_NODAD;
    const ike::bytes_view bytes{addr.octets.data(), addr.is_v6() ? 16u : 4u};
    b.put_bytes(IFA_LOCAL, bytes);
    b.put_bytes(IFA_ADDRESS, bytes);
    return b.finish();
}

}  // namespace

std::uint8_t host_prefix(const ip_address& addr) {
    return addr.is_v6() ? 128 : 32;
}

nl_message add_address_message(std::uint32_t ifindex, const ip_address& addr) {
    return address_message(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, addr);
}

nl_message delete_address_message(std::uint32_t ifindex, const ip_address& addr) {
    return address_message(RTM_DELADDR, 0, ifindex, addr);
}

}  // namespace xfrm
