#include "daemon/kernel_adapter.hpp"

#include <algorithm>
#include <cerrno>

#include "daemon/address_conv.hpp"
#include "daemon/kernel_translate.hpp"

namespace ikev2d {
namespace {

bool is_missing(const xfrm::kernel_error& e) {
    return e.value() == ESRCH || e.value() == ENOENT;
}

std::vector<xfrm::kernel_change> set_policies(const std::vector<xfrm::selector>& sels,
                                              const ike::ip_addr& local, const ike::ip_addr& remote,
                                              ike::ipsec_mode mode, std::uint32_t reqid) {
    std::vector<xfrm::kernel_change> out;
    for (const auto& sel : sels) {
        auto p = policy_changes(sel, local, remote, mode, reqid);
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

}  // namespace

ike::ts_range host_range(const ike::ip_addr& addr) {
    ike::ts_range r;
    r.ipv6 = addr.ipv6;
    r.start = addr.bytes;
    r.end = addr.bytes;
    return r;
}

xfrm::ownership ownership_for(const config::daemon_config& daemon) {
    xfrm::ownership o;
    o.reqid_min = daemon.reqid_min;
    o.reqid_max = daemon.reqid_max;
    return o;
}

xfrm::ownership default_ownership() {
    return ownership_for(config::daemon_config{});
}

std::string policy_set_key(const std::string& name, const std::vector<ike::ts_range>& local,
                           const std::vector<ike::ts_range>& remote) {
    return name + " " + ike::to_string(local) + " === " + ike::to_string(remote);
}

std::optional<std::uint32_t> kernel_adapter::next_reqid() {
    const std::uint32_t span = owned_.reqid_max - owned_.reqid_min + 1;
    for (std::uint32_t i = 0; i < span; ++i) {
        last_reqid_ = last_reqid_ < owned_.reqid_min || last_reqid_ >= owned_.reqid_max
                          ? owned_.reqid_min
                          : last_reqid_ + 1;
        bool used = false;
        for (const auto& [key, set] : sets_) used = used || set.reqid == last_reqid_;
        if (!used) return last_reqid_;
    }
    return std::nullopt;
}

std::expected<std::string, std::string> kernel_adapter::acquire_set(
    const std::string& name, const std::vector<ike::ts_range>& local,
    const std::vector<ike::ts_range>& remote, ike::ipsec_mode mode) {
    const auto key = policy_set_key(name, local, remote);
    auto it = sets_.find(key);
    if (it == sets_.end()) {
        const auto reqid = next_reqid();
        if (!reqid) return std::unexpected("no free reqid in ikev2d's range");
        policy_set set;
        set.reqid = *reqid;
        set.out_selectors = outbound_selectors(local, remote);
        set.mode = mode;
        it = sets_.emplace(key, std::move(set)).first;
    }
    return key;
}

void kernel_adapter::release_set(const std::string& key, bool trap) {
    const auto it = sets_.find(key);
    if (it == sets_.end()) return;
    auto& set = it->second;
    if (trap) {
        set.trap = false;
        set.trap_info.reset();
    } else if (set.users > 0) {
        --set.users;
    }
    if (set.users > 0 || set.trap) return;
    std::vector<xfrm::kernel_change> deletes;
    for (const auto& sel : set.out_selectors) {
        auto d = policy_deletes(sel, set.mode);
        deletes.insert(deletes.end(), d.begin(), d.end());
    }
    (void)apply_all(deletes, true);
    sets_.erase(it);
}

std::expected<void, std::string> kernel_adapter::apply_all(
    const std::vector<xfrm::kernel_change>& changes, bool ignore_missing) {
    if (changes.empty()) return {};
    const auto results = kernel_.apply(changes);
    for (const auto& r : results) {
        if (!r && !(ignore_missing && is_missing(r.error())))
            return std::unexpected(r.error().message());
    }
    return {};
}

std::vector<xfrm::kernel_change> kernel_adapter::policies_if_missing(policy_set& set,
                                                                     const ike::ip_addr& local,
                                                                     const ike::ip_addr& remote) {
    // The policies are upserts, but a rekey would rewrite them for nothing;
    // other endpoints (a peer back from another address) re-point them.
    const auto wanted = std::pair{local, remote};
    if (set.endpoints == wanted) return {};
    set.endpoints = wanted;
    return set_policies(set.out_selectors, local, remote, set.mode, set.reqid);
}

std::expected<void, std::string> kernel_adapter::install(const ike::install_child_sa& req) {
    auto key = acquire_set(req.name, req.local_ts, req.remote_ts, req.mode);
    if (!key) return std::unexpected(key.error());
    auto& set = sets_[*key];
    ++set.users;
    auto changes = sa_changes(req, set.reqid);
    if (!changes) {
        release_set(*key, false);
        return std::unexpected(changes.error());
    }
    std::optional<xfrm::sa_config> held;
    if (req.outbound_later) {  // sa_changes: inbound, then outbound
        held = std::move(std::get<xfrm::sa_add>(changes->back()).sa);
        changes->pop_back();
    }
    auto policies = policies_if_missing(set, req.local.ip, req.remote.ip);
    changes->insert(changes->end(), policies.begin(), policies.end());
    const auto in = inbound_sa_id(req.local.ip, req.spi_in);
    const auto out = outbound_sa_id(req.remote.ip, req.spi_out);
    if (auto ok = apply_all(*changes, false); !ok) {
        (void)apply_all({xfrm::sa_delete{in}, xfrm::sa_delete{out}}, true);
        set.endpoints.reset();  // unknown now: the next install writes them again
        release_set(*key, false);
        return ok;
    }
    children_[req.child] = installed_child{*key, in, out, std::move(held)};
    return {};
}

std::expected<std::uint32_t, std::string> kernel_adapter::install_outbound(
    const ike::install_outbound_sa& req) {
    const auto it = children_.find(req.child);
    if (it == children_.end())
        return std::unexpected("no CHILD_SA #" + std::to_string(req.child) + " installed");
    auto& child = it->second;
    if (!child.held_out)
        return std::unexpected("CHILD_SA #" + std::to_string(req.child) +
                               " has no outbound SA held back");
    if (auto ok = apply_all({xfrm::sa_add{*child.held_out}}, false); !ok)
        return std::unexpected(ok.error());
    const auto spi = child.held_out->spi;
    child.held_out.reset();
    return spi;
}

std::expected<void, std::string> kernel_adapter::remove(const ike::remove_child_sa& req) {
    const auto it = children_.find(req.child);
    if (it == children_.end()) return {};
    const auto child = std::move(it->second);
    children_.erase(it);
    // Outbound first: traffic stops being sent on an SA the peer is deleting.
    // A held-back outbound SA is not in the kernel: deleting it finds nothing.
    auto ok = apply_all({xfrm::sa_delete{child.out}, xfrm::sa_delete{child.in}}, true);
    release_set(child.key, false);
    return ok;
}

std::expected<void, std::string> kernel_adapter::install_trap(const trap_spec& trap) {
    const auto local = trap.local_ts.empty() ? std::vector{host_range(trap.local)} : trap.local_ts;
    const auto remote =
        trap.remote_ts.empty() ? std::vector{host_range(trap.remote)} : trap.remote_ts;
    auto key = acquire_set(trap.connection + "/" + trap.child, local, remote, trap.mode);
    if (!key) return std::unexpected(key.error());
    auto& set = sets_[*key];
    if (set.out_selectors.empty()) {
        sets_.erase(*key);
        return std::unexpected("trap needs traffic selectors");
    }
    set.trap = true;
    set.trap_info = trap;
    auto ok = apply_all(policies_if_missing(set, trap.local, trap.remote), false);
    if (!ok) {
        set.endpoints.reset();
        release_set(*key, true);
    }
    return ok;
}

void kernel_adapter::remove_trap(const std::string& connection, const std::string& child) {
    for (const auto& [key, set] : sets_) {
        if (set.trap_info && set.trap_info->connection == connection &&
            set.trap_info->child == child) {
            release_set(std::string(key), true);
            return;
        }
    }
}

const trap_spec* kernel_adapter::trap_for_reqid(std::uint32_t reqid) const {
    for (const auto& [key, set] : sets_) {
        if (set.reqid == reqid && set.trap_info) return &*set.trap_info;
    }
    return nullptr;
}

std::vector<trap_spec> kernel_adapter::traps() const {
    std::vector<trap_spec> out;
    for (const auto& [key, set] : sets_) {
        if (set.trap_info) out.push_back(*set.trap_info);
    }
    return out;
}

std::optional<ike::child_sa_id> kernel_adapter::child_for_sa(const xfrm::sa_id& sa) const {
    // The kernel pads IPv4 addresses with whatever it holds: compare as ours.
    const auto same = [&](const xfrm::sa_id& ours) {
        return ours.spi == sa.spi && ours.proto == sa.proto &&
               from_xfrm(ours.dst) == from_xfrm(sa.dst);
    };
    for (const auto& [id, child] : children_) {
        if (same(child.in) || same(child.out)) return id;
    }
    return std::nullopt;
}

std::optional<child_usage> kernel_adapter::usage(ike::child_sa_id child) {
    const auto it = children_.find(child);
    if (it == children_.end()) return std::nullopt;
    const auto in = kernel_.get_sa(it->second.in);
    if (!in) return std::nullopt;
    child_usage u{in->usage.bytes, in->usage.packets, 0, 0};
    if (it->second.held_out) return u;
    const auto out = kernel_.get_sa(it->second.out);
    if (!out) return std::nullopt;
    u.bytes_out = out->usage.bytes, u.packets_out = out->usage.packets;
    return u;
}

std::vector<ike::inbound_usage> kernel_adapter::inbound_usage(
    const ike::query_child_usage& q, ike::time_point now,
    std::chrono::system_clock::time_point wall_now) {
    std::vector<ike::inbound_usage> out;
    for (const auto child : q.children) {
        const auto it = children_.find(child);
        if (it == children_.end()) continue;
        const auto in = kernel_.get_sa(it->second.in);
        if (!in) continue;
        ike::inbound_usage u{child, in->usage.bytes, std::nullopt};
        if (in->last_used != 0) {
            const std::chrono::system_clock::time_point used{std::chrono::seconds(in->last_used)};
            const auto ago = std::max(wall_now - used, std::chrono::system_clock::duration::zero());
            u.last_used = now - std::chrono::duration_cast<ike::duration>(ago);
        }
        out.push_back(u);
    }
    return out;
}

void kernel_adapter::clear() {
    sets_.clear();
    children_.clear();
}

}  // namespace ikev2d
