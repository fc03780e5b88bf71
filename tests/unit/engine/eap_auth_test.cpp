// EAP inside IKE_AUTH (RFC 7296 §2.16) between two engines: A is a road
// warrior authenticating with EAP-MSCHAPv2, B a gateway proving itself with
// a certificate and checking A with the local EAP backend. Success with and
// without an EAP-Identity round, every way EAP fails, lost and retransmitted
// rounds, a client that vanishes mid-EAP, and a backend that answers later.
#include <gtest/gtest.h>

#include "libike/eap/legacy_provider.hpp"
#include "libike/eap/local_backend.hpp"
#include "tests/unit/crypto/cert_test_support.hpp"
#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

secret text(std::string_view s) {
    return secret(as_view(s));
}

/// A backend whose every step pends: the step of the real backend is held
/// until engine::eap_ready(ticket) makes the gateway call resume().
class pending_backend final : public eap_backend {
  public:
    explicit pending_backend(eap_backend& inner) : inner_(inner) {}
    std::expected<std::unique_ptr<eap_server>, eap_error> create_session(
        const eap_session_params& params) override {
        auto s = inner_.create_session(params);
        if (!s) return std::unexpected(s.error());
        return std::make_unique<session>(std::move(*s), tickets);
    }
    std::vector<std::uint64_t> tickets;  ///< issued, in order

  private:
    class session final : public eap_server {
      public:
        session(std::unique_ptr<eap_server> inner, std::vector<std::uint64_t>& tickets)
            : inner_(std::move(inner)), tickets_(tickets) {}
        eap_step start(std::string_view id) override { return hold(inner_->start(id)); }
        eap_step process(bytes_view r) override { return hold(inner_->process(r)); }
        eap_step resume() override { return std::move(held_); }

      private:
        eap_step hold(eap_step s) {
            held_ = std::move(s);
            tickets_.push_back(1000 + tickets_.size());
            return eap_pending_step{tickets_.back()};
        }
        std::unique_ptr<eap_server> inner_;
        std::vector<std::uint64_t>& tickets_;
        eap_step held_;
    };
    eap_backend& inner_;
};

struct EapAuth : site_to_site {
    void SetUp() override {
        auto legacy = load_legacy_provider();
        ASSERT_TRUE(legacy) << legacy.error().message();
        settings.wall_clock = [] { return utc(2026, 6, 1); };
        users.add("carol", text("Carol's secret"));
        users.add("dave", text("d4ve"));
        // A: road warrior with a virtual IP; B: gateway with a pool.
        a_spec.local_id = "192.0.2.1";
        a_spec.local_ts = {};
        a_spec.vips = {"0.0.0.0"};
        b_spec.remote_id = "%any";
        b_spec.remote_ts = {};
        b_spec.pools = {"rw"};
    }
    void TearDown() override { net.reset(); }

    issued ca = issue({.cn = "ikev2d test CA", .ca = true, .serial = 1}, nullptr);
    issued gw = issue({.cn = "b.example.org", .san = "DNS:b.example.org", .serial = 11}, &ca);
    eap_user_store users;
    std::shared_ptr<eap_backend> backend = std::make_shared<local_backend>(users);
    std::string eap_identity = "carol", password = "Carol's secret";
    bool ask_identity = false;
    std::string required_identity;

    void start_eap() {
        engine_settings b_settings = settings;
        b_settings.eap_backend = backend;
        net = std::make_unique<two_peers>(a_addr, b_addr, settings, b_settings);
        configure_a();
        auto b = make_config(b_spec);
        b->local_auth = auth_kind::pubkey;
        b->local_cert = std::make_shared<const local_certificate>(local_certificate{
            gw.cert, {}, std::make_shared<const private_key>(load_key(gw.key.get()))});
        b->remote_auth = auth_kind::eap;
        b->remote_eap.ask_identity = ask_identity;
        b->remote_eap.identity = required_identity;
        net->b.eng.set_connections({b});
        pool_config pool;
        pool.name = "rw";
        pool.base = ip("10.3.0.0");
        pool.prefix_length = 24;
        ASSERT_TRUE(net->b.eng.set_pools({pool}));
    }

    /// A's connection with the current EAP identity and password.
    void configure_a() {
        auto a = make_config(a_spec);
        a->local_auth = auth_kind::eap;
        a->local_eap_identity = eap_identity;
        a->local_eap_password = std::make_shared<const secret>(text(password));
        a->remote_auth = auth_kind::pubkey;
        const std::vector<certificate> cas{ca.cert};
        auto store = trust_store::create(cas);
        ASSERT_TRUE(store);
        a->trust =
            std::make_shared<const trust_anchors>(trust_anchors{std::move(store.value()), cas});
        net->a.eng.set_connections({a});
    }
    static std::size_t event_index(const peer& p, std::string_view text) {
        for (std::size_t i = 0; i < p.events.size(); ++i)
            if (p.events[i].reason.find(text) != std::string::npos) return i;
        return p.events.size();
    }

