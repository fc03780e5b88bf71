// The gateway's EAP server (local backend) against our EAP peer, in one
// process: EAP-MSCHAPv2 with and without an EAP-Identity round, wrong
// passwords, unknown users, retries, and packets that are malformed, answer
// the wrong request or do not fit the state.
#include "libike/eap/local_backend.hpp"

#include <gtest/gtest.h>

#include "libike/crypto/random_source.hpp"
#include "libike/eap/eap_packet.hpp"
#include "libike/eap/eap_peer.hpp"

namespace {

using namespace ike;

secret text(std::string_view s) {
    return secret(as_view(s));
}

struct gateway {
    eap_user_store users;
    deterministic_random random{7};
    local_backend backend{users};
    eap_session_params params;

    gateway() {
        users.add("carol", text("Carol's secret"));
        users.add("dave", text("d4ve"));
        params.random = &random;
    }

    std::unique_ptr<eap_server> session() {
        auto s = backend.create_session(params);
        EXPECT_TRUE(s) << s.error().message();
        return s ? std::move(*s) : nullptr;
    }
};

const bytes& request_of(const eap_step& step) {
    static const bytes none;
    auto* r = std::get_if<eap_request_step>(&step);
    EXPECT_NE(r, nullptr) << "expected an EAP request, step " << step.index();
    return r != nullptr ? r->packet : none;
}

bytes response_of(const peer_step& step) {
    auto* r = std::get_if<peer_response>(&step);
    EXPECT_NE(r, nullptr) << "expected a peer response, step " << step.index()
                          << (std::holds_alternative<peer_failure>(step)
                                  ? ": " + std::get<peer_failure>(step).error.message()
                                  : "");
    return r != nullptr ? r->packet : bytes{};
}

/// Runs server and peer against each other until the server ends; the
/// last server step, and every request the server sent.
struct outcome {
    eap_step last;
    std::vector<eap_request_step> requests;
    peer_step peer_last = peer_failure{};
};

outcome converse(eap_server& server, eap_peer& peer, std::string_view idi) {
    outcome out{server.start(idi), {}};
    for (int round = 0; round < 10; ++round) {
        auto* req = std::get_if<eap_request_step>(&out.last);
        if (req == nullptr) break;
        out.requests.push_back(*req);
        out.peer_last = peer.process(req->packet);
        out.last = server.process(response_of(out.peer_last));
    }
    if (auto* s = std::get_if<eap_success_step>(&out.last)) out.peer_last = peer.process(s->packet);
    if (auto* f = std::get_if<eap_failure_step>(&out.last)) out.peer_last = peer.process(f->packet);
    return out;
}

TEST(local_backend, mschapv2_success_gives_both_sides_the_same_msk) {
    gateway gw;
    deterministic_random prng(99);
    eap_peer carol("carol", text("Carol's secret"), prng);
    auto server = gw.session();
    ASSERT_TRUE(server);
    outcome o = converse(*server, carol, "carol");
    auto* ok = std::get_if<eap_success_step>(&o.last);
    ASSERT_NE(ok, nullptr) << (std::holds_alternative<eap_failure_step>(o.last)
                                   ? std::get<eap_failure_step>(o.last).error.message()
                                   : "not finished");
    EXPECT_EQ(ok->identity, "carol");
    ASSERT_EQ(ok->msk.size(), 64u);
    EXPECT_FALSE(ok->msk == secret(64));
    auto* peer_ok = std::get_if<peer_success>(&o.peer_last);
    ASSERT_NE(peer_ok, nullptr);
    EXPECT_TRUE(peer_ok->msk == ok->msk);
    // Challenge, then Success Request; no Identity round when IDi is known.
    ASSERT_EQ(o.requests.size(), 2u);
    auto first = decode_eap_packet(o.requests[0].packet);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->type, eap_type::mschapv2);
    // EAP-Success carries the identifier of the response it answers.
    auto second = decode_eap_packet(o.requests[1].packet);
    ASSERT_TRUE(second);
    EXPECT_EQ(ok->packet, eap_success_packet(second->identifier));
    EXPECT_EQ(static_cast<std::uint8_t>(first->identifier + 1), second->identifier);
}

