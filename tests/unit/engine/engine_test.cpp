// Two peers through the sans-I/O engine (STYLE point 12b).
#include <gtest/gtest.h>

#include "libike/proposal/proposal_string.hpp"
#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

// 1. PSK site-to-site.
TEST_F(site_to_site, psk_establishes_ike_and_child_sa_with_mirrored_keys) {
    start();
    initiate();
    expect_up();
    const auto& ia = A().installs[0];
    const auto& ib = B().installs[0];
    EXPECT_EQ(ia.spi_in, ib.spi_out);
    EXPECT_EQ(ia.spi_out, ib.spi_in);
    EXPECT_GE(ia.spi_in, 0xc0000000u);
    EXPECT_LE(ia.spi_in, 0xcfffffffu);
    EXPECT_TRUE(ia.keys.encr_out == ib.keys.encr_in);
    EXPECT_TRUE(ia.keys.encr_in == ib.keys.encr_out);
    EXPECT_TRUE(ia.keys.integ_out == ib.keys.integ_in);
    EXPECT_FALSE(ia.keys.encr_in == ia.keys.encr_out);
    EXPECT_EQ(ia.keys.encr_in.size(), 36u);  // AES-256 key + 4-byte salt
    EXPECT_EQ(ia.keys.encr, encr_id::aes_gcm_16);
    EXPECT_EQ(ia.keys.encr_key_bits, 256);
    EXPECT_EQ(ia.keys.integ, integ_id::none);
    EXPECT_TRUE(ia.keys.esn);
    EXPECT_EQ(ib.keys.encr, ia.keys.encr);
    EXPECT_EQ(ia.mode, ipsec_mode::tunnel);
    EXPECT_FALSE(ia.udp_encap);
    EXPECT_EQ(ia.local_ts, std::vector{ts("10.1.0.0/16")});
    EXPECT_EQ(ia.remote_ts, std::vector{ts("10.2.0.0/16")});
    EXPECT_EQ(ib.local_ts, ia.remote_ts);
    EXPECT_EQ(ib.remote_ts, ia.local_ts);
    EXPECT_EQ(ia.local.port, 500);
    EXPECT_EQ(ia.remote.ip, ip("192.0.2.2"));

    auto la = A().eng.list_sas();
    auto lb = B().eng.list_sas();
    ASSERT_EQ(la.size(), 1u);
    ASSERT_EQ(lb.size(), 1u);
    EXPECT_EQ(la[0].state, "established");
    EXPECT_EQ(lb[0].state, "established");
    EXPECT_TRUE(la[0].initiator);
    EXPECT_FALSE(lb[0].initiator);
    EXPECT_EQ(la[0].spi_i, lb[0].spi_i);
    EXPECT_EQ(la[0].spi_r, lb[0].spi_r);
    EXPECT_NE(la[0].spi_r, 0u);
    EXPECT_EQ(la[0].ike_proposal, to_string(ike_prop("aes256gcm16-prfsha256-x25519")));
    EXPECT_EQ(lb[0].ike_proposal, la[0].ike_proposal);
    EXPECT_EQ(la[0].remote_id, "b.example.org");
    EXPECT_EQ(lb[0].remote_id, "a.example.org");
    ASSERT_EQ(la[0].children.size(), 1u);
    ASSERT_EQ(lb[0].children.size(), 1u);
    EXPECT_EQ(la[0].children[0].esp_proposal, "aes256gcm16-esn");
    EXPECT_EQ(lb[0].children[0].esp_proposal, "aes256gcm16-esn");
    EXPECT_EQ(la[0].children[0].spi_in, lb[0].children[0].spi_out);
    EXPECT_EQ(A().eng.counters().ike_sas, 1u);
    EXPECT_EQ(B().eng.counters().half_open, 0u);
    // Four datagrams: IKE_SA_INIT and IKE_AUTH, request and response each.
    EXPECT_EQ(net->datagrams, 4u);
    // Nothing pending but the IKE_SA's rekey (rekey_time 4h less up to 24m).
    ASSERT_TRUE(la[0].rekey_at);
    EXPECT_EQ(A().eng.next_deadline(), la[0].rekey_at);
    EXPECT_LE(*la[0].rekey_at, la[0].established + std::chrono::hours(4));
    EXPECT_GE(*la[0].rekey_at, la[0].established + std::chrono::minutes(216));
}

