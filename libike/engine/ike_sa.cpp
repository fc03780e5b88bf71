// IKE_SA state, key derivation and SK protection (RFC 7296 §2.14, §3.14).
#include "libike/engine/ike_sa.hpp"

#include "libike/engine/negotiated_algorithms.hpp"

#include <algorithm>
#include <iterator>

#include "libike/codec/byte_reader.hpp"
#include "libike/codec/byte_writer.hpp"
#include "libike/crypto/keymat.hpp"
#include "libike/engine/fragment_sealer.hpp"
#include "libike/engine/rekey_time.hpp"
#include "libike/proposal/proposal_string.hpp"

namespace ike {

std::string_view to_string(ike_sa_state s) {
    switch (s) {
        case ike_sa_state::connecting:
            return "connecting";
        case ike_sa_state::established:
            return "established";
        case ike_sa_state::rekeyed:
            return "rekeyed";
        case ike_sa_state::deleting:
            return "deleting";
        case ike_sa_state::gone:
            return "gone";
    }
    return "unknown";
}

std::string_view to_string(const child_sa& c) {
    if (c.rekeyed_by != 0 && c.state != child_sa_state::deleting) return "rekeyed";
    switch (c.state) {
        case child_sa_state::installing:
            return "installing";
        case child_sa_state::installed:
            return "installed";
        case child_sa_state::rekeying:
            return "rekeying";
        case child_sa_state::deleting:
            return "deleting";
    }
    return "unknown";
}

namespace {

std::string_view event_name(ike_sa_event e) {
    switch (e) {
        case ike_sa_event::authenticated:
            return "authenticated";
        case ike_sa_event::rekeyed:
            return "rekeyed";
        case ike_sa_event::delete_started:
            return "delete_started";
        case ike_sa_event::deleted:
            return "deleted";
        case ike_sa_event::failed:
            return "failed";
    }
    return "unknown";
}

}  // namespace

ike_sa::ike_sa(ike_sa_id sa_id, bool is_initiator, std::shared_ptr<const ike_sa_config> cfg)
    : id(sa_id), initiator(is_initiator), config(std::move(cfg)), tasks(*this) {}

void ike_sa::drop_authentication_inputs() {
    // Assigning empty containers frees the buffers; clear() would keep them.
    ni = bytes{};
    nr = bytes{};
    init_request = bytes{};
    init_response = bytes{};
    if (keys) {
        keys->sk_pi = secret{};  // a secret wipes the bytes it lets go of
        keys->sk_pr = secret{};
    }
}

std::expected<void, std::string> ike_sa::transition(ike_sa_event ev) {
    auto illegal = [&] {
        return std::unexpected(std::string("IKE_SA event ") + std::string(event_name(ev)) +
                               " not allowed in state " + std::string(ike::to_string(state_)));
    };
    if (ev == ike_sa_event::failed) {  // from every state but gone
        if (state_ == ike_sa_state::gone) return illegal();
        state_ = ike_sa_state::gone;
        return {};
    }
    switch (state_) {
        case ike_sa_state::connecting:
            if (ev != ike_sa_event::authenticated) return illegal();
            state_ = ike_sa_state::established;
            return {};
        case ike_sa_state::established:
            if (ev == ike_sa_event::rekeyed) {
                state_ = ike_sa_state::rekeyed;
                return {};
            }
            if (ev != ike_sa_event::delete_started) return illegal();
            state_ = ike_sa_state::deleting;
            return {};
        case ike_sa_state::rekeyed:
            if (ev == ike_sa_event::delete_started)
                state_ = ike_sa_state::deleting;
            else if (ev == ike_sa_event::deleted)
                state_ = ike_sa_state::gone;
            else
                return illegal();
            return {};
        case ike_sa_state::deleting:
            if (ev != ike_sa_event::deleted) return illegal();
            state_ = ike_sa_state::gone;
            return {};
        case ike_sa_state::gone:
            return illegal();
    }
    return illegal();
}

child_sa* ike_sa::find_child(child_sa_id child) {
    auto it = std::ranges::find(children, child, &child_sa::id);
    return it == children.end() ? nullptr : &*it;
}

void ike_sa::add_child(engine_context& ctx, child_sa child) {
    ctx.child_owners[child.id] = this;
    children.push_back(std::move(child));
}

void ike_sa::erase_child(engine_context& ctx, std::vector<child_sa>::const_iterator it) {
    ctx.child_owners.erase(it->id);
    children.erase(it);
}

const child_sa_config* ike_sa::child_config(const std::string& name) const {
    for (const auto& c : config->children)
        if (config->name + "/" + c.name == name) return &c;
    return nullptr;
}

child_sa* ike_sa::find_child_by_spi_out(std::uint32_t spi) {
    auto it = std::ranges::find(children, spi, &child_sa::spi_out);
    return it == children.end() ? nullptr : &*it;
}

std::expected<void, std::string> ike_sa::derive_keys(const proposal& negotiated,
                                                     const secret& g_ir) {
    auto chosen = ike_algorithms_of(negotiated);
    if (!chosen) return std::unexpected("negotiated IKE proposal incomplete");
    auto skeyseed = derive_skeyseed(chosen->prf, ni, nr, g_ir);
    if (!skeyseed) return std::unexpected("SKEYSEED: " + skeyseed.error().message());
    return install_keys(negotiated, *skeyseed);
}

std::expected<void, std::string> ike_sa::derive_rekeyed_keys(const prf& old_sk_d,
                                                             const proposal& negotiated,
                                                             const secret& g_ir) {
    auto skeyseed = derive_rekey_skeyseed(old_sk_d, g_ir, ni, nr);
    if (!skeyseed) return std::unexpected("SKEYSEED: " + skeyseed.error().message());
    return install_keys(negotiated, *skeyseed);
}

std::expected<void, std::string> ike_sa::install_keys(const proposal& negotiated,
                                                      const secret& skeyseed) {
    auto chosen = ike_algorithms_of(negotiated);
    if (!chosen) return std::unexpected("negotiated IKE proposal incomplete");
    const sk_algorithms& algs = chosen->sk;
    const prf_id prf_alg = chosen->prf;
    auto sizes = sk_key_sizes_for(algs);
    if (!sizes) return std::unexpected("IKE proposal: " + sizes.error().message());
    auto k = derive_ike_sa_keys(prf_alg, skeyseed, ni, nr, spi_i, spi_r,
                                sa_key_lengths{sizes->encr, sizes->integ});
    if (!k) return std::unexpected("IKE SA keys: " + k.error().message());
    auto from_i = make_sk_cipher(algs, k->sk_ei, k->sk_ai);
    auto from_r = make_sk_cipher(algs, k->sk_er, k->sk_ar);
    if (!from_i || !from_r)
        return std::unexpected("SK cipher: " +
                               (from_i ? from_r.error().message() : from_i.error().message()));
    auto sk_d = prf::create(prf_alg, k->sk_d.view());
    if (!sk_d) return std::unexpected("SK_d: " + sk_d.error().message());
    ike_keymat km;
    km.negotiated = negotiated;
    km.sk_d.emplace(std::move(*sk_d));
    km.out = std::move(initiator ? *from_i : *from_r);
    km.in = std::move(initiator ? *from_r : *from_i);
    km.sk_pi = std::move(k->sk_pi);
    km.sk_pr = std::move(k->sk_pr);
    km.prf_alg = prf_alg;
    keys = std::move(km);
    return {};
}

void ike_sa::schedule_rekey(engine_context& ctx) {
    const auto after = jittered(config->rekey_time, config->rand_time, ctx.rng);
    if (after.count() > 0)
        rekey_at = ctx.now + after;
    else
        rekey_at.reset();
    const auto reauth = jittered(config->reauth_time, config->rand_time, ctx.rng);
    if (reauth.count() > 0)
        reauth_at = ctx.now + reauth;
    else
        reauth_at.reset();
}

void ike_sa::move_children(engine_context& ctx, ike_sa& to) {
    for (auto& c : children) {
        ctx.child_owners[c.id] = &to;
        to.children.push_back(std::move(c));
    }
    children.clear();
    if (child_retry_at && (!to.child_retry_at || *child_retry_at < *to.child_retry_at))
        to.child_retry_at = child_retry_at;
    child_retry_at.reset();
    // The peer keeps its virtual IPs across an IKE rekey (§2.19 leases live
    // as long as the peer is connected, not as long as one IKE_SA).
    to.virtual_ips = virtual_ips;
    to.dns = dns;
    to.dns_domains = dns_domains;
    std::ranges::move(leases, std::back_inserter(to.leases));
    leases.clear();
    rekeyed_to = to.id;
}

void ike_sa::release_leases() {
    for (const auto& l : leases) l.from->release(l.address);
    leases.clear();
}

ike_header ike_sa::header(exchange_type exchange, bool response, std::uint32_t message_id) const {
    ike_header h;
    h.spi_i = spi_i;
    h.spi_r = spi_r;
    h.exchange = exchange;
    h.message_id = message_id;
    h.flags = static_cast<std::uint8_t>((initiator ? header_flag::initiator : 0) |
                                        (response ? header_flag::response : 0));
    return h;
}

// Outbound protection (§3.14): the inner chain is encoded first so that its
// sealed size fixes the SK and IKE header lengths, which are part of the AAD.
std::expected<bytes, std::string> ike_sa::encode(exchange_type exchange, bool response,
                                                 std::uint32_t message_id,
                                                 const std::vector<payload>& payloads,
                                                 random_source& rng) {
    const ike_header h = header(exchange, response, message_id);
    if (exchange == exchange_type::ike_sa_init || !keys) return encode_message({h, payloads});

    byte_writer plain;
    encode_payload_chain(payloads, plain);
    const std::size_t sealed = keys->out->sealed_size(plain.size());
    const std::size_t total = ike_header_size + generic_payload_header_size + sealed;
    byte_writer out;
    encode_ike_header(h, payload_type::sk, static_cast<std::uint32_t>(total), out);
    encode_generic_payload_header(
        {first_payload_type(payloads), false,
         static_cast<std::uint16_t>(generic_payload_header_size + sealed)},
        out);
    bytes datagram = out.take();
    const std::size_t aad_size = datagram.size();
    datagram.resize(total);
    auto sealed_ok = keys->out->seal(bytes_view(datagram.data(), aad_size), plain.data(), rng,
                                     std::span<std::uint8_t>(datagram.data() + aad_size, sealed));
    if (!sealed_ok) return std::unexpected("sealing failed: " + sealed_ok.error().message());
    return datagram;
}

std::expected<std::vector<bytes>, std::string> ike_sa::encode_datagrams(
    exchange_type exchange, bool response, std::uint32_t message_id,
    const std::vector<payload>& payloads, engine_context& ctx) {
    auto whole = encode(exchange, response, message_id, payloads, ctx.rng);
    if (!whole) return std::unexpected(std::move(whole.error()));
    // §2.5.1: IKE_SA_INIT is never fragmented; neither is anything before
    // both sides announced support, or when our policy only accepts.
    const bool ours = config->fragmentation == fragmentation_policy::yes;
    if (!ours || !fragmentation || !keys || exchange == exchange_type::ike_sa_init)
        return std::vector<bytes>{std::move(*whole)};
    const std::size_t limit = max_ike_message_size(
        ctx.settings.fragment_size, remote.ip.ipv6,
        local.port == ctx.settings.natt_port || remote.port == ctx.settings.natt_port);
    if (whole->size() <= limit) return std::vector<bytes>{std::move(*whole)};
    byte_writer plain;
    encode_payload_chain(payloads, plain);
    auto fragments =
        seal_fragments(header(exchange, response, message_id), first_payload_type(payloads),
                       plain.data(), *keys->out, limit, ctx.rng);
    if (fragments) ctx.stats.fragments_sent += fragments->size();
    return fragments;
}

std::expected<std::vector<payload>, ike_sa::open_error> ike_sa::open(const message& m,
                                                                     bytes_view raw) const {
    if (m.header.exchange == exchange_type::ike_sa_init) return m.payloads;
    if (!keys || m.payloads.empty() || m.payloads.back().type != payload_type::sk)
        return std::unexpected(open_error{false, std::nullopt});
    const auto& sk = std::get<sk_payload>(m.payloads.back().body);
    // The AAD is every byte before the SK body: IKE header, any outer
    // payloads, the SK generic header.
    bytes_view aad = raw.first(raw.size() - sk.encrypted.size());
    auto plain = keys->in->open(aad, sk.encrypted);
    if (!plain)
        return std::unexpected(
            open_error{plain.error().code == crypto_errc::integrity_check_failed, std::nullopt});
    return decode_inner(sk.first_inner, *plain);
}

std::expected<std::vector<payload>, ike_sa::open_error> ike_sa::decode_inner(
    payload_type first_inner, bytes_view plaintext) {
    byte_reader inner(plaintext);
    auto chain = decode_payload_chain(first_inner, inner);
    if (!chain) {
        open_error e;
        if (chain.error().code == parse_errc::unsupported_critical)
            e.unsupported_critical = chain.error().payload;
        return std::unexpected(e);
    }
    return std::move(*chain);
}

std::expected<fragment_reassembly::fragment, ike_sa::open_error> ike_sa::open_fragment(
    const message& m, bytes_view raw) const {
    if (!keys || m.payloads.empty() || m.payloads.back().type != payload_type::skf)
        return std::unexpected(open_error{false, std::nullopt});
    const auto& skf = std::get<skf_payload>(m.payloads.back().body);
    // §2.5: the AAD runs up to the IV, fragment fields included.
    bytes_view aad = raw.first(raw.size() - skf.encrypted.size());
    auto plain = keys->in->open(aad, skf.encrypted);
    if (!plain)
        return std::unexpected(
            open_error{plain.error().code == crypto_errc::integrity_check_failed, std::nullopt});
    return fragment_reassembly::fragment{m.header.message_id, skf.fragment_number,
                                         skf.total_fragments, skf.first_inner, std::move(*plain)};
}

void ike_sa::emit(engine_context& ctx, sa_event::kind what, child_sa_id child, std::string reason,
                  std::string name) const {
    std::string child_name = std::move(name);
    if (child_name.empty() && child != 0)
        if (auto it = std::ranges::find(children, child, &child_sa::id); it != children.end())
            child_name = it->name;
    ctx.out.emplace_back(
        sa_event{what, id, child, std::move(reason), std::move(child_name), config->name, remote});
}

void ike_sa::hand_over(engine_context& ctx, const child_sa& c) {
    if (c.handover_to == 0) return;
    auto it = ctx.child_owners.find(c.handover_to);
    if (it == ctx.child_owners.end()) return;
    child_sa* next = it->second->find_child(c.handover_to);
    if (!next || !next->outbound_pending) return;
    next->outbound_pending = false;
    ctx.out.emplace_back(install_outbound_sa{it->second->id, next->id});
}

void ike_sa::remove_children(engine_context& ctx, bool report) {
    for (const auto& c : children) {
        hand_over(ctx, c);
        ctx.out.emplace_back(remove_child_sa{id, c.id, c.spi_in, c.spi_out, local, remote});
        if (report) emit(ctx, sa_event::kind::child_down, c.id);
        ctx.child_owners.erase(c.id);
    }
    children.clear();
}

void ike_sa::fail(engine_context& ctx, std::string reason, bool report) {
    if (state_ == ike_sa_state::gone) return;
    remove_children(ctx, report);
    (void)transition(ike_sa_event::failed);
    if (report) emit(ctx, sa_event::kind::failed, 0, std::move(reason));
}

void ike_sa::close(engine_context& ctx) {
    remove_children(ctx, true);
    if (state_ == ike_sa_state::established) (void)transition(ike_sa_event::delete_started);
    (void)transition(ike_sa_event::deleted);
    emit(ctx, sa_event::kind::ike_down, 0,
         rekeyed_to ? "rekeyed, replaced by IKE_SA #" + std::to_string(rekeyed_to) : "");
}

ts_range host_ts(const ip_addr& a) {
    ts_range r;
    r.ipv6 = a.ipv6;
    r.start = a.bytes;
    r.end = a.bytes;
    return r;
}

// KEYMAT lengths (§2.17): the cipher key plus the salt/nonce the transform
// takes from KEYMAT (RFC 4106 §8.1, RFC 4309 §7.1, RFC 3686 §5.1, RFC 7634 §2).
std::expected<std::pair<std::size_t, std::size_t>, std::string> esp_key_lengths(
    const proposal& esp) {
    auto encr = esp.encryption();
    if (encr.empty()) return std::unexpected("ESP proposal without encryption");
    const auto& e = encr.front();
    const std::size_t key = e.key_bits / 8;
    std::size_t encr_len = 0;
    switch (static_cast<encr_id>(e.id)) {
        case encr_id::aes_cbc:
            encr_len = key;
            break;
        case encr_id::aes_ctr:
        case encr_id::aes_gcm_8:
        case encr_id::aes_gcm_12:
        case encr_id::aes_gcm_16:
        case encr_id::null_auth_aes_gmac:
            encr_len = key + 4;
            break;
        case encr_id::aes_ccm_8:
        case encr_id::aes_ccm_12:
        case encr_id::aes_ccm_16:
            encr_len = key + 3;
            break;
        case encr_id::chacha20_poly1305:
            encr_len = 32 + 4;
            break;
        case encr_id::null:
            encr_len = 0;
            break;
        default:
            return std::unexpected("cannot size ESP key of " + to_string(esp));
    }
    std::size_t integ_len = 0;
    auto integ = esp.integrity();
    if (!integ.empty()) {
        switch (integ.front()) {
            case integ_id::none:
                break;
            case integ_id::hmac_sha1_96:
                integ_len = 20;
                break;
            case integ_id::aes_xcbc_96:
            case integ_id::aes_cmac_96:
                integ_len = 16;
                break;
            case integ_id::hmac_sha2_256_128:
                integ_len = 32;
                break;
            case integ_id::hmac_sha2_384_192:
                integ_len = 48;
                break;
            case integ_id::hmac_sha2_512_256:
                integ_len = 64;
                break;
            default:
                return std::unexpected("cannot size ESP integrity key of " + to_string(esp));
        }
    }
    return std::pair{encr_len, integ_len};
}

std::uint32_t random_esp_spi(random_source& rng) {
    std::array<std::uint8_t, 4> b{};
    rng.fill(b);
    std::uint32_t v = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                      (std::uint32_t{b[2]} << 8) | b[3];
    return 0xc0000000u | (v & 0x0fffffffu);
}

}  // namespace ike
