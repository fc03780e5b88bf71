#include "libike/codec/payload_rules.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace ike;
using pt = payload_type;

// --- terse message building: only types matter, except for the bodies the
// rules read (Notify type, SA protocol) ---------------------------------------

payload_body empty_body(pt t) {
    switch (t) {
        case pt::sa:
            return sa_payload{{sa_proposal{1, protocol_id::esp, {}, {}}}};
        case pt::ke:
            return ke_payload{};
        case pt::idi:
        case pt::idr:
            return id_payload{};
        case pt::cert:
            return cert_payload{};
        case pt::certreq:
            return certreq_payload{};
        case pt::auth:
            return auth_payload{};
        case pt::nonce:
            return nonce_payload{};
        case pt::notify:
            return notify_payload{protocol_id::none, {}, notify_type::initial_contact, {}};
        case pt::delete_:
            return delete_payload{};
        case pt::vendor_id:
            return vendor_id_payload{};
        case pt::tsi:
        case pt::tsr:
            return ts_payload{};
        case pt::sk:
            return sk_payload{};
        case pt::cp:
            return cp_payload{};
        case pt::eap:
            return eap_payload{};
        case pt::skf:
            return skf_payload{};
        default:
            return unknown_payload{};
    }
}

payload of(pt t) {
    return {t, false, empty_body(t)};
}

payload notify(notify_type n) {
    return {pt::notify, false, notify_payload{protocol_id::none, {}, n, {}}};
}

/// An SA payload proposing an IKE SA, as in an IKE SA rekey (§1.3.2).
payload ike_sa() {
    return {pt::sa, false, sa_payload{{sa_proposal{1, protocol_id::ike, {}, {}}}}};
}

payload unknown(std::uint8_t type, bool critical = false) {
    return {static_cast<pt>(type), critical, unknown_payload{{0x01, 0x02}}};
}

std::vector<payload> just(payload p) {
    return {std::move(p)};
}

std::vector<payload> msg(std::initializer_list<pt> types, std::vector<payload> extra = {}) {
    std::vector<payload> out;
    for (pt t : types) out.push_back(of(t));
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
}

constexpr bool request = false;
constexpr bool response = true;

/// Success when `r` is a violation naming `type`, with this explanation.
testing::AssertionResult breaks(const std::expected<void, payload_rule_violation>& r, pt type,
                                std::string_view explanation) {
    if (r) return testing::AssertionFailure() << "accepted";
    if (r.error().type != type || r.error().explanation != explanation) {
        return testing::AssertionFailure()
               << "got " << to_string(r.error().type) << ": \"" << r.error().explanation << "\"";
    }
    return testing::AssertionSuccess();
}

struct case_ {
    const char* name;
    exchange_type exchange;
    bool response;
    std::vector<payload> payloads;
};

// --- valid messages ----------------------------------------------------------