TEST(local_backend, different_challenges_give_different_msks) {
    gateway gw;
    deterministic_random prng(1);
    eap_peer a("carol", text("Carol's secret"), prng);
    eap_peer b("carol", text("Carol's secret"), prng);
    auto s1 = gw.session();
    auto s2 = gw.session();
    outcome o1 = converse(*s1, a, "carol");
    outcome o2 = converse(*s2, b, "carol");
    ASSERT_TRUE(std::holds_alternative<eap_success_step>(o1.last));
    ASSERT_TRUE(std::holds_alternative<eap_success_step>(o2.last));
    EXPECT_FALSE(std::get<eap_success_step>(o1.last).msk ==
                 std::get<eap_success_step>(o2.last).msk);
}

TEST(local_backend, identity_round_when_asked) {
    gateway gw;
    gw.params.ask_identity = true;
    deterministic_random prng(3);
    eap_peer dave("dave", text("d4ve"), prng);
    auto server = gw.session();
    // IDi is an address here; the EAP identity comes from EAP-Identity.
    outcome o = converse(*server, dave, "192.0.2.10");
    ASSERT_TRUE(std::holds_alternative<eap_success_step>(o.last));
    EXPECT_EQ(std::get<eap_success_step>(o.last).identity, "dave");
    ASSERT_EQ(o.requests.size(), 3u);
    auto first = decode_eap_packet(o.requests[0].packet);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->type, eap_type::identity);
    EXPECT_TRUE(first->data.empty());
}

TEST(local_backend, identity_round_when_idi_is_empty) {
    gateway gw;
    auto server = gw.session();
    auto first = decode_eap_packet(request_of(server->start("")));
    ASSERT_TRUE(first);
    EXPECT_EQ(first->type, eap_type::identity);
}

TEST(local_backend, empty_identity_answer_falls_back_to_idi) {
    // Android's built-in client: IKE identity = user name, empty EAP-Identity.
    gateway gw;
    gw.params.ask_identity = true;
    auto server = gw.session();
    auto ask = decode_eap_packet(request_of(server->start("carol")));
    ASSERT_TRUE(ask);
    ASSERT_EQ(ask->type, eap_type::identity);
    auto next = server->process(eap_response(ask->identifier, eap_type::identity, {}));
    auto challenge = decode_eap_packet(request_of(next));
    ASSERT_TRUE(challenge);
    EXPECT_EQ(challenge->type, eap_type::mschapv2);
    deterministic_random prng(5);
    eap_peer carol("carol", text("Carol's secret"), prng);
    eap_step last = next;
    for (int round = 0; round < 4; ++round) {
        auto* req = std::get_if<eap_request_step>(&last);
        if (req == nullptr) break;
        last = server->process(response_of(carol.process(req->packet)));
    }
    ASSERT_TRUE(std::holds_alternative<eap_success_step>(last));
    EXPECT_EQ(std::get<eap_success_step>(last).identity, "carol");
    // Without an IDi to fall back to, an empty answer ends the session.
    auto bare = gw.session();
    auto ask2 = decode_eap_packet(request_of(bare->start("")));
    ASSERT_TRUE(ask2);
    auto failed = bare->process(eap_response(ask2->identifier, eap_type::identity, {}));
    ASSERT_TRUE(std::holds_alternative<eap_failure_step>(failed));
}

TEST(local_backend, wrong_password_names_the_user) {
    gateway gw;
    deterministic_random prng(4);
    eap_peer carol("carol", text("guess"), prng);
    auto server = gw.session();
    outcome o = converse(*server, carol, "carol");
    auto* f = std::get_if<eap_failure_step>(&o.last);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->error.code, eap_errc::wrong_password);
    EXPECT_EQ(f->error.detail, "EAP-MSCHAPv2: user 'carol' sent a wrong password");
    // The Failure Request said so first (E=691 R=0), flagged for the log.
    ASSERT_EQ(o.requests.size(), 2u);
    ASSERT_TRUE(o.requests[1].failing);
    EXPECT_EQ(o.requests[1].failing->code, eap_errc::wrong_password);
    auto p = decode_eap_packet(o.requests[1].packet);
    ASSERT_TRUE(p);
    const std::string msg(p->data.begin() + 4, p->data.end());
    EXPECT_EQ(p->data[0], 4);  // OpCode Failure
    EXPECT_TRUE(msg.starts_with("E=691 R=0 C=")) << msg;
    EXPECT_EQ(f->packet[0], 4);  // EAP-Failure
    auto* pf = std::get_if<peer_failure>(&o.peer_last);
    ASSERT_NE(pf, nullptr);
    EXPECT_EQ(pf->error.code, eap_errc::rejected_by_server);
}

