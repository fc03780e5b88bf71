#pragma once
// Two engines in one process (STYLE point 12b): each with its own
// deterministic randomness and PSKs, a fake clock the test advances, and an
// in-memory network that carries send_datagram outputs to the other engine.
// A hook sees every datagram and may drop, change or duplicate it.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libike/codec/message.hpp"
#include "libike/engine/engine.hpp"
#include "libike/proposal/proposal_string.hpp"
#include "libike/sa/identity.hpp"
#include "libike/sa/traffic_selector.hpp"

namespace ike::test {

/// PSKs by the remote identity's text; "*" matches any.
class map_psks final : public psk_store {
  public:
    void add(std::string remote, std::string_view key) {
        keys_[std::move(remote)] = secret(as_view(key));
    }
    const secret* find(const identity&, const id_payload& remote) const override {
        if (auto it = keys_.find(to_string(remote)); it != keys_.end()) return &it->second;
        if (auto it = keys_.find("*"); it != keys_.end()) return &it->second;
        return nullptr;
    }

  private:
    std::map<std::string, secret> keys_;
};

inline ip_addr ip(std::string_view text) {
    auto ts = ts_from_cidr(text);
    EXPECT_TRUE(ts) << text;
    ip_addr a;
    if (!ts) return a;
    a.ipv6 = ts->ipv6;
    a.bytes = ts->start;
    return a;
}

inline ts_range ts(std::string_view cidr) {
    auto t = ts_from_cidr(cidr);
    EXPECT_TRUE(t) << cidr;
    return t.value_or(ts_range{});
}

inline proposal ike_prop(std::string_view s) {
    auto p = parse_ike_proposal(s);
    EXPECT_TRUE(p) << s;
    return p.value_or(proposal{});
}

inline proposal esp_prop(std::string_view s) {
    auto p = parse_esp_proposal(s);
    EXPECT_TRUE(p) << s;
    return p.value_or(proposal{});
}

inline identity id(std::string_view s) {
    auto i = parse_identity(s);
    EXPECT_TRUE(i) << s;
    return i.value_or(identity{});
}

/// A site-to-site connection from `local` to `remote`: net-local === net-remote.
struct conn_spec {
    std::string name = "site";
    std::string local_addr, remote_addr;  ///< remote empty: responder template
    std::string local_id, remote_id;
    std::vector<std::string> ike = {"aes256gcm16-prfsha256-x25519"};
    std::vector<std::string> esp = {"aes256gcm16-esn"};
    std::vector<std::string> local_ts, remote_ts;
    ipsec_mode mode = ipsec_mode::tunnel;
    fragmentation_policy fragmentation = fragmentation_policy::yes;
    duration ike_rekey_time = std::chrono::hours(4);  ///< the IKE_SA's rekey_time
    duration ike_rand_time = std::chrono::minutes(24);
    duration reauth_time{0};           ///< the IKE_SA's reauth_time (0: none)
    std::vector<std::string> vips{};   ///< initiator: virtual IPs to ask for
    std::vector<std::string> pools{};  ///< responder: pool names
};

inline std::shared_ptr<ike_sa_config> make_config(const conn_spec& s) {
    auto c = std::make_shared<ike_sa_config>();
    c->name = s.name;
    c->local_addrs.push_back(ip(s.local_addr));
    if (!s.remote_addr.empty()) c->remote_addrs.push_back(ip(s.remote_addr));
    for (const auto& p : s.ike) c->proposals.push_back(ike_prop(p));
    c->local_id = id(s.local_id);
    c->remote_id = id(s.remote_id);
    c->fragmentation = s.fragmentation;
    c->rekey_time = s.ike_rekey_time;
    c->rand_time = s.ike_rand_time;
    c->reauth_time = s.reauth_time;
    for (const auto& v : s.vips) c->vips.push_back(ip(v));
    c->pools = s.pools;
    child_sa_config child;
    child.name = "net";
    for (const auto& t : s.local_ts) child.local_ts.push_back(ts(t));
    for (const auto& t : s.remote_ts) child.remote_ts.push_back(ts(t));
    for (const auto& p : s.esp) child.esp_proposals.push_back(esp_prop(p));
    child.mode = s.mode;
    c->children.push_back(std::move(child));
    return c;
}

struct peer {
    peer(std::uint64_t seed, std::string address, engine_settings settings)
        : rng(seed), addr(ip(address)), eng(std::move(settings), rng, psks) {}
    deterministic_random rng;
    map_psks psks;
    ip_addr addr;
    engine eng;