TEST(payload_rules, accepts_valid_messages_of_every_exchange_and_direction) {
    const std::vector<case_> valid{
        {"IKE_SA_INIT request", exchange_type::ike_sa_init, request,
         msg({pt::sa, pt::ke, pt::nonce})},
        {"IKE_SA_INIT request, NAT-D and VID", exchange_type::ike_sa_init, request,
         msg({pt::notify, pt::sa, pt::ke, pt::nonce, pt::notify, pt::notify, pt::vendor_id})},
        {"IKE_SA_INIT response", exchange_type::ike_sa_init, response,
         msg({pt::sa, pt::ke, pt::nonce})},
        {"IKE_SA_INIT response, 2 CERTREQ", exchange_type::ike_sa_init, response,
         msg({pt::sa, pt::ke, pt::nonce, pt::certreq, pt::certreq, pt::notify})},
        {"IKE_AUTH request, PSK", exchange_type::ike_auth, request,
         msg({pt::idi, pt::auth, pt::sa, pt::tsi, pt::tsr})},
        {"IKE_AUTH request, everything", exchange_type::ike_auth, request,
         msg({pt::idi, pt::cert, pt::cert, pt::notify, pt::certreq, pt::certreq, pt::idr, pt::auth,
              pt::cp, pt::sa, pt::tsi, pt::tsr, pt::notify, pt::vendor_id})},
        {"IKE_AUTH request, childless", exchange_type::ike_auth, request, msg({pt::idi, pt::auth})},
        {"IKE_AUTH request, EAP start", exchange_type::ike_auth, request,
         msg({pt::idi, pt::sa, pt::tsi, pt::tsr})},
        {"IKE_AUTH request, EAP round", exchange_type::ike_auth, request, msg({pt::eap})},
        {"IKE_AUTH request, EAP final AUTH", exchange_type::ike_auth, request, msg({pt::auth})},
        {"IKE_AUTH response", exchange_type::ike_auth, response,
         msg({pt::idr, pt::auth, pt::sa, pt::tsi, pt::tsr})},
        {"IKE_AUTH response, EAP start", exchange_type::ike_auth, response,
         msg({pt::idr, pt::cert, pt::auth, pt::eap})},
        {"IKE_AUTH response, EAP round", exchange_type::ike_auth, response, msg({pt::eap})},
        {"IKE_AUTH response, EAP final", exchange_type::ike_auth, response,
         msg({pt::auth, pt::cp, pt::sa, pt::tsi, pt::tsr})},
        {"CREATE_CHILD_SA request, CHILD_SA", exchange_type::create_child_sa, request,
         msg({pt::sa, pt::nonce, pt::tsi, pt::tsr})},
        {"CREATE_CHILD_SA request, CHILD_SA rekey with PFS", exchange_type::create_child_sa,
         request, msg({pt::notify, pt::sa, pt::nonce, pt::ke, pt::tsi, pt::tsr})},
        {"CREATE_CHILD_SA request, IKE SA rekey", exchange_type::create_child_sa, request,
         msg({pt::nonce, pt::ke}, {ike_sa()})},
        {"CREATE_CHILD_SA response, CHILD_SA", exchange_type::create_child_sa, response,
         msg({pt::sa, pt::nonce, pt::tsi, pt::tsr, pt::notify})},
        {"CREATE_CHILD_SA response, IKE SA rekey", exchange_type::create_child_sa, response,
         msg({pt::nonce, pt::ke}, {ike_sa()})},
        {"INFORMATIONAL request, empty", exchange_type::informational, request, {}},
        {"INFORMATIONAL request, deletes", exchange_type::informational, request,
         msg({pt::delete_, pt::delete_, pt::notify, pt::cp})},
        {"INFORMATIONAL response, empty", exchange_type::informational, response, {}},
        {"INFORMATIONAL response, deletes", exchange_type::informational, response,
         msg({pt::delete_, pt::vendor_id})},
    };
    for (const auto& c : valid) {
        auto r = check_payload_rules(c.exchange, c.response, c.payloads);
        EXPECT_TRUE(r) << c.name << ": " << r.error().explanation;
    }
}

// --- required payloads -------------------------------------------------------

TEST(payload_rules, rejects_missing_required_payloads) {
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::ike_sa_init, request,
                                           msg({pt::sa, pt::nonce, pt::notify})),
                       pt::ke, "IKE_SA_INIT request carries no KE payload, 1 required"));
    EXPECT_TRUE(
        breaks(check_payload_rules(exchange_type::ike_sa_init, response, msg({pt::sa, pt::ke})),
               pt::nonce, "IKE_SA_INIT response carries no Nonce payload, 1 required"));
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::create_child_sa, request,
                                           msg({pt::nonce, pt::tsi, pt::tsr})),
                       pt::sa, "CREATE_CHILD_SA request carries no SA payload, 1 required"));
}

TEST(payload_rules, ike_auth_needs_an_identity_auth_or_eap) {
    EXPECT_TRUE(
        breaks(check_payload_rules(exchange_type::ike_auth, request, msg({pt::notify, pt::cp})),
               pt::idi, "IKE_AUTH request carries none of IDi, AUTH or EAP, one required"));
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::ike_auth, response, {}), pt::idr,
                       "IKE_AUTH response carries none of IDr, AUTH or EAP, one required"));
}

TEST(payload_rules, ike_auth_sa_and_traffic_selectors_come_together) {
    EXPECT_TRUE(breaks(
        check_payload_rules(exchange_type::ike_auth, request, msg({pt::idi, pt::auth, pt::sa})),
        pt::tsr, "IKE_AUTH request carries SA without TSr; SA, TSi and TSr come together"));
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::ike_auth, response,
                                           msg({pt::idr, pt::auth, pt::tsi, pt::tsr})),
                       pt::sa,
                       "IKE_AUTH response carries TSr without SA; SA, TSi and TSr come together"));
}

