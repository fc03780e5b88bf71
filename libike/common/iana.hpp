#pragma once
// IANA registries for IKEv2, as enums. Generated once from the IANA tables and
// kept by hand since; `name()` gives the RFC name for logs (empty when unknown)
// and `to_string()` falls back to "UNKNOWN(n)". Values from the wire that we do
// not know are still representable: each enum has a fixed underlying type.
#include <cstdint>
#include <string>
#include <string_view>

namespace ike {

/// Exchange types (RFC 7296 §3.1, IANA 'IKEv2 Exchange Types').
enum class exchange_type : std::uint8_t {
    ike_sa_init = 34,
    ike_auth = 35,
    create_child_sa = 36,
    informational = 37,
    ike_session_resume = 38,
    ike_intermediate = 43,
};
std::string_view name(exchange_type v);
std::string to_string(exchange_type v);

/// Payload types (RFC 7296 §3.2, RFC 7383 for SKF).
enum class payload_type : std::uint8_t {
    none = 0,
    sa = 33,
    ke = 34,
    idi = 35,
    idr = 36,
    cert = 37,
    certreq = 38,
    auth = 39,
    nonce = 40,
    notify = 41,
    delete_ = 42,
    vendor_id = 43,
    tsi = 44,
    tsr = 45,
    sk = 46,
    cp = 47,
    eap = 48,
    gspm = 49,
    skf = 53,
};
std::string_view name(payload_type v);
std::string to_string(payload_type v);

/// Security protocol identifiers (RFC 7296 §3.3.1).
enum class protocol_id : std::uint8_t {
    none = 0,
    ike = 1,
    ah = 2,
    esp = 3,
};
std::string_view name(protocol_id v);
std::string to_string(protocol_id v);

/// Transform types (RFC 7296 §3.3.2).
enum class transform_type : std::uint8_t {
    encr = 1,
    prf = 2,
    integ = 3,
    ke = 4,
    esn = 5,
};
std::string_view name(transform_type v);
std::string to_string(transform_type v);

/// Transform type 1, encryption algorithms.
enum class encr_id : std::uint16_t {
    des_iv64 = 1,
    des = 2,
    des3 = 3,
    rc5 = 4,
    idea = 5,
    cast = 6,
    blowfish = 7,
    idea3 = 8,
    des_iv32 = 9,
    null = 11,
    aes_cbc = 12,
    aes_ctr = 13,
    aes_ccm_8 = 14,
    aes_ccm_12 = 15,
    aes_ccm_16 = 16,
    aes_gcm_8 = 18,
    aes_gcm_12 = 19,
    aes_gcm_16 = 20,
    null_auth_aes_gmac = 21,
    camellia_cbc = 23,
    camellia_ctr = 24,
    camellia_ccm_8 = 25,
    camellia_ccm_12 = 26,
    camellia_ccm_16 = 27,
    chacha20_poly1305 = 28,
};
std::string_view name(encr_id v);
std::string to_string(encr_id v);

/// Transform type 2, pseudorandom functions.
enum class prf_id : std::uint16_t {
    hmac_md5 = 1,
    hmac_sha1 = 2,
    hmac_tiger = 3,
    aes128_xcbc = 4,
    hmac_sha2_256 = 5,
    hmac_sha2_384 = 6,
    hmac_sha2_512 = 7,
    aes128_cmac = 8,
};
std::string_view name(prf_id v);
std::string to_string(prf_id v);

/// Transform type 3, integrity algorithms.
enum class integ_id : std::uint16_t {
    none = 0,
    hmac_md5_96 = 1,
    hmac_sha1_96 = 2,
    des_mac = 3,
    kpdk_md5 = 4,
    aes_xcbc_96 = 5,
    hmac_md5_128 = 6,
    hmac_sha1_160 = 7,
    aes_cmac_96 = 8,
    aes_128_gmac = 9,
    aes_192_gmac = 10,
    aes_256_gmac = 11,
    hmac_sha2_256_128 = 12,
    hmac_sha2_384_192 = 13,
    hmac_sha2_512_256 = 14,
};
std::string_view name(integ_id v);
std::string to_string(integ_id v);

/// Transform type 4, key exchange methods (Diffie-Hellman groups).
enum class ke_group : std::uint16_t {
    none = 0,
    modp768 = 1,
    modp1024 = 2,
    modp1536 = 5,
    modp2048 = 14,
    modp3072 = 15,
    modp4096 = 16,
    modp6144 = 17,
    modp8192 = 18,
    ecp256 = 19,
    ecp384 = 20,
    ecp521 = 21,
    modp1024_160 = 22,
    modp2048_224 = 23,
    modp2048_256 = 24,
    ecp192 = 25,
    ecp224 = 26,
    brainpool224 = 27,
    brainpool256 = 28,
    brainpool384 = 29,
    brainpool512 = 30,
    curve25519 = 31,
    curve448 = 32,
};
std::string_view name(ke_group v);
std::string to_string(ke_group v);

/// Transform type 5, extended sequence numbers.
enum class esn_id : std::uint16_t {
    no = 0,
    yes = 1,
};
std::string_view name(esn_id v);
std::string to_string(esn_id v);

/// Transform attribute types (RFC 7296 §3.3.5); the only one defined is the key length (TV format).
enum class transform_attr : std::uint16_t {
    key_length = 14,
};
std::string_view name(transform_attr v);
std::string to_string(transform_attr v);

/// Identification types (RFC 7296 §3.5).
enum class id_type : std::uint8_t {
    ipv4_addr = 1,
    fqdn = 2,
    rfc822_addr = 3,
    ipv6_addr = 5,
    der_asn1_dn = 9,
    der_asn1_gn = 10,
    key_id = 11,
    fc_name = 12,
    null = 13,
};
std::string_view name(id_type v);
std::string to_string(id_type v);

/// Authentication methods (RFC 7296 §3.8, RFC 4754, RFC 7427, RFC 7619).
enum class auth_method : std::uint8_t {
    rsa_sig = 1,
    psk = 2,
    dss_sig = 3,
    ecdsa_sha256_p256 = 9,
    ecdsa_sha384_p384 = 10,
    ecdsa_sha512_p521 = 11,
    generic_secure_password = 12,
    null = 13,
    digital_signature = 14,
};
std::string_view name(auth_method v);
std::string to_string(auth_method v);

/// Certificate encodings (RFC 7296 §3.6).
enum class cert_encoding : std::uint8_t {
    pkcs7_x509 = 1,
    pgp = 2,
    dns_signed_key = 3,
    x509_sig = 4,
    kerberos = 6,
    crl = 7,
    arl = 8,
    spki = 9,
    x509_attr = 10,
    raw_rsa = 11,
    hash_url_x509 = 12,
    hash_url_bundle = 13,
    ocsp = 14,
    raw_public_key = 15,
};
std::string_view name(cert_encoding v);
std::string to_string(cert_encoding v);

/// Notify message types (RFC 7296 §3.10.1 and the IANA registry). Values below 16384 are errors.
enum class notify_type : std::uint16_t {
    unsupported_critical_payload = 1,
    invalid_ike_spi = 4,
    invalid_major_version = 5,
    invalid_syntax = 7,
    invalid_message_id = 9,
    invalid_spi = 11,
    no_proposal_chosen = 14,
    invalid_ke_payload = 17,
    authentication_failed = 24,
    single_pair_required = 34,
    no_additional_sas = 35,
    internal_address_failure = 36,
    failed_cp_required = 37,
    ts_unacceptable = 38,
    invalid_selectors = 39,
    unacceptable_addresses = 40,
    unexpected_nat_detected = 41,
    use_assigned_hoa = 42,
    temporary_failure = 43,
    child_sa_not_found = 44,
    invalid_group_id = 45,
    authorization_failed = 46,
    state_not_found = 47,
    initial_contact = 16384,
    set_window_size = 16385,
    additional_ts_possible = 16386,
    ipcomp_supported = 16387,
    nat_detection_source_ip = 16388,
    nat_detection_destination_ip = 16389,
    cookie = 16390,
    use_transport_mode = 16391,
    http_cert_lookup_supported = 16392,
    rekey_sa = 16393,
    esp_tfc_padding_not_supported = 16394,
    non_first_fragments_also = 16395,
    mobike_supported = 16396,
    additional_ip4_address = 16397,
    additional_ip6_address = 16398,
    no_additional_addresses = 16399,
    update_sa_addresses = 16400,
    cookie2 = 16401,
    no_nats_allowed = 16402,
    auth_lifetime = 16403,
    multiple_auth_supported = 16404,
    another_auth_follows = 16405,
    redirect_supported = 16406,
    redirect = 16407,
    redirected_from = 16408,
    ticket_lt_opaque = 16409,
    ticket_request = 16410,
    ticket_ack = 16411,
    ticket_nack = 16412,
    ticket_opaque = 16413,
    link_id = 16414,
    use_wesp_mode = 16415,
    rohc_supported = 16416,
    eap_only_authentication = 16417,
    childless_ikev2_supported = 16418,
    quick_crash_detection = 16419,
    ikev2_message_id_sync_supported = 16420,
    ipsec_replay_counter_sync_supported = 16421,
    ikev2_message_id_sync = 16422,
    ipsec_replay_counter_sync = 16423,
    secure_password_methods = 16424,
    psk_persist = 16425,
    psk_confirm = 16426,
    erx_supported = 16427,
    ifom_capability = 16428,
    sender_request_id = 16429,
    ikev2_fragmentation_supported = 16430,
    signature_hash_algorithms = 16431,
    clone_ike_sa_supported = 16432,
    clone_ike_sa = 16433,
    puzzle = 16434,
    use_ppk = 16435,
    ppk_identity = 16436,
    no_ppk_auth = 16437,
    intermediate_exchange_supported = 16438,
    ip4_allowed = 16439,
    ip6_allowed = 16440,
    additional_key_exchange = 16441,
    use_aggfrag = 16442,
};
std::string_view name(notify_type v);
std::string to_string(notify_type v);

/// Traffic selector types (RFC 7296 §3.13.1).
enum class ts_type : std::uint8_t {
    ipv4_addr_range = 7,
    ipv6_addr_range = 8,
};
std::string_view name(ts_type v);
std::string to_string(ts_type v);

/// Configuration payload types (RFC 7296 §3.15).
enum class cfg_type : std::uint8_t {
    request = 1,
    reply = 2,
    set = 3,
    ack = 4,
};
std::string_view name(cfg_type v);
std::string to_string(cfg_type v);

/// Configuration attribute types (RFC 7296 §3.15.1, RFC 8598).
enum class cfg_attr : std::uint16_t {
    internal_ip4_address = 1,
    internal_ip4_netmask = 2,
    internal_ip4_dns = 3,
    internal_ip4_nbns = 4,
    internal_ip4_dhcp = 6,
    application_version = 7,
    internal_ip6_address = 8,
    internal_ip6_dns = 10,
    internal_ip6_dhcp = 12,
    internal_ip4_subnet = 13,
    supported_attributes = 14,
    internal_ip6_subnet = 15,
    mip6_home_prefix = 16,
    internal_ip6_link = 17,
    internal_ip6_prefix = 18,
    home_agent_address = 19,
    p_cscf_ip4_address = 20,
    p_cscf_ip6_address = 21,
    ftt_kat = 22,
    external_source_ip4_nat_info = 23,
    timeout_period_for_liveness_check = 24,
    internal_dns_domain = 25,
    internal_dnssec_ta = 26,
};
std::string_view name(cfg_attr v);
std::string to_string(cfg_attr v);

/// Hash algorithms for RFC 7427 signatures (SIGNATURE_HASH_ALGORITHMS).
enum class hash_algorithm : std::uint16_t {
    sha1 = 1,
    sha2_256 = 2,
    sha2_384 = 3,
    sha2_512 = 4,
    identity = 5,
};
std::string_view name(hash_algorithm v);
std::string to_string(hash_algorithm v);

/// EAP codes (RFC 3748 §4).
enum class eap_code : std::uint8_t {
    request = 1,
    response = 2,
    success = 3,
    failure = 4,
};
std::string_view name(eap_code v);
std::string to_string(eap_code v);

/// EAP method types (IANA), the ones an IKEv2 gateway meets.
enum class eap_type : std::uint8_t {
    identity = 1,
    notification = 2,
    nak = 3,
    md5_challenge = 4,
    gtc = 6,
    tls = 13,
    sim = 18,
    ttls = 21,
    aka = 23,
    peap = 25,
    mschapv2 = 26,
    aka_prime = 50,
    expanded = 254,
};
std::string_view name(eap_type v);
std::string to_string(eap_type v);

/// True for notify types that report an error (RFC 7296 §3.10.1: below 16384).
constexpr bool is_error(notify_type t) {
    return static_cast<std::uint16_t>(t) < 16384;
}

/// The IKE header version byte we speak: major 2, minor 0.
inline constexpr std::uint8_t ike_version = 0x20;

/// IKE header flags (RFC 7296 §3.1).
namespace header_flag {
inline constexpr std::uint8_t initiator = 0x08;
inline constexpr std::uint8_t version = 0x10;
inline constexpr std::uint8_t response = 0x20;
}  // namespace header_flag

}  // namespace ike
