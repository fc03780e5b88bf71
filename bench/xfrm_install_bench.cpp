// xfrm_install_bench: how fast libxfrm installs ESP SAs and IPsec policies.
//
//   xfrm_install_bench --count N --mode single|batched [--batch-size B] [--family 4|6]
//   xfrm_install_bench --count N --mode raw [--chunk M] [--ack all|last] [--family 4|6]
//   xfrm_install_bench --count N [--family 4|6] --emit-ip-batch FILE
//
// Installs N tunnel-mode ESP SAs (rfc4106(gcm(aes)), 128-bit ICV, distinct
// SPIs, one fixed key, reqid i in the owned range) and N out policies
// (distinct /32 or /128 selectors, template with the same reqid), times the
// install phase alone with steady_clock, checks with a dump that exactly N SAs
// and N policies of ours are in the kernel, removes them with flush_owned(),
// and prints one line:
//
//   mode=batched family=4 count=10000 batch_size=10000 seconds=0.123 per_second=162601 ...
//
// per_second counts SAs and policies together (2N objects / seconds).
//   single   one kernel_backend::add_sa()/add_policy() call per object.
//   batched  kernel_backend::apply() with B changes per call (default: all N
//            SAs in one call, then all N policies in one call).
//   raw      not libxfrm's I/O: the same messages (libxfrm's builders) sent on
//            a plain NETLINK_XFRM socket, M per sendmsg, each with NLM_F_ACK
//            (--ack all, what libxfrm does) or only the last of each sendmsg
//            (--ack last). An experiment to measure what a change to
//            netlink_channel would gain; it also splits the time into sendmsg
//            (the kernel installs while sendmsg runs) and reading the answers,
//            and reports the (untimed) cost of building the messages.
// --emit-ip-batch writes the same set as `ip -batch` lines (xfrm state add /
// xfrm policy add) and exits, so bench/xfrm-install times iproute2 on
// exactly what this program installs.
//
// Needs CAP_NET_ADMIN and a kernel with ESP: run it in the kernel lab
// (bench/xfrm-install does); outside a guest (LAB_GUEST unset) it refuses to
// run unless given --allow-host. Exit status: 0 ok, 1 failed or wrong count, 2 usage.
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libxfrm/netlink_backend.hpp"
#include "libxfrm/xfrm_policy_msg.hpp"
#include "libxfrm/xfrm_sa_msg.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

constexpr std::uint32_t reqid_base = 0x10000;
constexpr std::size_t max_count = 1u << 22;  // fits 10.128.0.0/10 and the reqid range
constexpr std::uint32_t spi_base = 0xc0000000;
constexpr const char* aead_name = "rfc4106(gcm(aes))";
constexpr std::uint32_t icv_bits = 128;
constexpr std::size_t key_bytes = 20;  // AES-128 key + 4-byte salt

enum class run_mode { single, batched, raw };

struct options {
    std::size_t count = 1000;
    run_mode mode = run_mode::batched;
    std::size_t batch_size = 0;  // 0 = all
    int family = 4;
    std::size_t chunk = 64;  // raw: messages per sendmsg
    bool ack_all = true;     // raw: NLM_F_ACK on every message
    std::string emit_ip_batch;
    bool allow_host = false;
};

void usage() {
    std::fprintf(
        stderr,
        "usage: xfrm_install_bench --count N --mode single|batched|raw [--batch-size B]\n"
        "                          [--chunk M] [--ack all|last] [--family 4|6] [--allow-host]\n"
        "       xfrm_install_bench --count N [--family 4|6] --emit-ip-batch FILE\n");
}

std::optional<std::size_t> parse_size(std::string_view text) {
    std::size_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

std::optional<options> parse_args(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--allow-host") {
            o.allow_host = true;
            continue;
        }
        if (i + 1 >= argc) return std::nullopt;
        std::string_view val = argv[++i];
        std::optional<std::size_t> n;
        if (arg == "--count" && (n = parse_size(val)) && *n > 0 && *n <= max_count) {
            o.count = *n;
        } else if (arg == "--mode" && val == "single") {
            o.mode = run_mode::single;
        } else if (arg == "--mode" && val == "batched") {
            o.mode = run_mode::batched;
        } else if (arg == "--mode" && val == "raw") {
            o.mode = run_mode::raw;
        } else if (arg == "--batch-size" && (n = parse_size(val)) && *n > 0) {
            o.batch_size = *n;
        } else if (arg == "--chunk" && (n = parse_size(val)) && *n > 0) {
            o.chunk = *n;
        } else if (arg == "--ack" && (val == "all" || val == "last")) {
            o.ack_all = val == "all";
        } else if (arg == "--family" && (val == "4" || val == "6")) {
            o.family = val == "4" ? 4 : 6;
        } else if (arg == "--emit-ip-batch" && !val.empty()) {
            o.emit_ip_batch = std::string(val);
        } else {
            return std::nullopt;
        }
    }
    if (o.batch_size == 0 || o.batch_size > o.count) o.batch_size = o.count;
    return o;
}