// 1b. A narrower responder: TS are narrowed to the intersection (§2.9).
TEST_F(site_to_site, responder_narrows_traffic_selectors) {
    a_spec.local_ts = {"10.1.0.0/16"};
    a_spec.remote_ts = {"10.0.0.0/8"};
    b_spec.local_ts = {"10.2.3.0/24"};
    start();
    initiate();
    expect_up();
    EXPECT_EQ(A().installs[0].remote_ts, std::vector{ts("10.2.3.0/24")});
    EXPECT_EQ(B().installs[0].local_ts, std::vector{ts("10.2.3.0/24")});
    EXPECT_EQ(B().installs[0].remote_ts, std::vector{ts("10.1.0.0/16")});
}

// 2. The responder's preference wins.
TEST_F(site_to_site, responder_picks_by_its_own_preference) {
    a_spec.ike = {"aes128gcm16-prfsha256-ecp256", "aes256-sha256-modp2048",
                  "aes256gcm16-prfsha384-x25519"};
    b_spec.ike = {"aes256gcm16-prfsha384-x25519", "aes256-sha256-modp2048"};
    a_spec.esp = {"aes128gcm16", "aes256-sha256"};
    b_spec.esp = {"aes256-sha256", "aes128gcm16"};
    start();
    initiate();  // x25519 is not A's first group: one INVALID_KE_PAYLOAD round first
    expect_up();
    auto la = A().eng.list_sas();
    ASSERT_EQ(la.size(), 1u);
    EXPECT_EQ(la[0].ike_proposal, to_string(ike_prop("aes256gcm16-prfsha384-x25519")));
    EXPECT_EQ(B().eng.list_sas()[0].ike_proposal, la[0].ike_proposal);
    EXPECT_EQ(A().installs[0].keys.encr, encr_id::aes_cbc);
    EXPECT_EQ(A().installs[0].keys.integ, integ_id::hmac_sha2_256_128);
    EXPECT_EQ(A().installs[0].keys.encr_out.size(), 32u);
    EXPECT_EQ(A().installs[0].keys.integ_out.size(), 32u);
    EXPECT_TRUE(A().installs[0].keys.integ_out == B().installs[0].keys.integ_in);
    EXPECT_FALSE(A().installs[0].keys.esn);
}

// 3. INVALID_KE_PAYLOAD and the retry with the group the responder names.
TEST_F(site_to_site, invalid_ke_payload_retry_with_the_named_group) {
    a_spec.ike = {"aes256gcm16-prfsha256-x25519-ecp256"};
    b_spec.ike = {"aes256gcm16-prfsha256-ecp256"};
    std::vector<std::pair<char, ike_header>> seen;
    std::vector<ke_group> ke_groups;
    start();
    net->hook = [&](in_flight& f) {
        seen.emplace_back(f.from, f.header);
        if (is(f, exchange_type::ike_sa_init, false)) {
            auto m = decode_message(f.datagram->data);
            for (const auto& p : m->payloads)
                if (auto* ke = std::get_if<ke_payload>(&p.body)) ke_groups.push_back(ke->group);
        }
        return verdict::deliver;
    };
    initiate();
    expect_up();
    ASSERT_EQ(ke_groups.size(), 2u);
    EXPECT_EQ(ke_groups[0], ke_group::curve25519);
    EXPECT_EQ(ke_groups[1], ke_group::ecp256);
    ASSERT_GE(seen.size(), 4u);
    EXPECT_EQ(seen[1].second.spi_r, 0u);  // the INVALID_KE_PAYLOAD answer keeps no state
    EXPECT_EQ(seen[2].second.message_id, 0u);
    EXPECT_EQ(seen[2].second.exchange, exchange_type::ike_sa_init);
    EXPECT_EQ(A().eng.list_sas()[0].ike_proposal,
              to_string(ike_prop("aes256gcm16-prfsha256-ecp256")));
    EXPECT_EQ(B().failures(), "");
    EXPECT_EQ(B().eng.list_sas().size(), 1u);
    // Both logs say what happened (charon does too).
    EXPECT_TRUE(
        A().has_notice("INVALID_KE_PAYLOAD: it does not accept our KE payload of "
                       "CURVE_25519 and asks for ECP_256"));
    EXPECT_TRUE(B().has_notice("answered INVALID_KE_PAYLOAD asking for ECP_256"));
}

