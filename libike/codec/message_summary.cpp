#include "libike/codec/message_summary.hpp"

#include <array>
#include <utility>

namespace ike {

namespace {

// charon's abbreviations for the notifies seen in every exchange; the rest
// print with their RFC name.
constexpr std::array<std::pair<notify_type, const char*>, 14> notify_abbreviations{{
    {notify_type::nat_detection_source_ip, "NATD_S_IP"},
    {notify_type::nat_detection_destination_ip, "NATD_D_IP"},
    {notify_type::initial_contact, "INIT_CONTACT"},
    {notify_type::mobike_supported, "MOBIKE_SUP"},
    {notify_type::ikev2_fragmentation_supported, "FRAG_SUP"},
    {notify_type::signature_hash_algorithms, "HASH_ALG"},
    {notify_type::childless_ikev2_supported, "CHDLESS_SUP"},
    {notify_type::redirect_supported, "REDIR_SUP"},
    {notify_type::multiple_auth_supported, "MULT_AUTH"},
    {notify_type::esp_tfc_padding_not_supported, "ESP_TFC_PAD_N"},
    {notify_type::no_additional_addresses, "NO_ADD_ADDR"},
    {notify_type::additional_ip4_address, "ADD_4_ADDR"},
    {notify_type::eap_only_authentication, "EAP_ONLY"},
    {notify_type::ikev2_message_id_sync_supported, "MSG_ID_SYN_SUP"},
}};

std::string notify_name(notify_type t) {
    for (const auto& [type, abbreviation] : notify_abbreviations)
        if (type == t) return abbreviation;
    return to_string(t);
}

std::string body_name(payload_type t) {
    switch (t) {
        case payload_type::nonce:
            return "No";
        case payload_type::delete_:
            return "D";
        case payload_type::vendor_id:
            return "V";
        default:
            return to_string(t);
    }
}

std::string header_words(const ike_header& h) {
    return to_string(h.exchange) + (h.is_response() ? " response " : " request ") +
           std::to_string(h.message_id);
}

std::string bracket(std::span<const payload> payloads) {
    std::string out = " [";
    for (const auto& p : payloads) out += " " + short_name(p);
    return out + " ]";
}

}  // namespace

std::string short_name(const payload& p) {
    if (const auto* n = std::get_if<notify_payload>(&p.body))
        return "N(" + notify_name(n->type) + ")";
    if (const auto* f = std::get_if<skf_payload>(&p.body))
        return "SKF(" + std::to_string(f->fragment_number) + "/" +
               std::to_string(f->total_fragments) + ")";
    if (const auto* e = std::get_if<eap_payload>(&p.body))
        return "EAP/" + std::string(name(e->code).empty() ? "?" : name(e->code));
    if (std::holds_alternative<unknown_payload>(p.body))
        return "UNKNOWN(" + std::to_string(static_cast<unsigned>(p.type)) + ")";
    return body_name(p.type);
}

std::string summarize(const message& m) {
    return header_words(m.header) + bracket(m.payloads);
}

std::string summarize(const ike_header& h, std::span<const payload> inner) {
    return header_words(h) + bracket(inner);
}

}  // namespace ike
