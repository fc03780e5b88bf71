#include "daemon/event_loop.hpp"

#include <unistd.h>

#include <algorithm>

#include "daemon/address_conv.hpp"
#include "daemon/command_handler.hpp"
#include "daemon/config/config_loader.hpp"
#include "daemon/kernel_translate.hpp"
#include "daemon/logging.hpp"
#include "daemon/nat_t_marker.hpp"
#include "daemon/pool_translate.hpp"
#include "daemon/sd_notify.hpp"
#include "daemon/version.hpp"

namespace ikev2d {
namespace {

namespace asio = boost::asio;
using logging::subsystem;

spdlog::logger& log(subsystem s) {
    return logging::get(s);
}

// daemon.crypto_threads, or its default.
unsigned crypto_threads(const config::daemon_config& d) {
    return d.crypto_threads ? *d.crypto_threads : default_crypto_threads();
}

// Jobs a worker may have waiting: enough to ride out a burst of IKE_SA_INIT
// requests, few enough that a flood finds the loop computing inline (and
// hence reading fewer requests) within a few milliseconds.
constexpr std::size_t crypto_jobs_per_thread = 64;

ike::engine_settings settings_for(const config::config& cfg,
                                  std::shared_ptr<ike::eap_backend> eap) {
    ike::engine_settings s;
    s.offload_key_exchange = crypto_threads(cfg.daemon) > 0;
    s.eap_backend = std::move(eap);
    s.natt_port = cfg.daemon.natt_port;
    s.fragment_size = cfg.daemon.fragment_size;
    s.retransmit_timeout = cfg.daemon.retransmit_timeout;
    s.retransmit_base = cfg.daemon.retransmit_base;
    s.retransmit_tries = cfg.daemon.retransmit_tries;
    // Certificates are checked against the system's wall clock.
    s.wall_clock = [] {
        return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    };
    return s;
}

vip_settings vip_settings_for(const config::daemon_config& daemon) {
    return {daemon.vip_interface, daemon.routing_table, daemon.routing_table_prio};
}

std::vector<ike::ip_addr> listen_addresses(const config::config& cfg) {
    std::vector<ike::ip_addr> out;
    for (const auto& a : cfg.daemon.listen) out.push_back(to_ike(a));
    if (out.empty()) out = {ike::ip_addr{}, ike::ip_addr{.ipv6 = true, .bytes = {}}};
    return out;
}

const char* event_name(ike::sa_event::kind k) {
    switch (k) {
        case ike::sa_event::kind::ike_up:
            return "IKE_SA established";
        case ike::sa_event::kind::ike_down:
            return "IKE_SA deleted";
        case ike::sa_event::kind::child_up:
            return "CHILD_SA installed";
        case ike::sa_event::kind::child_down:
            return "CHILD_SA deleted";
        case ike::sa_event::kind::child_failed:
            return "CHILD_SA failed";
        case ike::sa_event::kind::warning:
            return "warning";
        case ike::sa_event::kind::notice:
            return "note";
        case ike::sa_event::kind::failed:
            return "failed";
        case ike::sa_event::kind::ike_rekeyed:
            return "IKE_SA rekeyed";
    }
    return "?";
}

}  // namespace

event_loop::event_loop(asio::io_context& io, config::config cfg, loop_options options,
                       std::unique_ptr<xfrm::kernel_backend> kernel,
                       std::optional<xfrm::event_socket> events,
                       std::unique_ptr<xfrm::host_network> host)
    : io_(io),
      cfg_(std::move(cfg)),
      options_(std::move(options)),
      kernel_(std::move(kernel)),
      adapter_(*kernel_, ownership_for(cfg_.daemon)),
      host_(std::move(host)),
      psks_(cfg_.secrets),
      eap_users_(eap_users_of(cfg_.eap_secrets)),
      eap_backend_(std::make_shared<ike::local_backend>(eap_users_)),
      engine_(std::make_unique<ike::engine>(settings_for(cfg_, eap_backend_), rng_, psks_)),
      events_(std::move(events)),
      timer_(io),
      keepalive_timer_(io),
      watchdog_timer_(io),
      stop_timer_(io),
      signals_(
          io, [this](int) { stop(); }, [this] { (void)reload(); }) {
    if (host_) vips_.emplace(*host_, vip_settings_for(cfg_.daemon));
    if (const unsigned n = crypto_threads(cfg_.daemon); n > 0)
        crypto_ = std::make_unique<crypto_pool>(
            io_, n, n * crypto_jobs_per_thread, [this](ike::crypto_job job) {
                engine_->crypto_done(ike::clock::now(), std::move(job));
                drain();
            });
}

event_loop::~event_loop() = default;

std::expected<void, std::string> event_loop::start() {
    flush_stale();
    if (auto ok = open_sockets(); !ok) return ok;
    if (auto ok = open_control(); !ok) return ok;
    if (events_) {
        events_fd_.emplace(io_, ::dup(events_->fd()));
        wait_xfrm();
    }
    load_connections();
    install_traps(all_names());
    start_connections(all_names());
    arm_keepalive();
    if (const auto interval = systemd::watchdog_ping_interval()) watchdog_tick(*interval);
    const auto n = cfg_.connections.size();
    systemd::notify_ready("loaded " + std::to_string(n) + " connection" + (n == 1 ? "" : "s"));
    log(subsystem::dmn)
        .info("ikev2d {} started, {} connections from {}", version, n,
              options_.config_path.string());
    return {};
}

void event_loop::flush_stale() {
    const auto report = kernel_->flush_owned();
    if (!report) {
        log(subsystem::knl).warn("cannot remove stale kernel state: {}", report.error().message());
        return;
    }
    if (report->sas_deleted + report->policies_deleted > 0) {
        log(subsystem::knl)
            .info("removed {} stale SAs and {} stale policies of ours", report->sas_deleted,
                  report->policies_deleted);
    }
    for (const auto& f : report->failures) log(subsystem::knl).warn("flush: {}", f.message());
}

std::expected<void, std::string> event_loop::open_sockets() {
    auto handler = [this](const ike::socket_address& l, const ike::socket_address& r,
                          ike::bytes_view m) { on_datagram(l, r, m); };
    for (const auto& addr : listen_addresses(cfg_)) {
        for (auto [port, kind] : {std::pair{cfg_.daemon.ike_port, port_kind::ike},
                                  std::pair{cfg_.daemon.natt_port, port_kind::natt}}) {
            auto s = udp_socket::open(io_, addr, port, kind, handler);
            if (!s) return std::unexpected(s.error());
            log(subsystem::net).info("listening on {}", ike::to_string((*s)->bound()));
            if (!(*s)->bypass_error().empty()) {
                log(subsystem::net)
                    .warn(
                        "{}: no IPsec bypass policy for IKE ({}): a CHILD_SA between the IKE "
                        "addresses would capture IKE traffic",
                        ike::to_string((*s)->bound()), (*s)->bypass_error());
            }
            sockets_.push_back(std::move(*s));
        }
    }
    return {};
}

std::expected<void, std::string> event_loop::open_control() {
    auto server =
        control::control_server::open(io_, options_.control_socket, make_command_handler(*this));
    if (!server) return std::unexpected(server.error());
    control_ = std::move(*server);
    log(subsystem::dmn).info("control socket {}", options_.control_socket.string());
    return {};
}

std::vector<std::string> event_loop::all_names() const {
    std::vector<std::string> out;
    for (const auto& c : cfg_.connections) out.push_back(c.name);
    return out;
}

void event_loop::load_connections() {
    auto t = translate(cfg_);
    for (const auto& e : t.errors)
        log(subsystem::cfg).error("{} (connection not loaded)", e.to_string());
    // Pools first: a connection that names one finds it.
    if (auto ok = engine_->set_pools(translate_pools(cfg_)); !ok)
        log(subsystem::cfg).error("pools not loaded: {}", ok.error().message);
    engine_->set_connections(std::move(t.connections));
}

void event_loop::install_traps(const std::vector<std::string>& names) {
    for (const auto& conn : cfg_.connections) {
        if (std::ranges::find(names, conn.name) == names.end()) continue;
        auto translated = translate_connection(conn, config::credentials_of(cfg_));
        if (!translated) continue;
        for (std::size_t i = 0; i < conn.children.size(); ++i) {
            if (conn.children[i].start_action != config::child_action::trap) continue;
            if (translated->local_addrs.empty() || translated->remote_addrs.empty()) {
                log(subsystem::cfg)
                    .error("{}/{}: a trap needs local_addrs and remote_addrs", conn.name,
                           conn.children[i].name);
                continue;
            }
            const auto& child = translated->children[i];
            trap_spec trap{conn.name,
                           child.name,
                           translated->local_addrs.front(),
                           translated->remote_addrs.front(),
                           child.local_ts,
                           child.remote_ts,
                           child.mode};
            if (auto ok = adapter_.install_trap(trap); !ok) {
                log(subsystem::knl)
                    .error("{}/{}: installing trap policies failed: {}", conn.name, child.name,
                           ok.error());
            } else {
                log(subsystem::knl).info("{}/{}: trap policies installed", conn.name, child.name);
            }
        }
    }
}

void event_loop::start_connections(const std::vector<std::string>& names) {
    for (const auto& conn : cfg_.connections) {
        if (std::ranges::find(names, conn.name) == names.end()) continue;
        const auto starts = std::ranges::count_if(conn.children, [](const auto& c) {
            return c.start_action == config::child_action::start;
        });
        if (starts == 0) continue;
        if (starts == static_cast<std::ptrdiff_t>(conn.children.size())) {
            (void)initiate(conn.name, "");
            continue;
        }
        for (const auto& c : conn.children) {
            if (c.start_action == config::child_action::start) (void)initiate(conn.name, c.name);
        }
    }
}

std::expected<ike::ike_sa_id, std::string> event_loop::initiate(const std::string& conn,
                                                                const std::string& child,
                                                                std::chrono::seconds wait,
                                                                control::reply_fn reply) {
    const auto now = ike::clock::now();
    auto id = engine_->initiate(now, conn, child);
    // The waiter is in place before the first outputs run: an IKE_SA can
    // fail at once (no route to the peer).
    if (id && reply)
        waiters_.add(*id, pending_children(*id, conn, child), now + wait, wait, std::move(reply));
    drain();
    if (!id) {
        log(subsystem::ike)
            .error("initiating {}{}{} failed: {}", conn, child.empty() ? "" : "/", child,
                   id.error().message);
        return std::unexpected(id.error().message);
    }
    log(subsystem::ike).info("{} initiating", context(*id));
    return *id;
}

std::expected<void, std::string> event_loop::terminate(ike::ike_sa_id id) {
    auto ok = engine_->terminate(ike::clock::now(), id);
    drain();
    if (!ok) return std::unexpected(ok.error().message);
    return {};
}

std::expected<ike::ike_sa_id, std::string> event_loop::terminate_child(ike::child_sa_id id) {
    auto ike = engine_->terminate_child(ike::clock::now(), id);
    drain();
    if (!ike) return std::unexpected(ike.error().message);
    return *ike;
}

void event_loop::on_datagram(const ike::socket_address& local, const ike::socket_address& remote,
                             ike::bytes_view message) {
    // Per datagram: the addresses are formatted only when the line is
    // written (~2 % of the CPU per IKE_SA at the default level, issue 7).
    if (auto& l = log(subsystem::net); l.should_log(spdlog::level::debug))
        l.debug("received {} bytes from {} to {}", message.size(), ike::to_string(remote),
                ike::to_string(local));
    engine_->receive(ike::clock::now(), local, remote, message);
    drain();
}

void event_loop::drain() {
    while (auto out = engine_->poll_output()) carry_out(std::move(*out));
    arm_timer();
    if (stopping_ && engine_->counters().ike_sas == 0) finish_stop();
}

void event_loop::carry_out(ike::output out) {
    std::visit(
        [this](auto& o) {
            using T = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<T, ike::send_datagram>) send(o);
            if constexpr (std::is_same_v<T, ike::install_child_sa>) install(o);
            if constexpr (std::is_same_v<T, ike::install_outbound_sa>) install_outbound(o);
            if constexpr (std::is_same_v<T, ike::remove_child_sa>) remove(o);
            if constexpr (std::is_same_v<T, ike::query_child_usage>) answer_usage(o);
            if constexpr (std::is_same_v<T, ike::install_trap>) trap_dead_peer(o);
            if constexpr (std::is_same_v<T, ike::virtual_ip_assigned>) install_virtual_ips(o);
            // Emitted only with offload_key_exchange, i.e. when crypto_ exists.
            if constexpr (std::is_same_v<T, ike::crypto_job>) crypto_->submit(std::move(o));
            if constexpr (std::is_same_v<T, ike::sa_event>) {
                log_event(o);
                virtual_ips_follow(o);
                waiters_.on_event(o);
            }
        },
        out);
}