TEST(local_backend, unknown_user_is_refused_like_a_wrong_password) {
    gateway gw;
    deterministic_random prng(5);
    eap_peer eve("eve", text("anything"), prng);
    auto server = gw.session();
    outcome o = converse(*server, eve, "eve");
    auto* f = std::get_if<eap_failure_step>(&o.last);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->error.code, eap_errc::unknown_user);
    EXPECT_NE(f->error.detail.find("unknown user 'eve'"), std::string::npos) << f->error.detail;
    // Same packets as a wrong password: the peer cannot tell the two apart.
    ASSERT_EQ(o.requests.size(), 2u);
    auto p = decode_eap_packet(o.requests[1].packet);
    ASSERT_TRUE(p);
    EXPECT_TRUE(std::string(p->data.begin() + 4, p->data.end()).starts_with("E=691 R=0 C="));
}

TEST(local_backend, retries_send_a_new_challenge_then_give_up) {
    gateway gw;
    gw.params.mschapv2_retries = 1;
    deterministic_random prng(6);
    eap_peer carol("carol", text("guess"), prng);
    auto server = gw.session();
    outcome o = converse(*server, carol, "carol");
    auto* f = std::get_if<eap_failure_step>(&o.last);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->error.code, eap_errc::wrong_password);
    // Challenge, Failure R=1 (a retry, not final), Failure R=0 (final).
    ASSERT_EQ(o.requests.size(), 3u);
    auto retry = decode_eap_packet(o.requests[1].packet);
    ASSERT_TRUE(retry);
    EXPECT_TRUE(
        std::string(retry->data.begin() + 4, retry->data.end()).starts_with("E=691 R=1 C="));
    EXPECT_FALSE(o.requests[1].failing);
    EXPECT_TRUE(o.requests[2].failing);
}

TEST(local_backend, peer_refuses_a_server_whose_proof_is_wrong) {
    // A Success Request whose S= does not match is a server that does not
    // know the password: the peer stops and never takes the MSK.
    gateway gw;
    deterministic_random prng(8);
    eap_peer carol("carol", text("Carol's secret"), prng);
    auto server = gw.session();
    const bytes challenge = request_of(server->start("carol"));
    const eap_step step = server->process(response_of(carol.process(challenge)));
    bytes forged = request_of(step);
    ASSERT_GT(forged.size(), 12u);
    forged[12] = forged[12] == 'A' ? 'B' : 'A';  // inside the S= hex
    peer_step r = carol.process(forged);
    ASSERT_TRUE(std::holds_alternative<peer_failure>(r));
    EXPECT_EQ(std::get<peer_failure>(r).error.code, eap_errc::server_not_verified);
    // And an EAP-Success without the proof is refused too.
    peer_step early = carol.process(eap_success_packet(1));
    ASSERT_TRUE(std::holds_alternative<peer_failure>(early));
}

eap_failure_step expect_failure(const eap_step& step, eap_errc code) {
    auto* f = std::get_if<eap_failure_step>(&step);
    EXPECT_NE(f, nullptr) << "step " << step.index();
    if (f == nullptr) return {};
    EXPECT_EQ(f->error.code, code) << f->error.message();
    EXPECT_EQ(f->packet.size(), 4u);
    EXPECT_EQ(f->packet[0], 4);
    return *f;
}

