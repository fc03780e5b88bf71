// ikev2-load: an IKEv2 initiator that establishes many IKE_SAs against one
// responder, for bench/ikev2-establish (issue 7). It is libike's engine as
// initiator; this program owns the UDP sockets and the clock, as the daemon
// does, and installs nothing: a negotiated CHILD_SA is reported installed to
// the engine at once. It is a load generator, not a gateway.
//
// Each IKE_SA gets an identity of its own (load-<i>@bench) and sends from one
// socket of a pool, so the responder sees many distinct peers. With --cert
// and --key every IKE_SA signs its AUTH with that one certificate instead of
// a PSK, and its identity is --local-id (a name the certificate carries);
// with --cacert the responder must prove itself with a certificate from
// that CA. With --client-ca and --client-ca-key every IKE_SA gets a
// certificate of its own instead, for <prefix>-<i>.bench, issued by that CA
// before the run (bench/client_certs.hpp). N IKE_SAs are
// started, C at a time; each is counted from its first IKE_SA_INIT to
// establishment (ike_up, or child_up with --child).
//
// Output: machine-readable key=value lines, like xfrm_install_bench:
//   mode=establish count=… established=… failed=… seconds=… per_second=…
//   p50_us=… p90_us=… p99_us=… ok=1
//   failure count=… reason="…"       (one line per distinct reason)
//   mode=delete … (with --delete)
// --hold keeps the IKE_SAs (and answers the responder) until SIGUSR1,
// SIGTERM or SIGINT, so that the responder's memory can be read meanwhile.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bench/client_certs.hpp"
#include "libike/engine/engine.hpp"
#include "libike/proposal/proposal_string.hpp"
#include "libike/sa/identity.hpp"