// 4. COOKIE demanded with threshold 0; the initiator repeats with it.
TEST_F(site_to_site, cookie_round_trip) {
    settings.cookie_threshold = 0;
    start();
    std::vector<in_flight> seen;
    bool first_has_cookie = true, retry_has_cookie = false;
    net->hook = [&](in_flight& f) {
        seen.push_back(f);
        if (is(f, exchange_type::ike_sa_init, false)) {
            auto m = decode_message(f.datagram->data);
            const auto* n = std::get_if<notify_payload>(&m->payloads.at(0).body);
            bool cookie = n && n->type == notify_type::cookie;
            (seen.size() == 1 ? first_has_cookie : retry_has_cookie) = cookie;
        }
        return verdict::deliver;
    };
    initiate();
    expect_up();
    EXPECT_FALSE(first_has_cookie);
    EXPECT_TRUE(retry_has_cookie);
    ASSERT_EQ(seen.size(), 6u);
    EXPECT_TRUE(is(seen[1], exchange_type::ike_sa_init, true));
    EXPECT_EQ(seen[1].header.spi_r, 0u);
    EXPECT_EQ(seen[2].header.spi_i, seen[0].header.spi_i);
}

// 5. Wrong PSK.
TEST_F(site_to_site, wrong_psk_fails_authentication_on_both_sides) {
    start("one-psk", "another-psk");
    initiate();
    EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
    EXPECT_FALSE(B().has_event(sa_event::kind::ike_up));
    EXPECT_NE(A().failures().find("AUTHENTICATION_FAILED"), std::string::npos) << A().failures();
    EXPECT_NE(B().failures().find("AUTHENTICATION_FAILED"), std::string::npos) << B().failures();
    EXPECT_NE(B().failures().find("PSK"), std::string::npos) << B().failures();
    EXPECT_TRUE(A().installs.empty());
    EXPECT_TRUE(B().installs.empty());
    EXPECT_TRUE(A().eng.list_sas().empty());
    EXPECT_TRUE(B().eng.list_sas().empty());
}

// 5b. An identity that does not match the configured one.
TEST_F(site_to_site, unexpected_peer_identity_fails_authentication) {
    b_spec.remote_id = "c.example.org";
    start();
    net->b.psks.add("*", "s3cret-psk");
    initiate();
    EXPECT_NE(B().failures().find("a.example.org"), std::string::npos) << B().failures();
    EXPECT_NE(B().failures().find("c.example.org"), std::string::npos) << B().failures();
    EXPECT_NE(A().failures().find("AUTHENTICATION_FAILED"), std::string::npos);
    EXPECT_TRUE(B().installs.empty());
}

// 6. No common IKE proposal.
TEST_F(site_to_site, no_common_ike_proposal) {
    a_spec.ike = {"aes128-sha256-modp2048"};
    b_spec.ike = {"aes256gcm16-prfsha384-x25519"};
    start();
    initiate();
    EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
    const auto ra = A().failures();
    const auto rb = B().failures();
    EXPECT_NE(ra.find("NO_PROPOSAL_CHOSEN"), std::string::npos) << ra;
    // The explanation names both sides' proposals in canonical keyword form.
    EXPECT_NE(rb.find(to_string(ike_prop("aes128-sha256-modp2048"))), std::string::npos) << rb;
    EXPECT_NE(rb.find(to_string(ike_prop("aes256gcm16-prfsha384-x25519"))), std::string::npos)
        << rb;
    EXPECT_NE(rb.find("NO_PROPOSAL_CHOSEN"), std::string::npos) << rb;
    EXPECT_TRUE(A().eng.list_sas().empty());
    EXPECT_TRUE(B().eng.list_sas().empty());
    EXPECT_EQ(B().eng.counters().half_open, 0u);
}