udp_socket* event_loop::socket_for(const ike::socket_address& local) {
    udp_socket* wildcard = nullptr;
    for (auto& s : sockets_) {
        if (s->bound().port != local.port || s->bound().ip.ipv6 != local.ip.ipv6) continue;
        if (s->bound().ip == local.ip) return s.get();
        if (is_unspecified(s->bound().ip)) wildcard = s.get();
    }
    return wildcard;
}

void event_loop::send(const ike::send_datagram& d) {
    auto* s = socket_for(d.local);
    if (s == nullptr) {
        log(subsystem::net)
            .warn("no socket for {} (sending to {})", ike::to_string(d.local),
                  ike::to_string(d.remote));
        return;
    }
    if (!s->send(d.local, d.remote, d.data)) {
        log(subsystem::net).warn("sending to {} failed", ike::to_string(d.remote));
        return;
    }
    if (auto& l = log(subsystem::net); l.should_log(spdlog::level::debug))
        l.debug("sent {} bytes from {} to {}", d.data.size(), ike::to_string(d.local),
                ike::to_string(d.remote));
}

void event_loop::install(const ike::install_child_sa& req) {
    const auto now = ike::clock::now();
    auto ok = adapter_.install(req);
    if (!ok) {
        ++kernel_failures_;
        log(subsystem::knl)
            .error("{} installing CHILD_SA {} #{} failed: {}", context(req.ike), req.name,
                   req.child, ok.error());
        engine_->on_kernel_result(now, req.ike, req.child, false, ok.error());
        return;
    }
    // With outbound_later (a rekey responder) install_outbound_sa follows.
    const auto rekey =
        req.rekey_of == 0 ? std::string() : ", rekey of #" + std::to_string(req.rekey_of);
    log(subsystem::chd)
        .info("{} CHILD_SA {} #{} installed, SPIs {:08x}_i {:08x}_o, {} === {}{}{}",
              context(req.ike), req.name, req.child, req.spi_in, req.spi_out,
              ike::to_string(req.local_ts), ike::to_string(req.remote_ts), rekey,
              req.outbound_later ? ", outbound SA later" : "");
    route_child(req);
    engine_->on_kernel_result(now, req.ike, req.child, true, {});
}

