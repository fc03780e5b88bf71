// xfrm_lab_tool: drives libxfrm from kernel-lab scripts (tests/kernel/xfrm_datapath.sh).
// Run it inside a namespace (ip netns exec NS xfrm_lab_tool ...). Everything it
// installs goes through xfrm::netlink_backend, tagged with lab_ownership(); the
// scripts cross-check it with iproute2.
//
//   install-pair --mode tunnel|transport --local A --remote B
//                [--local-net CIDR --remote-net CIDR] --spi-out X --spi-in Y
//                --alg gcm|cbc-sha256|chacha [--encap LOCAL_PORT:REMOTE_PORT]
//                [--soft-packets N] [--soft-seconds N] [--priority P] --reqid R
//                [--no-sa] [--no-policy]
//       The outbound SA (local -> remote, SPI X) and the inbound SA (remote ->
//       local, SPI Y), and the out/in/fwd policies (in/out only in transport
//       mode) whose templates carry reqid R, in ONE apply() batch. Prints one
//       line per object. --no-sa: policies only (for ACQUIREs).
//   usage --spi X --dst ADDR [--spi X --dst ADDR]...
//       get_sa() usage of each SA, one line each, in the format of lab.sh's
//       lab_xfrm_counters:  SPI SRC DST PACKETS BYTES  (SPI as 0x%08x).
//   watch [--count N] [--timeout S]
//       Prints "ready", then one line per XFRM event until N events (default 1)
//       or S seconds (default 10; exit 3):
//         acquire src A dst B proto esp reqid R dir out policy I seq Q sel src S/P dst D/P proto N
//         sport S dport D expire soft|hard spi 0x... src A dst B reqid R packets N bytes M
//         polexpire soft|hard dir out index I sel src S/P dst D/P proto N sport S dport D
//         mapping spi 0x... dst A reqid R old A:P new A:P
//         overflow
//   flush-owned
//       flush_owned(): prints "flush-owned: policies N sas M larval L failures F".
//   list
//       list_sas()/list_policies(), each line prefixed by "ours" or "foreign".
//   natt-socket [PORT...]
//       Holds UDP sockets (IPv4, and IPv6 if possible) on PORT (4500) with
//       UDP_ENCAP_ESPINUDP, prints "ready PORT...", and sleeps until killed.
//
// Exit status: 0 ok, 1 a libxfrm/kernel error (printed with its message),
// 2 bad usage, 3 watch timed out.
#include <arpa/inet.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "libike/common/bytes.hpp"
#include "libike/common/secret.hpp"
#include "libxfrm/event_socket.hpp"
#include "libxfrm/netlink_backend.hpp"
#include "libxfrm/ownership.hpp"

namespace {

/// The reqids (and bypass priorities) the lab tool owns; the same for every
/// subcommand, so flush-owned finds what install-pair made. Reqids outside it
/// (foreign state the scripts add with ip xfrm) must survive flush-owned.
xfrm::ownership lab_ownership() {
    return xfrm::ownership{
        .reqid_min = 100, .reqid_max = 199, .bypass_priority_min = 900, .bypass_priority_max = 999};
}

struct usage_error {
    std::string what;
};

// ---- arguments ------------------------------------------------------------------

/// "--name value" pairs in order (flags without a value get ""); repeatable.
struct options {
    std::vector<std::pair<std::string, std::string>> items;