// 7. Traffic selectors that cannot be narrowed: IKE_SA up, CHILD_SA refused.
TEST_F(site_to_site, unacceptable_traffic_selectors_keep_the_ike_sa) {
    a_spec.remote_ts = {"10.3.0.0/16"};
    start();
    initiate();
    EXPECT_TRUE(A().has_event(sa_event::kind::ike_up));
    EXPECT_TRUE(B().has_event(sa_event::kind::ike_up));
    EXPECT_FALSE(A().has_event(sa_event::kind::child_up));
    EXPECT_NE(A().failures().find("TS_UNACCEPTABLE"), std::string::npos) << A().failures();
    EXPECT_NE(B().failures().find("TS_UNACCEPTABLE"), std::string::npos) << B().failures();
    EXPECT_NE(B().failures().find("10.3.0.0/16"), std::string::npos) << B().failures();
    EXPECT_TRUE(A().installs.empty());
    EXPECT_TRUE(B().installs.empty());
    ASSERT_EQ(A().eng.list_sas().size(), 1u);
    EXPECT_EQ(A().eng.list_sas()[0].state, "established");
    EXPECT_EQ(B().eng.list_sas()[0].state, "established");
}

// 7b. No common ESP proposal: likewise NO_PROPOSAL_CHOSEN for the child only.
TEST_F(site_to_site, no_common_esp_proposal_keeps_the_ike_sa) {
    a_spec.esp = {"aes128-sha1"};
    start();
    initiate();
    EXPECT_TRUE(A().has_event(sa_event::kind::ike_up));
    EXPECT_NE(A().failures().find("NO_PROPOSAL_CHOSEN"), std::string::npos) << A().failures();
    EXPECT_TRUE(B().installs.empty());
    EXPECT_EQ(B().eng.list_sas()[0].state, "established");
}

// 8a. Lost IKE_AUTH request: retransmitted after the timeout.
TEST_F(site_to_site, lost_ike_auth_request_is_retransmitted) {
    start();
    bool dropped = false;
    net->hook = [&](in_flight& f) {
        if (!dropped && is(f, exchange_type::ike_auth, false)) {
            dropped = true;
            return verdict::drop;
        }
        return verdict::deliver;
    };
    initiate();
    EXPECT_TRUE(dropped);
    EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
    ASSERT_TRUE(A().eng.next_deadline());
    EXPECT_EQ(*A().eng.next_deadline(), net->now + settings.retransmit_timeout);
    net->advance(settings.retransmit_timeout);
    expect_up();
    EXPECT_EQ(A().eng.counters().retransmits, 1u);
}

// 8b. Lost IKE_AUTH response: the responder answers the retransmission from
// its cache and installs only once.
TEST_F(site_to_site, lost_ike_auth_response_is_answered_from_the_cache) {
    start();
    int responses = 0;
    bytes first_response;
    net->hook = [&](in_flight& f) {
        if (is(f, exchange_type::ike_auth, true)) {
            if (++responses == 1) {
                first_response = f.datagram->data;
                return verdict::drop;
            }
            EXPECT_EQ(f.datagram->data, first_response);  // byte for byte the cached answer
        }
        return verdict::deliver;
    };
    initiate();
    EXPECT_TRUE(B().has_event(sa_event::kind::ike_up));
    EXPECT_FALSE(A().has_event(sa_event::kind::ike_up));
    net->advance(settings.retransmit_timeout);
    expect_up();
    EXPECT_EQ(responses, 2);
    EXPECT_EQ(B().installs.size(), 1u);
}

// 8c. Duplicated requests are answered from the cache, not processed twice.
TEST_F(site_to_site, duplicated_requests_are_processed_once) {
    start();
    net->hook = [&](in_flight& f) {
        return f.header.is_response() ? verdict::deliver : verdict::duplicate;
    };
    initiate();
    expect_up();
    EXPECT_EQ(B().eng.list_sas().size(), 1u);
    EXPECT_EQ(B().installs.size(), 1u);
}

// 8d. Peer gone: retransmissions with back-off, then give up.
TEST_F(site_to_site, peer_gone_gives_up_after_the_configured_tries) {
    settings.retransmit_timeout = 1000ms;
    settings.retransmit_base = 2.0;
    settings.retransmit_tries = 3;
    start();
    std::vector<time_point> sent_at;
    net->hook = [&](in_flight& f) {
        if (f.from == 'a') sent_at.push_back(net->now);
        return verdict::drop;
    };
    initiate();
    net->advance(std::chrono::seconds(100));
    ASSERT_EQ(sent_at.size(), 4u);  // the request and three retransmissions
    EXPECT_EQ(sent_at[1] - sent_at[0], 1000ms);
    EXPECT_EQ(sent_at[2] - sent_at[1], 2000ms);
    EXPECT_EQ(sent_at[3] - sent_at[2], 4000ms);
    EXPECT_NE(A().failures().find("not responding"), std::string::npos) << A().failures();
    EXPECT_EQ(A().eng.counters().retransmits, 3u);
    EXPECT_TRUE(A().eng.list_sas().empty());
    EXPECT_EQ(A().eng.next_deadline(), std::nullopt);
}