    /// Headers of the IKE_AUTH messages `who` sent (requests or responses), in order.
    static std::vector<ike_header> auth_messages(const peer& who, bool responses) {
        std::vector<ike_header> out;
        for (const auto& d : who.sent) {
            auto m = decode_message(d.data);
            if (m && m->header.exchange == exchange_type::ike_auth &&
                m->header.is_response() == responses)
                out.push_back(m->header);
        }
        return out;
    }
    static std::string failed(const peer& p) {
        std::string s;
        for (const auto& e : p.events)
            if (e.what == sa_event::kind::failed) s += e.reason + "\n";
        return s;
    }
    /// Neither side has an IKE_SA or a CHILD_SA left; B failed saying `why`.
    void expect_refused(std::string_view why) {
        EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
        EXPECT_FALSE(B().has_event(sa_event::kind::ike_up));
        EXPECT_TRUE(A().installs.empty());
        EXPECT_TRUE(B().installs.empty());
        EXPECT_TRUE(A().eng.list_sas().empty());
        EXPECT_TRUE(B().eng.list_sas().empty());
        EXPECT_NE(failed(B()).find(why), std::string::npos) << failed(B());
        EXPECT_FALSE(failed(A()).empty());
    }
    void expect_carol_up() {
        expect_up();
        auto sas = B().eng.list_sas();
        ASSERT_EQ(sas.size(), 1u);
        EXPECT_EQ(sas[0].state, "established");
        EXPECT_EQ(sas[0].remote_eap_identity, "carol");
        EXPECT_EQ(sas[0].remote_id, "192.0.2.1");
        EXPECT_EQ(sas[0].virtual_ips, std::vector{ip("10.3.0.1")});
        ASSERT_EQ(A().vips.size(), 1u);
        EXPECT_EQ(A().vips[0].addresses, std::vector{ip("10.3.0.1")});
        EXPECT_TRUE(B().has_notice("EAP-MSCHAPv2 succeeded for 'carol'")) << B().failures();
        EXPECT_EQ(A().installs[0].spi_out, B().installs[0].spi_in);
    }
};

TEST_F(EapAuth, MschapV2WithACertificateGateway) {
    start_eap();
    initiate();
    expect_carol_up();
    // IDi; the MSCHAPv2 Response; its Success ack; AUTH: four requests,
    // message IDs 1 to 4, each answered once.
    const auto requests = auth_messages(A(), false), responses = auth_messages(B(), true);
    ASSERT_EQ(requests.size(), 4u);
    ASSERT_EQ(responses.size(), 4u);
    for (std::uint32_t i = 0; i < 4; ++i) {
        EXPECT_EQ(requests[i].message_id, i + 1);
        EXPECT_EQ(responses[i].message_id, i + 1);
    }
    EXPECT_TRUE(B().has_notice("peer '192.0.2.1' (auth eap) -> connection 'site'"));
    // The lease and the CHILD_SA came in the last round only: A's virtual
    // IP is its CHILD_SA's selector.
    EXPECT_EQ(A().installs[0].local_ts, std::vector{ts("10.3.0.1/32")});
    EXPECT_EQ(B().installs[0].remote_ts, std::vector{ts("10.3.0.1/32")});
    EXPECT_LT(event_index(B(), "EAP-MSCHAPv2 succeeded"), event_index(B(), "lent virtual IP"));
    std::string up;
    for (const auto& e : B().events)
        if (e.what == sa_event::kind::ike_up) up = e.reason;
    EXPECT_NE(up.find("authenticated by EAP-MSCHAPv2 as 'carol'"), std::string::npos) << up;
}

TEST_F(EapAuth, AskIdentityAddsAnEapIdentityRound) {
    ask_identity = true;
    start_eap();
    initiate();
    expect_carol_up();
    EXPECT_TRUE(B().has_notice("EAP identity 'carol'"));
    EXPECT_EQ(auth_messages(A(), false).size(), 5u);
}

// The lease belongs to the EAP identity, not to the IDi both users share.
TEST_F(EapAuth, LeasesAreKeptPerEapIdentity) {
    start_eap();
    auto carol = initiate();
    expect_carol_up();
    ASSERT_TRUE(A().eng.terminate(net->now, carol));
    net->run();
    ASSERT_TRUE(B().eng.list_sas().empty());
    eap_identity = "dave";
    password = "d4ve";
    configure_a();
    auto dave = initiate();
    auto sas = B().eng.list_sas();
    ASSERT_EQ(sas.size(), 1u);
    EXPECT_EQ(sas[0].remote_eap_identity, "dave");
    EXPECT_EQ(sas[0].virtual_ips, std::vector{ip("10.3.0.2")});  // carol's .1 stays hers
    ASSERT_TRUE(A().eng.terminate(net->now, dave));
    net->run();
    eap_identity = "carol";
    password = "Carol's secret";
    configure_a();
    initiate();
    sas = B().eng.list_sas();
    ASSERT_EQ(sas.size(), 1u);
    EXPECT_EQ(sas[0].virtual_ips, std::vector{ip("10.3.0.1")});
}

