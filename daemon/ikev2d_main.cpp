// ikev2d: the IKEv2 keying daemon. The event loop, sockets and configuration
// arrive with the daemon issue; today the program answers --version and --help.
#include <cstdio>
#include <cstring>

#include "daemon/version.hpp"

namespace {
void usage(std::FILE* out) {
    std::fprintf(out,
                 "Usage: ikev2d [--config FILE] [--check-config FILE] [--version] [--help]\n"
                 "IKEv2 keying daemon for Linux (RFC 7296), programming the kernel over "
                 "Netlink/XFRM.\n"
                 "  --config FILE        configuration (default /etc/ikev2d/ikev2d.yaml)\n"
                 "  --check-config FILE  validate a configuration and exit\n"
                 "  --version            print the version and exit\n"
                 "  --help               print this help and exit\n");
}
}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--version")) {
            std::printf("ikev2d %s\n", ikev2d::version);
            return 0;
        }
        if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        }
    }
    std::fprintf(stderr, "ikev2d: the daemon is not implemented yet in this version\n");
    usage(stderr);
    return 2;
}
