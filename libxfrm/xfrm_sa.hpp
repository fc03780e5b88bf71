#pragma once
// What the daemon says about an ESP SA: plain structs, no kernel headers.
// Keys are ike::secret, so they wipe themselves and cannot be printed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libike/common/secret.hpp"
#include "libxfrm/xfrm_types.hpp"

namespace xfrm {

/// The kernel's key for an SA: destination, SPI (host order), protocol, and mark.
struct sa_id {
    ip_address dst;
    std::uint32_t spi = 0;
    std::uint8_t proto = proto_esp;
    xfrm::mark mark;
};

/// An AEAD transform (XFRMA_ALG_AEAD), e.g. "rfc4106(gcm(aes))" with icv_bits
/// 128, or "rfc7539esp(chacha20,poly1305)". The key includes the 4-byte salt.
struct aead_algorithm {
    std::string name;
    std::uint32_t icv_bits = 128;
    ike::secret key;
};

/// An encryption transform (XFRMA_ALG_CRYPT), e.g. "cbc(aes)".
struct crypt_algorithm {
    std::string name;
    ike::secret key;
};

/// An integrity transform (XFRMA_ALG_AUTH_TRUNC), e.g. "hmac(sha256)" with
/// trunc_bits 128 (RFC 4868), "hmac(sha1)" with 96.
struct integ_algorithm {
    std::string name;
    std::uint32_t trunc_bits = 0;
    ike::secret key;
};

/// UDP encapsulation of ESP for NAT traversal (RFC 3948, UDP_ENCAP_ESPINUDP);
/// ports in host order.
struct udp_encap {
    std::uint16_t src_port = 4500;
    std::uint16_t dst_port = 4500;
    friend bool operator==(const udp_encap&, const udp_encap&) = default;
};

/// Which way an SA carries traffic. Outbound SAs have no replay window.
enum class sa_direction : std::uint8_t { inbound, outbound };

/// Everything needed to install one ESP SA.
struct sa_config {
    ip_address src;
    ip_address dst;
    std::uint32_t spi = 0;  ///< host order
    std::uint8_t proto = proto_esp;
    xfrm::mode mode = mode::tunnel;
    sa_direction direction = sa_direction::inbound;
    std::uint32_t reqid = 0;
    /// Traffic the SA may carry; unset = any traffic of the SA's family, or
    /// of both families with XFRM_STATE_AF_UNSPEC in extra_flags (tunnel mode).
    std::optional<selector> sel;
    lifetime_limits lifetime;
    /// Anti-replay window in packets (inbound only). Up to 32 fits the legacy
    /// bitmap; larger windows and ESN use XFRMA_REPLAY_ESN_VAL.
    std::uint32_t replay_window = 32;
    bool esn = false;
    std::optional<aead_algorithm> aead;
    std::optional<crypt_algorithm> crypt;
    std::optional<integ_algorithm> integ;
    std::optional<udp_encap> encap;
    xfrm::mark mark;
    std::uint32_t if_id = 0;       ///< XFRM interface id, 0 = none
    std::uint8_t extra_flags = 0;  ///< further XFRM_STATE_* flags, e.g. NOECN

    sa_id id() const { return sa_id{dst, spi, proto, mark}; }
};

/// The largest replay window XFRMA_REPLAY_ESN_VAL can carry (XFRMA_REPLAY_ESN_MAX bytes of bitmap).
inline constexpr std::uint32_t max_replay_window = 4096 * 8;

/// A request for the kernel to pick a free SPI in [min, max] (XFRM_MSG_ALLOCSPI).
/// The kernel creates a larval SA holding it, keyed by dst/proto/mark and
/// carrying reqid, until an UPDSA completes it or it times out.
struct spi_request {
    ip_address src;
    ip_address dst;
    std::uint8_t proto = proto_esp;
    xfrm::mode mode = mode::tunnel;
    std::uint32_t reqid = 0;
    std::uint32_t min = 0xc0000000;
    std::uint32_t max = 0xcfffffff;
    xfrm::mark mark;
    std::uint32_t if_id = 0;
};

/// An SA as the kernel reports it (GETSA reply, dump, expire event). Never
/// carries keys: the parser skips them.
struct sa_state {
    ip_address src;
    ip_address dst;
    std::uint32_t spi = 0;
    std::uint8_t proto = 0;
    xfrm::mode mode = mode::transport;
    std::uint32_t reqid = 0;
    selector sel;
    lifetime_limits lifetime;
    xfrm::usage usage;
    /// XFRMA_LASTUSED: when the kernel last counted a packet on this SA
    /// (seconds since the epoch; Linux updates it on input and output);
    /// 0 when the kernel did not say.
    std::uint64_t last_used = 0;
    std::uint32_t replay_window = 0;  ///< from XFRMA_REPLAY_ESN_VAL if present
    std::uint8_t flags = 0;           ///< XFRM_STATE_*
    std::string aead_name;
    std::string crypt_name;
    std::string integ_name;
    std::uint32_t icv_bits = 0;  ///< AEAD ICV or integrity truncation length
    std::optional<udp_encap> encap;
    xfrm::mark mark;
    std::uint32_t if_id = 0;

    sa_id id() const { return sa_id{dst, spi, proto, mark}; }
};

}  // namespace xfrm
