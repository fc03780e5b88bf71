#include "libike/sa/proposal_match.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "libike/proposal/proposal_string.hpp"

namespace {

using namespace ike;

proposal ike_p(std::string_view text) {
    auto p = parse_ike_proposal(text);
    EXPECT_TRUE(p.has_value()) << text;
    return p.value_or(proposal{});
}

proposal esp_p(std::string_view text) {
    auto p = parse_esp_proposal(text);
    EXPECT_TRUE(p.has_value()) << text;
    return p.value_or(proposal{});
}

// Peer proposals are written out transform by transform, independently of
// to_sa_payload, so the tests do not check the code against itself.
sa_proposal wire(std::uint8_t number, protocol_id protocol, std::vector<sa_transform> transforms,
                 bytes spi = {}) {
    return {number, protocol, std::move(spi), std::move(transforms)};
}

const sa_transform aes128 = make_sa_transform(encr_id::aes_cbc, 128);
const sa_transform aes256 = make_sa_transform(encr_id::aes_cbc, 256);
const sa_transform gcm128 = make_sa_transform(encr_id::aes_gcm_16, 128);
const sa_transform gcm256 = make_sa_transform(encr_id::aes_gcm_16, 256);
const sa_transform sha1 = make_sa_transform(integ_id::hmac_sha1_96);
const sa_transform sha256 = make_sa_transform(integ_id::hmac_sha2_256_128);
const sa_transform integ_none = make_sa_transform(integ_id::none);
const sa_transform prfsha1 = make_sa_transform(prf_id::hmac_sha1);
const sa_transform prfsha256 = make_sa_transform(prf_id::hmac_sha2_256);
const sa_transform prfsha384 = make_sa_transform(prf_id::hmac_sha2_384);
const sa_transform modp1024 = make_sa_transform(ke_group::modp1024);
const sa_transform modp2048 = make_sa_transform(ke_group::modp2048);
const sa_transform ecp256 = make_sa_transform(ke_group::ecp256);
const sa_transform x25519 = make_sa_transform(ke_group::curve25519);
const sa_transform ke_none = make_sa_transform(ke_group::none);
const sa_transform noesn = make_sa_transform(esn_id::no);
const sa_transform esn = make_sa_transform(esn_id::yes);

const bytes esp_spi{0x11, 0x22, 0x33, 0x44};

// --- conversion ----------------------------------------------------------------

TEST(to_sa_payload, numbers_proposals_and_carries_spi_and_key_lengths) {
    std::vector<proposal> ours{esp_p("aes256gcm16"), esp_p("aes128-sha256-modp2048")};
    sa_payload sa = to_sa_payload(ours, esp_spi);
    ASSERT_EQ(sa.proposals.size(), 2U);
    EXPECT_EQ(sa.proposals[0], wire(1, protocol_id::esp, {gcm256, noesn}, esp_spi));
    EXPECT_EQ(sa.proposals[1],
              wire(2, protocol_id::esp, {aes128, sha256, modp2048, noesn}, esp_spi));
}

TEST(to_sa_payload, first_ike_sa_has_no_spi) {
    std::vector<proposal> ours{ike_p("aes128-sha256-modp2048")};
    sa_payload sa = to_sa_payload(ours, {});
    ASSERT_EQ(sa.proposals.size(), 1U);
    EXPECT_EQ(sa.proposals[0], wire(1, protocol_id::ike, {aes128, sha256, prfsha256, modp2048}));
}

TEST(to_proposal, drops_unknown_types_and_reads_key_length) {
    sa_transform odd{static_cast<transform_type>(9), 1, {}};
    proposal p = to_proposal(wire(3, protocol_id::esp, {aes256, odd, sha1, noesn}, esp_spi));
    EXPECT_EQ(p.protocol, protocol_id::esp);
    EXPECT_EQ(p.transforms, (std::vector<transform_spec>{make_transform(encr_id::aes_cbc, 256),
                                                         make_transform(integ_id::hmac_sha1_96),
                                                         make_transform(esn_id::no)}));
}

// --- responder selection -------------------------------------------------------

TEST(select_proposal, our_preference_wins_over_peer_order) {
    std::vector<proposal> ours{ike_p("aes256gcm16-prfsha384-x25519"),
                               ike_p("aes128-sha256-modp2048")};
    sa_payload offered{{wire(1, protocol_id::ike, {aes128, sha256, prfsha256, modp2048}),
                        wire(2, protocol_id::ike, {gcm256, prfsha384, x25519})}};
    auto r = select_proposal(ours, offered, protocol_id::ike);
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(r->chosen, wire(2, protocol_id::ike, {gcm256, prfsha384, x25519}));
    EXPECT_EQ(r->negotiated, ours[0]);
}

TEST(select_proposal, our_preference_within_a_type) {
    std::vector<proposal> ours{ike_p("aes128-aes256-sha256-modp2048-ecp256")};
    sa_payload offered{
        {wire(1, protocol_id::ike, {aes256, aes128, sha256, prfsha256, ecp256, modp2048})}};
    auto r = select_proposal(ours, offered, protocol_id::ike);
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(r->chosen, wire(1, protocol_id::ike, {aes128, sha256, prfsha256, modp2048}));
    EXPECT_EQ(to_string(r->negotiated), "aes128-sha256-prfsha256-modp2048");
}

TEST(select_proposal, key_length_must_match) {
    std::vector<proposal> ours{ike_p("aes256-sha256-modp2048")};
    sa_payload offered{{wire(1, protocol_id::ike, {aes128, sha256, prfsha256, modp2048}),
                        wire(2, protocol_id::ike,
                             {make_sa_transform(encr_id::aes_cbc), sha256, prfsha256, modp2048})}};
    auto r = select_proposal(ours, offered, protocol_id::ike);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().explanation,
              "no IKE proposal matches: we accept [aes256-sha256-prfsha256-modp2048], peer offered "
              "[#1 aes128-sha256-prfsha256-modp2048, #2 UNKNOWN_1_12-sha256-prfsha256-modp2048]");
}

