#pragma once
// Attribute access for the parsers: one table indexed by XFRMA_* type, every
// attribute libxfrm reads checked against the size of its <linux/xfrm.h> struct
// before anyone looks inside.
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include <array>
#include <cstring>
#include <expected>

#include "libxfrm/nl_message.hpp"

namespace xfrm {

using attr_table = std::array<const nlattr*, XFRMA_MAX + 1>;

/// Checks that `msg` is one message of at least header + `fixed_len` bytes and
/// indexes the attributes after the fixed struct. Unknown attribute types are
/// ignored; a later duplicate replaces an earlier one.
/// Errors: short message, truncated attribute, known attribute too short.
std::expected<attr_table, parse_error> parse_attrs(ike::bytes_view msg, std::size_t fixed_len);

/// The fixed struct after the header; precondition: parse_attrs succeeded with sizeof(T).
template <class T>
T fixed_struct(ike::bytes_view msg) {
    T out;
    std::memcpy(&out, msg.data() + NLMSG_HDRLEN, sizeof(T));
    return out;
}

/// Payload of a validated attribute as a T (copied: attributes are only 4-byte aligned).
template <class T>
T attr_as(const nlattr* attr) {
    T out;
    std::memcpy(&out, reinterpret_cast<const std::uint8_t*>(attr) + NLA_HDRLEN, sizeof(T));
    return out;
}

/// Calls fn(type, attr) for each attribute in `region` (a run of TLVs),
/// bounded by the region's exact end, not by libmnl's aligned tail.
/// Returns false if an attribute is truncated or the region has trailing bytes.
template <class F>
bool walk_attrs(ike::bytes_view region, F&& fn) {
    std::size_t off = 0;
    while (off + NLA_HDRLEN <= region.size()) {
        nlattr a;
        std::memcpy(&a, region.data() + off, sizeof a);
        if (a.nla_len < NLA_HDRLEN || off + a.nla_len > region.size()) return false;
        if (!fn(static_cast<std::uint16_t>(a.nla_type & NLA_TYPE_MASK),
                reinterpret_cast<const nlattr*>(region.data() + off)))
            return false;
        off += NLA_ALIGN(a.nla_len);
    }
    return off >= region.size();
}

/// Payload bytes of an attribute.
ike::bytes_view attr_payload(const nlattr* attr);

}  // namespace xfrm