void event_loop::install_outbound(const ike::install_outbound_sa& req) {
    const auto now = ike::clock::now();
    auto spi = adapter_.install_outbound(req);
    if (!spi) {
        ++kernel_failures_;
        log(subsystem::knl)
            .error("{} installing the outbound SA of CHILD_SA #{} failed: {}", context(req.ike),
                   req.child, spi.error());
        engine_->on_kernel_result(now, req.ike, req.child, false, spi.error());
        return;
    }
    log(subsystem::chd)
        .info("{} CHILD_SA #{} outbound SA installed, SPI {:08x}_o", context(req.ike), req.child,
              *spi);
    engine_->on_kernel_result(now, req.ike, req.child, true, {});
}

void event_loop::remove(const ike::remove_child_sa& req) {
    unroute_child(req);
    if (auto ok = adapter_.remove(req); !ok) {
        ++kernel_failures_;
        log(subsystem::knl)
            .warn("{} removing CHILD_SA #{} failed: {}", context(req.ike), req.child, ok.error());
        return;
    }
    log(subsystem::chd)
        .info("{} CHILD_SA #{} removed, SPIs {:08x}_i {:08x}_o", context(req.ike), req.child,
              req.spi_in, req.spi_out);
}

// Liveness: the engine asks whether ESP came in before it sends a check.
void event_loop::answer_usage(const ike::query_child_usage& q) {
    const auto usage =
        adapter_.inbound_usage(q, ike::clock::now(), std::chrono::system_clock::now());
    log(subsystem::ike)
        .debug("{} inbound bytes of {} of {} CHILD_SAs read for the liveness check", context(q.ike),
               usage.size(), q.children.size());
    engine_->on_child_usage(ike::clock::now(), q.ike, usage);
}

