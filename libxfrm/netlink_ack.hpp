#pragma once
// The kernel's answer to a request sent with NLM_F_ACK, or its error for any
// request: an NLMSG_ERROR message.
//
//   nlmsghdr (type NLMSG_ERROR, seq = request's seq, flags CAPPED|ACK_TLVS)
//   int error (0 = ACK, else -errno)
//   nlmsghdr of the request (+ its payload unless NLM_F_CAPPED)
//   TLVs (if NLM_F_ACK_TLVS): NLMSGERR_ATTR_MSG = NUL-terminated text, ...
#include <cstdint>
#include <expected>
#include <string>

#include "libxfrm/kernel_error.hpp"
#include "libxfrm/nl_message.hpp"

namespace xfrm {

struct netlink_ack {
    std::uint32_t seq = 0;           ///< sequence number of the request answered
    std::uint16_t request_type = 0;  ///< nlmsg_type of the request answered
    int error = 0;                   ///< positive errno, 0 = success
    std::string message;             ///< the kernel's extended-ack text, may be empty

    /// The error as a kernel_error naming the request type and the kernel's
    /// text. Precondition: error != 0.
    kernel_error to_error() const;
};

/// Parses an NLMSG_ERROR message, with or without NLM_F_CAPPED and extended-ack TLVs.
/// Errors: another message type, short message, malformed TLVs.
std::expected<netlink_ack, parse_error> parse_ack(ike::bytes_view msg);

}  // namespace xfrm