TEST(select_proposal, none_acceptable_names_both_sides) {
    std::vector<proposal> ours{ike_p("aes256gcm16-prfsha384-x25519"),
                               ike_p("aes128-sha256-modp2048")};
    sa_payload offered{{wire(1, protocol_id::ike, {aes128, sha1, prfsha1, modp1024})}};
    auto r = select_proposal(ours, offered, protocol_id::ike);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().explanation,
              "no IKE proposal matches: we accept [aes256gcm16-prfsha384-curve25519, "
              "aes128-sha256-prfsha256-modp2048], peer offered [#1 aes128-sha1-prfsha1-modp1024]");
}

TEST(select_proposal, ike_with_several_groups) {
    std::vector<proposal> ours{ike_p("aes128-sha256-ecp256-modp2048")};
    sa_payload offered{{wire(1, protocol_id::ike, {aes128, sha256, prfsha256, modp2048, ecp256})}};
    auto r = select_proposal(ours, offered, protocol_id::ike);
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(r->negotiated.groups(), std::vector<ke_group>{ke_group::ecp256});
    EXPECT_TRUE(offers_group(offered, ke_group::modp2048));
    EXPECT_TRUE(offers_group(offered, ke_group::ecp256));
    EXPECT_FALSE(offers_group(offered, ke_group::curve25519));
    EXPECT_EQ(preferred_group(ours), ke_group::ecp256);
}

TEST(select_proposal, ike_without_ke_is_refused) {
    std::vector<proposal> ours{ike_p("aes128-sha256-modp2048")};
    sa_payload offered{{wire(1, protocol_id::ike, {aes128, sha256, prfsha256})}};
    EXPECT_FALSE(select_proposal(ours, offered, protocol_id::ike).has_value());
}

TEST(select_proposal, multiple_peer_proposals_one_acceptable) {
    std::vector<proposal> ours{esp_p("aes256gcm16")};
    sa_payload offered{{wire(1, protocol_id::esp, {gcm128, noesn}, esp_spi),
                        wire(2, protocol_id::esp, {aes128, sha1, noesn}, esp_spi),
                        wire(3, protocol_id::esp, {gcm256, noesn}, esp_spi)}};
    auto r = select_proposal(ours, offered, protocol_id::esp);
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(r->chosen, wire(3, protocol_id::esp, {gcm256, noesn}, esp_spi));
    EXPECT_EQ(r->negotiated, ours[0]);
}

TEST(select_proposal, only_proposals_of_the_protocol_count) {
    std::vector<proposal> ours{esp_p("aes256gcm16")};
    sa_payload offered{{wire(1, protocol_id::ah, {sha256, noesn}, esp_spi)}};
    auto r = select_proposal(ours, offered, protocol_id::esp);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().explanation,
              "no ESP proposal matches: we accept [aes256gcm16-noesn], peer offered "
              "[AH #1 sha256-noesn]");
}

