// The responder's IKE_SA_INIT key exchange as a crypto_job
// (engine_settings::offload_key_exchange, issue 7): the test plays the
// daemon's worker pool, running each job and handing it back with
// engine::crypto_done when and in the order it chooses.
#include <gtest/gtest.h>

#include "tests/unit/engine/site_to_site.hpp"

namespace ike::test {
namespace {

struct crypto_offload : site_to_site {
    crypto_offload() { settings.offload_key_exchange = true; }

    /// Runs B's job `i` and hands it back; then the network runs.
    void complete(std::size_t i) {
        ASSERT_LT(i, B().crypto_jobs.size());
        crypto_job job = std::move(B().crypto_jobs[i]);
        ASSERT_TRUE(job.work);
        job.run();
        B().eng.crypto_done(net->now, std::move(job));
        net->run();
    }

    std::size_t b_sent_ike_sa_init_responses() const {
        std::size_t n = 0;
        for (const auto& d : net->b.sent)
            if (auto m = decode_message(d.data);
                m && m->header.exchange == exchange_type::ike_sa_init && m->header.is_response())
                ++n;
        return n;
    }
};

TEST_F(crypto_offload, establishes_once_the_job_is_handed_back) {
    start();
    initiate();
    // The request is in, the answer waits for the job.
    ASSERT_EQ(B().crypto_jobs.size(), 1u);
    EXPECT_EQ(B().crypto_jobs[0].work->group(), ke_group::curve25519);
    EXPECT_FALSE(B().crypto_jobs[0].work->done());
    EXPECT_TRUE(B().sent.empty());
    EXPECT_EQ(B().eng.counters().half_open, 1u);
    ASSERT_EQ(B().eng.list_sas().size(), 1u);
    EXPECT_EQ(B().eng.list_sas()[0].state, "connecting");
    EXPECT_EQ(B().crypto_jobs[0].ike, B().eng.list_sas()[0].id);
    // A is the initiator: its key exchange stays inline, no jobs.
    EXPECT_TRUE(A().crypto_jobs.empty());

    complete(0);
    expect_up();
    EXPECT_EQ(net->datagrams, 4u);
    EXPECT_EQ(B().eng.counters().half_open, 0u);
    EXPECT_EQ(B().crypto_jobs.size(), 1u);  // no second job
    const auto& ia = A().installs[0];
    const auto& ib = B().installs[0];
    EXPECT_TRUE(ia.keys.encr_out == ib.keys.encr_in);
    EXPECT_TRUE(ia.keys.encr_in == ib.keys.encr_out);
}

// The same randomness gives the same exchange whether the key exchange runs
// inline or as a job: the private key is drawn at the same point from the
// same source, so every message B sends (KE value, nonce, IVs, AUTH) and
// every key is identical.
TEST_F(crypto_offload, gives_the_same_messages_and_keys_as_inline) {
    for (const char* proposal :
         {"aes256gcm16-prfsha256-x25519", "aes128-sha256-ecp256", "aes256-sha384-modp2048"}) {
        SCOPED_TRACE(proposal);
        a_spec.ike = b_spec.ike = {proposal};

        settings.offload_key_exchange = false;
        start();
        initiate();
        expect_up();
        const std::vector<send_datagram> inline_sent = B().sent;
        const install_child_sa inline_install = std::move(B().installs[0]);
        const auto inline_sa = B().eng.list_sas().at(0);

        settings.offload_key_exchange = true;
        start();
        initiate();
        ASSERT_EQ(B().crypto_jobs.size(), 1u);
        complete(0);
        expect_up();
        ASSERT_EQ(B().sent.size(), inline_sent.size());
        for (std::size_t i = 0; i < inline_sent.size(); ++i)
            EXPECT_EQ(B().sent[i].data, inline_sent[i].data) << "datagram " << i;
        const auto& ib = B().installs[0];
        EXPECT_EQ(ib.spi_in, inline_install.spi_in);
        EXPECT_EQ(ib.spi_out, inline_install.spi_out);
        EXPECT_TRUE(ib.keys.encr_in == inline_install.keys.encr_in);
        EXPECT_TRUE(ib.keys.encr_out == inline_install.keys.encr_out);
        EXPECT_TRUE(ib.keys.integ_in == inline_install.keys.integ_in);
        EXPECT_TRUE(ib.keys.integ_out == inline_install.keys.integ_out);
        const auto sa = B().eng.list_sas().at(0);
        EXPECT_EQ(sa.spi_i, inline_sa.spi_i);
        EXPECT_EQ(sa.spi_r, inline_sa.spi_r);
        EXPECT_EQ(sa.ike_proposal, inline_sa.ike_proposal);
    }
}

// §2.1: the initiator retransmits while the job is out; the answer is
// coming, so the retransmission is dropped (no second job, nothing sent),
// and the timers go on.
TEST_F(crypto_offload, retransmitted_ike_sa_init_is_dropped_while_the_job_is_out) {
    start();
    initiate();
    ASSERT_EQ(B().crypto_jobs.size(), 1u);
    net->advance(settings.retransmit_timeout + 1s);
    EXPECT_GE(A().eng.counters().retransmits, 1u);
    EXPECT_TRUE(B().sent.empty());
    EXPECT_EQ(B().crypto_jobs.size(), 1u);
    EXPECT_EQ(B().eng.list_sas().size(), 1u);
    EXPECT_EQ(B().eng.counters().half_open, 1u);

    complete(0);
    expect_up();
    EXPECT_EQ(b_sent_ike_sa_init_responses(), 1u);
}

// Two IKE_SAs whose jobs come back in the opposite order both come up.
TEST_F(crypto_offload, jobs_completed_out_of_order_both_establish) {
    start();
    conn_spec second = a_spec;
    second.name = "site2";
    auto b = make_config(b_spec);
    // The second IKE_SA carries INITIAL_CONTACT (no other of "site2"); B
    // must not take it for a restart of the peer and drop the first.
    b->honour_initial_contact = false;
    A().eng.set_connections({make_config(a_spec), make_config(second)});
    B().eng.set_connections({b});
    auto first = A().eng.initiate(net->now, "site");
    auto other = A().eng.initiate(net->now, "site2");
    ASSERT_TRUE(first && other);
    net->run();
    ASSERT_EQ(B().crypto_jobs.size(), 2u);
    EXPECT_NE(B().crypto_jobs[0].ike, B().crypto_jobs[1].ike);
    EXPECT_EQ(B().eng.counters().half_open, 2u);

    complete(1);
    EXPECT_EQ(b_sent_ike_sa_init_responses(), 1u);
    ASSERT_EQ(A().eng.find_sa(*other)->state, "established") << A().failures();
    EXPECT_EQ(A().eng.find_sa(*first)->state, "connecting");
    complete(0);
    EXPECT_EQ(A().eng.find_sa(*first)->state, "established") << A().failures();
    EXPECT_EQ(A().eng.find_sa(*other)->state, "established");
    const auto sas = B().eng.list_sas();
    ASSERT_EQ(sas.size(), 2u);
    for (const auto& sa : sas) {
        EXPECT_EQ(sa.state, "established");
        EXPECT_EQ(sa.children.size(), 1u);
    }
    EXPECT_EQ(B().eng.counters().half_open, 0u);
    EXPECT_EQ(B().installs.size(), 2u);
}

// The half-open IKE_SA timed out while its job was out: the late job finds
// nothing to answer and is dropped.
TEST_F(crypto_offload, job_completed_after_the_half_open_timeout_is_dropped) {
    start();
    initiate();
    ASSERT_EQ(B().crypto_jobs.size(), 1u);
    // A gives up on B, so no retransmission makes a new half-open IKE_SA.
    net->hook = [](in_flight& f) { return f.from == 'a' ? verdict::drop : verdict::deliver; };
    net->advance(settings.half_open_timeout + 1s);
    ASSERT_TRUE(B().eng.list_sas().empty());
    EXPECT_EQ(B().eng.counters().half_open, 0u);

    complete(0);
    EXPECT_TRUE(B().sent.empty());
    EXPECT_TRUE(B().eng.list_sas().empty());
    EXPECT_FALSE(B().has_event(sa_event::kind::ike_up));
    EXPECT_EQ(B().eng.counters().ike_sas, 0u);
}

// A job handed back unrun, or twice, changes nothing; the IKE_SA still
// comes up with the real one.
TEST_F(crypto_offload, unrun_or_repeated_jobs_are_ignored) {
    start();
    initiate();
    ASSERT_EQ(B().crypto_jobs.size(), 1u);
    const ike_sa_id id = B().crypto_jobs[0].ike;
    // Not run yet: ignored, the IKE_SA keeps waiting.
    B().eng.crypto_done(
        net->now, crypto_job{id, std::make_unique<ke_job>(ke_group::curve25519,
                                                          secret(bytes(32, 7)), bytes(32, 9))});
    net->run();
    EXPECT_TRUE(B().sent.empty());
    complete(0);
    expect_up();
    // A second, run job for the IKE_SA, now established: ignored.
    const std::size_t sent = B().sent.size();
    auto again = std::make_unique<ke_job>(ke_group::curve25519, secret(bytes(32, 7)), bytes(32, 9));
    again->run();
    B().eng.crypto_done(net->now, crypto_job{id, std::move(again)});
    net->run();
    EXPECT_EQ(B().sent.size(), sent);
    EXPECT_EQ(B().eng.list_sas().at(0).state, "established");
}

// The peer's KE value is unusable (an X25519 point of small order gives an
// all-zero g^ir, RFC 8031 §2.2): the job reports it and the IKE_SA_INIT is
// answered INVALID_SYNTAX, as inline.
TEST_F(crypto_offload, unusable_peer_ke_value_fails_the_exchange) {
    start();
    net->hook = [](in_flight& f) {
        if (!is(f, exchange_type::ike_sa_init, false)) return verdict::deliver;
        auto m = decode_message(f.datagram->data);
        EXPECT_TRUE(m);
        for (auto& p : m->payloads)
            if (auto* ke = std::get_if<ke_payload>(&p.body)) ke->data.assign(32, 0);
        f.datagram->data = encode_message(*m);
        return verdict::deliver;
    };
    initiate();
    ASSERT_EQ(B().crypto_jobs.size(), 1u);
    complete(0);
    EXPECT_TRUE(B().eng.list_sas().empty());
    EXPECT_EQ(B().eng.counters().half_open, 0u);
    EXPECT_NE(B().failures().find("peer's KE value"), std::string::npos) << B().failures();
    ASSERT_EQ(B().sent.size(), 1u);
    auto answer = decode_message(B().sent[0].data);
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->payloads.size(), 1u);
    const auto* n = std::get_if<notify_payload>(&answer->payloads[0].body);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->type, notify_type::invalid_syntax);
    EXPECT_EQ(answer->header.spi_r, 0u);
}

}  // namespace
}  // namespace ike::test
