#pragma once
// The daemon's event loop: one Asio io_context thread owns the engine and
// every adapter around it (STYLE point 10). Inputs — datagrams on the UDP
// sockets, the engine's timer, XFRM events, control requests, signals — are
// turned into engine calls; after each one the engine's outputs are drained
// and carried out (send, kernel install/remove, log).
//
//   udp_socket ──receive──▶ ┌────────┐ ──send_datagram──▶ udp_socket
//   steady_timer ─on_timer▶ │ engine │ ──install/remove─▶ kernel_adapter ─▶ libxfrm
//   xfrm events ─initiate─▶ │        │ ──sa_event───────▶ log
//   control/signals ──────▶ └────────┘
//   crypto_pool ─crypto_done▶ engine ──crypto_job──▶ crypto_pool (worker threads)
#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "daemon/config/config.hpp"
#include "daemon/config_translate.hpp"
#include "daemon/control_server.hpp"
#include "daemon/crypto_pool.hpp"
#include "daemon/initiate_waiters.hpp"
#include "daemon/kernel_adapter.hpp"
#include "daemon/reload_plan.hpp"
#include "daemon/signals.hpp"
#include "daemon/udp_socket.hpp"
#include "daemon/vip_installer.hpp"
#include "libike/crypto/random_source.hpp"
#include "libike/eap/local_backend.hpp"
#include "libike/engine/engine.hpp"
#include "libxfrm/event_socket.hpp"
#include "libxfrm/host_network.hpp"
#include "libxfrm/kernel_backend.hpp"

namespace ikev2d {

/// How long shutdown waits for the peers to acknowledge our deletes.
inline constexpr std::chrono::seconds shutdown_grace{3};

struct loop_options {
    std::filesystem::path config_path;
    std::filesystem::path control_socket;  ///< from the config unless overridden
};

class event_loop {
  public:
    /// Takes the loaded config and the kernel backend; nothing is opened yet.
    /// Without `host` (kernel backend 'none') virtual IPs from gateways are
    /// only logged, not installed.
    event_loop(boost::asio::io_context& io, config::config cfg, loop_options options,
               std::unique_ptr<xfrm::kernel_backend> kernel,
               std::optional<xfrm::event_socket> events,
               std::unique_ptr<xfrm::host_network> host = nullptr);
    ~event_loop();
    event_loop(const event_loop&) = delete;
    event_loop& operator=(const event_loop&) = delete;

    /// Removes our stale kernel state, binds the sockets, opens the control
    /// socket, gives the engine its connections, installs traps, starts
    /// start_action=start connections and tells systemd READY=1.
    /// Errors (start-up failures, as text): flush, socket or control socket
    /// failures.
    std::expected<void, std::string> start();

    /// Begins the shutdown: every IKE_SA is deleted, and after the peers
    /// answered (or shutdown_grace passed) our kernel state is flushed and
    /// the io_context stopped. A second call finishes at once.
    void stop();

    /// Re-reads the config file and applies it (see reload_plan.hpp).
    /// Errors: the new file does not load (the running config stays).
    std::expected<reload_plan, std::string> reload();

    // ---- for the control commands (command_handler.hpp) ------------------
    ike::engine& engine() { return *engine_; }
    const config::config& current_config() const { return cfg_; }
    kernel_adapter& kernel() { return adapter_; }
    /// Status members: version, pid, uptime, config, listen, counters.
    nlohmann::json status() const;
    /// Starts connection/child now. With `reply`, it is answered once the
    /// IKE_SA and the children are up or failed, or `wait` ran out
    /// (initiate_waiters). Errors: the engine's refusal (`reply` not called).
    std::expected<ike::ike_sa_id, std::string> initiate(const std::string& conn,
                                                        const std::string& child,
                                                        std::chrono::seconds wait = {},
                                                        control::reply_fn reply = {});
    /// Deletes one IKE_SA. Errors: the engine's refusal (unknown id).
    std::expected<void, std::string> terminate(ike::ike_sa_id id);
    /// Deletes one CHILD_SA; returns its IKE_SA, which stays.
    std::expected<ike::ike_sa_id, std::string> terminate_child(ike::child_sa_id id);
    /// Drains and carries out the engine's outputs, then re-arms the timer.
    void drain();