TEST(select_proposal, pfs_required_refuses_peer_without_ke) {
    std::vector<proposal> ours{esp_p("aes128gcm16-modp2048")};
    sa_payload without{{wire(1, protocol_id::esp, {gcm128, noesn}, esp_spi)}};
    EXPECT_FALSE(select_proposal(ours, without, protocol_id::esp).has_value());
    sa_payload optional{{wire(1, protocol_id::esp, {gcm128, ke_none, noesn}, esp_spi)}};
    EXPECT_FALSE(select_proposal(ours, optional, protocol_id::esp).has_value());

    sa_payload with{{wire(1, protocol_id::esp, {gcm128, ecp256, modp2048, noesn}, esp_spi)}};
    auto r = select_proposal(ours, with, protocol_id::esp);
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(r->chosen, wire(1, protocol_id::esp, {gcm128, modp2048, noesn}, esp_spi));
    EXPECT_TRUE(r->negotiated.has_pfs());
}

TEST(select_proposal, no_pfs_accepts_peer_without_ke_or_with_ke_none) {
    std::vector<proposal> ours{esp_p("aes128gcm16")};
    sa_payload pfs_only{{wire(1, protocol_id::esp, {gcm128, modp2048, noesn}, esp_spi)}};
    EXPECT_FALSE(select_proposal(ours, pfs_only, protocol_id::esp).has_value());

    sa_payload optional{{wire(1, protocol_id::esp, {gcm128, modp2048, ke_none, noesn}, esp_spi)}};
    auto r = select_proposal(ours, optional, protocol_id::esp);
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    // §3.3.6: one transform of each type the peer sent, so KE NONE is echoed.
    EXPECT_EQ(r->chosen, wire(1, protocol_id::esp, {gcm128, ke_none, noesn}, esp_spi));
    EXPECT_FALSE(r->negotiated.has_pfs());
    EXPECT_EQ(r->negotiated, ours[0]);

    sa_payload without{{wire(1, protocol_id::esp, {gcm128, noesn}, esp_spi)}};
    r = select_proposal(ours, without, protocol_id::esp);
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(r->chosen, wire(1, protocol_id::esp, {gcm128, noesn}, esp_spi));
}

TEST(select_proposal, skip_ke_ignores_groups_in_ike_auth) {
    std::vector<proposal> ours{esp_p("aes128gcm16-modp2048")};
    sa_payload offered{{wire(1, protocol_id::esp, {gcm128, noesn}, esp_spi)}};
    auto r = select_proposal(ours, offered, protocol_id::esp, {.skip_ke = true});
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(r->chosen, wire(1, protocol_id::esp, {gcm128, noesn}, esp_spi));
    EXPECT_FALSE(r->negotiated.has_pfs());
}

TEST(select_proposal, esn_combinations) {
    std::vector<proposal> esn_only{esp_p("aes128gcm16-esn")};
    std::vector<proposal> no_esn{esp_p("aes128gcm16")};  // noesn by default
    std::vector<proposal> either{esp_p("aes128gcm16-esn-noesn")};
    sa_payload peer_none{{wire(1, protocol_id::esp, {gcm128}, esp_spi)}};
    sa_payload peer_yes{{wire(1, protocol_id::esp, {gcm128, esn}, esp_spi)}};
    sa_payload peer_no{{wire(1, protocol_id::esp, {gcm128, noesn}, esp_spi)}};
    sa_payload peer_both{{wire(1, protocol_id::esp, {gcm128, noesn, esn}, esp_spi)}};

    // No ESN transform from the peer means NO_ESN.
    EXPECT_FALSE(select_proposal(esn_only, peer_none, protocol_id::esp).has_value());
    auto r = select_proposal(no_esn, peer_none, protocol_id::esp);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->chosen, wire(1, protocol_id::esp, {gcm128}, esp_spi));
    EXPECT_EQ(r->negotiated.esn(), std::vector<esn_id>{esn_id::no});

    EXPECT_FALSE(select_proposal(esn_only, peer_no, protocol_id::esp).has_value());
    EXPECT_FALSE(select_proposal(no_esn, peer_yes, protocol_id::esp).has_value());

    r = select_proposal(esn_only, peer_both, protocol_id::esp);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->chosen, wire(1, protocol_id::esp, {gcm128, esn}, esp_spi));

    // Ours prefers ESN; the peer's order does not matter.
    r = select_proposal(either, peer_both, protocol_id::esp);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->negotiated.esn(), std::vector<esn_id>{esn_id::yes});
    r = select_proposal(either, peer_no, protocol_id::esp);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->negotiated.esn(), std::vector<esn_id>{esn_id::no});
}

