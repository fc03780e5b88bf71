#include "libxfrm/xfrm_types.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>

namespace xfrm {

static_assert(af_inet == AF_INET && af_inet6 == AF_INET6);
static_assert(proto_esp == IPPROTO_ESP);

std::optional<ip_address> ip_address::parse(std::string_view text) {
    std::string s(text);
    ip_address out;
    if (inet_pton(AF_INET, s.c_str(), out.octets.data()) == 1) return out;
    out.family = af_inet6;
    if (inet_pton(AF_INET6, s.c_str(), out.octets.data()) == 1) return out;
    return std::nullopt;
}

ip_address ip_address::any(std::uint16_t family) {
    ip_address out;
    out.family = family;
    return out;
}

std::string ip_address::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, octets.data(), buf, sizeof buf);
    return buf;
}

selector selector::host_pair(const ip_address& src, const ip_address& dst) {
    selector sel;
    sel.src = src;
    sel.dst = dst;
    sel.src_prefix = sel.dst_prefix = src.is_v6() ? 128 : 32;
    return sel;
}

}  // namespace xfrm