    std::optional<std::string> get(std::string_view name) const {
        std::optional<std::string> out;
        for (const auto& [k, v] : items)
            if (k == name) out = v;
        return out;
    }
    std::string need(std::string_view name) const {
        auto v = get(name);
        if (!v) throw usage_error{"missing --" + std::string(name)};
        return *v;
    }
    bool has(std::string_view name) const { return get(name).has_value(); }
    std::vector<std::string> all(std::string_view name) const {
        std::vector<std::string> out;
        for (const auto& [k, v] : items)
            if (k == name) out.push_back(v);
        return out;
    }
};

options parse_options(int argc, char** argv, int first, const std::vector<std::string>& flags) {
    options out;
    for (int i = first; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (!arg.starts_with("--")) throw usage_error{"unexpected argument " + std::string(arg)};
        std::string name(arg.substr(2));
        bool is_flag = false;
        for (const auto& f : flags) is_flag = is_flag || f == name;
        if (is_flag) {
            out.items.emplace_back(name, "");
            continue;
        }
        if (i + 1 >= argc) throw usage_error{"--" + name + " needs a value"};
        out.items.emplace_back(name, argv[++i]);
    }
    return out;
}

std::uint64_t parse_number(const std::string& text, const char* what) {
    if (text.empty()) throw usage_error{std::string("empty ") + what};
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(text.c_str(), &end, 0);
    if (errno != 0 || *end != '\0') throw usage_error{std::string("bad ") + what + ": " + text};
    return v;
}

std::uint32_t parse_u32(const std::string& text, const char* what) {
    auto v = parse_number(text, what);
    if (v > 0xffffffffULL) throw usage_error{std::string(what) + " out of range: " + text};
    return static_cast<std::uint32_t>(v);
}

std::uint16_t parse_port(const std::string& text) {
    auto v = parse_number(text, "port");
    if (v == 0 || v > 0xffff) throw usage_error{"bad port: " + text};
    return static_cast<std::uint16_t>(v);
}

xfrm::ip_address parse_address(const std::string& text) {
    auto a = xfrm::ip_address::parse(text);
    if (!a) throw usage_error{"bad address: " + text};
    return *a;
}

struct prefix {
    xfrm::ip_address addr;
    std::uint8_t len = 0;
};

/// "10.1.0.0/24", or an address alone (a host prefix).
prefix parse_prefix(const std::string& text) {
    auto slash = text.find('/');
    prefix p;
    p.addr = parse_address(text.substr(0, slash));
    std::uint64_t max = p.addr.is_v6() ? 128 : 32;
    p.len = static_cast<std::uint8_t>(max);
    if (slash != std::string::npos) {
        auto len = parse_number(text.substr(slash + 1), "prefix length");
        if (len > max) throw usage_error{"bad prefix length: " + text};
        p.len = static_cast<std::uint8_t>(len);
    }
    return p;
}

// ---- printing ---------------------------------------------------------------

std::string hex_spi(std::uint32_t spi) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", spi);
    return buf;
}

std::string mode_name(xfrm::mode m) {
    return m == xfrm::mode::tunnel ? "tunnel" : "transport";
}

std::string dir_name(xfrm::direction d) {
    switch (d) {
        case xfrm::direction::in:
            return "in";
        case xfrm::direction::out:
            return "out";
        case xfrm::direction::fwd:
            return "fwd";
    }
    return "?";
}

std::string proto_name(std::uint8_t proto) {
    return proto == xfrm::proto_esp ? "esp" : std::to_string(proto);
}

std::string selector_text(const xfrm::selector& s) {
    return "src " + s.src.to_string() + "/" + std::to_string(s.src_prefix) + " dst " +
           s.dst.to_string() + "/" + std::to_string(s.dst_prefix) + " proto " +
           std::to_string(s.proto) + " sport " + std::to_string(s.src_port) + " dport " +
           std::to_string(s.dst_port);
}

std::string template_text(const xfrm::policy_template& t) {
    std::string out = "tmpl";
    if (t.mode == xfrm::mode::tunnel)
        out += " src " + t.src.to_string() + " dst " + t.dst.to_string();
    return out + " proto " + proto_name(t.proto) + " reqid " + std::to_string(t.reqid) + " mode " +
           mode_name(t.mode);
}

std::string policy_text(const xfrm::policy_config& p) {
    std::string out = "policy " + dir_name(p.direction) + " priority " +
                      std::to_string(p.priority) + " sel " + selector_text(p.sel);
    if (p.templates.empty()) out += p.action == xfrm::policy_action::block ? " block" : " allow";
    for (const auto& t : p.templates) out += " " + template_text(t);
    return out;
}