TEST_F(EapAuth, WrongPasswordEndsBothSidesWithEapFailure) {
    password = "not Carol's secret";
    start_eap();
    initiate();
    expect_refused("EAP user 'carol' failed: EAP wrong password");
    EXPECT_NE(failed(A()).find("EAP as 'carol' failed"), std::string::npos) << failed(A());
}

TEST_F(EapAuth, UnknownUserIsRefused) {
    eap_identity = "mallory";
    start_eap();
    initiate();
    expect_refused("unknown EAP user");
    EXPECT_NE(failed(B()).find("mallory"), std::string::npos) << failed(B());
}

TEST_F(EapAuth, IdentityOtherThanTheConfiguredOneIsRefused) {
    required_identity = "dave";
    start_eap();
    initiate();
    expect_refused("proved EAP identity 'carol', but connection 'site' accepts only 'dave'");
}

TEST_F(EapAuth, NoBackendRefusesTheClient) {
    backend = nullptr;
    start_eap();
    initiate();
    expect_refused("no EAP backend is configured");
    EXPECT_NE(failed(A()).find("AUTHENTICATION_FAILED"), std::string::npos) << failed(A());
}

TEST_F(EapAuth, RetransmittedMiddleRoundGetsTheSameAnswer) {
    start_eap();
    // B's answer to message ID 2 (the MSCHAPv2 Success request) is lost once.
    bool dropped = false;
    net->hook = [&](in_flight& f) {
        if (f.from == 'b' && f.header.exchange == exchange_type::ike_auth &&
            f.header.message_id == 2 && !dropped) {
            dropped = true;
            return verdict::drop;
        }
        return verdict::deliver;
    };
    initiate();
    EXPECT_TRUE(dropped);
    EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
    net->advance(5s);
    expect_carol_up();
    // B sent its answer to ID 2 twice, the same bytes.
    std::vector<bytes> twos;
    for (const auto& d : B().sent)
        if (auto m = decode_message(d.data);
            m && m->header.message_id == 2 && m->header.exchange == exchange_type::ike_auth)
            twos.push_back(d.data);
    ASSERT_EQ(twos.size(), 2u);
    EXPECT_EQ(twos[0], twos[1]);
}

TEST_F(EapAuth, LostLastRoundIsResent) {
    start_eap();
    bool dropped = false;
    net->hook = [&](in_flight& f) {
        if (f.from == 'b' && f.header.exchange == exchange_type::ike_auth &&
            f.header.message_id == 4 && !dropped) {
            dropped = true;
            return verdict::drop;
        }
        return verdict::deliver;
    };
    initiate();
    EXPECT_TRUE(dropped);
    EXPECT_TRUE(B().has_event(sa_event::kind::ike_up));
    EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
    net->advance(5s);
    expect_carol_up();
}

TEST_F(EapAuth, ClientVanishingMidEapTimesOut) {
    start_eap();
    // A goes silent after its first IKE_AUTH request.
    net->hook = [&](in_flight& f) {
        return f.from == 'a' && f.header.exchange == exchange_type::ike_auth &&
                       f.header.message_id >= 2
                   ? verdict::drop
                   : verdict::deliver;
    };
    initiate();
    ASSERT_EQ(B().eng.list_sas().size(), 1u);
    EXPECT_EQ(B().eng.list_sas()[0].state, "connecting");
    net->advance(20s);
    EXPECT_EQ(B().eng.list_sas().size(), 1u);
    net->advance(15s);
    EXPECT_TRUE(B().eng.list_sas().empty());
    EXPECT_FALSE(B().has_event(sa_event::kind::ike_up));
}

TEST_F(EapAuth, PendingBackendAnswersLater) {
    local_backend local(users);
    auto pending = std::make_shared<pending_backend>(local);
    backend = pending;
    start_eap();
    initiate();
    // The first step pends: B has not answered IKE_AUTH, and drops A's
    // retransmissions of it meanwhile.
    ASSERT_EQ(pending->tickets.size(), 1u);
    EXPECT_TRUE(auth_messages(B(), true).empty());
    net->advance(5s);
    EXPECT_GE(auth_messages(A(), false).size(), 2u);
    EXPECT_TRUE(auth_messages(B(), true).empty());
    B().eng.eap_ready(net->now, 999);  // nobody waits for this one
    EXPECT_TRUE(auth_messages(B(), true).empty());
    for (std::size_t served = 0; served < pending->tickets.size() && served < 10; ++served) {
        B().eng.eap_ready(net->now, pending->tickets[served]);
        net->run();
    }
    EXPECT_EQ(pending->tickets.size(), 3u);  // start, Response, Success ack
    expect_carol_up();
    net.reset();  // before `local`, which the engine's backend uses
}

}  // namespace
}  // namespace ike::test
