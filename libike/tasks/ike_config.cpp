// Virtual IPs, DNS servers and search domains in IKE_AUTH (RFC 7296 §2.19,
// §3.15; RFC 8598). See ike_config.hpp.
#include "libike/tasks/ike_config.hpp"

#include <algorithm>

#include "libike/engine/ike_sa.hpp"

namespace ike {

namespace {

bool unspecified(const ip_addr& a) {
    return std::ranges::all_of(a.view(), [](std::uint8_t b) { return b == 0; });
}

ip_addr from_ip4(const ip4_bytes& b) {
    return ip_addr::v4(b[0], b[1], b[2], b[3]);
}

ip_addr from_ip6(const ip6_bytes& b) {
    ip_addr a{true, {}};
    std::ranges::copy(b, a.bytes.begin());
    return a;
}

ip4_bytes to_ip4(const ip_addr& a) {
    return {a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3]};
}

ip6_bytes to_ip6(const ip_addr& a) {
    return a.bytes;
}

// The identity a lease is kept for: the EAP identity the peer proved (as
// charon: a client's IDi is often its address or a generic name), else the
// authenticated IDi, type and bytes. EAP keys start with 0, no ID type.
std::string lease_identity(const ike_sa& sa) {
    if (!sa.eap_identity.empty()) return std::string(1, '\0') + sa.eap_identity;
    const id_payload& id = *sa.peer_id;
    std::string key(1, static_cast<char>(id.type));
    key.append(id.data.begin(), id.data.end());
    return key;
}

std::string list(const std::vector<ip_addr>& addresses) {
    std::string s;
    for (const auto& a : addresses) s += (s.empty() ? "" : ", ") + to_string(a);
    return s;
}

// The address attributes of a request: one per family at most (a second
// one of a family would be a second virtual IP, which we do not lend).
std::vector<ip_addr> requested_addresses(const cp_payload& cp) {
    std::vector<ip_addr> wanted;
    auto add = [&](ip_addr a) {
        if (std::ranges::none_of(wanted, [&](const auto& w) { return w.ipv6 == a.ipv6; }))
            wanted.push_back(a);
    };
    for (const auto& attr : cp.attributes) {
        if (attr.type == cfg_attr::internal_ip4_address) {
            // A malformed value counts as "any": the peer still wants one.
            auto v = read_ip4_attribute(attr);
            add(v && *v ? from_ip4(**v) : ip_addr{});
        } else if (attr.type == cfg_attr::internal_ip6_address) {
            auto v = read_ip6_address_attribute(attr);
            add(v && *v ? from_ip6((*v)->address) : ip_addr{true, {}});
        }
    }
    return wanted;
}

}  // namespace

task_result ike_config::build(message_builder& m, engine_context& ctx) {
    if (!initiator_) {
        // §3.15.4: no address could be lent; the notify replaces the CP.
        if (sa_.address_failure)
            m.add_notify(notify_type::internal_address_failure);
        else if (reply_)
            m.add(payload_type::cp, *reply_);
        return progress::done;
    }
    // What we ask for: the addresses we have on a reauthentication, else
    // the configured ones (0.0.0.0 / :: for any).
    const auto& vips = sa_.requested_vips.empty() ? sa_.config->vips : sa_.requested_vips;
    cp_payload cp{cfg_type::request, {}};
    bool v4 = false, v6 = false;
    for (const auto& vip : vips) {
        const bool any = unspecified(vip);
        if (vip.ipv6) {
            v6 = true;
            cp.attributes.push_back(make_ip6_address_attribute(
                any ? std::nullopt : std::optional<ip6_prefix>(ip6_prefix{to_ip6(vip), 128})));
        } else {
            v4 = true;
            cp.attributes.push_back(
                make_ip4_attribute(cfg_attr::internal_ip4_address,
                                   any ? std::nullopt : std::optional<ip4_bytes>(to_ip4(vip))));
        }
    }
    if (v4) cp.attributes.push_back(make_ip4_attribute(cfg_attr::internal_ip4_dns, std::nullopt));
    if (v6) cp.attributes.push_back(make_ip6_dns_attribute(std::nullopt));
    cp.attributes.push_back(make_dns_domain_attribute(""));
    m.add(payload_type::cp, std::move(cp));
    (void)ctx;
    return progress::done;
}