// 9. terminate(): Delete exchange, both sides tear down.
TEST_F(site_to_site, terminate_deletes_on_both_sides) {
    start();
    auto id = initiate();
    expect_up();
    ASSERT_TRUE(A().eng.terminate(net->now, id));
    net->run();
    ASSERT_EQ(A().removes.size(), 1u);
    ASSERT_EQ(B().removes.size(), 1u);
    EXPECT_EQ(A().removes[0].spi_in, A().installs[0].spi_in);
    EXPECT_EQ(B().removes[0].spi_in, B().installs[0].spi_in);
    EXPECT_EQ(B().removes[0].spi_out, A().installs[0].spi_in);
    EXPECT_TRUE(A().has_event(sa_event::kind::ike_down));
    EXPECT_TRUE(B().has_event(sa_event::kind::ike_down));
    EXPECT_TRUE(A().has_event(sa_event::kind::child_down));
    EXPECT_TRUE(A().eng.list_sas().empty());
    EXPECT_TRUE(B().eng.list_sas().empty());
    EXPECT_FALSE(A().eng.terminate(net->now, id));
    EXPECT_EQ(A().failures(), "");
}

// 9b. The responder can delete too.
TEST_F(site_to_site, responder_terminates) {
    start();
    initiate();
    expect_up();
    ASSERT_TRUE(B().eng.terminate(net->now, B().eng.list_sas()[0].id));
    net->run();
    EXPECT_TRUE(A().has_event(sa_event::kind::ike_down));
    EXPECT_TRUE(B().has_event(sa_event::kind::ike_down));
    EXPECT_EQ(A().removes.size(), 1u);
    EXPECT_TRUE(A().eng.list_sas().empty());
    EXPECT_TRUE(B().eng.list_sas().empty());
}

// 10. A tampered encrypted message is dropped and counted; the SA stays up
// and the retransmission gets through.
TEST_F(site_to_site, tampered_message_is_dropped_and_counted) {
    start();
    auto id = initiate();
    expect_up();
    bool tampered = false;
    net->hook = [&](in_flight& f) {
        if (!tampered && f.from == 'a') {
            tampered = true;
            f.datagram->data[f.datagram->data.size() - 3] ^= 0x40;
        }
        return verdict::deliver;
    };
    ASSERT_TRUE(A().eng.terminate(net->now, id));
    net->run();
    EXPECT_TRUE(tampered);
    EXPECT_EQ(B().eng.counters().dropped_integrity, 1u);
    EXPECT_EQ(B().eng.list_sas().size(), 1u);
    EXPECT_EQ(B().eng.list_sas()[0].state, "established");
    EXPECT_FALSE(B().has_event(sa_event::kind::ike_down));
    net->advance(settings.retransmit_timeout);
    EXPECT_TRUE(B().has_event(sa_event::kind::ike_down));
}

// 10b. Unknown SPIs and garbage are counted, never answered.
TEST_F(site_to_site, garbage_and_unknown_spis_are_counted) {
    start();
    initiate();
    expect_up();
    const auto sent = B().sent.size();
    bytes junk(40, 0x55);
    B().eng.receive(net->now, {ip("192.0.2.2"), 500}, {ip("192.0.2.1"), 500}, junk);
    EXPECT_EQ(B().eng.counters().dropped_malformed, 1u);
    bytes other = A().sent.back().data;  // the IKE_AUTH request, with a changed SPIr
    other[15] ^= 0xff;
    B().eng.receive(net->now, {ip("192.0.2.2"), 500}, {ip("192.0.2.1"), 500}, other);
    EXPECT_EQ(B().eng.counters().dropped_unknown_spi, 1u);
    net->run();
    EXPECT_EQ(B().sent.size(), sent);
}