// dpd_action trap: the dead peer's CHILD_SA becomes a trap, as with
// start_action trap, so that the next packet brings it back.
void event_loop::trap_dead_peer(const ike::install_trap& t) {
    const trap_spec trap{t.connection, t.child, t.local, t.remote, t.local_ts, t.remote_ts, t.mode};
    if (auto ok = adapter_.install_trap(trap); !ok) {
        log(subsystem::knl)
            .error("{} {}/{}: installing trap policies (dpd_action trap) failed: {}",
                   context(t.ike), t.connection, t.child, ok.error());
        return;
    }
    log(subsystem::knl)
        .info("{} {}/{}: trap policies installed (dpd_action trap)", context(t.ike), t.connection,
              t.child);
}

void event_loop::log_event(const ike::sa_event& ev) {
    const bool child =
        ev.what == ike::sa_event::kind::child_up || ev.what == ike::sa_event::kind::child_down;
    auto& l = log(child ? subsystem::chd : subsystem::ike);
    using kind = ike::sa_event::kind;
    const auto level =
        ev.what == kind::failed || ev.what == kind::child_failed || ev.what == kind::warning
            ? spdlog::level::warn
            : spdlog::level::info;
    // The event names its IKE_SA's connection and peer: an SA that failed
    // inside one engine call is already gone from list_sas().
    if (!ev.connection.empty())
        contexts_[ev.ike] = logging::sa_context(ev.connection, ev.ike, ev.remote.ip);
    l.log(level, "{} {}{}{}", context(ev.ike), event_name(ev.what), ev.reason.empty() ? "" : ": ",
          ev.reason);
    if (ev.what == kind::ike_down || ev.what == kind::failed) contexts_.erase(ev.ike);
}