task_result ike_config::process(const inbound_message& m, engine_context& ctx) {
    return initiator_ ? process_reply(m, ctx) : process_request(m, ctx);
}

// Initiator: what the gateway lent us. No address is not an IKE_SA failure
// (§3.15.4: the IKE_SA stays); child_create refuses a CHILD_SA whose dynamic
// selector needed one.
task_result ike_config::process_reply(const inbound_message& m, engine_context& ctx) {
    if (m.find_notify(notify_type::internal_address_failure)) {
        sa_.emit(ctx, sa_event::kind::warning, 0,
                 "the gateway has no virtual IP for us (INTERNAL_ADDRESS_FAILURE): its pool is "
                 "full or it refused the address we asked for");
        return progress::done;
    }
    const auto* cp = m.find<cp_payload>(payload_type::cp);
    if (!cp || cp->type != cfg_type::reply) {
        sa_.emit(ctx, sa_event::kind::warning, 0,
                 "we asked for a virtual IP but the gateway sent no CFG_REPLY (no pools on its "
                 "connection?)");
        return progress::done;
    }
    std::vector<ip_addr> addresses, dns;
    std::vector<std::string> domains;
    std::string odd;
    for (const auto& attr : cp->attributes) {
        switch (attr.type) {
            case cfg_attr::internal_ip4_address:
            case cfg_attr::internal_ip4_dns:
                if (auto v = read_ip4_attribute(attr); v && *v)
                    (attr.type == cfg_attr::internal_ip4_dns ? dns : addresses)
                        .push_back(from_ip4(**v));
                else if (!v)
                    odd += " " + to_string(attr.type);
                break;
            case cfg_attr::internal_ip6_address:
                if (auto v = read_ip6_address_attribute(attr); v && *v)
                    addresses.push_back(from_ip6((*v)->address));
                else if (!v)
                    odd += " " + to_string(attr.type);
                break;
            case cfg_attr::internal_ip6_dns:
                if (auto v = read_ip6_dns_attribute(attr); v && *v)
                    dns.push_back(from_ip6(**v));
                else if (!v)
                    odd += " " + to_string(attr.type);
                break;
            case cfg_attr::internal_dns_domain:
                if (auto v = read_dns_domain_attribute(attr); v && *v)
                    domains.push_back(**v);
                else if (!v)
                    odd += " " + to_string(attr.type);
                break;
            default:
                break;  // netmask, subnets, vendor attributes: not used
        }
    }
    if (!odd.empty())
        sa_.emit(ctx, sa_event::kind::warning, 0,
                 "ignored malformed configuration attributes from the gateway:" + odd);
    sa_.virtual_ips = addresses;
    sa_.dns = dns;
    sa_.dns_domains = domains;
    if (addresses.empty()) {
        sa_.emit(ctx, sa_event::kind::warning, 0, "the gateway's CFG_REPLY holds no virtual IP");
        return progress::done;
    }
    std::string text = "virtual IP " + list(addresses) + " assigned";
    if (!dns.empty()) text += ", DNS " + list(dns);
    for (const auto& d : domains) text += (&d == &domains.front() ? ", search " : " ") + d;
    sa_.emit(ctx, sa_event::kind::notice, 0, text);
    ctx.out.emplace_back(
        virtual_ip_assigned{sa_.id, std::move(addresses), std::move(dns), std::move(domains)});
    return progress::done;
}