// ---- the set: one definition for libxfrm and for the ip -batch file ----------

struct endpoints {
    xfrm::ip_address local;
    xfrm::ip_address peer;
    xfrm::ip_address sel_src;
};

endpoints endpoints_for(int family) {
    if (family == 6)
        return {*xfrm::ip_address::parse("2001:db8::1"), *xfrm::ip_address::parse("2001:db8::2"),
                *xfrm::ip_address::parse("fd01::1")};
    return {*xfrm::ip_address::parse("192.0.2.1"), *xfrm::ip_address::parse("192.0.2.2"),
            *xfrm::ip_address::parse("10.1.0.1")};
}

// Destination of policy i: 10.128.0.0 + i, or fd02::<i>.
xfrm::ip_address policy_dst(int family, std::size_t i) {
    xfrm::ip_address a =
        *xfrm::ip_address::parse(family == 6 ? std::string_view("fd02::") : "10.128.0.0");
    std::size_t last = family == 6 ? 15 : 3;
    std::uint32_t v = static_cast<std::uint32_t>(i);
    std::uint32_t base = (std::uint32_t{a.octets[last - 3]} << 24) |
                         (std::uint32_t{a.octets[last - 2]} << 16) |
                         (std::uint32_t{a.octets[last - 1]} << 8) | a.octets[last];
    v += base;
    for (int k = 0; k < 4; ++k) a.octets[last - k] = static_cast<std::uint8_t>(v >> (8 * k));
    return a;
}

ike::secret fixed_key() {
    ike::secret k(key_bytes);
    for (std::size_t i = 0; i < key_bytes; ++i) k.data()[i] = static_cast<std::uint8_t>(i + 1);
    return k;
}

xfrm::sa_config make_sa(const endpoints& ep, std::size_t i, const ike::secret& key) {
    xfrm::sa_config sa;
    sa.src = ep.local;
    sa.dst = ep.peer;
    sa.spi = spi_base + static_cast<std::uint32_t>(i);
    sa.mode = xfrm::mode::tunnel;
    sa.direction = xfrm::sa_direction::outbound;  // no replay window, as ip's default
    sa.reqid = reqid_base + static_cast<std::uint32_t>(i);
    sa.aead = xfrm::aead_algorithm{aead_name, icv_bits, key};
    return sa;
}

xfrm::policy_config make_policy(const endpoints& ep, int family, std::size_t i) {
    xfrm::policy_config p;
    p.sel = xfrm::selector::host_pair(ep.sel_src, policy_dst(family, i));
    p.direction = xfrm::direction::out;
    p.templates.push_back(xfrm::policy_template{ep.local, ep.peer, xfrm::proto_esp,
                                                xfrm::mode::tunnel,
                                                reqid_base + static_cast<std::uint32_t>(i)});
    return p;
}

xfrm::ownership bench_ownership() {
    return xfrm::ownership{reqid_base, reqid_base + static_cast<std::uint32_t>(max_count) - 1};
}

std::string hex(const ike::secret& key) {
    std::string out = "0x";
    char buf[3];
    for (std::size_t i = 0; i < key.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%02x", key.data()[i]);
        out += buf;
    }
    return out;
}