namespace {

using namespace std::chrono_literals;
using ike::clock;
using ike::time_point;

struct options {
    std::string local = "127.0.0.1";
    std::string remote = "127.0.0.1";
    std::uint16_t port = 500;
    std::string psk;
    std::string proposal = "aes128gcm16-prfsha256-x25519";
    std::string esp = "aes128gcm16";
    std::string remote_id = "%any";
    std::string id_prefix = "load";
    std::string cert, key, cacert;         ///< PEM files: pubkey auth instead of the PSK
    std::string local_id;                  ///< with --cert: every IKE_SA's identity
    std::string client_ca, client_ca_key;  ///< a certificate per IKE_SA from this CA
    unsigned count = 1000;
    unsigned concurrency = 50;
    unsigned sockets = 64;
    bool child = false;
    bool hold = false;
    bool del = false;
    bool marker = false;     ///< --non-esp-marker
    unsigned timeout = 600;  ///< seconds for each phase
};

void usage(std::FILE* out) {
    std::fputs(
        "Usage: ikev2-load (--psk TEXT | --cert FILE --key FILE --local-id ID) [options]\n"
        "Establishes N IKE_SAs (childless or with one CHILD_SA) against a responder.\n"
        "  --remote ADDR        responder address (default 127.0.0.1)\n"
        "  --port P             responder IKE port (default 500)\n"
        "  --local ADDR         our address (default 127.0.0.1)\n"
        "  --psk TEXT           the pre-shared key (as text), for both directions unless\n"
        "                       --cert or --cacert replace one of them\n"
        "  --cert FILE          sign our AUTH with this certificate (PEM; intermediates\n"
        "                       may follow it) ...\n"
        "  --key FILE           ... and this private key (PEM)\n"
        "  --local-id ID        with --cert: the identity of every IKE_SA (one the\n"
        "                       certificate names, e.g. its subjectAltName)\n"
        "  --client-ca FILE     instead of --cert: every IKE_SA signs with a certificate\n"
        "                       of its own for <prefix>-<i>.bench, issued by this CA\n"
        "                       (PEM) before the run ...\n"
        "  --client-ca-key FILE ... with this CA key (PEM)\n"
        "  --cacert FILE        the responder must authenticate with a certificate issued\n"
        "                       by this CA (PEM) rather than with the PSK\n"
        "  --proposal P         IKE proposal (default aes128gcm16-prfsha256-x25519)\n"
        "  --count N            IKE_SAs to establish (default 1000)\n"
        "  --concurrency C      IKE_SAs in flight at once (default 50)\n"
        "  --sockets S          source ports to spread them over (default 64)\n"
        "  --child              negotiate one CHILD_SA in IKE_AUTH (default: childless,\n"
        "                       RFC 6023; the responder must allow it)\n"
        "  --esp P              ESP proposal of the CHILD_SA (default aes128gcm16)\n"
        "  --remote-id ID       identity the responder must prove (default %any)\n"
        "  --id-prefix X        our identities are X-<i>@bench (default load)\n"
        "  --non-esp-marker     prefix IKE with the 4-byte non-ESP marker (RFC 3948), as\n"
        "                       charon expects when neither port is 500\n"
        "  --hold               after establishing, keep the IKE_SAs until SIGUSR1/SIGTERM\n"
        "  --delete             delete every established IKE_SA at the end\n"
        "  --timeout SEC        limit of each phase (default 600)\n",
        out);
}

template <typename T>
bool to_number(std::string_view s, T& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

std::optional<options> parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::optional<std::string_view> {
            if (i + 1 >= argc) return std::nullopt;
            return std::string_view(argv[++i]);
        };
        bool ok = true;
        if (a == "--child") {
            o.child = true;
        } else if (a == "--hold") {
            o.hold = true;
        } else if (a == "--delete") {
            o.del = true;
        } else if (a == "--non-esp-marker") {
            o.marker = true;
        } else if (a == "--help") {
            usage(stdout);
            std::exit(0);
        } else {
            const auto v = value();
            if (!v) {
                std::fprintf(stderr, "ikev2-load: %s needs a value\n", argv[i]);
                return std::nullopt;
            }
            if (a == "--remote")
                o.remote = *v;
            else if (a == "--local")
                o.local = *v;
            else if (a == "--port")
                ok = to_number(*v, o.port);
            else if (a == "--psk")
                o.psk = *v;
            else if (a == "--proposal")
                o.proposal = *v;
            else if (a == "--esp")
                o.esp = *v;
            else if (a == "--remote-id")
                o.remote_id = *v;
            else if (a == "--id-prefix")
                o.id_prefix = *v;
            else if (a == "--cert")
                o.cert = *v;
            else if (a == "--key")
                o.key = *v;
            else if (a == "--cacert")
                o.cacert = *v;
            else if (a == "--local-id")
                o.local_id = *v;
            else if (a == "--client-ca")
                o.client_ca = *v;
            else if (a == "--client-ca-key")
                o.client_ca_key = *v;
            else if (a == "--count")
                ok = to_number(*v, o.count);
            else if (a == "--concurrency")
                ok = to_number(*v, o.concurrency) && o.concurrency > 0;
            else if (a == "--sockets")
                ok = to_number(*v, o.sockets) && o.sockets > 0;
            else if (a == "--timeout")
                ok = to_number(*v, o.timeout);
            else {
                std::fprintf(stderr, "ikev2-load: unknown option '%s'\n", argv[i - 1]);
                return std::nullopt;
            }
            if (!ok) {
                std::fprintf(stderr, "ikev2-load: bad value '%.*s' for %s\n",
                             static_cast<int>(v->size()), v->data(), argv[i - 1]);
                return std::nullopt;
            }
        }
    }
    if (o.cert.empty() != o.key.empty() || o.cert.empty() != o.local_id.empty()) {
        std::fputs("ikev2-load: --cert, --key and --local-id go together\n", stderr);
        return std::nullopt;
    }
    if (o.client_ca.empty() != o.client_ca_key.empty() ||
        (!o.client_ca.empty() && !o.cert.empty())) {
        std::fputs("ikev2-load: --client-ca and --client-ca-key go together, without --cert\n",
                   stderr);
        return std::nullopt;
    }
    const bool signs = !o.cert.empty() || !o.client_ca.empty();
    if (o.psk.empty() && (!signs || o.cacert.empty())) {
        std::fputs(
            "ikev2-load: --psk is required unless --cacert and --cert or --client-ca are given\n",
            stderr);
        return std::nullopt;
    }
    return o;
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

/// The certificate side of the run, loaded once: every IKE_SA shares them,
/// as the daemon's IKE_SAs share a connection's.
struct credentials {
    std::shared_ptr<const ike::local_certificate> ours;  ///< null: PSK
    std::vector<bench::client_cert> each;                ///< --client-ca: one per IKE_SA
    std::shared_ptr<const ike::trust_anchors> trust;     ///< null: the responder uses the PSK
};

bool load_fail(const std::string& file, const std::string& why) {
    std::fprintf(stderr, "ikev2-load: %s: %s\n", file.c_str(), why.c_str());
    return false;
}

bool load_ours(const options& o, credentials& c) {
    const auto pem = read_file(o.cert), key_pem = read_file(o.key);
    if (!pem) return load_fail(o.cert, "cannot read it");
    if (!key_pem) return load_fail(o.key, "cannot read it");
    auto certs = ike::certificate::all_from_pem(*pem);
    if (!certs) return load_fail(o.cert, certs.error().message());
    auto key = ike::private_key::from_pem(ike::secret(ike::as_view(*key_pem)));
    if (!key) return load_fail(o.key, key.error().message());
    if (!key->matches(certs->front().public_key()))
        return load_fail(o.key, "is not the key of the first certificate in " + o.cert);
    auto shared_key = std::make_shared<const ike::private_key>(std::move(*key));
    c.ours = std::make_shared<const ike::local_certificate>(ike::local_certificate{
        certs->front(), {certs->begin() + 1, certs->end()}, std::move(shared_key)});
    return true;
}

bool load_trust(const options& o, credentials& c) {
    const auto pem = read_file(o.cacert);
    if (!pem) return load_fail(o.cacert, "cannot read it");
    auto cas = ike::certificate::all_from_pem(*pem);
    if (!cas) return load_fail(o.cacert, cas.error().message());
    auto store = ike::trust_store::create(*cas);
    if (!store) return load_fail(o.cacert, store.error().message());
    c.trust = std::make_shared<const ike::trust_anchors>(
        ike::trust_anchors{std::move(*store), std::move(*cas)});
    return true;
}

/// Every IKE_SA of the run uses the same key, whatever the identities.
class one_psk final : public ike::psk_store {
  public:
    explicit one_psk(std::string_view text) : key_(ike::as_view(text)) {}
    const ike::secret* find(const ike::identity&, const ike::id_payload&) const override {
        return &key_;
    }