TEST(payload_rules, create_child_sa_traffic_selectors_follow_the_sa) {
    EXPECT_TRUE(breaks(
        check_payload_rules(exchange_type::create_child_sa, request,
                            msg({pt::sa, pt::nonce, pt::ke, pt::tsi})),
        pt::tsr, "CREATE_CHILD_SA request for a CHILD_SA carries no TSr payload, 1 required"));
    EXPECT_TRUE(
        breaks(check_payload_rules(exchange_type::create_child_sa, response,
                                   msg({pt::nonce, pt::ke, pt::tsi, pt::tsr}, {ike_sa()})),
               pt::tsi,
               "CREATE_CHILD_SA response rekeying the IKE SA carries 1 TSi payload, none allowed"));
    EXPECT_TRUE(breaks(
        check_payload_rules(exchange_type::create_child_sa, request, msg({pt::nonce}, {ike_sa()})),
        pt::ke, "CREATE_CHILD_SA request rekeying the IKE SA carries no KE payload, 1 required"));
}

// --- too many, not allowed ---------------------------------------------------

TEST(payload_rules, rejects_too_many_of_one_type) {
    EXPECT_TRUE(breaks(
        check_payload_rules(exchange_type::ike_auth, request, msg({pt::idi, pt::idi, pt::auth})),
        pt::idi, "IKE_AUTH request carries 2 IDi payloads, at most 1 allowed"));
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::ike_sa_init, response,
                                           msg({pt::sa, pt::ke, pt::nonce, pt::nonce})),
                       pt::nonce,
                       "IKE_SA_INIT response carries 2 Nonce payloads, at most 1 allowed"));
    EXPECT_TRUE(
        breaks(check_payload_rules(exchange_type::informational, response, msg({pt::cp, pt::cp})),
               pt::cp, "INFORMATIONAL response carries 2 CP payloads, at most 1 allowed"));
}

TEST(payload_rules, limits_cert_payloads_to_eight) {
    auto with_certs = [](std::size_t n) {
        auto m = msg({pt::idi, pt::auth});
        m.insert(m.end(), n, of(pt::cert));
        return m;
    };
    EXPECT_TRUE(check_payload_rules(exchange_type::ike_auth, request, with_certs(8)));
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::ike_auth, request, with_certs(9)),
                       pt::cert, "IKE_AUTH request carries 9 CERT payloads, at most 8 allowed"));
}

TEST(payload_rules, rejects_payloads_the_exchange_does_not_carry) {
    EXPECT_TRUE(breaks(
        check_payload_rules(exchange_type::informational, request, msg({pt::delete_, pt::sa})),
        pt::sa, "INFORMATIONAL request carries 1 SA payload, none allowed"));
    EXPECT_TRUE(breaks(
        check_payload_rules(exchange_type::ike_auth, request, msg({pt::idi, pt::auth, pt::ke})),
        pt::ke, "IKE_AUTH request carries 1 KE payload, none allowed"));
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::ike_auth, response,
                                           msg({pt::idr, pt::auth, pt::certreq})),
                       pt::certreq, "IKE_AUTH response carries 1 CERTREQ payload, none allowed"));
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::ike_sa_init, request,
                                           msg({pt::sa, pt::ke, pt::nonce, pt::certreq})),
                       pt::certreq, "IKE_SA_INIT request carries 1 CERTREQ payload, none allowed"));
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::create_child_sa, request,
                                           msg({pt::sa, pt::nonce, pt::tsi, pt::tsr, pt::delete_})),
                       pt::delete_, "CREATE_CHILD_SA request carries 1 D payload, none allowed"));
}

TEST(payload_rules, rejects_encrypted_payloads_inside_the_checked_list) {
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::ike_sa_init, request,
                                           msg({pt::sa, pt::ke, pt::nonce, pt::sk})),
                       pt::sk, "IKE_SA_INIT request carries 1 SK payload, none allowed"));
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::informational, request, msg({pt::skf})),
                       pt::skf, "INFORMATIONAL request carries 1 SKF payload, none allowed"));
}

// --- responses that report failure -------------------------------------------

TEST(payload_rules, error_responses_may_omit_required_payloads) {
    EXPECT_TRUE(check_payload_rules(exchange_type::ike_sa_init, response,
                                    just(notify(notify_type::invalid_ke_payload))));
    EXPECT_TRUE(check_payload_rules(exchange_type::ike_sa_init, response,
                                    just(notify(notify_type::no_proposal_chosen))));
    EXPECT_TRUE(check_payload_rules(exchange_type::ike_auth, response,
                                    just(notify(notify_type::authentication_failed))));
    EXPECT_TRUE(
        check_payload_rules(exchange_type::ike_auth, response,
                            msg({pt::idr, pt::auth}, {notify(notify_type::ts_unacceptable)})));
    EXPECT_TRUE(check_payload_rules(exchange_type::create_child_sa, response,
                                    just(notify(notify_type::no_additional_sas))));
}

