#pragma once
// Policy messages as pure functions on bytes: build NEWPOLICY/UPDPOLICY/
// DELPOLICY/GETPOLICY/FLUSHPOLICY requests and parse the kernel's policy
// messages.
//
// NEWPOLICY / UPDPOLICY request:
//   nlmsghdr | xfrm_userpolicy_info (168 bytes: sel, lft, curlft, priority,
//            |   index, dir, action, flags, share)
//            | XFRMA_TMPL (n * xfrm_user_tmpl, 64 bytes each) | XFRMA_MARK | XFRMA_IF_ID
// DELPOLICY / GETPOLICY request:
//   nlmsghdr | xfrm_userpolicy_id (sel, index, dir) | XFRMA_MARK | XFRMA_IF_ID
#include <expected>
#include <vector>

#include "libxfrm/nl_message.hpp"
#include "libxfrm/xfrm_attrs.hpp"
#include "libxfrm/xfrm_policy.hpp"

namespace xfrm {

/// XFRM_MSG_NEWPOLICY with NLM_F_ACK; the kernel refuses (EEXIST) a second
/// policy with the same selector, direction, mark and if_id.
nl_message build_new_policy(const policy_config& policy);
/// XFRM_MSG_UPDPOLICY with NLM_F_ACK: adds or replaces.
nl_message build_update_policy(const policy_config& policy);
/// XFRM_MSG_DELPOLICY with NLM_F_ACK.
nl_message build_delete_policy(const policy_id& id);
/// XFRM_MSG_GETPOLICY; the kernel answers with one XFRM_MSG_NEWPOLICY.
nl_message build_get_policy(const policy_id& id);
/// XFRM_MSG_GETPOLICY with NLM_F_DUMP.
nl_message build_dump_policy();
/// XFRM_MSG_FLUSHPOLICY (every main-type policy) with NLM_F_ACK.
nl_message build_flush_policy();

/// Parses an XFRM_MSG_NEWPOLICY/UPDPOLICY message (GETPOLICY reply, dump entry).
/// Errors: other message types, short struct, malformed attributes, an
/// XFRMA_TMPL whose length is not a multiple of xfrm_user_tmpl.
std::expected<policy_state, parse_error> parse_policy(ike::bytes_view msg);

/// Policy info plus attributes as policy_state (shared with the event parsers).
std::expected<policy_state, parse_error> policy_from_kernel(const xfrm_userpolicy_info& info,
                                                            const attr_table& attrs);

/// The templates in an XFRMA_TMPL attribute (null = none).
std::expected<std::vector<policy_template>, parse_error> templates_from_kernel(const nlattr* tmpl);

}  // namespace xfrm