void print_line(const std::string& line) {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

int kernel_failure(const xfrm::kernel_error& err) {
    std::fprintf(stderr, "xfrm_lab_tool: %s\n", err.message().c_str());
    return 1;
}

xfrm::netlink_backend open_backend() {
    auto b = xfrm::netlink_backend::open(lab_ownership());
    if (!b) {
        kernel_failure(b.error());
        std::exit(1);
    }
    return std::move(*b);
}

// ---- install-pair -------------------------------------------------------------

/// Fixed test keys, the same as tests/kernel/esp_smoke.sh's.
void set_algorithm(xfrm::sa_config& sa, const std::string& alg) {
    auto key = [](std::string_view hex) { return ike::secret(ike::from_hex(hex)); };
    if (alg == "gcm") {
        sa.aead = xfrm::aead_algorithm{"rfc4106(gcm(aes))", 128,
                                       key("0123456789abcdef0123456789abcdef01234567")};
    } else if (alg == "cbc-sha256") {
        sa.crypt = xfrm::crypt_algorithm{"cbc(aes)", key("00112233445566778899aabbccddeeff")};
        sa.integ = xfrm::integ_algorithm{
            "hmac(sha256)", 128,
            key("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")};
    } else if (alg == "chacha") {
        sa.aead = xfrm::aead_algorithm{
            "rfc7539esp(chacha20,poly1305)", 128,
            key("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff01020304")};
    } else {
        throw usage_error{"unknown --alg " + alg + " (gcm, cbc-sha256, chacha)"};
    }
}

std::string algorithm_text(const xfrm::sa_config& sa) {
    if (sa.aead) return "aead " + sa.aead->name;
    return "enc " + sa.crypt->name + " auth " + sa.integ->name;
}

int install_pair(const options& opt) {
    std::string mode_arg = opt.need("mode");
    if (mode_arg != "tunnel" && mode_arg != "transport")
        throw usage_error{"--mode must be tunnel or transport"};
    xfrm::mode mode = mode_arg == "tunnel" ? xfrm::mode::tunnel : xfrm::mode::transport;
    auto local = parse_address(opt.need("local"));
    auto remote = parse_address(opt.need("remote"));
    if (local.family != remote.family) throw usage_error{"--local/--remote families differ"};
    prefix local_net = parse_prefix(opt.get("local-net").value_or(local.to_string()));
    prefix remote_net = parse_prefix(opt.get("remote-net").value_or(remote.to_string()));
    if (local_net.addr.family != remote_net.addr.family)
        throw usage_error{"--local-net/--remote-net families differ"};
    std::uint32_t reqid = parse_u32(opt.need("reqid"), "reqid");
    std::uint32_t priority = parse_u32(opt.get("priority").value_or("0"), "priority");
    bool with_sas = !opt.has("no-sa");
    bool with_policies = !opt.has("no-policy");

    std::vector<xfrm::kernel_change> changes;
    std::vector<std::string> texts;

    if (with_sas) {
        xfrm::lifetime_limits lifetime;
        if (auto n = opt.get("soft-packets")) lifetime.soft_packets = parse_number(*n, "packets");
        if (auto n = opt.get("soft-seconds")) lifetime.soft_add_seconds = parse_number(*n, "secs");
        std::optional<std::pair<std::uint16_t, std::uint16_t>> ports;  // local, remote
        if (auto e = opt.get("encap")) {
            auto colon = e->find(':');
            if (colon == std::string::npos) throw usage_error{"--encap LOCAL_PORT:REMOTE_PORT"};
            ports = {parse_port(e->substr(0, colon)), parse_port(e->substr(colon + 1))};
        }
        std::string alg = opt.need("alg");
        for (auto dir : {xfrm::sa_direction::outbound, xfrm::sa_direction::inbound}) {
            bool out = dir == xfrm::sa_direction::outbound;
            xfrm::sa_config sa;
            sa.src = out ? local : remote;
            sa.dst = out ? remote : local;
            sa.spi = parse_u32(opt.need(out ? "spi-out" : "spi-in"), "SPI");
            sa.mode = mode;
            sa.direction = dir;
            sa.reqid = reqid;
            sa.lifetime = lifetime;
            set_algorithm(sa, alg);
            if (ports)
                sa.encap = out ? xfrm::udp_encap{ports->first, ports->second}
                               : xfrm::udp_encap{ports->second, ports->first};
            std::string text = std::string("sa ") + (out ? "out" : "in") + " src " +
                               sa.src.to_string() + " dst " + sa.dst.to_string() + " spi " +
                               hex_spi(sa.spi) + " reqid " + std::to_string(reqid) + " mode " +
                               mode_name(mode) + " " + algorithm_text(sa);
            if (sa.encap)
                text += " encap " + std::to_string(sa.encap->src_port) + ":" +
                        std::to_string(sa.encap->dst_port);
            texts.push_back(std::move(text));
            changes.push_back(xfrm::sa_add{std::move(sa)});
        }
    }

    if (with_policies) {
        auto sel = [](const prefix& src, const prefix& dst) {
            xfrm::selector s;
            s.src = src.addr;
            s.dst = dst.addr;
            s.src_prefix = src.len;
            s.dst_prefix = dst.len;
            return s;
        };
        std::vector<xfrm::direction> dirs{xfrm::direction::out, xfrm::direction::in};
        if (mode == xfrm::mode::tunnel) dirs.push_back(xfrm::direction::fwd);
        for (auto dir : dirs) {
            bool out = dir == xfrm::direction::out;
            xfrm::policy_config p;
            p.sel = out ? sel(local_net, remote_net) : sel(remote_net, local_net);
            p.direction = dir;
            p.priority = priority;
            xfrm::policy_template t;
            t.src = out ? local : remote;
            t.dst = out ? remote : local;
            t.mode = mode;
            t.reqid = reqid;
            p.templates.push_back(t);
            texts.push_back(policy_text(p));
            changes.push_back(xfrm::policy_add{std::move(p)});
        }
    }

    auto backend = open_backend();
    auto results = backend.apply(changes);
    int rc = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (results[i]) {
            print_line("installed " + texts[i]);
        } else {
            std::fprintf(stderr, "xfrm_lab_tool: %s: %s\n", texts[i].c_str(),
                         results[i].error().message().c_str());
            rc = 1;
        }
    }
    return rc;
}

