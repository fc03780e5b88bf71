// ikev2d's event loop with crypto workers (daemon.crypto_threads: 2) as a
// responder on loopback, against an initiator engine in the same process
// and on the same io_context: every IKE_SA comes up, and each responder key
// exchange went through the pool.
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "daemon/config/config_loader.hpp"
#include "daemon/event_loop.hpp"
#include "daemon/logging.hpp"
#include "daemon/null_kernel_backend.hpp"
#include "tests/unit/engine/two_peers.hpp"

namespace ikev2d {
namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using namespace std::chrono_literals;

constexpr int initiators = 12;
constexpr std::string_view psk = "event-loop-crypto-test-psk-0123456789";

// Two consecutive free UDP ports on 127.0.0.1 (IKE and NAT-T), as far as a
// bind test can tell.
std::uint16_t free_port_pair(asio::io_context& io) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        udp::socket probe(io, udp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0));
        const auto port = probe.local_endpoint().port();
        if (port >= 65535) continue;
        boost::system::error_code ec;
        udp::socket next(io);
        next.open(udp::v4());
        next.bind(udp::endpoint(asio::ip::make_address_v4("127.0.0.1"), port + 1), ec);
        if (!ec) return port;
    }
    return 0;
}

std::string responder_yaml(std::uint16_t port, const std::filesystem::path& dir) {
    return "daemon:\n"
           "  listen: [127.0.0.1]\n"
           "  ports: {ike: " +
           std::to_string(port) + ", natt: " + std::to_string(port + 1) +
           "}\n"
           "  control_socket: " +
           (dir / "ikev2d.sock").string() +
           "\n"
           "  log: {default: warning}\n"
           "  nat_keepalive: 0\n"
           "  crypto_threads: 2\n"
           "secrets:\n"
           "  - ids: [responder.test]\n"
           "    psk: \"" +
           std::string(psk) +
           "\"\n"
           "connections:\n"
           "  gw:\n"
           "    local_addrs: [127.0.0.1]\n"
           "    proposals: [aes128gcm16-prfsha256-x25519]\n"
           "    local: {auth: psk, id: responder.test}\n"
           "    remote: {auth: psk, id: \"%any\"}\n"
           "    children:\n"
           "      c:\n"
           "        esp_proposals: [aes128gcm16]\n";
}

// The initiator: a libike engine behind one UDP socket of its own.
struct initiator {
    initiator(asio::io_context& io, std::uint16_t responder_port)
        : socket(io, udp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0)),
          responder(asio::ip::make_address_v4("127.0.0.1"), responder_port),
          eng({}, rng, psks) {
        psks.add("*", psk);
        std::vector<std::shared_ptr<const ike::ike_sa_config>> conns;
        for (int i = 0; i < initiators; ++i) {
            ike::test::conn_spec spec{.name = "c" + std::to_string(i),
                                      .local_addr = "127.0.0.1",
                                      .remote_addr = "127.0.0.1",
                                      .local_id = "client" + std::to_string(i) + ".test",
                                      .remote_id = "responder.test",
                                      .ike = {"aes128gcm16-prfsha256-x25519"},
                                      .esp = {"aes128gcm16"},
                                      .local_ts = {"127.0.0.1/32"},
                                      .remote_ts = {"127.0.0.1/32"}};
            auto c = ike::test::make_config(spec);
            c->local_port = socket.local_endpoint().port();
            c->remote_port = responder_port;
            conns.push_back(std::move(c));
        }
        eng.set_connections(std::move(conns));
        receive();
    }

    ike::socket_address local() const {
        return {ike::test::ip("127.0.0.1"), socket.local_endpoint().port()};
    }

    void receive() {
        socket.async_receive_from(
            asio::buffer(buffer), sender, [this](boost::system::error_code ec, std::size_t n) {
                if (ec) return;
                const ike::socket_address from{ike::test::ip("127.0.0.1"), sender.port()};
                eng.receive(ike::clock::now(), local(), from, ike::bytes_view(buffer.data(), n));
                drain();
                receive();
            });
    }

    void drain() {
        while (auto o = eng.poll_output()) {
            if (auto* d = std::get_if<ike::send_datagram>(&*o)) {
                socket.send_to(asio::buffer(d->data), responder);
            } else if (auto* i = std::get_if<ike::install_child_sa>(&*o)) {
                eng.on_kernel_result(ike::clock::now(), i->ike, i->child, true, {});
            } else if (auto* e = std::get_if<ike::sa_event>(&*o)) {
                if (e->what == ike::sa_event::kind::ike_up) ++up;
                if (e->what == ike::sa_event::kind::failed) failures += e->reason + "\n";
            }
        }
    }

    udp::socket socket;
    udp::endpoint responder, sender;
    std::array<std::uint8_t, 65536> buffer{};
    ike::deterministic_random rng{0x1c0de};
    ike::test::map_psks psks;
    ike::engine eng;
    int up = 0;
    std::string failures;
};

TEST(event_loop_crypto, responder_with_two_crypto_threads_establishes_every_ike_sa) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("ikev2d-event-loop-crypto-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    asio::io_context io;
    const std::uint16_t port = free_port_pair(io);
    ASSERT_NE(port, 0);
    auto cfg = config::load_config_string(responder_yaml(port, dir), "test.yaml");
    ASSERT_TRUE(cfg) << cfg.error().front().to_string();
    ASSERT_EQ(cfg->daemon.crypto_threads, 2u);
    logging::setup(cfg->daemon.log);
    {
        event_loop loop(io, std::move(*cfg), loop_options{dir / "ikev2d.yaml", dir / "ikev2d.sock"},
                        std::make_unique<null_kernel_backend>(), std::nullopt);
        auto started = loop.start();
        ASSERT_TRUE(started) << started.error();
        EXPECT_EQ(loop.status()["crypto_threads"], 2);

        initiator client(io, port);
        for (int i = 0; i < initiators; ++i)
            ASSERT_TRUE(client.eng.initiate(ike::clock::now(), "c" + std::to_string(i)));
        client.drain();
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (client.up < initiators && client.failures.empty() &&
               std::chrono::steady_clock::now() < deadline)
            io.run_one_for(100ms);

        EXPECT_EQ(client.up, initiators) << client.failures;
        EXPECT_EQ(loop.engine().counters().ike_sas, static_cast<std::uint64_t>(initiators));
        for (const auto& sa : loop.engine().list_sas()) EXPECT_EQ(sa.state, "established");
        const auto status = loop.status();
        EXPECT_EQ(status["counters"]["crypto_jobs"], initiators);
        EXPECT_EQ(status["half_open"], 0);
    }
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ikev2d