void event_loop::install_virtual_ips(const ike::virtual_ip_assigned& v) {
    std::string addresses;
    for (const auto& a : v.addresses)
        addresses += (addresses.empty() ? "" : ", ") + ike::to_string(a);
    const auto sa = engine_->find_sa(v.ike);
    if (!vips_ || !sa) {
        // No rtnetlink (kernel backend 'none', or its socket failed at start,
        // which was logged), or the IKE_SA already went in the same call.
        log(subsystem::knl)
            .warn(
                "{} virtual IP {} not installed ({}): traffic from this host will not use it",
                context(v.ike), addresses,
                !vips_ ? "no rtnetlink: kernel backend 'none' or no socket" : "the IKE_SA is gone");
        return;
    }
    auto dev = vips_->assign(v.ike, sa->remote.ip, v.addresses);
    if (!dev) {
        ++kernel_failures_;
        log(subsystem::knl)
            .error(
                "{} {}; the CHILD_SAs use the virtual IP {} as their source, so traffic of "
                "this host reaches the tunnel only once it is on an interface",
                context(v.ike), dev.error(), addresses);
        return;
    }
    log(subsystem::knl).info("{} virtual IP {} installed on {}", context(v.ike), addresses, *dev);
}

void event_loop::route_child(const ike::install_child_sa& req) {
    if (!vips_) return;
    auto routes = vips_->child_installed(req);
    if (!routes) {
        ++kernel_failures_;
        log(subsystem::knl)
            .error(
                "{} CHILD_SA {} #{}: {}; traffic from this host to {} does not use the "
                "virtual IP and misses the tunnel",
                context(req.ike), req.name, req.child, routes.error(),
                ike::to_string(req.remote_ts));
        return;
    }
    for (const auto& r : *routes)
        log(subsystem::knl).info("{} installed route {}", context(req.ike), r);
}

void event_loop::unroute_child(const ike::remove_child_sa& req) {
    if (!vips_) return;
    if (auto ok = vips_->child_removed(req.child); !ok) {
        ++kernel_failures_;
        log(subsystem::knl).warn("{} CHILD_SA #{}: {}", context(req.ike), req.child, ok.error());
    }
}