  private:
    ike::secret key_;
};

std::optional<ike::ip_addr> parse_ipv4(const std::string& text) {
    in_addr a{};
    if (inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
    ike::ip_addr r;
    std::memcpy(r.bytes.data(), &a, 4);
    return r;
}

sockaddr_in to_sockaddr(const ike::socket_address& s) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(s.port);
    std::memcpy(&sin.sin_addr, s.ip.bytes.data(), 4);
    return sin;
}

ike::socket_address from_sockaddr(const sockaddr_in& sin) {
    ike::socket_address s;
    std::memcpy(s.ip.bytes.data(), &sin.sin_addr, 4);
    s.port = ntohs(sin.sin_port);
    return s;
}

// CPU time of this process (user + system), in µs: whether the load
// generator, rather than the responder, limits the rate.
double process_cpu_us() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto us = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec);
    };
    return us(u.ru_utime) + us(u.ru_stime);
}

double micros(ike::clock::duration d) {
    return std::chrono::duration<double, std::micro>(d).count();
}

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    const auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(i, sorted.size() - 1)];
}

// The pool of UDP sockets, one per source port, and the epoll set that also
// watches the signals of --hold.
class udp_pool {
  public:
    bool open(const ike::ip_addr& local, unsigned n, bool marker) {
        marker_ = marker;
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        if (epoll_ < 0) return fail("epoll_create1");
        for (unsigned i = 0; i < n; ++i) {
            const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) return fail("socket");
            // Many IKE_SA_INIT responses can arrive at once; don't drop them.
            const int buf = 4 << 20;
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
            sockaddr_in sin = to_sockaddr({local, 0});
            if (bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) return fail("bind");
            socklen_t len = sizeof sin;
            getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
            const std::uint16_t port = ntohs(sin.sin_port);
            by_port_[port] = fd;
            fds_.push_back({fd, {local, port}});
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u32 = static_cast<std::uint32_t>(fds_.size() - 1);
            if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) != 0) return fail("epoll_ctl");
        }
        return true;
    }

    bool watch_signals() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigprocmask(SIG_BLOCK, &set, nullptr);
        signal_fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
        if (signal_fd_ < 0) return fail("signalfd");
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u32 = signal_slot;
        return epoll_ctl(epoll_, EPOLL_CTL_ADD, signal_fd_, &ev) == 0 || fail("epoll_ctl");
    }

    std::uint16_t port(std::size_t i) const { return fds_[i % fds_.size()].local.port; }

    void send(const ike::send_datagram& d) {
        auto it = by_port_.find(d.local.port);
        if (it == by_port_.end()) {
            ++send_errors;
            return;
        }
        const sockaddr_in to = to_sockaddr(d.remote);
        std::array<std::uint8_t, 4> zero{};
        std::array<iovec, 2> iov{iovec{zero.data(), marker_ ? zero.size() : 0},
                                 iovec{const_cast<std::uint8_t*>(d.data.data()), d.data.size()}};
        msghdr msg{};
        msg.msg_name = const_cast<sockaddr_in*>(&to);
        msg.msg_namelen = sizeof to;
        msg.msg_iov = iov.data();
        msg.msg_iovlen = iov.size();
        if (sendmsg(it->second, &msg, 0) < 0) ++send_errors;  // the engine retransmits
    }

    /// Waits up to `timeout` and hands every datagram read to `deliver`.
    /// Returns true when a signal of --hold arrived.
    template <typename F>
    bool poll(std::chrono::milliseconds timeout, F&& deliver) {
        std::array<epoll_event, 64> evs{};
        const int n = epoll_wait(epoll_, evs.data(), static_cast<int>(evs.size()),
                                 static_cast<int>(timeout.count()));
        bool signalled = false;
        for (int i = 0; i < n; ++i) {
            if (evs[i].data.u32 == signal_slot) {
                signalfd_siginfo si{};
                while (read(signal_fd_, &si, sizeof si) == sizeof si) signalled = true;
                continue;
            }
            const auto& s = fds_[evs[i].data.u32];
            for (;;) {
                sockaddr_in from{};
                socklen_t len = sizeof from;
                const ssize_t got = recvfrom(s.fd, buf_.data(), buf_.size(), 0,
                                             reinterpret_cast<sockaddr*>(&from), &len);
                if (got < 0) break;
                std::size_t skip = 0;
                if (marker_) {
                    // Without the marker it would be ESP (or a keepalive): not ours.
                    if (got < 4 || std::any_of(buf_.begin(), buf_.begin() + 4,
                                               [](std::uint8_t b) { return b != 0; }))
                        continue;
                    skip = 4;
                }
                deliver(s.local, from_sockaddr(from),
                        ike::bytes_view(buf_.data() + skip, static_cast<std::size_t>(got) - skip));
            }
        }
        return signalled;
    }

    std::uint64_t send_errors = 0;

  private:
    static constexpr std::uint32_t signal_slot = 0xffffffff;
    bool fail(const char* what) {
        std::fprintf(stderr, "ikev2-load: %s: %s\n", what, std::strerror(errno));
        return false;
    }
    struct sock {
        int fd;
        ike::socket_address local;
    };
    bool marker_ = false;
    int epoll_ = -1, signal_fd_ = -1;
    std::vector<sock> fds_;
    std::unordered_map<std::uint16_t, int> by_port_;
    std::array<std::uint8_t, 65536> buf_{};
};

