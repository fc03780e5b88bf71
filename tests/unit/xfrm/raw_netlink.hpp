#pragma once
// Test helpers that read and write netlink messages by hand, with plain
// memcpy over the <linux/netlink.h> / <linux/xfrm.h> structs: an independent
// reader/writer, so the tests never check libxfrm with libxfrm.
#include <linux/netlink.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

#include "libike/common/bytes.hpp"

namespace xfrm_test {

inline std::size_t align4(std::size_t n) {
    return (n + 3) & ~std::size_t{3};
}

/// Writes one message: header, fixed struct, attributes.
class raw_writer {
  public:
    raw_writer(std::uint16_t type, std::uint16_t flags = 0, std::uint32_t seq = 0) {
        nlmsghdr h{};
        h.nlmsg_type = type;
        h.nlmsg_flags = flags;
        h.nlmsg_seq = seq;
        append(&h, sizeof h);
    }
    template <class T>
    raw_writer& fixed(const T& s) {
        append(&s, sizeof s);
        return *this;
    }
    raw_writer& attr(std::uint16_t type, const void* data, std::size_t len) {
        nlattr a{};
        a.nla_len = static_cast<std::uint16_t>(sizeof a + len);
        a.nla_type = type;
        append(&a, sizeof a);
        append(data, len);
        return *this;
    }
    template <class T>
    raw_writer& attr(std::uint16_t type, const T& s) {
        return attr(type, &s, sizeof s);
    }
    ike::bytes done() {
        auto* h = reinterpret_cast<nlmsghdr*>(buf_.data());
        h->nlmsg_len = static_cast<std::uint32_t>(buf_.size());
        return buf_;
    }

  private:
    void append(const void* p, std::size_t n) {
        auto* b = static_cast<const std::uint8_t*>(p);
        buf_.insert(buf_.end(), b, b + n);
        buf_.resize(align4(buf_.size()), 0);
    }
    ike::bytes buf_;
};

/// Reads one message back: header, the fixed struct, attributes by type.
struct raw_message {
    nlmsghdr header{};
    ike::bytes fixed;
    std::map<std::uint16_t, ike::bytes> attrs;  ///< payloads (last one wins)
    std::vector<std::uint16_t> attr_order;
};

inline raw_message read_raw(ike::bytes_view msg, std::size_t fixed_len) {
    raw_message out;
    std::memcpy(&out.header, msg.data(), sizeof(nlmsghdr));
    out.fixed.assign(msg.begin() + sizeof(nlmsghdr), msg.begin() + sizeof(nlmsghdr) + fixed_len);
    std::size_t off = sizeof(nlmsghdr) + align4(fixed_len);
    while (off + sizeof(nlattr) <= out.header.nlmsg_len) {
        nlattr a;
        std::memcpy(&a, msg.data() + off, sizeof a);
        out.attrs[a.nla_type] =
            ike::bytes(msg.begin() + off + sizeof a, msg.begin() + off + a.nla_len);
        out.attr_order.push_back(a.nla_type);
        off += align4(a.nla_len);
    }
    return out;
}

template <class T>
T as(const ike::bytes& b) {
    T out{};
    std::memcpy(&out, b.data(), std::min(sizeof(T), b.size()));
    return out;
}

}  // namespace xfrm_test