TEST(local_backend, malformed_and_misplaced_packets_are_typed_failures) {
    gateway gw;
    deterministic_random prng(10);
    auto fresh = [&](bytes* reply) {
        auto s = gw.session();
        eap_peer carol("carol", text("Carol's secret"), prng);
        *reply = response_of(carol.process(request_of(s->start("carol"))));
        return s;
    };
    bytes good;
    {
        auto s = fresh(&good);
        bytes cut(good.begin(), good.begin() + 20);
        expect_failure(s->process(cut), eap_errc::malformed);  // Length says more
    }
    {
        auto s = fresh(&good);
        bytes lie = good;
        lie[3] = static_cast<std::uint8_t>(lie[3] + 1);
        expect_failure(s->process(lie), eap_errc::malformed);
    }
    {
        auto s = fresh(&good);
        bytes other = good;
        other[1] = static_cast<std::uint8_t>(other[1] + 1);
        expect_failure(s->process(other), eap_errc::unexpected_identifier);
    }
    {
        auto s = fresh(&good);
        bytes as_request = good;
        as_request[0] = 1;
        expect_failure(s->process(as_request), eap_errc::unexpected_packet);
    }
    {
        auto s = fresh(&good);
        bytes ms_len = good;
        ms_len[8] ^= 0x01;  // MS-Length
        expect_failure(s->process(ms_len), eap_errc::malformed);
    }
    {
        auto s = fresh(&good);
        bytes nak = eap_response(good[1], eap_type::nak, bytes{13});
        auto f = expect_failure(s->process(nak), eap_errc::method_refused);
        EXPECT_NE(f.error.detail.find("asks for"), std::string::npos) << f.error.detail;
    }
    {
        auto s = fresh(&good);
        bytes md5 = eap_response(good[1], eap_type::md5_challenge, bytes{1, 2});
        expect_failure(s->process(md5), eap_errc::unexpected_packet);
    }
    {
        auto s = fresh(&good);
        expect_failure(s->resume(), eap_errc::session_state);
    }
    {
        auto s = gw.session();
        expect_failure(s->process(good), eap_errc::session_state);  // before start
    }
}

TEST(local_backend, every_truncation_and_bit_flip_fails_cleanly) {
    gateway gw;
    deterministic_random prng(11);
    eap_peer carol("carol", text("Carol's secret"), prng);
    auto probe = gw.session();
    const bytes good = response_of(carol.process(request_of(probe->start("carol"))));
    // Each variant goes to a fresh session with the same randomness, so the
    // challenge (and identifier) match what `good` answers.
    auto session_like_probe = [&] {
        gw.random = deterministic_random(7);
        return gw.session();
    };
    {
        // The control: unchanged, the response is accepted (a Success Request).
        auto s = session_like_probe();
        (void)s->start("carol");
        const eap_step step = s->process(good);
        auto* r = std::get_if<eap_request_step>(&step);
        ASSERT_NE(r, nullptr);
        ASSERT_FALSE(r->failing) << r->failing->message();
    }
    for (std::size_t n = 0; n < good.size(); ++n) {
        auto s = session_like_probe();
        (void)s->start("carol");
        const eap_step step = s->process(bytes_view(good.data(), n));
        EXPECT_TRUE(std::holds_alternative<eap_failure_step>(step)) << "truncated to " << n;
    }
    for (std::size_t i = 0; i < good.size(); ++i)
        for (int bit = 0; bit < 8; ++bit) {
            auto s = session_like_probe();
            (void)s->start("carol");
            bytes flipped = good;
            flipped[i] ^= static_cast<std::uint8_t>(1u << bit);
            const eap_step step = s->process(flipped);
            // Header flips fail at once; flips in the peer challenge, the
            // NT-Response or the name are a wrong password or unknown user.
            // Only the Reserved octets (26..33) and Flags (58), which the
            // proof does not cover, may still be accepted.
            ASSERT_FALSE(std::holds_alternative<eap_success_step>(step));
            if (auto* r = std::get_if<eap_request_step>(&step); r != nullptr && !r->failing) {
                EXPECT_TRUE((i >= 26 && i <= 33) || i == 58) << "accepted a flip at " << i;
            }
        }
}

TEST(local_backend, session_needs_randomness_and_a_known_method) {
    eap_user_store users;
    local_backend backend(users);
    eap_session_params params;
    auto none = backend.create_session(params);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, eap_errc::backend_unavailable);
    deterministic_random r(1);
    params.random = &r;
    params.methods = {eap_type::md5_challenge, eap_type::gtc};
    auto md5 = backend.create_session(params);
    ASSERT_FALSE(md5);
    EXPECT_NE(md5.error().detail.find("EAP-MSCHAPv2, EAP-TLS"), std::string::npos);
}

}  // namespace
