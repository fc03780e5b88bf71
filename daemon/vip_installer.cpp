#include "daemon/vip_installer.hpp"

#include <algorithm>
#include <cerrno>

#include "daemon/address_conv.hpp"
#include "daemon/kernel_adapter.hpp"
#include "daemon/kernel_translate.hpp"
#include "libxfrm/address_netlink.hpp"

namespace ikev2d {

namespace {

std::string why(const xfrm::kernel_error& e) {
    std::string text = e.code.message();
    if (!e.what.empty()) text += " (" + e.what + ")";
    return text;
}

std::string with_prefix(const xfrm::ip_address& a, unsigned prefix) {
    return a.to_string() + "/" + std::to_string(prefix);
}

// True if `addr` lies in `net`/`prefix` (same family).
bool covers(const xfrm::ip_address& net, unsigned prefix, const xfrm::ip_address& addr) {
    if (net.family != addr.family) return false;
    for (unsigned bit = 0; bit < prefix; ++bit) {
        const unsigned byte = bit / 8, mask = 0x80u >> (bit % 8);
        if ((net.octets[byte] & mask) != (addr.octets[byte] & mask)) return false;
    }
    return true;
}

// Keeps the first error of a series of steps that all run.
void keep_first(std::string& first, const std::string& error) {
    if (first.empty()) first = error;
}

}  // namespace

std::expected<std::string, std::string> vip_installer::assign(
    ike::ike_sa_id ike, const ike::ip_addr& peer, const std::vector<ike::ip_addr>& vips) {
    sa_vips sa;
    sa.peer = to_xfrm(peer);
    // The route to the peer is read before any of ours exists: a remote
    // selector covering the peer would otherwise answer for it.
    auto hop = net_.route_to(sa.peer);
    if (!hop)
        return std::unexpected("cannot install virtual IP: no route to the gateway " +
                               sa.peer.to_string() + ": " + why(hop.error()));
    sa.hop = *hop;
    std::uint32_t ifindex = hop->ifindex;
    if (!settings_.interface.empty()) {
        auto index = net_.interface_index(settings_.interface);
        if (!index)
            return std::unexpected("cannot install virtual IP: no interface '" +
                                   settings_.interface +
                                   "' (daemon.vip_interface): " + why(index.error()));
        ifindex = *index;
    }
    auto& held = sas_[ike];
    held.peer = sa.peer, held.hop = sa.hop;
    for (const auto& vip : vips) {
        const auto addr = to_xfrm(vip);
        if (auto ok = hold_address(ifindex, addr); !ok) return std::unexpected(ok.error());
        held.vips.push_back(addr);
    }
    return net_.interface_name(ifindex);
}

std::expected<void, std::string> vip_installer::hold_address(std::uint32_t ifindex,
                                                             const xfrm::ip_address& addr) {
    const auto it = std::ranges::find(addresses_, addr, &held_address::addr);
    if (it != addresses_.end()) {  // reauthentication: the new IKE_SA got it again
        ++it->users;
        return {};
    }
    held_address h{addr, ifindex, true, 1};
    if (auto ok = net_.add_address(ifindex, addr); !ok) {
        if (ok.error().value() != EEXIST)
            return std::unexpected("cannot add " + with_prefix(addr, xfrm::host_prefix(addr)) +
                                   " to " + net_.interface_name(ifindex) + ": " + why(ok.error()));
        h.ours = false;  // an operator's address: used, never removed
    }
    addresses_.push_back(h);
    return {};
}

std::expected<void, std::string> vip_installer::release_address(const xfrm::ip_address& addr) {
    const auto it = std::ranges::find(addresses_, addr, &held_address::addr);
    if (it == addresses_.end() || --it->users > 0) return {};
    const held_address h = *it;
    addresses_.erase(it);
    if (!h.ours) return {};
    if (auto ok = net_.delete_address(h.ifindex, h.addr);
        !ok && ok.error().value() != EADDRNOTAVAIL)
        return std::unexpected("cannot remove " + with_prefix(h.addr, xfrm::host_prefix(h.addr)) +
                               " from " + net_.interface_name(h.ifindex) + ": " + why(ok.error()));
    return {};
}

// One route per prefix of each remote selector whose family has a virtual
// IP that the local selectors hold (the engine narrowed them to it).
std::vector<xfrm::route_spec> vip_installer::routes_for(const sa_vips& sa,
                                                        const ike::install_child_sa& req) const {
    std::vector<xfrm::route_spec> out;
    bool peer_covered = false;
    for (const auto& remote : req.remote_ts) {
        const auto src = std::ranges::find_if(sa.vips, [&](const xfrm::ip_address& v) {
            const auto vip = from_xfrm(v);
            return vip.ipv6 == remote.ipv6 && std::ranges::any_of(req.local_ts, [&](const auto& l) {
                       return l.contains(host_range(vip));
                   });
        });
        if (src == sa.vips.end()) continue;
        for (const auto& sel : range_to_selectors(remote, false)) {
            xfrm::route_spec r{sel.dst, sel.dst_prefix, sa.hop.gateway,
                               *src,    sa.hop.ifindex, settings_.table};
            if (r.gateway && r.gateway->family != r.dst.family) r.gateway.reset();
            peer_covered = peer_covered || covers(r.dst, r.prefix, sa.peer);
            out.push_back(r);
        }
    }
    if (peer_covered) {
        // The gateway itself keeps its real next hop and source address.
        out.push_back({sa.peer, xfrm::host_prefix(sa.peer), sa.hop.gateway, sa.hop.src,
                       sa.hop.ifindex, settings_.table});
    }
    return out;
}

std::expected<std::vector<std::string>, std::string> vip_installer::child_installed(
    const ike::install_child_sa& req) {
    const auto sa = sas_.find(req.ike);
    if (sa == sas_.end() || settings_.table == 0) return std::vector<std::string>{};
    std::vector<std::string> added;
    std::string first_error;
    auto& mine = children_[req.child];
    mine.ike = req.ike;
    for (const auto& r : routes_for(sa->second, req)) {
        if (std::ranges::find(mine.routes, r) != mine.routes.end()) continue;
        if (auto ok = hold_rule(r.dst.family); !ok) keep_first(first_error, ok.error());
        auto held = hold_route(r);
        if (!held) {
            keep_first(first_error, held.error());
            continue;
        }
        mine.routes.push_back(r);
        if (*held) added.push_back(describe(r));
    }
    if (!first_error.empty()) return std::unexpected(first_error);
    return added;
}

// True if the route was added now (not held already).
std::expected<bool, std::string> vip_installer::hold_route(const xfrm::route_spec& route) {
    const auto it = std::ranges::find(routes_, route, &held_route::route);
    if (it != routes_.end()) {  // a rekeyed CHILD_SA with the same selectors
        ++it->users;
        return false;
    }
    held_route h{route, true, 1};
    if (auto ok = net_.add_route(route); !ok) {
        if (ok.error().value() != EEXIST)
            return std::unexpected("cannot add route " + describe(route) + ": " + why(ok.error()));
        h.ours = false;
    }
    routes_.push_back(h);
    return true;
}

std::expected<void, std::string> vip_installer::release_route(const xfrm::route_spec& route) {
    const auto it = std::ranges::find(routes_, route, &held_route::route);
    if (it == routes_.end() || --it->users > 0) return {};
    const held_route h = *it;
    routes_.erase(it);
    if (h.ours) {
        if (auto ok = net_.delete_route(h.route); !ok && ok.error().value() != ESRCH)
            return std::unexpected("cannot remove route " + describe(h.route) + ": " +
                                   why(ok.error()));
    }
    return release_rule_if_unused(route.dst.family);
}

std::expected<void, std::string> vip_installer::hold_rule(std::uint16_t family) {
    if (rules_.contains(family)) return {};
    auto ok = net_.add_rule(family, settings_.table, settings_.priority);
    if (!ok && ok.error().value() != EEXIST)
        return std::unexpected("cannot add the rule 'from all lookup " +
                               std::to_string(settings_.table) + " priority " +
                               std::to_string(settings_.priority) + "': " + why(ok.error()));
    rules_[family] = ok.has_value();
    return {};
}

std::expected<void, std::string> vip_installer::release_rule_if_unused(std::uint16_t family) {
    const auto in_use = std::ranges::any_of(
        routes_, [&](const held_route& h) { return h.route.dst.family == family; });
    const auto it = rules_.find(family);
    if (in_use || it == rules_.end()) return {};
    const bool ours = it->second;
    rules_.erase(it);
    if (!ours) return {};
    if (auto ok = net_.delete_rule(family, settings_.table, settings_.priority);
        !ok && ok.error().value() != ENOENT)
        return std::unexpected("cannot remove the rule 'from all lookup " +
                               std::to_string(settings_.table) + "': " + why(ok.error()));
    return {};
}

std::expected<void, std::string> vip_installer::child_removed(ike::child_sa_id child) {
    const auto it = children_.find(child);
    if (it == children_.end()) return {};
    const auto routes = std::move(it->second.routes);
    children_.erase(it);
    std::string first_error;
    for (const auto& r : routes)
        if (auto ok = release_route(r); !ok) keep_first(first_error, ok.error());
    if (!first_error.empty()) return std::unexpected(first_error);
    return {};
}

void vip_installer::ike_moved(ike::ike_sa_id old_ike, ike::ike_sa_id ike) {
    if (const auto it = sas_.find(old_ike); it != sas_.end()) {
        sas_[ike] = std::move(it->second);
        sas_.erase(it);
    }
    for (auto& [id, c] : children_)
        if (c.ike == old_ike) c.ike = ike;
}

std::expected<std::vector<std::string>, std::string> vip_installer::ike_gone(ike::ike_sa_id ike) {
    std::string first_error;
    std::vector<ike::child_sa_id> children;
    for (const auto& [id, c] : children_)
        if (c.ike == ike) children.push_back(id);
    for (const auto id : children)
        if (auto ok = child_removed(id); !ok) keep_first(first_error, ok.error());
    std::vector<std::string> removed;
    if (const auto it = sas_.find(ike); it != sas_.end()) {
        const auto vips = std::move(it->second.vips);
        sas_.erase(it);
        for (const auto& v : vips) {
            if (auto ok = release_address(v); !ok)
                keep_first(first_error, ok.error());
            else
                removed.push_back(v.to_string());
        }
    }
    if (!first_error.empty()) return std::unexpected(first_error);
    return removed;
}

std::expected<void, std::string> vip_installer::remove_all() {
    std::string first_error;
    std::vector<ike::ike_sa_id> ids;
    for (const auto& [id, sa] : sas_) ids.push_back(id);
    for (const auto id : ids)
        if (auto ok = ike_gone(id); !ok) keep_first(first_error, ok.error());
    // Children whose IKE_SA had no virtual IP held nothing; forget them.
    children_.clear();
    if (!first_error.empty()) return std::unexpected(first_error);
    return {};
}

std::vector<ike::ip_addr> vip_installer::addresses_of(ike::ike_sa_id ike) const {
    std::vector<ike::ip_addr> out;
    if (const auto it = sas_.find(ike); it != sas_.end())
        for (const auto& v : it->second.vips) out.push_back(from_xfrm(v));
    return out;
}

std::string vip_installer::describe(const xfrm::route_spec& r) {
    std::string text = with_prefix(r.dst, r.prefix);
    if (r.gateway) text += " via " + r.gateway->to_string();
    text += " dev " + net_.interface_name(r.ifindex);
    if (r.src) text += " src " + r.src->to_string();
    return text + " table " + std::to_string(r.table);
}

}  // namespace ikev2d