// Drives the engine: starts IKE_SAs, carries out its outputs, and counts
// what became of each IKE_SA.
class load_run {
  public:
    load_run(const options& o, ike::proposal ike_prop, std::optional<ike::proposal> esp_prop,
             ike::ip_addr local, ike::ip_addr remote, ike::identity remote_id, credentials creds)
        : o_(o),
          psk_(o.psk),
          engine_(settings(), rng_, psk_),
          creds_(std::move(creds)),
          ike_prop_(std::move(ike_prop)),
          esp_prop_(std::move(esp_prop)),
          local_(local),
          remote_(remote),
          remote_id_(std::move(remote_id)) {}

    bool open() { return pool_.open(local_, o_.sockets, o_.marker) && pool_.watch_signals(); }

    // Establishes o.count IKE_SAs, o.concurrency at a time; prints the report.
    bool establish() {
        const auto t0 = clock::now();
        const double cpu0 = process_cpu_us();
        const auto limit = t0 + std::chrono::seconds(o_.timeout);
        unsigned started = 0;
        while (done() < o_.count) {
            auto now = clock::now();
            if (now >= limit) break;
            while (started < o_.count && pending_.size() < o_.concurrency) start(started++, now);
            drain(now);
            step(now);
        }
        const double seconds = std::chrono::duration<double>(clock::now() - t0).count();
        if (!pending_.empty())
            failures_["timed out after " + std::to_string(o_.timeout) + " s"] += pending_.size();
        failed_ += pending_.size();
        pending_.clear();
        report(seconds, process_cpu_us() - cpu0, o_.count - started);
        return failed_ == 0 && started == o_.count;
    }

    // Serves the responder until a signal (--hold).
    void hold() {
        for (;;) {
            auto now = clock::now();
            drain(now);
            if (step(now, 1000ms)) return;
        }
    }

