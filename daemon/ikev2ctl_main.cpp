// ikev2ctl: the operator's CLI for ikev2d over its control socket. Exit codes
// are documented in --help (ctl_commands.hpp).
#include <chrono>
#include <cstdio>
#include <string_view>
#include <vector>

#include "daemon/control_client.hpp"
#include "daemon/ctl_commands.hpp"
#include "daemon/ctl_tables.hpp"
#include "daemon/version.hpp"

namespace {

using ikev2d::ctl::exit_code;

int code(exit_code c) {
    return static_cast<int>(c);
}

int run(const ikev2d::ctl::invocation& inv) {
    // An initiate that waits for its outcome answers after up to that long.
    const auto timeout = std::chrono::seconds(30) + std::chrono::seconds(inv.request.wait_seconds);
    auto resp = ikev2d::control::call(inv.socket, inv.request, timeout);
    if (!resp) {
        std::fprintf(stderr, "ikev2ctl: %s\n", resp.error().message.c_str());
        return code(exit_code::unreachable);
    }
    if (inv.json) {
        std::printf("%s\n", resp->body.dump().c_str());
    } else if (resp->ok) {
        std::fputs(ikev2d::ctl::format_response(inv.request.cmd, resp->body).c_str(), stdout);
    }
    if (!resp->ok) {
        std::fprintf(stderr, "ikev2ctl: %s\n", resp->error.c_str());
        return code(exit_code::failed);
    }
    return code(exit_code::ok);
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    const auto inv = ikev2d::ctl::parse_command_line(args);
    if (!inv) {
        std::fprintf(stderr, "ikev2ctl: %s\nTry 'ikev2ctl --help'.\n", inv.error().c_str());
        return code(exit_code::usage);
    }
    if (inv->help) {
        std::fputs(ikev2d::ctl::usage_text().c_str(), stdout);
        return code(exit_code::ok);
    }
    if (inv->version) {
        std::printf("ikev2ctl %s\n", ikev2d::version);
        return code(exit_code::ok);
    }
    return run(*inv);
}
