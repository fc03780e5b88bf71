#pragma once
// SA messages as pure functions on bytes: build NEWSA/UPDSA/DELSA/GETSA/
// FLUSHSA/ALLOCSPI requests and parse the kernel's SA messages. No socket, no
// sequence numbers (netlink_channel stamps those).
//
// NEWSA / UPDSA request:
//   nlmsghdr | xfrm_usersa_info (224 bytes: sel, id{daddr,spi,proto}, saddr,
//            |   lft, curlft, stats, seq, reqid, family, mode, replay_window, flags)
//            | XFRMA_ALG_AEAD  (xfrm_algo_aead: name[64], key_len bits, icv_len bits, key)
//            |   or XFRMA_ALG_CRYPT (xfrm_algo) + XFRMA_ALG_AUTH_TRUNC (xfrm_algo_auth)
//            | XFRMA_REPLAY_ESN_VAL (xfrm_replay_state_esn + bmp_len * 4 bytes)
//            | XFRMA_ENCAP (xfrm_encap_tmpl) | XFRMA_MARK | XFRMA_IF_ID
#include <cstdint>
#include <expected>
#include <string>

#include "libxfrm/nl_message.hpp"
#include "libxfrm/xfrm_attrs.hpp"
#include "libxfrm/xfrm_sa.hpp"

namespace xfrm {

/// Checks what the builders assume: an AEAD xor a cipher (with optional
/// integrity), algorithm names shorter than 64 bytes, keys up to 1024 bytes,
/// replay window <= max_replay_window, inbound ESN with a window > 0, matching
/// address families. Returns a description of the first problem.
std::expected<void, std::string> validate(const sa_config& sa);

/// XFRM_MSG_NEWSA (add) with NLM_F_ACK. Precondition: validate(sa) succeeded.
/// Replay: inbound windows up to 32 without ESN go in xfrm_usersa_info;
/// larger windows and ESN use XFRMA_REPLAY_ESN_VAL (and a 0 legacy window, as
/// the kernel demands). Outbound SAs get window 0, or 1 with ESN because
/// kernels without XFRMA_SA_DIR reject an ESN window of 0.
nl_message build_new_sa(const sa_config& sa);
/// XFRM_MSG_UPDSA: same body; completes a larval SA from ALLOCSPI or replaces one.
nl_message build_update_sa(const sa_config& sa);
/// XFRM_MSG_DELSA for `id` with NLM_F_ACK.
nl_message build_delete_sa(const sa_id& id);
/// XFRM_MSG_GETSA for `id`; the kernel answers with one XFRM_MSG_NEWSA.
nl_message build_get_sa(const sa_id& id);
/// XFRM_MSG_GETSA with NLM_F_DUMP: all SAs, answered by NEWSA messages and NLMSG_DONE.
nl_message build_dump_sa();
/// XFRM_MSG_FLUSHSA of every SA of `proto` (0 = all IPsec protocols), with NLM_F_ACK.
nl_message build_flush_sa(std::uint8_t proto = proto_esp);
/// XFRM_MSG_ALLOCSPI; the kernel answers with the larval SA (XFRM_MSG_NEWSA).
nl_message build_alloc_spi(const spi_request& req);

/// Parses an XFRM_MSG_NEWSA/UPDSA message (GETSA reply, dump entry,
/// ALLOCSPI reply). Keys in the message are not copied.
/// Errors: other message types, short struct, malformed attributes.
std::expected<sa_state, parse_error> parse_sa(ike::bytes_view msg);

/// The fields of an xfrm_usersa_info plus its attributes, as sa_state (shared
/// with the expire event parser).
sa_state sa_from_kernel(const xfrm_usersa_info& info, const attr_table& attrs);

}  // namespace xfrm
