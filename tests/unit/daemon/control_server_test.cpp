// A loopback test of the control socket: the server on an io_context thread
// with a fake handler, ikev2ctl's client calling it over a real Unix socket.
#include "daemon/control_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <future>
#include <thread>

#include "daemon/control_client.hpp"

namespace ikev2d::control {
namespace {

namespace fs = std::filesystem;

handler_result fake_result(const request& req) {
    if (req.cmd == command::initiate) {
        if (req.conn == "missing") return std::unexpected("no connection named 'missing'");
        return nlohmann::json{{"ike", 42}, {"conn", req.conn}};
    }
    // A list as long as one of some thousands of IKE_SAs.
    if (req.cmd == command::list_sas) return nlohmann::json{{"big", std::string(3 << 20, 'x')}};
    return nlohmann::json{{"cmd", std::string(command_name(req.cmd))}};
}

void fake_handler(const request& req, reply_fn reply) {
    reply(fake_result(req));
}

class control_server_test : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ikev2d-ctl-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        path_ = dir_ / "sub" / "ikev2d.sock";
        auto server = control_server::open(io_, path_, fake_handler);
        ASSERT_TRUE(server) << server.error();
        server_ = std::move(*server);
        thread_ = std::thread([this] { io_.run(); });
    }
    void TearDown() override {
        boost::asio::post(io_, [this] { server_.reset(); });
        work_.reset();
        io_.stop();
        if (thread_.joinable()) thread_.join();
        fs::remove_all(dir_);
    }

    /// Sends raw bytes and returns the first response line.
    std::string raw_exchange(const std::string& bytes) {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un sun{};
        sun.sun_family = AF_UNIX;
        std::snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path_.c_str());
        EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun), 0);
        EXPECT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(bytes.size()));
        std::string line;
        char c = 0;
        while (::recv(fd, &c, 1, 0) == 1 && c != '\n') line.push_back(c);
        ::close(fd);
        return line;
    }

    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
        boost::asio::make_work_guard(io_);
    fs::path dir_, path_;
    std::unique_ptr<control_server> server_;
    std::thread thread_;
};

TEST_F(control_server_test, socket_is_private) {
    struct stat st {};
    ASSERT_EQ(::stat(path_.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(path_.parent_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(control_server_test, answers_requests_through_the_client) {
    request req;
    req.cmd = command::initiate;
    req.conn = "a-to-b";
    const auto resp = call(path_, req);
    ASSERT_TRUE(resp) << resp.error().message;
    EXPECT_TRUE(resp->ok);
    EXPECT_EQ(resp->body["ike"], 42);
    EXPECT_EQ(resp->body["v"], 1);
}

TEST_F(control_server_test, answers_of_megabytes_reach_the_client) {
    request req;
    req.cmd = command::list_sas;
    const auto resp = call(path_, req);
    ASSERT_TRUE(resp) << resp.error().message;
    EXPECT_EQ(resp->body["big"].get<std::string>().size(), 3u << 20);
}

TEST_F(control_server_test, handler_errors_become_error_responses) {
    request req;
    req.cmd = command::initiate;
    req.conn = "missing";
    const auto resp = call(path_, req);
    ASSERT_TRUE(resp);
    EXPECT_FALSE(resp->ok);
    EXPECT_EQ(resp->error, "no connection named 'missing'");
}

TEST_F(control_server_test, malformed_lines_get_error_responses) {
    EXPECT_EQ(raw_exchange("hello\n"), R"({"error":"request is not valid JSON","ok":false,"v":1})");
    EXPECT_EQ(
        raw_exchange("{\"v\":7,\"cmd\":\"status\"}\r\n"),
        R"j({"error":"unsupported protocol version 7 (this daemon speaks 1)","ok":false,"v":1})j");
}

TEST_F(control_server_test, several_requests_on_one_connection) {
    const auto first =
        raw_exchange("\n{\"v\":1,\"cmd\":\"status\"}\n{\"v\":1,\"cmd\":\"reload\"}\n");
    EXPECT_EQ(first, R"({"cmd":"status","ok":true,"v":1})");
}

TEST_F(control_server_test, overlong_line_is_refused) {
    const auto line = raw_exchange(std::string(max_line_length + 10, 'x'));
    EXPECT_EQ(line, R"({"error":"request line too long","ok":false,"v":1})");
}

TEST_F(control_server_test, second_server_on_a_live_socket_is_refused) {
    std::promise<std::string> result;
    boost::asio::post(io_, [&] {
        auto other = control_server::open(io_, path_, fake_handler);
        result.set_value(other ? std::string("opened") : other.error());
    });
    EXPECT_NE(result.get_future().get().find("another ikev2d is listening"), std::string::npos);
}

// A handler may answer later (an initiate waiting for its IKE_SA): the
// client gets that answer, and the session then serves the next request.
TEST(control_server, deferred_reply_reaches_the_client) {
    const auto dir = fs::temp_directory_path() / ("ikev2d-later-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    boost::asio::steady_timer later(io);
    auto handler = [&](const request& req, reply_fn reply) {
        if (req.cmd != command::initiate) return reply(fake_result(req));
        later.expires_after(std::chrono::milliseconds(200));
        later.async_wait([reply](boost::system::error_code) {
            reply(nlohmann::json{{"ike", 7}, {"children", nlohmann::json::array()}});
        });
    };
    auto server = control_server::open(io, dir / "s.sock", handler);
    ASSERT_TRUE(server) << server.error();
    std::thread t([&] { io.run(); });
    request req;
    req.cmd = command::initiate;
    req.conn = "a-to-b";
    req.wait_seconds = 5;
    const auto start = std::chrono::steady_clock::now();
    const auto resp = call(dir / "s.sock", req);
    ASSERT_TRUE(resp) << resp.error().message;
    EXPECT_TRUE(resp->ok);
    EXPECT_EQ(resp->body["ike"], 7);
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
    boost::asio::post(io, [&] { server->reset(); });
    work.reset();
    t.join();
    fs::remove_all(dir);
}

TEST(control_client, unreachable_daemon_is_reported_as_such) {
    request req;
    const auto resp = call("/nonexistent/ikev2d.sock", req);
    ASSERT_FALSE(resp);
    EXPECT_EQ(resp.error().what, client_error::kind::unreachable);
}

TEST(control_server, stale_socket_file_is_replaced) {
    const auto dir = fs::temp_directory_path() / ("ikev2d-stale-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto path = dir / "s.sock";
    {  // a socket file nobody listens on, as a crashed daemon leaves it
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un sun{};
        sun.sun_family = AF_UNIX;
        std::snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path.c_str());
        ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun), 0);
        ::close(fd);
    }
    boost::asio::io_context io;
    auto server = control_server::open(io, path, fake_handler);
    EXPECT_TRUE(server) << (server ? "" : server.error());
    server->reset();
    EXPECT_FALSE(fs::exists(path));
    fs::remove_all(dir);
}

}  // namespace
}  // namespace ikev2d::control