// An IKE_SA_INIT request that breaks the payload rules (no KE) is dropped
// and counted, with no state and no answer; the initiator's retransmission
// (intact) then succeeds.
TEST_F(site_to_site, ike_sa_init_without_ke_is_dropped_by_the_payload_rules) {
    start();
    bool damaged = false;
    net->hook = [&](in_flight& f) {
        if (damaged || !is(f, exchange_type::ike_sa_init, false)) return verdict::deliver;
        damaged = true;
        auto m = decode_message(f.datagram->data);
        std::erase_if(m->payloads, [](const payload& p) { return p.type == payload_type::ke; });
        f.datagram->data = encode_message(*m);
        return verdict::deliver;
    };
    initiate();
    EXPECT_EQ(B().eng.counters().dropped_malformed, 1u);
    EXPECT_TRUE(B().sent.empty());
    EXPECT_TRUE(B().eng.list_sas().empty());
    net->advance(settings.retransmit_timeout + 1s);
    expect_up();
}

// An IKE_SA_INIT response without its Nonce (it may be forged: it is not
// protected) is dropped and counted; the retransmitted request gets the
// responder's cached, intact answer.
TEST_F(site_to_site, ike_sa_init_response_without_nonce_is_dropped) {
    start();
    bool damaged = false;
    net->hook = [&](in_flight& f) {
        if (damaged || !is(f, exchange_type::ike_sa_init, true)) return verdict::deliver;
        damaged = true;
        auto m = decode_message(f.datagram->data);
        std::erase_if(m->payloads, [](const payload& p) { return p.type == payload_type::nonce; });
        f.datagram->data = encode_message(*m);
        return verdict::deliver;
    };
    initiate();
    EXPECT_EQ(A().eng.counters().dropped_malformed, 1u);
    EXPECT_FALSE(A().has_event(sa_event::kind::failed)) << A().failures();
    ASSERT_EQ(A().eng.list_sas().size(), 1u);
    EXPECT_EQ(A().eng.list_sas()[0].state, "connecting");
    net->advance(settings.retransmit_timeout + 1s);
    expect_up();
}

// 11. Transport mode between IPv6 hosts.
TEST_F(site_to_site, transport_mode_over_ipv6) {
    a_addr = "2001:db8::1";
    b_addr = "2001:db8::2";
    a_spec.local_addr = b_spec.remote_addr = "2001:db8::1";
    a_spec.remote_addr = b_spec.local_addr = "2001:db8::2";
    a_spec.local_ts = a_spec.remote_ts = b_spec.local_ts = b_spec.remote_ts = {};
    a_spec.mode = b_spec.mode = ipsec_mode::transport;
    start();
    bool notified = false;
    net->hook = [&](in_flight& f) {
        if (is(f, exchange_type::ike_auth, false)) notified = true;
        return verdict::deliver;
    };
    initiate();
    expect_up();
    EXPECT_TRUE(notified);
    const auto& ia = A().installs[0];
    const auto& ib = B().installs[0];
    EXPECT_EQ(ia.mode, ipsec_mode::transport);
    EXPECT_EQ(ib.mode, ipsec_mode::transport);
    EXPECT_TRUE(ia.local.ip.ipv6);
    EXPECT_EQ(ia.local.ip, ip("2001:db8::1"));
    EXPECT_EQ(ia.remote.ip, ip("2001:db8::2"));
    EXPECT_EQ(ia.local_ts, std::vector{ts("2001:db8::1/128")});
    EXPECT_EQ(ia.remote_ts, std::vector{ts("2001:db8::2/128")});
    EXPECT_EQ(ib.local_ts, ia.remote_ts);
    EXPECT_EQ(B().eng.list_sas()[0].children[0].mode, ipsec_mode::transport);
}

// 11b. Transport requested but the responder is configured for tunnel: the
// responder answers without USE_TRANSPORT_MODE and the initiator refuses the child.
TEST_F(site_to_site, transport_mode_refused_by_a_tunnel_responder) {
    a_spec.mode = ipsec_mode::transport;
    start();
    initiate();
    EXPECT_TRUE(A().has_event(sa_event::kind::ike_up));
    EXPECT_NE(A().failures().find("transport"), std::string::npos) << A().failures();
    EXPECT_TRUE(A().installs.empty());
}