void event_loop::virtual_ips_follow(const ike::sa_event& ev) {
    if (!vips_) return;
    using kind = ike::sa_event::kind;
    if (ev.what == kind::ike_rekeyed) {
        vips_->ike_moved(ev.old_ike, ev.ike);
        return;
    }
    if (ev.what != kind::ike_down && ev.what != kind::failed) return;
    auto removed = vips_->ike_gone(ev.ike);
    if (!removed) {
        ++kernel_failures_;
        log(subsystem::knl).warn("{} {}", context(ev.ike), removed.error());
        return;
    }
    for (const auto& a : *removed)
        log(subsystem::knl).info("{} virtual IP {} removed", context(ev.ike), a);
}

void event_loop::remove_virtual_ips() {
    if (!vips_) return;
    if (auto ok = vips_->remove_all(); !ok)
        log(subsystem::knl).error("removing our virtual IPs and routes failed: {}", ok.error());
}

std::string event_loop::context(ike::ike_sa_id id) {
    if (const auto it = contexts_.find(id); it != contexts_.end()) return it->second;
    if (const auto sa = engine_->find_sa(id))
        return contexts_[id] = logging::sa_context(sa->connection, id, sa->remote.ip);
    const auto it = contexts_.find(id);
    return it != contexts_.end() ? it->second : "[#" + std::to_string(id) + "]";
}

// The children of `conn` (one, or all) that IKE_SA `ike` does not carry yet:
// what an initiate waits for.
std::vector<std::string> event_loop::pending_children(ike::ike_sa_id ike, const std::string& conn,
                                                      const std::string& child) const {
    std::vector<std::string> names;
    const auto c = std::ranges::find(cfg_.connections, conn, &config::connection_config::name);
    if (c == cfg_.connections.end()) return names;
    for (const auto& ch : c->children)
        if (child.empty() || ch.name == child) names.push_back(conn + "/" + ch.name);
    if (const auto sa = engine_->find_sa(ike))
        for (const auto& up : sa->children) std::erase(names, up.name);
    return names;
}

// One timer for the engine's deadlines and for initiates waiting for an outcome.
void event_loop::arm_timer() {
    auto deadline = engine_->next_deadline();
    if (const auto w = waiters_.next_deadline(); w && (!deadline || *w < *deadline)) deadline = w;
    if (!deadline) {
        timer_.cancel();
        timer_armed_ = false;
        return;
    }
    // Re-arming cancels the pending wait (its handler runs once more) and
    // reprograms the timerfd: a system call per datagram under load, where
    // the earliest deadline rarely moves (~2 % of the CPU per IKE_SA, issue 7).
    if (timer_armed_ && timer_.expiry() == *deadline) return;
    timer_.expires_at(*deadline);
    timer_armed_ = true;
    timer_.async_wait([this](boost::system::error_code ec) {
        if (ec) return;  // re-armed or cancelled
        timer_armed_ = false;
        const auto now = ike::clock::now();
        engine_->on_timer(now);
        drain();
        waiters_.expire(now, [this](ike::ike_sa_id id) { return sa_state(id); });
        arm_timer();
    });
}

std::string event_loop::sa_state(ike::ike_sa_id id) const {
    const auto sa = engine_->find_sa(id);
    return sa ? sa->state : "gone";
}

void event_loop::wait_xfrm() {
    events_fd_->async_wait(asio::posix::stream_descriptor::wait_read,
                           [this](boost::system::error_code ec) {
                               if (ec) return;
                               on_xfrm_events();
                               wait_xfrm();
                           });
}

void event_loop::on_xfrm_events() {
    auto batch = events_->read_pending();
    if (!batch) {
        log(subsystem::knl).warn("reading XFRM events failed: {}", batch.error().message());
        return;
    }
    if (batch->overflowed) log(subsystem::knl).warn("XFRM event queue overflowed, events lost");
    for (const auto& ev : batch->events) {
        if (const auto* a = std::get_if<xfrm::acquire_event>(&ev)) {
            handle_acquire(a->reqid);
        } else if (const auto* e = std::get_if<xfrm::expire_event>(&ev)) {
            handle_expire(*e);
        } else if (const auto* m = std::get_if<xfrm::mapping_event>(&ev)) {
            log(subsystem::knl)
                .info("NAT mapping of SA {:08x} changed to {}[{}]", m->id.spi,
                      m->new_src.to_string(), m->new_src_port);
        }
    }
}