// Responder: ike_auth ran first and failed the exchange unless the peer
// proved its identity, so the lease is made for an authenticated peer.
task_result ike_config::process_request(const inbound_message& m, engine_context& ctx) {
    const auto* cp = m.find<cp_payload>(payload_type::cp);
    if (!cp || cp->type != cfg_type::request || !sa_.peer_id) return progress::done;
    const auto wanted = requested_addresses(*cp);
    if (wanted.empty()) return progress::done;
    if (sa_.config->pools.empty()) {
        // As charon: no reply at all; the client decides whether it can do
        // without a virtual IP.
        sa_.emit(ctx, sa_event::kind::notice, 0,
                 "peer asked for a virtual IP (" + list(wanted) + ") but connection '" +
                     sa_.config->name + "' has no pools: no configuration payload sent");
        return progress::done;
    }
    for (const auto& w : wanted) lease(w, ctx);
    if (sa_.virtual_ips.empty()) {
        if (exhausted_.empty()) {
            sa_.emit(ctx, sa_event::kind::notice, 0,
                     "peer asked for a virtual IP (" + list(wanted) + ") but connection '" +
                         sa_.config->name + "' has no pool of that family: none sent");
            return progress::done;
        }
        sa_.address_failure = true;
        sa_.emit(ctx, sa_event::kind::warning, 0,
                 "no virtual IP for '" + to_string(*sa_.peer_id) + "': " + exhausted_ +
                     "; answered INTERNAL_ADDRESS_FAILURE, no CHILD_SA (add addresses to the "
                     "pool, or check list-pools for offline leases to free)");
        return progress::done;
    }
    sa_.emit(ctx, sa_event::kind::notice, 0,
             "lent virtual IP " + list(sa_.virtual_ips) + " to '" + to_string(*sa_.peer_id) + "'");
    reply_ = reply(ctx);
    return progress::done;
}

bool ike_config::lease(const ip_addr& requested, engine_context& ctx) {
    const lease_request r{lease_identity(sa_),
                          unspecified(requested) ? std::nullopt : std::optional(requested),
                          sa_.initial_contact_received};
    for (const auto& name : sa_.config->pools) {
        const pool_entry* e = ctx.pools.find(name);
        if (!e) {
            sa_.emit(ctx, sa_event::kind::warning, 0,
                     "connection '" + sa_.config->name + "' names pool '" + name +
                         "', which is not configured: skipped");
            continue;
        }
        if (e->pool->ipv6() != requested.ipv6) continue;
        auto a = e->pool->acquire(r);
        if (a) {
            sa_.leases.push_back(vip_lease{name, e->pool, *a});
            sa_.virtual_ips.push_back(*a);
            return true;
        }
        exhausted_ += (exhausted_.empty() ? "" : ", ") + std::string("pool '") + name + "' (" +
                      std::to_string(e->pool->size()) + " addresses) is full";
    }
    return false;
}

// The addresses, then the DNS servers and search domains of the pools they
// came from (each once), whether or not the peer asked for them: as with
// charon, a client ignores what it has no use for.
cp_payload ike_config::reply(engine_context& ctx) const {
    cp_payload cp{cfg_type::reply, {}};
    for (const auto& a : sa_.virtual_ips) {
        if (a.ipv6)
            cp.attributes.push_back(make_ip6_address_attribute(ip6_prefix{to_ip6(a), 128}));
        else
            cp.attributes.push_back(make_ip4_attribute(cfg_attr::internal_ip4_address, to_ip4(a)));
    }
    std::vector<ip_addr> dns;
    std::vector<std::string> domains;
    for (const auto& l : sa_.leases) {
        const pool_entry* e = ctx.pools.find(l.pool);
        if (!e) continue;
        for (const auto& d : e->config.dns)
            if (std::ranges::find(dns, d) == dns.end()) dns.push_back(d);
        for (const auto& d : e->config.dns_domains)
            if (std::ranges::find(domains, d) == domains.end()) domains.push_back(d);
    }
    for (const auto& d : dns)
        cp.attributes.push_back(d.ipv6 ? make_ip6_dns_attribute(to_ip6(d))
                                       : make_ip4_attribute(cfg_attr::internal_ip4_dns, to_ip4(d)));
    for (const auto& d : domains) cp.attributes.push_back(make_dns_domain_attribute(d));
    return cp;
}

}  // namespace ike
