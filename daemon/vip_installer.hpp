#pragma once
// Installs the virtual IPs a gateway gives us as road-warrior client (RFC
// 7296 §2.19) the way charon does: the address on an interface (the one of
// the route to the peer, or daemon.vip_interface), and for each CHILD_SA a
// route per remote selector prefix "via <next hop to the peer> src <vip>" in
// a table of its own (daemon.routing_table, 220) that a rule of priority
// daemon.routing_table_prio consults before the main table. Locally
// generated traffic then leaves from the virtual IP and so matches the
// CHILD_SA's policies. When a remote selector covers the peer itself, a host
// route to the peer (its real next hop, no virtual source) goes into the
// table too, so that the IKE traffic and anything else for the gateway keeps
// its real source address (the IKE sockets' bypass policies keep it out of
// the tunnel).
//
// Everything is counted: an address held by two IKE_SAs (reauthentication)
// or a route by two CHILD_SAs (rekeying) is removed with the last of them;
// an address, route or rule that was there before us (EEXIST) is used but
// never removed.
#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "libike/engine/outputs.hpp"
#include "libxfrm/host_network.hpp"

namespace ikev2d {

/// The daemon settings for virtual IPs.
struct vip_settings {
    std::string interface;         ///< daemon.vip_interface; empty: the route's to the peer
    std::uint32_t table = 220;     ///< daemon.routing_table; 0: no routes
    std::uint32_t priority = 220;  ///< daemon.routing_table_prio
};

class vip_installer {
  public:
    vip_installer(xfrm::host_network& net, vip_settings settings)
        : net_(net), settings_(std::move(settings)) {}

    /// New settings, for IKE_SAs that get their virtual IPs from now on.
    void set_settings(vip_settings settings) { settings_ = std::move(settings); }

    /// IKE_SA `ike` with peer `peer` was given `vips`: adds each to the
    /// interface. Returns the interface name. Errors: no route to the peer,
    /// no such interface, or the kernel's refusal ("cannot add 10.3.0.1/32 to
    /// eth0: Operation not permitted"); addresses added before the failure
    /// stay and go with the IKE_SA.
    std::expected<std::string, std::string> assign(ike::ike_sa_id ike, const ike::ip_addr& peer,
                                                   const std::vector<ike::ip_addr>& vips);

    /// A CHILD_SA of an IKE_SA with virtual IPs was installed: routes for its
    /// remote selectors with the virtual IP of their family as source (none
    /// for a family without one, or when routing_table is 0). Returns the
    /// routes added (as "10.1.0.0/24 via 192.0.2.1 dev eth0 src 10.3.0.1").
    /// Errors: the kernel's refusal of a route or the rule (the others are
    /// still tried).
    std::expected<std::vector<std::string>, std::string> child_installed(
        const ike::install_child_sa& req);

    /// The CHILD_SA is gone: its routes go unless another CHILD_SA uses them.
    std::expected<void, std::string> child_removed(ike::child_sa_id child);

    /// IKE rekey: the CHILD_SAs and virtual IPs of `old_ike` belong to `ike`.
    void ike_moved(ike::ike_sa_id old_ike, ike::ike_sa_id ike);

    /// The IKE_SA is gone: the routes of its CHILD_SAs and its addresses go.
    /// Returns the addresses removed. Errors: the kernel's refusal.
    std::expected<std::vector<std::string>, std::string> ike_gone(ike::ike_sa_id ike);

    /// Removes everything (daemon stop). Errors: the first kernel refusal.
    std::expected<void, std::string> remove_all();

    /// The virtual IPs held for `ike` (empty if none).
    std::vector<ike::ip_addr> addresses_of(ike::ike_sa_id ike) const;

  private:
    struct held_address {
        xfrm::ip_address addr;
        std::uint32_t ifindex = 0;
        bool ours = false;  ///< we added it (not there before)
        unsigned users = 0;
    };
    struct held_route {
        xfrm::route_spec route;
        bool ours = false;
        unsigned users = 0;
    };
    struct sa_vips {
        xfrm::ip_address peer;
        xfrm::route_hop hop;  ///< the route to the peer before ours existed
        std::vector<xfrm::ip_address> vips;
    };
    struct child_routes {
        ike::ike_sa_id ike = 0;
        std::vector<xfrm::route_spec> routes;
    };

    std::expected<void, std::string> hold_address(std::uint32_t ifindex,
                                                  const xfrm::ip_address& addr);
    std::expected<void, std::string> release_address(const xfrm::ip_address& addr);
    std::expected<bool, std::string> hold_route(const xfrm::route_spec& route);
    std::expected<void, std::string> release_route(const xfrm::route_spec& route);
    std::expected<void, std::string> hold_rule(std::uint16_t family);
    std::expected<void, std::string> release_rule_if_unused(std::uint16_t family);
    std::vector<xfrm::route_spec> routes_for(const sa_vips& sa,
                                             const ike::install_child_sa& req) const;
    std::string describe(const xfrm::route_spec& r);

    xfrm::host_network& net_;
    vip_settings settings_;
    std::vector<held_address> addresses_;
    std::vector<held_route> routes_;
    std::map<std::uint16_t, bool> rules_;  ///< family -> we added the rule
    std::map<ike::ike_sa_id, sa_vips> sas_;
    std::map<ike::child_sa_id, child_routes> children_;
};

}  // namespace ikev2d