// A soft expire starts the CHILD_SA's rekey, a hard one (the kernel removed
// the SA) its deletion: the engine decides, for either direction's SA.
void event_loop::handle_expire(const xfrm::expire_event& e) {
    log(subsystem::knl)
        .info("{} expire of SA {:08x} (reqid {:#x}): {} reached ({} bytes, {} packets)",
              e.hard ? "hard" : "soft", e.sa.spi, e.sa.reqid, expire_limit(e.sa, e.hard),
              e.sa.usage.bytes, e.sa.usage.packets);
    const auto child = adapter_.child_for_sa(e.sa.id());
    if (!child) {
        log(subsystem::knl).debug("SA {:08x} is not ours, expire ignored", e.sa.spi);
        return;
    }
    engine_->on_child_expire(ike::clock::now(), *child, e.hard);
    drain();
}

void event_loop::handle_acquire(std::uint32_t reqid) {
    const auto* trap = adapter_.trap_for_reqid(reqid);
    if (trap == nullptr) {
        log(subsystem::knl).debug("ACQUIRE for reqid {:#x} without a trap, ignored", reqid);
        return;
    }
    log(subsystem::knl).info("ACQUIRE for {}/{}", trap->connection, trap->child);
    const auto conn = trap->connection, child = trap->child;  // the trap may go away
    (void)initiate(conn, child);
}

void event_loop::keepalive_tick() {
    const auto keepalive = nat_keepalive_datagram();
    // Only the IKE_SAs behind a NAT of ours, from the engine's index: a
    // walk over every IKE_SA each interval would cost O(n) at 100,000 SAs.
    for (const auto& t : engine_->nat_keepalive_targets())
        if (auto* s = socket_for(t.local); s != nullptr) s->send_raw(t.local, t.remote, keepalive);
    arm_keepalive();
}

void event_loop::arm_keepalive() {
    const auto interval = cfg_.daemon.nat_keepalive;
    if (interval <= std::chrono::seconds::zero()) {
        keepalive_timer_.cancel();
        return;
    }
    keepalive_timer_.expires_after(interval);
    keepalive_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) keepalive_tick();
    });
}

void event_loop::watchdog_tick(std::chrono::microseconds interval) {
    systemd::notify_watchdog();
    watchdog_timer_.expires_after(interval);
    watchdog_timer_.async_wait([this, interval](boost::system::error_code ec) {
        if (!ec) watchdog_tick(interval);
    });
}

void event_loop::stop() {
    if (stopping_) {
        finish_stop();
        return;
    }
    stopping_ = true;
    systemd::notify_stopping();
    waiters_.cancel_all("ikev2d is shutting down");
    log(subsystem::dmn).info("shutting down: deleting {} IKE_SAs", engine_->list_sas().size());
    const auto now = ike::clock::now();
    for (const auto& sa : engine_->list_sas()) (void)engine_->terminate(now, sa.id);
    stop_timer_.expires_after(shutdown_grace);
    stop_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) finish_stop();
    });
    drain();
}

void event_loop::finish_stop() {
    if (finished_) return;
    finished_ = true;
    remove_virtual_ips();
    const auto report = kernel_->flush_owned();
    if (report) {
        log(subsystem::knl)
            .info("removed {} SAs and {} policies", report->sas_deleted, report->policies_deleted);
    } else {
        log(subsystem::knl).error("flushing our kernel state failed: {}", report.error().message());
    }
    adapter_.clear();
    control_.reset();
    signals_.cancel();
    io_.stop();
}