    /// What the fake kernel answers to every install: empty for success.
    std::string kernel_error;

    std::vector<install_child_sa> installs;
    std::vector<install_outbound_sa> outbound_installs;
    std::vector<remove_child_sa> removes;
    /// Every kernel request in order: "install #N" ("install-in #N" when the
    /// outbound SA is held back), "outbound #N", "remove #N".
    std::vector<std::string> kernel_log;
    std::vector<sa_event> events;
    std::vector<send_datagram> sent;
    /// The fake kernel's inbound byte counters (absent: 0), answered to every
    /// query_child_usage unless answer_usage is false.
    std::map<child_sa_id, std::uint64_t> inbound_bytes;
    std::map<child_sa_id, time_point> inbound_last_used;  ///< absent: unknown
    bool answer_usage = true;
    std::vector<query_child_usage> usage_queries;
    std::vector<install_trap> traps;
    std::vector<virtual_ip_assigned> vips;
    /// Key exchange jobs (offload_key_exchange), left for the test to run
    /// and hand back with eng.crypto_done, in any order.
    std::vector<crypto_job> crypto_jobs;

    bool has_event(sa_event::kind k) const {
        for (const auto& e : events)
            if (e.what == k) return true;
        return false;
    }
    /// A notice event whose reason contains `text`.
    bool has_notice(std::string_view text) const {
        for (const auto& e : events)
            if (e.what == sa_event::kind::notice && e.reason.find(text) != std::string::npos)
                return true;
        return false;
    }
    /// Concatenated reasons of failed events.
    std::string failures() const {
        std::string s;
        for (const auto& e : events)
            if (e.what == sa_event::kind::failed || e.what == sa_event::kind::child_failed ||
                e.what == sa_event::kind::warning)
                s += e.reason + "\n";
        return s;
    }
};

/// What the network does with one datagram.
enum class verdict { deliver, drop, duplicate };

/// A datagram in flight: from which peer, and its decoded header.
struct in_flight {
    std::size_t index = 0;  ///< 0-based count of all datagrams so far
    char from = 'a';
    ike_header header;
    send_datagram* datagram = nullptr;  ///< may be modified by the hook
};

class two_peers {
  public:
    /// `b_settings`: B's own settings when the two peers differ (else `settings`).
    explicit two_peers(std::string a_addr = "192.0.2.1", std::string b_addr = "192.0.2.2",
                       engine_settings settings = {},
                       std::optional<engine_settings> b_settings = std::nullopt)
        : settings_(settings),
          a(0xa11ce, a_addr, settings),
          b(0xb0b, b_addr, b_settings.value_or(settings)) {}

    /// A restarts: a fresh engine with new randomness and no state, knowing
    /// nothing of the SAs it had (the test sets its PSKs and connections again).
    void restart_a(std::uint64_t seed) {
        const std::string address = to_string(a.addr);
        std::destroy_at(&a);
        std::construct_at(&a, seed, address, settings_);
    }

    time_point now = time_point{} + std::chrono::hours(1000);
    std::function<verdict(in_flight&)> hook;
    /// When set, A sits behind a NAT with this public address: A's datagrams
    /// leave from it (ports + 1000), and datagrams to it are mapped back.
    std::optional<ip_addr> nat_a;
    std::size_t datagrams = 0;

