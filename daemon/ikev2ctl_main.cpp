// ikev2ctl: the operator's CLI for ikev2d over its control socket. The
// commands arrive with the daemon issue; today it answers --version and --help.
#include <cstdio>
#include <cstring>

#include "daemon/version.hpp"

namespace {
void usage(std::FILE* out) {
    std::fprintf(out,
                 "Usage: ikev2ctl [--socket PATH] [--json] COMMAND\n"
                 "Controls and inspects a running ikev2d.\n"
                 "  --version  print the version and exit\n"
                 "  --help     print this help and exit\n");
}
}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--version")) {
            std::printf("ikev2ctl %s\n", ikev2d::version);
            return 0;
        }
        if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        }
    }
    usage(stderr);
    return 2;
}
