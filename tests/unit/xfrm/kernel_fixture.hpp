#pragma once
// Host-kernel tests: each test enters a fresh private network namespace
// (unshare(CLONE_NEWNET)), so the XFRM state it creates is invisible to the
// host and vanishes with the namespace. iproute2, run inside the same
// namespace, is the independent reader of what the kernel holds.
#include <gtest/gtest.h>
#include <sched.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "libxfrm/netlink_backend.hpp"

namespace xfrm_test {

/// Runs a shell command, returns its stdout (stderr goes to the test log).
inline std::string run(const std::string& cmd) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
    return out;
}

/// `ip xfrm policy|state list` split into blocks (one per object): each block
/// is its lines joined by single spaces, whitespace-trimmed.
inline std::vector<std::string> ip_blocks(const std::string& what) {
    std::istringstream in(run("ip xfrm " + what + " list"));
    std::vector<std::string> blocks;
    std::string line;
    while (std::getline(in, line)) {
        bool continuation = !line.empty() && (line[0] == ' ' || line[0] == '\t');
        std::size_t b = line.find_first_not_of(" \t");
        std::size_t e = line.find_last_not_of(" \t");
        if (b == std::string::npos) continue;
        std::string trimmed = line.substr(b, e - b + 1);
        if (!continuation || blocks.empty())
            blocks.push_back(trimmed);
        else
            blocks.back() += " " + trimmed;
    }
    return blocks;
}

/// The one block that contains every string in `parts`; "" if none, "<ambiguous>" if several.
inline std::string find_block(const std::vector<std::string>& blocks,
                              const std::vector<std::string>& parts) {
    std::string found;
    int hits = 0;
    for (const auto& b : blocks) {
        bool all = true;
        for (const auto& p : parts) all = all && b.find(p) != std::string::npos;
        if (all) {
            found = b;
            ++hits;
        }
    }
    return hits > 1 ? "<ambiguous>" : found;
}

/// Our test ownership: reqids 1000-1999, bypass priorities 500-599.
inline xfrm::ownership test_ownership() {
    return xfrm::ownership{1000, 1999, 500, 599};
}

/// Base fixture: fresh namespace and a backend in it.
class kernel_test : public ::testing::Test {
  protected:
    void SetUp() override {
        if (unshare(CLONE_NEWNET) != 0)
            GTEST_SKIP() << "cannot create a private network namespace (needs root/CAP_SYS_ADMIN)";
        auto b = xfrm::netlink_backend::open(test_ownership());
        ASSERT_TRUE(b) << b.error().message();
        backend_.emplace(std::move(*b));
    }
    xfrm::netlink_backend& backend() { return *backend_; }

    std::optional<xfrm::netlink_backend> backend_;
};

}  // namespace xfrm_test