int emit_ip_batch(const options& o) {
    std::ofstream out(o.emit_ip_batch);
    if (!out) {
        std::fprintf(stderr, "cannot write %s\n", o.emit_ip_batch.c_str());
        return 1;
    }
    endpoints ep = endpoints_for(o.family);
    ike::secret key = fixed_key();
    std::string key_text = hex(key);
    unsigned prefix = o.family == 6 ? 128 : 32;
    char spi[16];
    for (std::size_t i = 0; i < o.count; ++i) {
        xfrm::sa_config sa = make_sa(ep, i, key);
        std::snprintf(spi, sizeof spi, "0x%08x", sa.spi);
        out << "xfrm state add src " << sa.src.to_string() << " dst " << sa.dst.to_string()
            << " proto esp spi " << spi << " reqid " << sa.reqid << " mode tunnel aead "
            << aead_name << ' ' << key_text << ' ' << icv_bits << '\n';
    }
    for (std::size_t i = 0; i < o.count; ++i) {
        xfrm::policy_config p = make_policy(ep, o.family, i);
        const auto& t = p.templates.front();
        out << "xfrm policy add src " << p.sel.src.to_string() << '/' << prefix << " dst "
            << p.sel.dst.to_string() << '/' << prefix << " dir out tmpl src " << t.src.to_string()
            << " dst " << t.dst.to_string() << " proto esp reqid " << t.reqid << " mode tunnel\n";
    }
    out.close();
    if (!out) {
        std::fprintf(stderr, "writing %s failed\n", o.emit_ip_batch.c_str());
        return 1;
    }
    return 0;
}

// ---- libxfrm runs -------------------------------------------------------------

struct run_result {
    double sa_seconds = 0;
    double policy_seconds = 0;
    double send_seconds = 0;   // raw only
    double recv_seconds = 0;   // raw only
    double build_seconds = 0;  // raw only: building the messages, not in `seconds`
    std::size_t failures = 0;
    std::string first_error;
};

double seconds_between(clock_type::time_point a, clock_type::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

void note(run_result& r, const std::expected<void, xfrm::kernel_error>& res) {
    if (res) return;
    if (r.failures++ == 0) r.first_error = res.error().message();
}

void apply_in_batches(xfrm::kernel_backend& backend, std::span<const xfrm::kernel_change> all,
                      std::size_t batch, run_result& r) {
    for (std::size_t begin = 0; begin < all.size(); begin += batch) {
        auto part = all.subspan(begin, std::min(batch, all.size() - begin));
        for (const auto& res : backend.apply(part)) note(r, res);
    }
}

run_result run_libxfrm(xfrm::kernel_backend& backend, const options& o,
                       const std::vector<xfrm::sa_config>& sas,
                       const std::vector<xfrm::policy_config>& policies) {
    run_result r;
    if (o.mode == run_mode::single) {
        auto t0 = clock_type::now();
        for (const auto& sa : sas) note(r, backend.add_sa(sa));
        auto t1 = clock_type::now();
        for (const auto& p : policies) note(r, backend.add_policy(p));
        auto t2 = clock_type::now();
        r.sa_seconds = seconds_between(t0, t1);
        r.policy_seconds = seconds_between(t1, t2);
        return r;
    }
    // Building the change lists copies the configs: done before the clock starts.
    std::vector<xfrm::kernel_change> sa_changes, policy_changes;
    sa_changes.reserve(sas.size());
    policy_changes.reserve(policies.size());
    for (const auto& sa : sas) sa_changes.emplace_back(xfrm::sa_add{sa});
    for (const auto& p : policies) policy_changes.emplace_back(xfrm::policy_add{p});
    auto t0 = clock_type::now();
    apply_in_batches(backend, sa_changes, o.batch_size, r);
    auto t1 = clock_type::now();
    apply_in_batches(backend, policy_changes, o.batch_size, r);
    auto t2 = clock_type::now();
    r.sa_seconds = seconds_between(t0, t1);
    r.policy_seconds = seconds_between(t1, t2);
    return r;
}

// ---- raw: the same messages, own socket, configurable acks ---------------------

class raw_socket {
  public:
    raw_socket() : fd_(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM)) {}
    raw_socket(const raw_socket&) = delete;
    raw_socket& operator=(const raw_socket&) = delete;
    ~raw_socket() {
        if (fd_ >= 0) close(fd_);
    }
    int fd() const { return fd_; }

  private:
    int fd_;
};

std::optional<std::string> configure_raw(int fd) {
    sockaddr_nl sa{};
    sa.nl_family = AF_NETLINK;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0)
        return std::string("socket/bind: ") + std::strerror(errno);
    int one = 1, rcvbuf = 1 << 20, sndbuf = 4 << 20;
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    // A sendmsg larger than SO_SNDBUF fails with EMSGSIZE: room for big chunks.
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) < 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    return std::nullopt;
}