std::expected<reload_plan, std::string> event_loop::reload() {
    systemd::notify_reloading();
    auto next = config::load_config_file(options_.config_path);
    if (!next) {
        for (const auto& e : next.error()) log(subsystem::cfg).error("{}", e.to_string());
        systemd::notify_ready("reload failed, running the previous configuration");
        return std::unexpected("configuration not reloaded: " +
                               std::to_string(next.error().size()) + " error(s), see the log");
    }
    for (const auto& w : next->warnings) log(subsystem::cfg).warn("{}", w.to_string());
    const auto plan = plan_reload(cfg_, *next);
    apply_reload(std::move(*next), plan);
    log(subsystem::cfg)
        .info("reloaded: {} added, {} removed, {} changed, {} unchanged", plan.added.size(),
              plan.removed.size(), plan.changed.size(), plan.unchanged.size());
    systemd::notify_ready("reloaded, " + std::to_string(cfg_.connections.size()) + " connections");
    return plan;
}

void event_loop::teardown(const std::string& conn) {
    const auto now = ike::clock::now();
    for (const auto& sa : engine_->list_sas()) {
        if (sa.connection == conn) (void)engine_->terminate(now, sa.id);
    }
    for (const auto& trap : adapter_.traps()) {
        if (trap.connection == conn) adapter_.remove_trap(trap.connection, trap.child);
    }
}

void event_loop::apply_reload(config::config next, const reload_plan& plan) {
    for (const auto& name : plan.removed) teardown(name);
    for (const auto& name : plan.changed) teardown(name);
    for (const auto& line : restart_only_changes(cfg_.daemon, next.daemon))
        log(subsystem::cfg).warn("{}", line);
    // The running reqid range stays until restart (restart_only_changes).
    next.daemon.reqid_min = cfg_.daemon.reqid_min, next.daemon.reqid_max = cfg_.daemon.reqid_max;
    const bool keepalive_changed = next.daemon.nat_keepalive != cfg_.daemon.nat_keepalive;
    logging::apply_levels(next.daemon.log);
    psks_.replace(next.secrets);
    eap_users_ = eap_users_of(next.eap_secrets);
    cfg_ = std::move(next);
    if (vips_) vips_->set_settings(vip_settings_for(cfg_.daemon));
    if (keepalive_changed) arm_keepalive();
    load_connections();
    std::vector<std::string> fresh = plan.added;
    fresh.insert(fresh.end(), plan.changed.begin(), plan.changed.end());
    install_traps(fresh);
    start_connections(fresh);
    drain();
}

nlohmann::json event_loop::status() const {
    nlohmann::json listen = nlohmann::json::array();
    std::uint64_t esp_dropped = 0, keepalives = 0, malformed = 0, send_errors = 0;
    for (const auto& s : sockets_) {
        listen.push_back(ike::to_string(s->bound()));
        esp_dropped += s->counters().esp_dropped, keepalives += s->counters().keepalives;
        malformed += s->counters().malformed, send_errors += s->counters().send_errors;
    }
    const auto& c = engine_->counters();
    return {
        {"version", version},
        {"pid", ::getpid()},
        {"uptime",
         std::chrono::duration_cast<std::chrono::seconds>(ike::clock::now() - started_).count()},
        {"config", options_.config_path.string()},
        {"listen", std::move(listen)},
        {"ike_sas", c.ike_sas},
        {"half_open", c.half_open},
        {"crypto_threads", crypto_ ? crypto_->threads() : 0u},
        {"counters",
         {{"dropped_malformed", c.dropped_malformed},
          {"dropped_unknown_spi", c.dropped_unknown_spi},
          {"dropped_integrity", c.dropped_integrity},
          {"retransmits", c.retransmits},
          {"usage_queries", c.usage_queries},
          {"liveness_checks", c.liveness_checks},
          {"dead_peers", c.dead_peers},
          {"fragments_sent", c.fragments_sent},
          {"fragments_received", c.fragments_received},
          {"fragmented_messages_reassembled", c.reassembled},
          {"udp_esp_dropped", esp_dropped},
          {"udp_keepalives_received", keepalives},
          {"udp_malformed", malformed},
          {"udp_send_errors", send_errors},
          {"kernel_failures", kernel_failures_},
          {"crypto_jobs", crypto_ ? crypto_->stats().submitted : 0},
          {"crypto_jobs_inline", crypto_ ? crypto_->stats().ran_inline : 0}}}};
}

}  // namespace ikev2d
