#include "libike/common/iana.hpp"

#include <string>

namespace ike {

namespace {
std::string unknown(unsigned value) {
    return "UNKNOWN(" + std::to_string(value) + ")";
}
}  // namespace

std::string_view name(exchange_type v) {
    switch (v) {
        case exchange_type::ike_sa_init:
            return "IKE_SA_INIT";
        case exchange_type::ike_auth:
            return "IKE_AUTH";
        case exchange_type::create_child_sa:
            return "CREATE_CHILD_SA";
        case exchange_type::informational:
            return "INFORMATIONAL";
        case exchange_type::ike_session_resume:
            return "IKE_SESSION_RESUME";
        case exchange_type::ike_intermediate:
            return "IKE_INTERMEDIATE";
    }
    return {};
}
std::string to_string(exchange_type v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(payload_type v) {
    switch (v) {
        case payload_type::none:
            return "NONE";
        case payload_type::sa:
            return "SA";
        case payload_type::ke:
            return "KE";
        case payload_type::idi:
            return "IDi";
        case payload_type::idr:
            return "IDr";
        case payload_type::cert:
            return "CERT";
        case payload_type::certreq:
            return "CERTREQ";
        case payload_type::auth:
            return "AUTH";
        case payload_type::nonce:
            return "Nonce";
        case payload_type::notify:
            return "N";
        case payload_type::delete_:
            return "D";
        case payload_type::vendor_id:
            return "V";
        case payload_type::tsi:
            return "TSi";
        case payload_type::tsr:
            return "TSr";
        case payload_type::sk:
            return "SK";
        case payload_type::cp:
            return "CP";
        case payload_type::eap:
            return "EAP";
        case payload_type::gspm:
            return "GSPM";
        case payload_type::skf:
            return "SKF";
    }
    return {};
}
std::string to_string(payload_type v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(protocol_id v) {
    switch (v) {
        case protocol_id::none:
            return "NONE";
        case protocol_id::ike:
            return "IKE";
        case protocol_id::ah:
            return "AH";
        case protocol_id::esp:
            return "ESP";
    }
    return {};
}
std::string to_string(protocol_id v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(transform_type v) {
    switch (v) {
        case transform_type::encr:
            return "ENCR";
        case transform_type::prf:
            return "PRF";
        case transform_type::integ:
            return "INTEG";
        case transform_type::ke:
            return "KE";
        case transform_type::esn:
            return "ESN";
    }
    return {};
}
std::string to_string(transform_type v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(encr_id v) {
    switch (v) {
        case encr_id::des_iv64:
            return "ENCR_DES_IV64";
        case encr_id::des:
            return "ENCR_DES";
        case encr_id::des3:
            return "ENCR_3DES";
        case encr_id::rc5:
            return "ENCR_RC5";
        case encr_id::idea:
            return "ENCR_IDEA";
        case encr_id::cast:
            return "ENCR_CAST";
        case encr_id::blowfish:
            return "ENCR_BLOWFISH";
        case encr_id::idea3:
            return "ENCR_3IDEA";
        case encr_id::des_iv32:
            return "ENCR_DES_IV32";
        case encr_id::null:
            return "ENCR_NULL";
        case encr_id::aes_cbc:
            return "ENCR_AES_CBC";
        case encr_id::aes_ctr:
            return "ENCR_AES_CTR";
        case encr_id::aes_ccm_8:
            return "ENCR_AES_CCM_8";
        case encr_id::aes_ccm_12:
            return "ENCR_AES_CCM_12";
        case encr_id::aes_ccm_16:
            return "ENCR_AES_CCM_16";
        case encr_id::aes_gcm_8:
            return "ENCR_AES_GCM_8";
        case encr_id::aes_gcm_12:
            return "ENCR_AES_GCM_12";
        case encr_id::aes_gcm_16:
            return "ENCR_AES_GCM_16";
        case encr_id::null_auth_aes_gmac:
            return "ENCR_NULL_AUTH_AES_GMAC";
        case encr_id::camellia_cbc:
            return "ENCR_CAMELLIA_CBC";
        case encr_id::camellia_ctr:
            return "ENCR_CAMELLIA_CTR";
        case encr_id::camellia_ccm_8:
            return "ENCR_CAMELLIA_CCM_8";
        case encr_id::camellia_ccm_12:
            return "ENCR_CAMELLIA_CCM_12";
        case encr_id::camellia_ccm_16:
            return "ENCR_CAMELLIA_CCM_16";
        case encr_id::chacha20_poly1305:
            return "ENCR_CHACHA20_POLY1305";
    }
    return {};
}
std::string to_string(encr_id v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(prf_id v) {
    switch (v) {
        case prf_id::hmac_md5:
            return "PRF_HMAC_MD5";
        case prf_id::hmac_sha1:
            return "PRF_HMAC_SHA1";
        case prf_id::hmac_tiger:
            return "PRF_HMAC_TIGER";
        case prf_id::aes128_xcbc:
            return "PRF_AES128_XCBC";
        case prf_id::hmac_sha2_256:
            return "PRF_HMAC_SHA2_256";
        case prf_id::hmac_sha2_384:
            return "PRF_HMAC_SHA2_384";
        case prf_id::hmac_sha2_512:
            return "PRF_HMAC_SHA2_512";
        case prf_id::aes128_cmac:
            return "PRF_AES128_CMAC";
    }
    return {};
}
std::string to_string(prf_id v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(integ_id v) {
    switch (v) {
        case integ_id::none:
            return "NONE";
        case integ_id::hmac_md5_96:
            return "AUTH_HMAC_MD5_96";
        case integ_id::hmac_sha1_96:
            return "AUTH_HMAC_SHA1_96";
        case integ_id::des_mac:
            return "AUTH_DES_MAC";
        case integ_id::kpdk_md5:
            return "AUTH_KPDK_MD5";
        case integ_id::aes_xcbc_96:
            return "AUTH_AES_XCBC_96";
        case integ_id::hmac_md5_128:
            return "AUTH_HMAC_MD5_128";
        case integ_id::hmac_sha1_160:
            return "AUTH_HMAC_SHA1_160";
        case integ_id::aes_cmac_96:
            return "AUTH_AES_CMAC_96";
        case integ_id::aes_128_gmac:
            return "AUTH_AES_128_GMAC";
        case integ_id::aes_192_gmac:
            return "AUTH_AES_192_GMAC";
        case integ_id::aes_256_gmac:
            return "AUTH_AES_256_GMAC";
        case integ_id::hmac_sha2_256_128:
            return "AUTH_HMAC_SHA2_256_128";
        case integ_id::hmac_sha2_384_192:
            return "AUTH_HMAC_SHA2_384_192";
        case integ_id::hmac_sha2_512_256:
            return "AUTH_HMAC_SHA2_512_256";
    }
    return {};
}
std::string to_string(integ_id v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(ke_group v) {
    switch (v) {
        case ke_group::none:
            return "NONE";
        case ke_group::modp768:
            return "MODP_768";
        case ke_group::modp1024:
            return "MODP_1024";
        case ke_group::modp1536:
            return "MODP_1536";
        case ke_group::modp2048:
            return "MODP_2048";
        case ke_group::modp3072:
            return "MODP_3072";
        case ke_group::modp4096:
            return "MODP_4096";
        case ke_group::modp6144:
            return "MODP_6144";
        case ke_group::modp8192:
            return "MODP_8192";
        case ke_group::ecp256:
            return "ECP_256";
        case ke_group::ecp384:
            return "ECP_384";
        case ke_group::ecp521:
            return "ECP_521";
        case ke_group::modp1024_160:
            return "MODP_1024_160";
        case ke_group::modp2048_224:
            return "MODP_2048_224";
        case ke_group::modp2048_256:
            return "MODP_2048_256";
        case ke_group::ecp192:
            return "ECP_192";
        case ke_group::ecp224:
            return "ECP_224";
        case ke_group::brainpool224:
            return "ECP_224_BP";
        case ke_group::brainpool256:
            return "ECP_256_BP";
        case ke_group::brainpool384:
            return "ECP_384_BP";
        case ke_group::brainpool512:
            return "ECP_512_BP";
        case ke_group::curve25519:
            return "CURVE_25519";
        case ke_group::curve448:
            return "CURVE_448";
    }
    return {};
}
std::string to_string(ke_group v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(esn_id v) {
    switch (v) {
        case esn_id::no:
            return "NO_EXT_SEQ";
        case esn_id::yes:
            return "EXT_SEQ";
    }
    return {};
}
std::string to_string(esn_id v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(transform_attr v) {
    switch (v) {
        case transform_attr::key_length:
            return "KEY_LENGTH";
    }
    return {};
}
std::string to_string(transform_attr v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(id_type v) {
    switch (v) {
        case id_type::ipv4_addr:
            return "ID_IPV4_ADDR";
        case id_type::fqdn:
            return "ID_FQDN";
        case id_type::rfc822_addr:
            return "ID_RFC822_ADDR";
        case id_type::ipv6_addr:
            return "ID_IPV6_ADDR";
        case id_type::der_asn1_dn:
            return "ID_DER_ASN1_DN";
        case id_type::der_asn1_gn:
            return "ID_DER_ASN1_GN";
        case id_type::key_id:
            return "ID_KEY_ID";
        case id_type::fc_name:
            return "ID_FC_NAME";
        case id_type::null:
            return "ID_NULL";
    }
    return {};
}
std::string to_string(id_type v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(auth_method v) {
    switch (v) {
        case auth_method::rsa_sig:
            return "RSA_DIGITAL_SIGNATURE";
        case auth_method::psk:
            return "SHARED_KEY_MIC";
        case auth_method::dss_sig:
            return "DSS_DIGITAL_SIGNATURE";
        case auth_method::ecdsa_sha256_p256:
            return "ECDSA_SHA256_P256";
        case auth_method::ecdsa_sha384_p384:
            return "ECDSA_SHA384_P384";
        case auth_method::ecdsa_sha512_p521:
            return "ECDSA_SHA512_P521";
        case auth_method::generic_secure_password:
            return "GENERIC_SECURE_PASSWORD";
        case auth_method::null:
            return "NULL_AUTH";
        case auth_method::digital_signature:
            return "DIGITAL_SIGNATURE";
    }
    return {};
}
std::string to_string(auth_method v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(cert_encoding v) {
    switch (v) {
        case cert_encoding::pkcs7_x509:
            return "PKCS7_WRAPPED_X509";
        case cert_encoding::pgp:
            return "PGP";
        case cert_encoding::dns_signed_key:
            return "DNS_SIGNED_KEY";
        case cert_encoding::x509_sig:
            return "X509_SIGNATURE";
        case cert_encoding::kerberos:
            return "KERBEROS_TOKEN";
        case cert_encoding::crl:
            return "CRL";
        case cert_encoding::arl:
            return "ARL";
        case cert_encoding::spki:
            return "SPKI";
        case cert_encoding::x509_attr:
            return "X509_ATTRIBUTE";
        case cert_encoding::raw_rsa:
            return "RAW_RSA_KEY";
        case cert_encoding::hash_url_x509:
            return "HASH_URL_X509_CERT";
        case cert_encoding::hash_url_bundle:
            return "HASH_URL_X509_BUNDLE";
        case cert_encoding::ocsp:
            return "OCSP_CONTENT";
        case cert_encoding::raw_public_key:
            return "RAW_PUBLIC_KEY";
    }
    return {};
}
std::string to_string(cert_encoding v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(notify_type v) {
    switch (v) {
        case notify_type::unsupported_critical_payload:
            return "UNSUPPORTED_CRITICAL_PAYLOAD";
        case notify_type::invalid_ike_spi:
            return "INVALID_IKE_SPI";
        case notify_type::invalid_major_version:
            return "INVALID_MAJOR_VERSION";
        case notify_type::invalid_syntax:
            return "INVALID_SYNTAX";
        case notify_type::invalid_message_id:
            return "INVALID_MESSAGE_ID";
        case notify_type::invalid_spi:
            return "INVALID_SPI";
        case notify_type::no_proposal_chosen:
            return "NO_PROPOSAL_CHOSEN";
        case notify_type::invalid_ke_payload:
            return "INVALID_KE_PAYLOAD";
        case notify_type::authentication_failed:
            return "AUTHENTICATION_FAILED";
        case notify_type::single_pair_required:
            return "SINGLE_PAIR_REQUIRED";
        case notify_type::no_additional_sas:
            return "NO_ADDITIONAL_SAS";
        case notify_type::internal_address_failure:
            return "INTERNAL_ADDRESS_FAILURE";
        case notify_type::failed_cp_required:
            return "FAILED_CP_REQUIRED";
        case notify_type::ts_unacceptable:
            return "TS_UNACCEPTABLE";
        case notify_type::invalid_selectors:
            return "INVALID_SELECTORS";
        case notify_type::unacceptable_addresses:
            return "UNACCEPTABLE_ADDRESSES";
        case notify_type::unexpected_nat_detected:
            return "UNEXPECTED_NAT_DETECTED";
        case notify_type::use_assigned_hoa:
            return "USE_ASSIGNED_HoA";
        case notify_type::temporary_failure:
            return "TEMPORARY_FAILURE";
        case notify_type::child_sa_not_found:
            return "CHILD_SA_NOT_FOUND";
        case notify_type::invalid_group_id:
            return "INVALID_GROUP_ID";
        case notify_type::authorization_failed:
            return "AUTHORIZATION_FAILED";
        case notify_type::state_not_found:
            return "STATE_NOT_FOUND";
        case notify_type::initial_contact:
            return "INITIAL_CONTACT";
        case notify_type::set_window_size:
            return "SET_WINDOW_SIZE";
        case notify_type::additional_ts_possible:
            return "ADDITIONAL_TS_POSSIBLE";
        case notify_type::ipcomp_supported:
            return "IPCOMP_SUPPORTED";
        case notify_type::nat_detection_source_ip:
            return "NAT_DETECTION_SOURCE_IP";
        case notify_type::nat_detection_destination_ip:
            return "NAT_DETECTION_DESTINATION_IP";
        case notify_type::cookie:
            return "COOKIE";
        case notify_type::use_transport_mode:
            return "USE_TRANSPORT_MODE";
        case notify_type::http_cert_lookup_supported:
            return "HTTP_CERT_LOOKUP_SUPPORTED";
        case notify_type::rekey_sa:
            return "REKEY_SA";
        case notify_type::esp_tfc_padding_not_supported:
            return "ESP_TFC_PADDING_NOT_SUPPORTED";
        case notify_type::non_first_fragments_also:
            return "NON_FIRST_FRAGMENTS_ALSO";
        case notify_type::mobike_supported:
            return "MOBIKE_SUPPORTED";
        case notify_type::additional_ip4_address:
            return "ADDITIONAL_IP4_ADDRESS";
        case notify_type::additional_ip6_address:
            return "ADDITIONAL_IP6_ADDRESS";
        case notify_type::no_additional_addresses:
            return "NO_ADDITIONAL_ADDRESSES";
        case notify_type::update_sa_addresses:
            return "UPDATE_SA_ADDRESSES";
        case notify_type::cookie2:
            return "COOKIE2";
        case notify_type::no_nats_allowed:
            return "NO_NATS_ALLOWED";
        case notify_type::auth_lifetime:
            return "AUTH_LIFETIME";
        case notify_type::multiple_auth_supported:
            return "MULTIPLE_AUTH_SUPPORTED";
        case notify_type::another_auth_follows:
            return "ANOTHER_AUTH_FOLLOWS";
        case notify_type::redirect_supported:
            return "REDIRECT_SUPPORTED";
        case notify_type::redirect:
            return "REDIRECT";
        case notify_type::redirected_from:
            return "REDIRECTED_FROM";
        case notify_type::ticket_lt_opaque:
            return "TICKET_LT_OPAQUE";
        case notify_type::ticket_request:
            return "TICKET_REQUEST";
        case notify_type::ticket_ack:
            return "TICKET_ACK";
        case notify_type::ticket_nack:
            return "TICKET_NACK";
        case notify_type::ticket_opaque:
            return "TICKET_OPAQUE";
        case notify_type::link_id:
            return "LINK_ID";
        case notify_type::use_wesp_mode:
            return "USE_WESP_MODE";
        case notify_type::rohc_supported:
            return "ROHC_SUPPORTED";
        case notify_type::eap_only_authentication:
            return "EAP_ONLY_AUTHENTICATION";
        case notify_type::childless_ikev2_supported:
            return "CHILDLESS_IKEV2_SUPPORTED";
        case notify_type::quick_crash_detection:
            return "QUICK_CRASH_DETECTION";
        case notify_type::ikev2_message_id_sync_supported:
            return "IKEV2_MESSAGE_ID_SYNC_SUPPORTED";
        case notify_type::ipsec_replay_counter_sync_supported:
            return "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED";
        case notify_type::ikev2_message_id_sync:
            return "IKEV2_MESSAGE_ID_SYNC";
        case notify_type::ipsec_replay_counter_sync:
            return "IPSEC_REPLAY_COUNTER_SYNC";
        case notify_type::secure_password_methods:
            return "SECURE_PASSWORD_METHODS";
        case notify_type::psk_persist:
            return "PSK_PERSIST";
        case notify_type::psk_confirm:
            return "PSK_CONFIRM";
        case notify_type::erx_supported:
            return "ERX_SUPPORTED";
        case notify_type::ifom_capability:
            return "IFOM_CAPABILITY";
        case notify_type::sender_request_id:
            return "SENDER_REQUEST_ID";
        case notify_type::ikev2_fragmentation_supported:
            return "IKEV2_FRAGMENTATION_SUPPORTED";
        case notify_type::signature_hash_algorithms:
            return "SIGNATURE_HASH_ALGORITHMS";
        case notify_type::clone_ike_sa_supported:
            return "CLONE_IKE_SA_SUPPORTED";
        case notify_type::clone_ike_sa:
            return "CLONE_IKE_SA";
        case notify_type::puzzle:
            return "PUZZLE";
        case notify_type::use_ppk:
            return "USE_PPK";
        case notify_type::ppk_identity:
            return "PPK_IDENTITY";
        case notify_type::no_ppk_auth:
            return "NO_PPK_AUTH";
        case notify_type::intermediate_exchange_supported:
            return "INTERMEDIATE_EXCHANGE_SUPPORTED";
        case notify_type::ip4_allowed:
            return "IP4_ALLOWED";
        case notify_type::ip6_allowed:
            return "IP6_ALLOWED";
        case notify_type::additional_key_exchange:
            return "ADDITIONAL_KEY_EXCHANGE";
        case notify_type::use_aggfrag:
            return "USE_AGGFRAG";
    }
    return {};
}
std::string to_string(notify_type v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(ts_type v) {
    switch (v) {
        case ts_type::ipv4_addr_range:
            return "TS_IPV4_ADDR_RANGE";
        case ts_type::ipv6_addr_range:
            return "TS_IPV6_ADDR_RANGE";
    }
    return {};
}
std::string to_string(ts_type v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(cfg_type v) {
    switch (v) {
        case cfg_type::request:
            return "CFG_REQUEST";
        case cfg_type::reply:
            return "CFG_REPLY";
        case cfg_type::set:
            return "CFG_SET";
        case cfg_type::ack:
            return "CFG_ACK";
    }
    return {};
}
std::string to_string(cfg_type v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(cfg_attr v) {
    switch (v) {
        case cfg_attr::internal_ip4_address:
            return "INTERNAL_IP4_ADDRESS";
        case cfg_attr::internal_ip4_netmask:
            return "INTERNAL_IP4_NETMASK";
        case cfg_attr::internal_ip4_dns:
            return "INTERNAL_IP4_DNS";
        case cfg_attr::internal_ip4_nbns:
            return "INTERNAL_IP4_NBNS";
        case cfg_attr::internal_ip4_dhcp:
            return "INTERNAL_IP4_DHCP";
        case cfg_attr::application_version:
            return "APPLICATION_VERSION";
        case cfg_attr::internal_ip6_address:
            return "INTERNAL_IP6_ADDRESS";
        case cfg_attr::internal_ip6_dns:
            return "INTERNAL_IP6_DNS";
        case cfg_attr::internal_ip6_dhcp:
            return "INTERNAL_IP6_DHCP";
        case cfg_attr::internal_ip4_subnet:
            return "INTERNAL_IP4_SUBNET";
        case cfg_attr::supported_attributes:
            return "SUPPORTED_ATTRIBUTES";
        case cfg_attr::internal_ip6_subnet:
            return "INTERNAL_IP6_SUBNET";
        case cfg_attr::mip6_home_prefix:
            return "MIP6_HOME_PREFIX";
        case cfg_attr::internal_ip6_link:
            return "INTERNAL_IP6_LINK";
        case cfg_attr::internal_ip6_prefix:
            return "INTERNAL_IP6_PREFIX";
        case cfg_attr::home_agent_address:
            return "HOME_AGENT_ADDRESS";
        case cfg_attr::p_cscf_ip4_address:
            return "P_CSCF_IP4_ADDRESS";
        case cfg_attr::p_cscf_ip6_address:
            return "P_CSCF_IP6_ADDRESS";
        case cfg_attr::ftt_kat:
            return "FTT_KAT";
        case cfg_attr::external_source_ip4_nat_info:
            return "EXTERNAL_SOURCE_IP4_NAT_INFO";
        case cfg_attr::timeout_period_for_liveness_check:
            return "TIMEOUT_PERIOD_FOR_LIVENESS_CHECK";
        case cfg_attr::internal_dns_domain:
            return "INTERNAL_DNS_DOMAIN";
        case cfg_attr::internal_dnssec_ta:
            return "INTERNAL_DNSSEC_TA";
    }
    return {};
}
std::string to_string(cfg_attr v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(hash_algorithm v) {
    switch (v) {
        case hash_algorithm::sha1:
            return "SHA1";
        case hash_algorithm::sha2_256:
            return "SHA2_256";
        case hash_algorithm::sha2_384:
            return "SHA2_384";
        case hash_algorithm::sha2_512:
            return "SHA2_512";
        case hash_algorithm::identity:
            return "IDENTITY";
    }
    return {};
}
std::string to_string(hash_algorithm v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(eap_code v) {
    switch (v) {
        case eap_code::request:
            return "Request";
        case eap_code::response:
            return "Response";
        case eap_code::success:
            return "Success";
        case eap_code::failure:
            return "Failure";
    }
    return {};
}
std::string to_string(eap_code v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

std::string_view name(eap_type v) {
    switch (v) {
        case eap_type::identity:
            return "Identity";
        case eap_type::notification:
            return "Notification";
        case eap_type::nak:
            return "Nak";
        case eap_type::md5_challenge:
            return "MD5-Challenge";
        case eap_type::gtc:
            return "GTC";
        case eap_type::tls:
            return "EAP-TLS";
        case eap_type::sim:
            return "EAP-SIM";
        case eap_type::ttls:
            return "EAP-TTLS";
        case eap_type::aka:
            return "EAP-AKA";
        case eap_type::peap:
            return "PEAP";
        case eap_type::mschapv2:
            return "EAP-MSCHAPv2";
        case eap_type::aka_prime:
            return "EAP-AKA'";
        case eap_type::expanded:
            return "Expanded";
    }
    return {};
}
std::string to_string(eap_type v) {
    auto n = name(v);
    return n.empty() ? unknown(static_cast<unsigned>(v)) : std::string(n);
}

}  // namespace ike