// ---- usage --------------------------------------------------------------------

int print_usage(const options& opt) {
    auto spis = opt.all("spi");
    auto dsts = opt.all("dst");
    if (spis.empty() || spis.size() != dsts.size())
        throw usage_error{"usage needs --spi X --dst ADDR pairs"};
    auto backend = open_backend();
    int rc = 0;
    for (std::size_t i = 0; i < spis.size(); ++i) {
        xfrm::sa_id id;
        id.dst = parse_address(dsts[i]);
        id.spi = parse_u32(spis[i], "SPI");
        auto sa = backend.get_sa(id);
        if (!sa) {
            rc = kernel_failure(sa.error());
            continue;
        }
        print_line(hex_spi(sa->spi) + " " + sa->src.to_string() + " " + sa->dst.to_string() + " " +
                   std::to_string(sa->usage.packets) + " " + std::to_string(sa->usage.bytes));
    }
    return rc;
}

// ---- watch --------------------------------------------------------------------

std::string event_text(const xfrm::event& ev) {
    struct printer {
        std::string operator()(const xfrm::acquire_event& e) const {
            return "acquire src " + e.src.to_string() + " dst " + e.dst.to_string() + " proto " +
                   proto_name(e.proto) + " reqid " + std::to_string(e.reqid) + " dir " +
                   dir_name(e.direction) + " policy " + std::to_string(e.policy_index) + " seq " +
                   std::to_string(e.seq) + " sel " + selector_text(e.sel);
        }
        std::string operator()(const xfrm::expire_event& e) const {
            return std::string("expire ") + (e.hard ? "hard" : "soft") + " spi " +
                   hex_spi(e.sa.spi) + " src " + e.sa.src.to_string() + " dst " +
                   e.sa.dst.to_string() + " reqid " + std::to_string(e.sa.reqid) + " packets " +
                   std::to_string(e.sa.usage.packets) + " bytes " +
                   std::to_string(e.sa.usage.bytes);
        }
        std::string operator()(const xfrm::policy_expire_event& e) const {
            return std::string("polexpire ") + (e.hard ? "hard" : "soft") + " dir " +
                   dir_name(e.policy.config.direction) + " index " +
                   std::to_string(e.policy.index) + " sel " + selector_text(e.policy.config.sel);
        }
        std::string operator()(const xfrm::mapping_event& e) const {
            return "mapping spi " + hex_spi(e.id.spi) + " dst " + e.id.dst.to_string() + " reqid " +
                   std::to_string(e.reqid) + " old " + e.old_src.to_string() + ":" +
                   std::to_string(e.old_src_port) + " new " + e.new_src.to_string() + ":" +
                   std::to_string(e.new_src_port);
        }
    };
    return std::visit(printer{}, ev);
}

int watch(const options& opt) {
    auto count = parse_number(opt.get("count").value_or("1"), "count");
    auto timeout = parse_number(opt.get("timeout").value_or("10"), "timeout");
    auto sock = xfrm::event_socket::open();
    if (!sock) return kernel_failure(sock.error());
    print_line("ready");
    using clock = std::chrono::steady_clock;
    auto deadline = clock::now() + std::chrono::seconds(timeout);
    std::uint64_t seen = 0;
    while (seen < count) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0) {
            std::fprintf(stderr, "xfrm_lab_tool: watch timed out after %llu of %llu events\n",
                         static_cast<unsigned long long>(seen),
                         static_cast<unsigned long long>(count));
            return 3;
        }
        pollfd pfd{sock->fd(), POLLIN, 0};
        int n = poll(&pfd, 1, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return kernel_failure(xfrm::make_kernel_error(errno, "poll on event socket"));
        if (n == 0) continue;
        auto batch = sock->read_pending();
        if (!batch) return kernel_failure(batch.error());
        if (batch->overflowed) print_line("overflow");
        for (const auto& ev : batch->events) {
            print_line(event_text(ev));
            ++seen;
        }
    }
    if (sock->malformed() != 0)
        std::fprintf(stderr, "xfrm_lab_tool: %zu malformed event messages\n", sock->malformed());
    return 0;
}

// ---- flush-owned, list --------------------------------------------------------