TEST(payload_rules, cookie_and_redirect_replace_the_ike_sa_init_response) {
    EXPECT_TRUE(check_payload_rules(exchange_type::ike_sa_init, response,
                                    just(notify(notify_type::cookie))));
    EXPECT_TRUE(check_payload_rules(exchange_type::ike_sa_init, response,
                                    just(notify(notify_type::redirect))));
}

TEST(payload_rules, status_notifies_and_error_requests_do_not_excuse_missing_payloads) {
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::ike_sa_init, response,
                                           just(notify(notify_type::nat_detection_source_ip))),
                       pt::sa, "IKE_SA_INIT response carries no SA payload, 1 required"));
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::ike_sa_init, request,
                                           just(notify(notify_type::invalid_syntax))),
                       pt::sa, "IKE_SA_INIT request carries no SA payload, 1 required"));
    EXPECT_TRUE(breaks(check_payload_rules(exchange_type::create_child_sa, response,
                                           just(notify(notify_type::cookie))),
                       pt::sa, "CREATE_CHILD_SA response carries no SA payload, 1 required"));
}

TEST(payload_rules, error_responses_still_respect_the_limits) {
    EXPECT_TRUE(breaks(
        check_payload_rules(exchange_type::ike_auth, response,
                            msg({pt::idr, pt::idr}, {notify(notify_type::authentication_failed)})),
        pt::idr, "IKE_AUTH response carries 2 IDr payloads, at most 1 allowed"));
}

// --- unknown payloads, unknown exchanges -------------------------------------

TEST(payload_rules, unknown_non_critical_payloads_pass_everywhere) {
    EXPECT_TRUE(check_payload_rules(exchange_type::ike_sa_init, request,
                                    msg({pt::sa, pt::ke, pt::nonce}, {unknown(200)})));
    EXPECT_TRUE(check_payload_rules(exchange_type::ike_auth, response,
                                    msg({pt::idr, pt::auth}, {unknown(49), unknown(200)})));
    EXPECT_TRUE(check_payload_rules(exchange_type::informational, request, just(unknown(200))));
}

TEST(payload_rules, unknown_critical_payloads_fail) {
    EXPECT_TRUE(breaks(
        check_payload_rules(exchange_type::informational, request, just(unknown(200, true))),
        static_cast<pt>(200),
        "INFORMATIONAL request carries payload type UNKNOWN(200) marked critical, which we do not "
        "support"));
}

TEST(payload_rules, exchanges_without_rules_are_accepted) {
    const auto anything = msg({pt::ke, pt::ke, pt::delete_, pt::sk});
    EXPECT_TRUE(check_payload_rules(exchange_type::ike_intermediate, request, anything));
    EXPECT_TRUE(check_payload_rules(static_cast<exchange_type>(99), response, anything));
}

// --- the outer chain of a protected message ----------------------------------

TEST(payload_rules, protected_outer_accepts_one_trailing_sk_or_skf) {
    EXPECT_TRUE(check_protected_outer(msg({pt::sk})));
    EXPECT_TRUE(check_protected_outer(msg({pt::skf})));
    EXPECT_TRUE(check_protected_outer(std::vector<payload>{unknown(200), of(pt::sk)}));
}

TEST(payload_rules, protected_outer_rejects_a_missing_or_misplaced_sk) {
    EXPECT_TRUE(breaks(check_protected_outer({}), pt::sk,
                       "protected message does not end with an SK or SKF payload"));
    EXPECT_TRUE(breaks(check_protected_outer(msg({pt::idi, pt::auth})), pt::sk,
                       "protected message does not end with an SK or SKF payload"));
    EXPECT_TRUE(breaks(check_protected_outer(msg({pt::sk, pt::sk})), pt::sk,
                       "protected message carries more than one SK or SKF payload"));
    EXPECT_TRUE(breaks(check_protected_outer(msg({pt::skf, pt::sk})), pt::skf,
                       "protected message carries more than one SK or SKF payload"));
}

TEST(payload_rules, protected_outer_rejects_known_payloads_outside_sk) {
    EXPECT_TRUE(
        breaks(check_protected_outer(msg({pt::notify, pt::sk})), pt::notify,
               "protected message carries N outside its SK payload, where it must be encrypted"));
    EXPECT_TRUE(
        breaks(check_protected_outer(msg({pt::idi, pt::skf})), pt::idi,
               "protected message carries IDi outside its SK payload, where it must be encrypted"));
    EXPECT_TRUE(breaks(check_protected_outer(std::vector<payload>{unknown(200, true), of(pt::sk)}),
                       static_cast<pt>(200),
                       "protected message carries payload type UNKNOWN(200) marked critical, "
                       "which we do not support"));
}

}  // namespace