  private:
    std::expected<void, std::string> open_sockets();
    std::expected<void, std::string> open_control();
    void flush_stale();
    void load_connections();
    void install_traps(const std::vector<std::string>& names);
    void start_connections(const std::vector<std::string>& names);
    void on_datagram(const ike::socket_address& local, const ike::socket_address& remote,
                     ike::bytes_view message);
    void carry_out(ike::output out);
    void send(const ike::send_datagram& d);
    void install(const ike::install_child_sa& req);
    void install_outbound(const ike::install_outbound_sa& req);
    void remove(const ike::remove_child_sa& req);
    void answer_usage(const ike::query_child_usage& q);
    void trap_dead_peer(const ike::install_trap& t);
    void log_event(const ike::sa_event& ev);
    /// The gateway gave us virtual IPs: installed on the host (vip_installer)
    /// and said in the log.
    void install_virtual_ips(const ike::virtual_ip_assigned& v);
    /// A CHILD_SA of ours was installed or removed: its virtual IP routes follow.
    void route_child(const ike::install_child_sa& req);
    void unroute_child(const ike::remove_child_sa& req);
    /// The IKE_SA is gone or rekeyed: its virtual IPs go or move with it.
    void virtual_ips_follow(const ike::sa_event& ev);
    void remove_virtual_ips();
    std::string context(ike::ike_sa_id id);
    udp_socket* socket_for(const ike::socket_address& local);
    void arm_timer();
    std::vector<std::string> pending_children(ike::ike_sa_id ike, const std::string& conn,
                                              const std::string& child) const;
    std::string sa_state(ike::ike_sa_id id) const;
    void wait_xfrm();
    void on_xfrm_events();
    void handle_acquire(std::uint32_t reqid);
    void handle_expire(const xfrm::expire_event& e);
    /// Sends a NAT keepalive (RFC 3948 §2.3) to the peer of every established
    /// IKE_SA behind whose NAT we are, then arm_keepalive().
    void keepalive_tick();
    /// Schedules keepalive_tick after daemon.nat_keepalive (never when 0).
    void arm_keepalive();
    void watchdog_tick(std::chrono::microseconds interval);
    void finish_stop();
    void apply_reload(config::config next, const reload_plan& plan);
    void teardown(const std::string& conn);
    std::vector<std::string> all_names() const;

    boost::asio::io_context& io_;
    config::config cfg_;
    loop_options options_;
    std::unique_ptr<xfrm::kernel_backend> kernel_;
    kernel_adapter adapter_;
    std::unique_ptr<xfrm::host_network> host_;
    std::optional<vip_installer> vips_;  ///< with host_ only
    config_psk_store psks_;
    /// EAP users from `secrets` (eap entries); replaced in place on reload,
    /// so sessions in progress keep a valid store.
    ike::eap_user_store eap_users_;
    std::shared_ptr<ike::local_backend> eap_backend_;
    ike::openssl_random rng_;
    std::unique_ptr<ike::engine> engine_;
    /// The workers of the engine's crypto jobs (daemon.crypto_threads; none
    /// when 0). After engine_: stopped and joined before the engine goes.
    std::unique_ptr<crypto_pool> crypto_;
    std::vector<std::unique_ptr<udp_socket>> sockets_;
    std::optional<xfrm::event_socket> events_;
    std::optional<boost::asio::posix::stream_descriptor> events_fd_;
    boost::asio::steady_timer timer_, keepalive_timer_, watchdog_timer_, stop_timer_;
    bool timer_armed_ = false;  ///< timer_ has a wait pending for timer_.expiry()
    std::unique_ptr<control::control_server> control_;
    signal_watch signals_;
    ike::time_point started_ = ike::clock::now();
    bool stopping_ = false;
    bool finished_ = false;
    std::uint64_t kernel_failures_ = 0;
    /// Log context of IKE_SAs seen so far, so lines about an IKE_SA the
    /// engine already forgot (its deletion) still name it.
    std::map<ike::ike_sa_id, std::string> contexts_;
    initiate_waiters waiters_;
};

}  // namespace ikev2d