TEST(select_proposal, unknown_transform_type_disqualifies_the_proposal) {
    std::vector<proposal> ours{esp_p("aes128gcm16")};
    sa_transform odd{static_cast<transform_type>(6), 1, {}};
    sa_payload offered{{wire(1, protocol_id::esp, {gcm128, odd, noesn}, esp_spi),
                        wire(2, protocol_id::esp, {gcm128, noesn}, esp_spi)}};
    auto r = select_proposal(ours, offered, protocol_id::esp);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->chosen.number, 2);

    sa_payload only_odd{{wire(1, protocol_id::esp, {gcm128, odd, noesn}, esp_spi)}};
    auto bad = select_proposal(ours, only_odd, protocol_id::esp);
    ASSERT_FALSE(bad.has_value());
    EXPECT_NE(bad.error().explanation.find("#1 aes128gcm16-noesn-UNKNOWN_6_1"), std::string::npos)
        << bad.error().explanation;
}

TEST(select_proposal, transform_with_unknown_attribute_is_skipped) {
    std::vector<proposal> ours{esp_p("aes128gcm16")};
    sa_transform odd = gcm128;
    odd.attributes.push_back({static_cast<transform_attr>(99), true, 1, {}});
    sa_payload offered{{wire(1, protocol_id::esp, {odd, gcm128, noesn}, esp_spi)}};
    auto r = select_proposal(ours, offered, protocol_id::esp);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->chosen, wire(1, protocol_id::esp, {gcm128, noesn}, esp_spi));

    sa_payload only_odd{{wire(1, protocol_id::esp, {odd, noesn}, esp_spi)}};
    EXPECT_FALSE(select_proposal(ours, only_odd, protocol_id::esp).has_value());
}

TEST(select_proposal, aead_with_integ_none_or_mixed_peer_proposal) {
    std::vector<proposal> ours{esp_p("aes128gcm16")};
    sa_payload with_none{{wire(1, protocol_id::esp, {gcm128, integ_none, noesn}, esp_spi)}};
    auto r = select_proposal(ours, with_none, protocol_id::esp);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->chosen, wire(1, protocol_id::esp, {gcm128, integ_none, noesn}, esp_spi));
    EXPECT_EQ(r->negotiated, ours[0]);

    // A peer mixing classic and AEAD ciphers in one proposal (charon splits
    // them, others do not): the integrity transforms are not needed for GCM.
    sa_payload mixed{{wire(1, protocol_id::esp, {aes128, gcm128, sha256, noesn}, esp_spi)}};
    r = select_proposal(ours, mixed, protocol_id::esp);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->chosen, wire(1, protocol_id::esp, {gcm128, noesn}, esp_spi));

    // And the classic side of such a proposal still needs its integrity.
    std::vector<proposal> classic{esp_p("aes128-sha256")};
    r = select_proposal(classic, mixed, protocol_id::esp);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->chosen, wire(1, protocol_id::esp, {aes128, sha256, noesn}, esp_spi));
}

TEST(select_proposal, selecting_our_own_offer_round_trips) {
    std::vector<proposal> ours{ike_p("aes256gcm16-prfsha384-x25519"),
                               ike_p("aes128-sha256-modp2048")};
    sa_payload offer = to_sa_payload(ours, {});
    auto r = select_proposal(ours, offer, protocol_id::ike);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->chosen, offer.proposals[0]);
    auto v = verify_chosen(offer, sa_payload{{r->chosen}}, protocol_id::ike);
    ASSERT_TRUE(v.has_value()) << v.error().explanation;
    EXPECT_EQ(v->negotiated, ours[0]);
}

TEST(preferred_group, first_group_of_first_proposal) {
    std::vector<proposal> ours{ike_p("aes128-sha256-x25519-ecp256"), ike_p("aes256-sha1-modp2048")};
    EXPECT_EQ(preferred_group(ours), ke_group::curve25519);
    std::vector<proposal> esp{esp_p("aes128gcm16")};
    EXPECT_EQ(preferred_group(esp), std::nullopt);
    EXPECT_EQ(preferred_group({}), std::nullopt);
}