    // Deletes every established IKE_SA and waits for the responder's answers.
    bool remove_all() {
        const auto t0 = clock::now();
        const auto limit = t0 + std::chrono::seconds(o_.timeout);
        std::size_t asked = 0;
        auto next = up_.begin();
        while ((next != up_.end() || !deleting_.empty()) && clock::now() < limit) {
            auto now = clock::now();
            for (; next != up_.end() && deleting_.size() < o_.concurrency; ++next) {
                if (engine_.terminate(now, *next)) {
                    deleting_.insert({*next, now});
                    ++asked;
                }
            }
            drain(now);
            step(now);
        }
        const double seconds = std::chrono::duration<double>(clock::now() - t0).count();
        std::printf("mode=delete count=%zu deleted=%zu unanswered=%zu seconds=%.3f ok=%d\n", asked,
                    deleted_, deleting_.size(), seconds, deleting_.empty() ? 1 : 0);
        return deleting_.empty();
    }

  private:
    // The responder's certificate is checked against the system clock.
    static ike::engine_settings settings() {
        ike::engine_settings s;
        s.wall_clock = [] {
            return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        };
        return s;
    }

    std::size_t done() const { return up_.size() + failed_; }

    void start(unsigned i, time_point now) {
        auto cfg = std::make_shared<ike::ike_sa_config>();
        cfg->name = o_.id_prefix + "-" + std::to_string(i);
        cfg->local_addrs = {local_};
        cfg->remote_addrs = {remote_};
        cfg->remote_port = o_.port;
        cfg->local_port = pool_.port(i);
        cfg->proposals = {ike_prop_};
        cfg->local_id = *ike::parse_identity(creds_.ours           ? o_.local_id
                                             : creds_.each.empty() ? cfg->name + "@bench"
                                                                   : cfg->name + ".bench");
        cfg->remote_id = remote_id_;
        if (creds_.ours || !creds_.each.empty()) {
            cfg->local_auth = ike::auth_kind::pubkey;
            cfg->local_cert = creds_.ours ? creds_.ours : creds_.each[i % creds_.each.size()];
        }
        if (creds_.trust) {
            cfg->remote_auth = ike::auth_kind::pubkey;
            cfg->trust = creds_.trust;
        }
        if (esp_prop_) {
            ike::child_sa_config c;
            c.name = "c";
            c.esp_proposals = {*esp_prop_};
            cfg->children.push_back(std::move(c));
        }
        // The engine looks a connection up by name in a list; one IKE_SA per
        // connection would make that list as long as the run. The engine only
        // needs the connection while initiating (its IKE_SAs keep their
        // config), so each initiate sees a list of one.
        engine_.set_connections({cfg});
        auto id = engine_.initiate(now, cfg->name);
        if (!id) {
            ++failed_;
            ++failures_["initiate: " + id.error().message];
            return;
        }
        pending_.emplace(*id, now);
    }

    // Waits for datagrams or the engine's next deadline (at most `most`).
    bool step(time_point now, std::chrono::milliseconds most = 100ms) {
        auto wait = most;
        if (auto d = engine_.next_deadline()) {
            const auto until = std::chrono::ceil<std::chrono::milliseconds>(*d - now);
            wait = std::clamp(until, 0ms, most);
        }
        const bool signalled = pool_.poll(
            wait,
            [&](const ike::socket_address& local, const ike::socket_address& remote,
                ike::bytes_view data) { engine_.receive(clock::now(), local, remote, data); });
        now = clock::now();
        if (auto d = engine_.next_deadline(); d && *d <= now) engine_.on_timer(now);
        return signalled;
    }

    void drain(time_point now) {
        while (auto out = engine_.poll_output()) {
            if (auto* d = std::get_if<ike::send_datagram>(&*out)) {
                pool_.send(*d);
            } else if (auto* i = std::get_if<ike::install_child_sa>(&*out)) {
                engine_.on_kernel_result(now, i->ike, i->child, true, {});
            } else if (auto* i = std::get_if<ike::install_outbound_sa>(&*out)) {
                engine_.on_kernel_result(now, i->ike, i->child, true, {});
            } else if (auto* e = std::get_if<ike::sa_event>(&*out)) {
                on_event(*e, now);
            }
        }
    }