    /// Moves outputs between the engines until both are quiet.
    void run() {
        for (int round = 0; round < 1000; ++round) {
            bool any = drain(a, 'a') | drain(b, 'b');
            if (!any) return;
        }
        ADD_FAILURE() << "the peers never went quiet";
    }

    /// Advances the clock by `d` in steps, firing timers as they fall due.
    void advance(duration d) {
        const time_point end = now + d;
        for (;;) {
            std::optional<time_point> next;
            for (peer* p : {&a, &b})
                if (auto t = p->eng.next_deadline(); t && (!next || *t < *next)) next = t;
            if (!next || *next > end) break;
            now = std::max(now, *next);
            a.eng.on_timer(now);
            b.eng.on_timer(now);
            run();
        }
        now = end;
    }

  private:
    engine_settings settings_;

  public:
    peer a, b;

  private:
    bool drain(peer& p, char name) {
        bool any = false;
        while (auto o = p.eng.poll_output()) {
            any = true;
            if (auto* d = std::get_if<send_datagram>(&*o)) {
                p.sent.push_back(*d);
                deliver(*d, name);
            } else if (auto* i = std::get_if<install_child_sa>(&*o)) {
                // The daemon reports every install back (child_up follows success).
                p.eng.on_kernel_result(now, i->ike, i->child, p.kernel_error.empty(),
                                       p.kernel_error);
                p.kernel_log.push_back((i->outbound_later ? "install-in #" : "install #") +
                                       std::to_string(i->child));
                p.installs.push_back(std::move(*i));
            } else if (auto* ob = std::get_if<install_outbound_sa>(&*o)) {
                p.eng.on_kernel_result(now, ob->ike, ob->child, true, {});
                p.kernel_log.push_back("outbound #" + std::to_string(ob->child));
                p.outbound_installs.push_back(*ob);
            } else if (auto* r = std::get_if<remove_child_sa>(&*o)) {
                p.kernel_log.push_back("remove #" + std::to_string(r->child));
                p.removes.push_back(*r);
            } else if (auto* e = std::get_if<sa_event>(&*o)) {
                p.events.push_back(*e);
            } else if (auto* q = std::get_if<query_child_usage>(&*o)) {
                p.usage_queries.push_back(*q);
                std::vector<inbound_usage> usage;
                for (auto c : q->children) {
                    auto used = p.inbound_last_used.find(c);
                    usage.push_back({c, p.inbound_bytes[c],
                                     used == p.inbound_last_used.end()
                                         ? std::nullopt
                                         : std::optional<time_point>(used->second)});
                }
                if (p.answer_usage) p.eng.on_child_usage(now, q->ike, usage);
            } else if (auto* t = std::get_if<install_trap>(&*o)) {
                p.traps.push_back(*t);
            } else if (auto* v = std::get_if<virtual_ip_assigned>(&*o)) {
                p.vips.push_back(*v);
            } else if (auto* j = std::get_if<crypto_job>(&*o)) {
                p.crypto_jobs.push_back(std::move(*j));
            }
        }
        return any;
    }

    void deliver(send_datagram d, char from) {
        peer& to = from == 'a' ? b : a;
        if (nat_a && from == 'a')
            d.local = {*nat_a, static_cast<std::uint16_t>(d.local.port + 1000)};
        if (nat_a && from == 'b' && d.remote.ip == *nat_a)
            d.remote = {a.addr, static_cast<std::uint16_t>(d.remote.port - 1000)};
        EXPECT_EQ(d.remote.ip, to.addr);
        auto m = decode_message(d.data);
        EXPECT_TRUE(m);
        in_flight f{datagrams++, from, m ? m->header : ike_header{}, &d};
        verdict v = hook ? hook(f) : verdict::deliver;
        if (v == verdict::drop) return;
        to.eng.receive(now, d.remote, d.local, d.data);
        if (v == verdict::duplicate) to.eng.receive(now, d.remote, d.local, d.data);
    }
};

}  // namespace ike::test
