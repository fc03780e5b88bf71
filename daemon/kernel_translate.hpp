#pragma once
// The engine's kernel requests (install_child_sa, remove_child_sa) as libxfrm
// changes: ESP algorithms by kernel crypto name, SAs for both directions, and
// IPsec policies (out, in, and fwd in tunnel mode) for every pair of traffic
// selectors. Pure functions, unit-tested on their output; kernel_adapter
// applies the result.
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "libike/engine/outputs.hpp"
#include "libxfrm/kernel_backend.hpp"

namespace ikev2d {

/// Policy priority base: lower is preferred; more specific selectors get
/// lower values within the band, as charon orders them.
inline constexpr std::uint32_t policy_priority_base = 200000;

/// Kernel algorithms of one direction; keys are taken from `keys`'s in or
/// out members. Errors: an encryption or integrity algorithm the kernel
/// mapping does not know (text names it).
struct esp_algorithms {
    std::optional<xfrm::aead_algorithm> aead;
    std::optional<xfrm::crypt_algorithm> crypt;
    std::optional<xfrm::integ_algorithm> integ;
};
std::expected<esp_algorithms, std::string> to_kernel_algorithms(const ike::esp_keys& keys,
                                                                bool inbound);

/// An address range as the fewest CIDR prefixes covering exactly it, as
/// selectors (addresses and prefix lengths; protocol and ports left any).
std::vector<xfrm::selector> range_to_selectors(const ike::ts_range& ts, bool as_source);

/// Selectors for traffic from `local` to `remote` (one per pair of prefixes
/// of the same family), with protocol and ports: single ports exactly, other
/// port ranges as any port (XFRM selectors have no ranges; the SA's
/// negotiated selectors still bind the peer).
std::vector<xfrm::selector> outbound_selectors(const std::vector<ike::ts_range>& local,
                                               const std::vector<ike::ts_range>& remote);

/// The selector reversed (in/fwd policies for an out selector).
xfrm::selector reversed(const xfrm::selector& sel);

/// Priority of a policy for `sel`: policy_priority_base minus specificity.
std::uint32_t policy_priority(const xfrm::selector& sel);

/// The three (tunnel) or two (transport) policies protecting `out_sel`
/// between `local` and `remote` with `reqid`, as upserts (policy_update), so
/// rekeyed CHILD_SAs and trap policies share them.
std::vector<xfrm::kernel_change> policy_changes(const xfrm::selector& out_sel,
                                                const ike::ip_addr& local,
                                                const ike::ip_addr& remote, ike::ipsec_mode mode,
                                                std::uint32_t reqid);

/// Deletes of the policies policy_changes() installs for `out_sel`.
std::vector<xfrm::kernel_change> policy_deletes(const xfrm::selector& out_sel,
                                                ike::ipsec_mode mode);

/// The inbound and the outbound SA of `req` (in that order), with `reqid`,
/// lifetimes (0 = none), UDP encapsulation when req.udp_encap.
/// Errors: as to_kernel_algorithms.
std::expected<std::vector<xfrm::kernel_change>, std::string> sa_changes(
    const ike::install_child_sa& req, std::uint32_t reqid);

/// The kernel ids of a CHILD_SA's inbound and outbound SA.
xfrm::sa_id inbound_sa_id(const ike::ip_addr& local, std::uint32_t spi_in);
xfrm::sa_id outbound_sa_id(const ike::ip_addr& remote, std::uint32_t spi_out);

/// Which of its limits an SA reached, as its EXPIRE reports it (the SA's
/// usage against its soft or, when `hard`, hard limits): "soft byte limit",
/// "soft packet limit" or "soft time limit" (likewise "hard ..."), for the
/// log line that says why a rekey or a delete started. Time is the answer
/// when neither counter reached its limit, since the kernel only expires an
/// SA on bytes, packets or seconds.
std::string_view expire_limit(const xfrm::sa_state& sa, bool hard);

}  // namespace ikev2d
