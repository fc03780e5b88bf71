#include "libxfrm/xfrm_convert.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace xfrm {

xfrm_address_t to_kernel(const ip_address& addr) {
    xfrm_address_t out{};
    std::memcpy(&out, addr.octets.data(), addr.is_v6() ? 16 : 4);
    return out;
}

ip_address from_kernel(const xfrm_address_t& addr, std::uint16_t family) {
    ip_address out;
    out.family = family == af_inet6 ? af_inet6 : af_inet;
    std::memcpy(out.octets.data(), &addr, out.is_v6() ? 16 : 4);
    return out;
}

xfrm_selector to_kernel(const selector& sel) {
    xfrm_selector out{};
    out.daddr = to_kernel(sel.dst);
    out.saddr = to_kernel(sel.src);
    out.dport = htons(sel.dst_port);
    out.dport_mask = sel.dst_port ? 0xffff : 0;
    out.sport = htons(sel.src_port);
    out.sport_mask = sel.src_port ? 0xffff : 0;
    out.family = sel.family();
    out.prefixlen_d = sel.dst_prefix;
    out.prefixlen_s = sel.src_prefix;
    out.proto = sel.proto;
    out.ifindex = sel.ifindex;
    return out;
}

selector from_kernel(const xfrm_selector& sel) {
    selector out;
    out.dst = from_kernel(sel.daddr, sel.family);
    out.src = from_kernel(sel.saddr, sel.family);
    out.dst_port = sel.dport_mask ? ntohs(sel.dport) : 0;
    out.src_port = sel.sport_mask ? ntohs(sel.sport) : 0;
    out.dst_prefix = sel.prefixlen_d;
    out.src_prefix = sel.prefixlen_s;
    out.proto = sel.proto;
    out.ifindex = sel.ifindex;
    return out;
}

xfrm_lifetime_cfg to_kernel(const lifetime_limits& lft) {
    xfrm_lifetime_cfg out{};
    out.soft_byte_limit = lft.soft_bytes;
    out.hard_byte_limit = lft.hard_bytes;
    out.soft_packet_limit = lft.soft_packets;
    out.hard_packet_limit = lft.hard_packets;
    out.soft_add_expires_seconds = lft.soft_add_seconds;
    out.hard_add_expires_seconds = lft.hard_add_seconds;
    out.soft_use_expires_seconds = lft.soft_use_seconds;
    out.hard_use_expires_seconds = lft.hard_use_seconds;
    return out;
}

lifetime_limits from_kernel(const xfrm_lifetime_cfg& lft) {
    return lifetime_limits{lft.soft_byte_limit,          lft.hard_byte_limit,
                           lft.soft_packet_limit,        lft.hard_packet_limit,
                           lft.soft_add_expires_seconds, lft.hard_add_expires_seconds,
                           lft.soft_use_expires_seconds, lft.hard_use_expires_seconds};
}

usage from_kernel(const xfrm_lifetime_cur& cur) {
    return usage{cur.bytes, cur.packets, cur.add_time, cur.use_time};
}

}  // namespace xfrm