// Sends `msgs` (already stamped) in chunks; reads answers until the ack of each
// chunk's last message, which the kernel sends after processing all of it.
void raw_send_all(int fd, std::vector<xfrm::nl_message>& msgs, const options& o, std::uint32_t& seq,
                  run_result& r) {
    std::vector<std::uint8_t> wire;
    std::vector<std::uint8_t> buf(256 * 1024);
    for (std::size_t begin = 0; begin < msgs.size(); begin += o.chunk) {
        std::size_t end = std::min(msgs.size(), begin + o.chunk);
        wire.clear();
        std::uint32_t last_seq = 0;
        for (std::size_t i = begin; i < end; ++i) {
            nlmsghdr* h = msgs[i].header();
            h->nlmsg_seq = last_seq = seq++;
            h->nlmsg_pid = 0;
            if (o.ack_all || i + 1 == end)
                h->nlmsg_flags |= NLM_F_ACK;
            else
                h->nlmsg_flags &= static_cast<std::uint16_t>(~NLM_F_ACK);
            wire.insert(wire.end(), msgs[i].view().begin(), msgs[i].view().end());
        }
        sockaddr_nl kernel{};
        kernel.nl_family = AF_NETLINK;
        auto t0 = clock_type::now();
        ssize_t sent = sendto(fd, wire.data(), wire.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
                              sizeof kernel);
        auto t1 = clock_type::now();
        r.send_seconds += seconds_between(t0, t1);
        if (sent < 0) {
            r.failures += end - begin;
            if (r.first_error.empty())
                r.first_error = std::string("sendto: ") + std::strerror(errno);
            continue;
        }
        bool done = false;
        while (!done) {
            ssize_t n = recv(fd, buf.data(), buf.size(), 0);
            if (n < 0) {
                r.failures += 1;
                if (r.first_error.empty())
                    r.first_error = std::string("recv: ") + std::strerror(errno);
                break;
            }
            int left = static_cast<int>(n);
            for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, left);
                 h = NLMSG_NEXT(h, left)) {
                if (h->nlmsg_type != NLMSG_ERROR) continue;
                const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
                if (err->error != 0 && r.failures++ == 0)
                    r.first_error = std::string("kernel: ") + std::strerror(-err->error);
                if (h->nlmsg_seq == last_seq) done = true;
            }
        }
        r.recv_seconds += seconds_between(t1, clock_type::now());
    }
}

run_result run_raw(const options& o, const std::vector<xfrm::sa_config>& sas,
                   const std::vector<xfrm::policy_config>& policies) {
    run_result r;
    raw_socket sock;
    if (auto err = configure_raw(sock.fd())) {
        r.failures = 2 * o.count;
        r.first_error = *err;
        return r;
    }
    std::vector<xfrm::nl_message> sa_msgs, policy_msgs;
    auto b0 = clock_type::now();
    for (const auto& sa : sas) sa_msgs.push_back(xfrm::build_new_sa(sa));
    for (const auto& p : policies) policy_msgs.push_back(xfrm::build_new_policy(p));
    r.build_seconds = seconds_between(b0, clock_type::now());
    std::uint32_t seq = 1;
    auto t0 = clock_type::now();
    raw_send_all(sock.fd(), sa_msgs, o, seq, r);
    auto t1 = clock_type::now();
    raw_send_all(sock.fd(), policy_msgs, o, seq, r);
    auto t2 = clock_type::now();
    r.sa_seconds = seconds_between(t0, t1);
    r.policy_seconds = seconds_between(t1, t2);
    return r;
}

// ---- verification ---------------------------------------------------------------

bool in_set(std::uint32_t reqid, std::size_t count) {
    return reqid >= reqid_base && reqid - reqid_base < count;
}

// Counts our SAs and out policies in the kernel; nullopt (with a message) if a dump fails.
std::optional<std::pair<std::size_t, std::size_t>> count_installed(xfrm::netlink_backend& backend,
                                                                   std::size_t count) {
    auto sas = backend.list_sas();
    if (!sas) {
        std::fprintf(stderr, "SA dump failed: %s\n", sas.error().message().c_str());
        return std::nullopt;
    }
    auto policies = backend.list_policies();
    if (!policies) {
        std::fprintf(stderr, "policy dump failed: %s\n", policies.error().message().c_str());
        return std::nullopt;
    }
    std::size_t n_sa = 0, n_pol = 0;
    for (const auto& sa : *sas)
        if (in_set(sa.reqid, count) && sa.spi >= spi_base) ++n_sa;
    for (const auto& p : *policies)
        if (p.config.direction == xfrm::direction::out && p.config.templates.size() == 1 &&
            in_set(p.config.templates.front().reqid, count))
            ++n_pol;
    return std::pair{n_sa, n_pol};
}

