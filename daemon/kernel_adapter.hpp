#pragma once
// Carries out the engine's kernel requests through libxfrm and remembers
// what it installed: reqids (one per connection/child and selector set,
// shared by rekeyed CHILD_SAs and trap policies), the SAs of each CHILD_SA
// (for usage counters and removal) and which policies are still needed.
// Works on any xfrm::kernel_backend, so tests pass a recording fake.
#include <chrono>
#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/config/config.hpp"
#include "libike/engine/engine.hpp"
#include "libike/engine/outputs.hpp"
#include "libxfrm/kernel_backend.hpp"
#include "libxfrm/ownership.hpp"

namespace ikev2d {

/// The reqids ikev2d tags its kernel state with (xfrm::ownership):
/// daemon.reqid_range. No bypass priority band (ikev2d installs no
/// template-less policies).
xfrm::ownership ownership_for(const config::daemon_config& daemon);

/// ownership_for the default daemon settings: 0x4b450001-0x4b45ffff ("KE" in
/// the high half), clear of strongSwan's and libreswan's, which count up from 1.
xfrm::ownership default_ownership();

/// Traffic counters of one CHILD_SA, from the kernel.
struct child_usage {
    std::uint64_t bytes_in = 0, packets_in = 0, bytes_out = 0, packets_out = 0;
};

/// A trap (start_action trap): policies without SAs; the kernel's ACQUIRE
/// for their reqid starts `connection`/`child`.
struct trap_spec {
    std::string connection, child;
    ike::ip_addr local, remote;  ///< tunnel endpoints
    std::vector<ike::ts_range> local_ts, remote_ts;
    ike::ipsec_mode mode = ike::ipsec_mode::tunnel;
};

class kernel_adapter {
  public:
    kernel_adapter(xfrm::kernel_backend& kernel, const xfrm::ownership& owned)
        : kernel_(kernel), owned_(owned) {}

    /// Installs both SAs (inbound first) and the policies in one batch;
    /// with req.outbound_later only the inbound SA, and the outbound one is
    /// kept (with its keys, which wipe themselves) for install_outbound.
    /// Policies are added only when their set has none in the kernel yet
    /// for these endpoints: a rekeyed CHILD_SA (same name and selectors)
    /// shares the old one's reqid and policies.
    /// On failure whatever part was installed is removed again.
    /// Errors: the algorithm has no kernel name, the reqid range is
    /// exhausted, or the kernel's error for the first failed change.
    std::expected<void, std::string> install(const ike::install_child_sa& req);

    /// Installs the outbound SA that install() held back; returns its SPI.
    /// A failure keeps it held, so the CHILD_SA can still be removed or the
    /// install retried. Errors: no such CHILD_SA, nothing held for it, or the
    /// kernel's error.
    std::expected<std::uint32_t, std::string> install_outbound(const ike::install_outbound_sa& req);

    /// Removes both SAs (a held-back outbound SA is dropped); the policies
    /// too unless another CHILD_SA (e.g. the one that rekeyed it) or a trap
    /// still uses them. Unknown CHILD_SAs are ignored. Errors: the kernel's
    /// error for the first failed change (SAs already gone are no error).
    std::expected<void, std::string> remove(const ike::remove_child_sa& req);

    /// Installs trap policies. Errors: no selectors, reqids exhausted, kernel errors.
    std::expected<void, std::string> install_trap(const trap_spec& trap);

    /// Removes the trap of connection/child (policies unless a CHILD_SA uses them).
    void remove_trap(const std::string& connection, const std::string& child);

    /// The trap an ACQUIRE with `reqid` belongs to, or nullptr.
    const trap_spec* trap_for_reqid(std::uint32_t reqid) const;

    /// Every trap, for reload.
    std::vector<trap_spec> traps() const;

    /// The CHILD_SA an SA of ours belongs to (inbound or outbound), matched
    /// by destination, SPI and protocol: what a kernel EXPIRE is about.
    /// nullopt for SAs that are not ours.
    std::optional<ike::child_sa_id> child_for_sa(const xfrm::sa_id& sa) const;

    /// Kernel counters of an installed CHILD_SA (outbound 0 while its SA is
    /// held back); nullopt when unknown or the kernel query fails.
    std::optional<child_usage> usage(ike::child_sa_id child);

    /// The inbound byte counters of the CHILD_SAs `q` asks about, for the
    /// engine's liveness decision (engine::on_child_usage): one GETSA each,
    /// with the kernel's last-use time moved from `wall_now` (the kernel's
    /// clock) onto `now` (the engine's). CHILD_SAs unknown here or whose SA
    /// the kernel cannot report are left out (no traffic counts for them).
    std::vector<ike::inbound_usage> inbound_usage(const ike::query_child_usage& q,
                                                  ike::time_point now,
                                                  std::chrono::system_clock::time_point wall_now);

    /// Forgets all state (after flush_owned at shutdown).
    void clear();

  private:
    /// Policies shared by CHILD_SAs and traps with the same name and selectors.
    struct policy_set {
        std::uint32_t reqid = 0;
        std::vector<xfrm::selector> out_selectors;
        ike::ipsec_mode mode = ike::ipsec_mode::tunnel;
        /// Tunnel endpoints of the policies in the kernel; unset while none are.
        std::optional<std::pair<ike::ip_addr, ike::ip_addr>> endpoints;
        unsigned users = 0;
        bool trap = false;
        std::optional<trap_spec> trap_info;
    };
    struct installed_child {
        std::string key;
        xfrm::sa_id in, out;
        std::optional<xfrm::sa_config> held_out;  ///< outbound SA not installed yet
    };

    std::expected<std::string, std::string> acquire_set(const std::string& name,
                                                        const std::vector<ike::ts_range>& local,
                                                        const std::vector<ike::ts_range>& remote,
                                                        ike::ipsec_mode mode);
    void release_set(const std::string& key, bool trap);
    std::vector<xfrm::kernel_change> policies_if_missing(policy_set& set, const ike::ip_addr& local,
                                                         const ike::ip_addr& remote);
    std::optional<std::uint32_t> next_reqid();
    std::expected<void, std::string> apply_all(const std::vector<xfrm::kernel_change>& changes,
                                               bool ignore_missing);

    xfrm::kernel_backend& kernel_;
    xfrm::ownership owned_;
    std::uint32_t last_reqid_ = 0;
    std::map<std::string, policy_set> sets_;
    std::map<ike::child_sa_id, installed_child> children_;
};

/// A selector for exactly `addr` (charon's "dynamic" for traps).
ike::ts_range host_range(const ike::ip_addr& addr);

/// The key of a policy set: name plus the selectors, so different peers of
/// one responder connection (other narrowed selectors) get their own reqid.
std::string policy_set_key(const std::string& name, const std::vector<ike::ts_range>& local,
                           const std::vector<ike::ts_range>& remote);

}  // namespace ikev2d