// --- initiator verification ------------------------------------------------------

class verify_chosen_test : public ::testing::Test {
  protected:
    std::vector<proposal> ours{esp_p("aes256gcm16-modp2048-ecp256"), esp_p("aes128-sha256")};
    sa_payload offer = to_sa_payload(ours, esp_spi);
    bytes their_spi{0x99, 0x88, 0x77, 0x66};

    std::expected<proposal_choice, no_proposal_match> verify(std::vector<sa_proposal> answer) {
        return verify_chosen(offer, sa_payload{std::move(answer)}, protocol_id::esp);
    }
};

TEST_F(verify_chosen_test, accepts_a_proper_subset) {
    auto r = verify({wire(1, protocol_id::esp, {gcm256, ecp256, noesn}, their_spi)});
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(r->chosen.spi, their_spi);
    EXPECT_EQ(to_string(r->negotiated), "aes256gcm16-ecp256-noesn");

    r = verify({wire(2, protocol_id::esp, {aes128, sha256, noesn}, their_spi)});
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(r->negotiated, ours[1]);
}

TEST_F(verify_chosen_test, missing_esn_means_no_esn) {
    auto r = verify({wire(2, protocol_id::esp, {aes128, sha256}, their_spi)});
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_EQ(r->negotiated, ours[1]);
}

TEST_F(verify_chosen_test, rejects_two_transforms_of_a_type) {
    auto r = verify({wire(1, protocol_id::esp, {gcm256, modp2048, ecp256, noesn}, their_spi)});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().explanation,
              "ESP proposal answer #1 aes256gcm16-modp2048-ecp256-noesn: 2 transforms of type "
              "KE, must be exactly one (we offered #1 aes256gcm16-modp2048-ecp256-noesn)");
}

TEST_F(verify_chosen_test, rejects_a_transform_we_did_not_offer) {
    auto r = verify({wire(1, protocol_id::esp, {gcm256, modp1024, noesn}, their_spi)});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().explanation,
              "ESP proposal answer #1 aes256gcm16-modp1024-noesn: modp1024 was not offered (we "
              "offered #1 aes256gcm16-modp2048-ecp256-noesn)");
    // Same id, other key length.
    EXPECT_FALSE(verify({wire(1, protocol_id::esp, {gcm128, ecp256, noesn}, their_spi)}));
}

TEST_F(verify_chosen_test, rejects_a_different_proposal_number) {
    // Transforms of #1 under number 2.
    EXPECT_FALSE(verify({wire(2, protocol_id::esp, {gcm256, ecp256, noesn}, their_spi)}));
    auto r = verify({wire(3, protocol_id::esp, {gcm256, ecp256, noesn}, their_spi)});
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().explanation.find("we offered no proposal #3"), std::string::npos);
}

TEST_F(verify_chosen_test, rejects_a_missing_type) {
    auto r = verify({wire(1, protocol_id::esp, {gcm256, noesn}, their_spi)});
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().explanation.find("no transform of type KE"), std::string::npos)
        << r.error().explanation;
}

TEST_F(verify_chosen_test, rejects_wrong_shape) {
    EXPECT_FALSE(verify({}));
    EXPECT_FALSE(verify({wire(1, protocol_id::esp, {gcm256, ecp256, noesn}, their_spi),
                         wire(2, protocol_id::esp, {aes128, sha256, noesn}, their_spi)}));
    EXPECT_FALSE(verify({wire(1, protocol_id::ah, {gcm256, ecp256, noesn}, their_spi)}));
    EXPECT_FALSE(verify({wire(1, protocol_id::esp, {gcm256, ecp256, noesn}, {})}));
}

TEST_F(verify_chosen_test, skip_ke_refuses_ke_in_answer) {
    auto r = verify_chosen(offer, {{wire(1, protocol_id::esp, {gcm256, noesn}, their_spi)}},
                           protocol_id::esp, {.skip_ke = true});
    ASSERT_TRUE(r.has_value()) << r.error().explanation;
    EXPECT_FALSE(r->negotiated.has_pfs());
    EXPECT_FALSE(verify_chosen(offer,
                               {{wire(1, protocol_id::esp, {gcm256, ecp256, noesn}, their_spi)}},
                               protocol_id::esp, {.skip_ke = true}));
}

}  // namespace