const char* mode_name(const options& o) {
    switch (o.mode) {
        case run_mode::single:
            return "single";
        case run_mode::batched:
            return "batched";
        case run_mode::raw:
            return o.ack_all ? "raw-ack-all" : "raw-ack-last";
    }
    return "?";
}

}  // namespace

int main(int argc, char** argv) {
    auto parsed = parse_args(argc, argv);
    if (!parsed) {
        usage();
        return 2;
    }
    const options& o = *parsed;
    if (!o.emit_ip_batch.empty()) return emit_ip_batch(o);
    // It installs thousands of policies in the current network namespace:
    // only in a throwaway lab guest unless told otherwise.
    if (!std::getenv("LAB_GUEST") && !o.allow_host) {
        std::fprintf(stderr,
                     "xfrm_install_bench: not in a lab guest (LAB_GUEST unset); run it through "
                     "bench/xfrm-install, or pass --allow-host to install in this namespace\n");
        return 2;
    }

    auto backend = xfrm::netlink_backend::open(bench_ownership());
    if (!backend) {
        std::fprintf(stderr, "opening NETLINK_XFRM: %s\n", backend.error().message().c_str());
        return 1;
    }
    // Start from a clean slate (leftovers of an aborted run would collide).
    if (auto pre = backend->flush_owned(); !pre) {
        std::fprintf(stderr, "flush before the run failed: %s\n", pre.error().message().c_str());
        return 1;
    }

    endpoints ep = endpoints_for(o.family);
    ike::secret key = fixed_key();
    std::vector<xfrm::sa_config> sas;
    std::vector<xfrm::policy_config> policies;
    sas.reserve(o.count);
    policies.reserve(o.count);
    for (std::size_t i = 0; i < o.count; ++i) {
        sas.push_back(make_sa(ep, i, key));
        policies.push_back(make_policy(ep, o.family, i));
    }

    run_result r = o.mode == run_mode::raw ? run_raw(o, sas, policies)
                                           : run_libxfrm(*backend, o, sas, policies);

    // Verify before flushing, so a broken run is reported, not timed.
    auto installed = count_installed(*backend, o.count);
    auto flushed = backend->flush_owned();

    double seconds = r.sa_seconds + r.policy_seconds;
    double objects = 2.0 * static_cast<double>(o.count);
    double n = static_cast<double>(o.count);
    std::printf(
        "mode=%s family=%d count=%zu batch_size=%zu seconds=%.6f per_second=%.0f "
        "sa_seconds=%.6f sa_per_second=%.0f policy_seconds=%.6f policy_per_second=%.0f",
        mode_name(o), o.family, o.count, o.mode == run_mode::batched ? o.batch_size : 1, seconds,
        objects / seconds, r.sa_seconds, n / r.sa_seconds, r.policy_seconds, n / r.policy_seconds);
    if (o.mode == run_mode::raw)
        std::printf(" chunk=%zu send_seconds=%.6f recv_seconds=%.6f build_seconds=%.6f", o.chunk,
                    r.send_seconds, r.recv_seconds, r.build_seconds);
    bool ok = r.failures == 0 && installed && installed->first == o.count &&
              installed->second == o.count && flushed && flushed->failures.empty();
    std::printf(" installed_sas=%zu installed_policies=%zu failures=%zu ok=%d\n",
                installed ? installed->first : 0, installed ? installed->second : 0, r.failures,
                ok ? 1 : 0);
    if (r.failures != 0)
        std::fprintf(stderr, "%zu installs failed; first: %s\n", r.failures, r.first_error.c_str());
    if (!flushed)
        std::fprintf(stderr, "flush_owned failed: %s\n", flushed.error().message().c_str());
    else if (!flushed->failures.empty())
        std::fprintf(stderr, "flush_owned left %zu objects; first: %s\n", flushed->failures.size(),
                     flushed->failures.front().message().c_str());
    return ok ? 0 : 1;
}