int flush_owned() {
    auto backend = open_backend();
    auto report = backend.flush_owned();
    if (!report) return kernel_failure(report.error());
    print_line("flush-owned: policies " + std::to_string(report->policies_deleted) + " sas " +
               std::to_string(report->sas_deleted) + " larval " +
               std::to_string(report->larval_left) + " failures " +
               std::to_string(report->failures.size()));
    for (const auto& f : report->failures) kernel_failure(f);
    return report->failures.empty() ? 0 : 1;
}

int list() {
    auto backend = open_backend();
    const auto& own = backend.owned();
    auto sas = backend.list_sas();
    if (!sas) return kernel_failure(sas.error());
    for (const auto& sa : *sas)
        print_line(std::string(own.owns(sa) ? "ours" : "foreign") + " sa spi " + hex_spi(sa.spi) +
                   " src " + sa.src.to_string() + " dst " + sa.dst.to_string() + " reqid " +
                   std::to_string(sa.reqid) + " mode " + mode_name(sa.mode));
    auto policies = backend.list_policies();
    if (!policies) return kernel_failure(policies.error());
    for (const auto& p : *policies)
        print_line(std::string(own.owns(p) ? "ours " : "foreign ") + policy_text(p.config));
    return 0;
}

// ---- natt-socket --------------------------------------------------------------

int natt_socket(int argc, char** argv) {
    std::vector<std::uint16_t> ports;
    for (int i = 2; i < argc; ++i) ports.push_back(parse_port(argv[i]));
    if (ports.empty()) ports.push_back(4500);
    std::vector<int> fds;
    std::string ready = "ready";
    for (auto port : ports) {
        for (int family : {AF_INET, AF_INET6}) {
            int fd = socket(family, SOCK_DGRAM, 0);
            if (fd < 0 && family == AF_INET6) continue;  // no IPv6 here
            if (fd < 0) return kernel_failure(xfrm::make_kernel_error(errno, "UDP socket"));
            int one = 1, encap = UDP_ENCAP_ESPINUDP;
            if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
            if (setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &encap, sizeof encap) < 0)
                return kernel_failure(xfrm::make_kernel_error(errno, "UDP_ENCAP_ESPINUDP"));
            sockaddr_storage ss{};
            socklen_t len;
            if (family == AF_INET) {
                auto* a = reinterpret_cast<sockaddr_in*>(&ss);
                a->sin_family = AF_INET;
                a->sin_port = htons(port);
                len = sizeof *a;
            } else {
                auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
                a->sin6_family = AF_INET6;
                a->sin6_port = htons(port);
                len = sizeof *a;
            }
            if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0) {
                int err = errno;
                close(fd);
                if (family == AF_INET6) continue;  // no IPv6 address family in this namespace
                return kernel_failure(
                    xfrm::make_kernel_error(err, "bind UDP port " + std::to_string(port)));
            }
            fds.push_back(fd);
        }
        ready += " " + std::to_string(port);
    }
    print_line(ready);
    // Drain what reaches the sockets themselves (non-ESP: IKE, keepalives).
    std::vector<pollfd> pfds;
    for (int fd : fds) pfds.push_back(pollfd{fd, POLLIN, 0});
    std::vector<std::uint8_t> buf(65536);
    for (;;) {
        if (poll(pfds.data(), pfds.size(), -1) < 0 && errno != EINTR)
            return kernel_failure(xfrm::make_kernel_error(errno, "poll on NAT-T sockets"));
        for (const auto& p : pfds)
            if (p.revents & POLLIN) (void)recv(p.fd, buf.data(), buf.size(), MSG_DONTWAIT);
    }
}

int run(int argc, char** argv) {
    if (argc < 2) throw usage_error{"no subcommand"};
    std::string_view cmd = argv[1];
    if (cmd == "install-pair")
        return install_pair(parse_options(argc, argv, 2, {"no-sa", "no-policy"}));
    if (cmd == "usage") return print_usage(parse_options(argc, argv, 2, {}));
    if (cmd == "watch") return watch(parse_options(argc, argv, 2, {}));
    if (cmd == "flush-owned") return flush_owned();
    if (cmd == "list") return list();
    if (cmd == "natt-socket") return natt_socket(argc, argv);
    throw usage_error{"unknown subcommand " + std::string(cmd)};
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const usage_error& e) {
        std::fprintf(stderr,
                     "xfrm_lab_tool: %s\n"
                     "usage: xfrm_lab_tool install-pair|usage|watch|flush-owned|list|natt-socket "
                     "... (see the comment at the top of xfrm_lab_tool.cpp)\n",
                     e.what.c_str());
        return 2;
    }
}