    void on_event(const ike::sa_event& e, time_point now) {
        using kind = ike::sa_event::kind;
        const bool up = e.what == (o_.child ? kind::child_up : kind::ike_up);
        if (auto it = pending_.find(e.ike); it != pending_.end()) {
            if (up) {
                latencies_.push_back(micros(now - it->second));
                up_.push_back(e.ike);
                pending_.erase(it);
            } else if (e.what == kind::failed || e.what == kind::child_failed) {
                ++failed_;
                ++failures_[e.reason];
                pending_.erase(it);
                if (e.what == kind::child_failed) (void)engine_.terminate(now, e.ike);
            }
            return;
        }
        if (e.what == kind::ike_down || e.what == kind::failed) {
            if (deleting_.erase(e.ike)) ++deleted_;
        }
    }

    void report(double seconds, double cpu_us, unsigned not_started) {
        std::ranges::sort(latencies_);
        const std::size_t ok = up_.size();
        std::printf(
            "mode=establish count=%u concurrency=%u sockets=%u child=%d proposal=%s "
            "established=%zu failed=%zu not_started=%u seconds=%.3f per_second=%.1f "
            "p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f send_errors=%llu "
            "retransmits=%llu initiator_cpu_us_per_sa=%.1f ok=%d\n",
            o_.count, o_.concurrency, o_.sockets, o_.child ? 1 : 0, o_.proposal.c_str(), ok,
            failed_, not_started, seconds, seconds > 0 ? static_cast<double>(ok) / seconds : 0,
            percentile(latencies_, 0.50), percentile(latencies_, 0.90),
            percentile(latencies_, 0.99), latencies_.empty() ? 0 : latencies_.back(),
            static_cast<unsigned long long>(pool_.send_errors),
            static_cast<unsigned long long>(engine_.counters().retransmits),
            o_.count > 0 ? cpu_us / o_.count : 0, failed_ == 0 && ok == o_.count ? 1 : 0);
        for (const auto& [reason, n] : failures_)
            std::printf("failure count=%zu reason=\"%s\"\n", n, reason.c_str());
        std::fflush(stdout);
    }

    const options& o_;
    ike::openssl_random rng_;
    one_psk psk_;
    ike::engine engine_;
    credentials creds_;
    ike::proposal ike_prop_;
    std::optional<ike::proposal> esp_prop_;
    ike::ip_addr local_, remote_;
    ike::identity remote_id_;
    udp_pool pool_;
    std::unordered_map<ike::ike_sa_id, time_point> pending_, deleting_;
    std::vector<ike::ike_sa_id> up_;
    std::vector<double> latencies_;
    std::map<std::string, std::size_t> failures_;
    std::size_t failed_ = 0, deleted_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    auto o = parse(argc, argv);
    if (!o) {
        usage(stderr);
        return 2;
    }
    auto ike_prop = ike::parse_ike_proposal(o->proposal);
    if (!ike_prop) {
        std::fprintf(stderr, "ikev2-load: IKE proposal '%s': %s\n", o->proposal.c_str(),
                     ike_prop.error().message().c_str());
        return 2;
    }
    std::optional<ike::proposal> esp_prop;
    if (o->child) {
        auto p = ike::parse_esp_proposal(o->esp);
        if (!p) {
            std::fprintf(stderr, "ikev2-load: ESP proposal '%s': %s\n", o->esp.c_str(),
                         p.error().message().c_str());
            return 2;
        }
        esp_prop = std::move(*p);
    }
    const auto local = parse_ipv4(o->local), remote = parse_ipv4(o->remote);
    const auto remote_id = ike::parse_identity(o->remote_id);
    if (!local || !remote || !remote_id) {
        std::fputs(
            "ikev2-load: --local and --remote take IPv4 addresses, --remote-id an "
            "identity in strongSwan's syntax\n",
            stderr);
        return 2;
    }
    credentials creds;
    if (!o->cert.empty()) {
        if (!ike::parse_identity(o->local_id)) {
            std::fprintf(stderr, "ikev2-load: --local-id '%s' is not an identity\n",
                         o->local_id.c_str());
            return 2;
        }
        if (!load_ours(*o, creds)) return 2;
    }
    if (!o->cacert.empty() && !load_trust(*o, creds)) return 2;
    if (!o->client_ca.empty()) {
        auto each =
            bench::issue_client_certs(o->client_ca, o->client_ca_key, o->id_prefix, o->count);
        if (!each) {
            load_fail(o->client_ca, each.error());
            return 2;
        }
        creds.each = std::move(*each);
    }
    load_run run(*o, std::move(*ike_prop), std::move(esp_prop), *local, *remote, *remote_id,
                 std::move(creds));
    if (!run.open()) return 1;
    bool ok = run.establish();
    if (o->hold) run.hold();
    if (o->del) ok = run.remove_all() && ok;
    return ok ? 0 : 1;
}
