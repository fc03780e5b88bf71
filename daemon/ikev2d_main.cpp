// ikev2d: the IKEv2 keying daemon. Loads the configuration, opens the kernel
// backend and runs the event loop (event_loop.hpp) until SIGTERM/SIGINT.
#include <cstdio>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "daemon/config/config_loader.hpp"
#include "daemon/daemon_cli.hpp"
#include "daemon/event_loop.hpp"
#include "daemon/kernel_adapter.hpp"
#include "daemon/logging.hpp"
#include "daemon/null_kernel_backend.hpp"
#include "daemon/version.hpp"
#include "libxfrm/netlink_backend.hpp"
#include "libxfrm/rtnl_host_network.hpp"

namespace {

using ikev2d::logging::subsystem;

int run(const ikev2d::daemon_cli& cli) {
    auto& log = ikev2d::logging::get(subsystem::dmn);
    auto cfg = ikev2d::config::load_config_file(cli.config);
    if (!cfg) {
        for (const auto& e : cfg.error()) log.error("{}", e.to_string());
        return 1;
    }
    ikev2d::logging::setup(cfg->daemon.log);
    for (const auto& w : cfg->warnings)
        ikev2d::logging::get(subsystem::cfg).warn("{}", w.to_string());
    std::unique_ptr<xfrm::kernel_backend> kernel;
    std::optional<xfrm::event_socket> events;
    std::unique_ptr<xfrm::host_network> host;
    if (cli.kernel_backend == ikev2d::kernel_backend_kind::none) {
        log.warn(
            "kernel backend 'none' (benchmarks only): CHILD_SAs are negotiated but nothing "
            "is installed, so no traffic is protected");
        kernel = std::make_unique<ikev2d::null_kernel_backend>();
    } else {
        auto netlink = xfrm::netlink_backend::open(ikev2d::ownership_for(cfg->daemon));
        if (!netlink) {
            log.error("cannot open the XFRM netlink socket: {}", netlink.error().message());
            return 1;
        }
        kernel = std::make_unique<xfrm::netlink_backend>(std::move(*netlink));
        if (auto e = xfrm::event_socket::open(); e)
            events = std::move(*e);
        else
            log.warn("no XFRM events (traps disabled): {}", e.error().message());
        if (auto h = xfrm::rtnl_host_network::open(); h)
            host = std::make_unique<xfrm::rtnl_host_network>(std::move(*h));
        else
            log.warn("no rtnetlink socket (virtual IPs from gateways are not installed): {}",
                     h.error().message());
    }
    ikev2d::loop_options options{cli.config,
                                 cli.control_socket.value_or(cfg->daemon.control_socket)};
    boost::asio::io_context io;
    ikev2d::event_loop loop(io, std::move(*cfg), options, std::move(kernel), std::move(events),
                            std::move(host));
    if (auto ok = loop.start(); !ok) {
        log.error("{}", ok.error());
        return 1;
    }
    io.run();
    log.info("ikev2d stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    const auto cli = ikev2d::parse_daemon_cli(args);
    if (!cli) {
        std::fprintf(stderr, "ikev2d: %s\n%s", cli.error().c_str(), ikev2d::daemon_usage().c_str());
        return 2;
    }
    if (cli->help) {
        std::fputs(ikev2d::daemon_usage().c_str(), stdout);
        return 0;
    }
    if (cli->version) {
        std::printf("ikev2d %s\n", ikev2d::version);
        return 0;
    }
    if (cli->check_config) return ikev2d::check_config(*cli->check_config, stdout);
    return run(*cli);
}