// NAT detection (§2.23): A behind a NAT; IKE_AUTH moves to port 4500 and the
// CHILD_SA is UDP-encapsulated on both sides.
TEST_F(site_to_site, nat_detected_moves_to_the_natt_port) {
    b_spec.remote_addr = "";  // responder template: A arrives from its public address
    start();
    net->nat_a = ip("203.0.113.5");
    std::vector<std::uint16_t> a_ports;
    net->hook = [&](in_flight& f) {
        if (f.from == 'a') a_ports.push_back(f.datagram->remote.port);
        return verdict::deliver;
    };
    initiate();
    expect_up();
    EXPECT_EQ(a_ports, (std::vector<std::uint16_t>{500, 4500}));
    auto la = A().eng.list_sas();
    auto lb = B().eng.list_sas();
    EXPECT_TRUE(la[0].nat_local);
    EXPECT_FALSE(la[0].nat_remote);
    EXPECT_TRUE(lb[0].nat_remote);
    EXPECT_FALSE(lb[0].nat_local);
    EXPECT_TRUE(A().installs[0].udp_encap);
    EXPECT_TRUE(B().installs[0].udp_encap);
    EXPECT_EQ(A().installs[0].local.port, 4500);
    EXPECT_EQ(A().installs[0].remote.port, 4500);
    EXPECT_EQ(B().installs[0].remote, (socket_address{ip("203.0.113.5"), 5500}));
    EXPECT_EQ(B().installs[0].local.port, 4500);
}

// A failed kernel install: the CHILD_SA is deleted with the peer (child_delete,
// §1.4.1), the IKE_SA stays.
TEST_F(site_to_site, failed_install_deletes_the_child_with_the_peer) {
    start();
    A().kernel_error = "EEXIST";
    initiate();
    EXPECT_FALSE(A().has_event(sa_event::kind::child_up));  // never confirmed
    ASSERT_EQ(A().installs.size(), 1u);
    EXPECT_NE(A().failures().find("EEXIST"), std::string::npos) << A().failures();
    ASSERT_EQ(A().removes.size(), 1u);
    ASSERT_EQ(B().removes.size(), 1u);
    EXPECT_EQ(B().removes[0].spi_out, A().installs[0].spi_in);
    EXPECT_EQ(B().removes[0].spi_in, A().installs[0].spi_out);
    EXPECT_TRUE(B().has_event(sa_event::kind::child_down));
    EXPECT_TRUE(A().eng.list_sas()[0].children.empty());
    EXPECT_TRUE(B().eng.list_sas()[0].children.empty());
    EXPECT_EQ(B().eng.list_sas()[0].state, "established");
    EXPECT_FALSE(B().has_event(sa_event::kind::ike_down));
}

// A half-open responder SA (IKE_AUTH never arrives) expires after
// half_open_timeout; it counts as half open until then.
TEST_F(site_to_site, half_open_sa_expires) {
    settings.retransmit_tries = 10;
    start();
    net->hook = [&](in_flight& f) {
        return is(f, exchange_type::ike_auth, false) ? verdict::drop : verdict::deliver;
    };
    initiate();
    EXPECT_EQ(B().eng.counters().half_open, 1u);
    ASSERT_EQ(B().eng.list_sas().size(), 1u);
    EXPECT_EQ(B().eng.list_sas()[0].state, "connecting");
    net->advance(settings.half_open_timeout + 1s);
    EXPECT_TRUE(B().eng.list_sas().empty());
    EXPECT_EQ(B().eng.counters().half_open, 0u);
    EXPECT_EQ(A().eng.list_sas().size(), 1u);  // still retransmitting
}

// Liveness checks: an empty INFORMATIONAL after dpd_delay of silence.
TEST_F(site_to_site, dpd_probes_after_the_configured_delay) {
    start();
    auto cfg = make_config(a_spec);
    cfg->dpd_delay = 30s;
    A().eng.set_connections({cfg});
    initiate();
    expect_up();
    const auto sent = A().sent.size();
    net->advance(31s);
    ASSERT_EQ(A().sent.size(), sent + 1);
    auto m = decode_message(A().sent.back().data);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->header.exchange, exchange_type::informational);
    EXPECT_EQ(m->header.message_id, 2u);
    EXPECT_EQ(B().sent.size(), 3u);  // answered
    EXPECT_EQ(A().eng.list_sas()[0].state, "established");
}

}  // namespace
}  // namespace ike::test
