#include "libike/common/socket_address.hpp"

#include <arpa/inet.h>

namespace ike {

std::string to_string(const ip_addr& a) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(a.ipv6 ? AF_INET6 : AF_INET, a.bytes.data(), buf, sizeof buf);
    return buf;
}

std::string to_string(const socket_address& a) {
    return to_string(a.ip) + "[" + std::to_string(a.port) + "]";
}

}  // namespace ike
