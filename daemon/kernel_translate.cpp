#include "daemon/kernel_translate.hpp"

#include <linux/xfrm.h>

#include <algorithm>
#include <bit>

#include "daemon/address_conv.hpp"

namespace ikev2d {
namespace {

using u128 = unsigned __int128;

std::unexpected<std::string> fail(std::string message) {
    return std::unexpected(std::move(message));
}

std::optional<xfrm::aead_algorithm> aead_for(ike::encr_id id) {
    using e = ike::encr_id;
    switch (id) {
        case e::aes_gcm_16:
            return xfrm::aead_algorithm{"rfc4106(gcm(aes))", 128, {}};
        case e::aes_gcm_12:
            return xfrm::aead_algorithm{"rfc4106(gcm(aes))", 96, {}};
        case e::aes_gcm_8:
            return xfrm::aead_algorithm{"rfc4106(gcm(aes))", 64, {}};
        case e::aes_ccm_16:
            return xfrm::aead_algorithm{"rfc4309(ccm(aes))", 128, {}};
        case e::aes_ccm_12:
            return xfrm::aead_algorithm{"rfc4309(ccm(aes))", 96, {}};
        case e::aes_ccm_8:
            return xfrm::aead_algorithm{"rfc4309(ccm(aes))", 64, {}};
        case e::null_auth_aes_gmac:
            return xfrm::aead_algorithm{"rfc4543(gcm(aes))", 128, {}};
        case e::chacha20_poly1305:
            return xfrm::aead_algorithm{"rfc7539esp(chacha20,poly1305)", 128, {}};
        default:
            return std::nullopt;
    }
}

std::optional<std::string> crypt_for(ike::encr_id id) {
    using e = ike::encr_id;
    switch (id) {
        case e::aes_cbc:
            return "cbc(aes)";
        case e::aes_ctr:
            return "rfc3686(ctr(aes))";
        case e::des3:
            return "cbc(des3_ede)";
        case e::camellia_cbc:
            return "cbc(camellia)";
        case e::null:
            return "ecb(cipher_null)";
        default:
            return std::nullopt;
    }
}

std::optional<xfrm::integ_algorithm> integ_for(ike::integ_id id) {
    using i = ike::integ_id;
    switch (id) {
        case i::hmac_sha1_96:
            return xfrm::integ_algorithm{"hmac(sha1)", 96, {}};
        case i::hmac_md5_96:
            return xfrm::integ_algorithm{"hmac(md5)", 96, {}};
        case i::aes_xcbc_96:
            return xfrm::integ_algorithm{"xcbc(aes)", 96, {}};
        case i::aes_cmac_96:
            return xfrm::integ_algorithm{"cmac(aes)", 96, {}};
        case i::hmac_sha2_256_128:
            return xfrm::integ_algorithm{"hmac(sha256)", 128, {}};
        case i::hmac_sha2_384_192:
            return xfrm::integ_algorithm{"hmac(sha384)", 192, {}};
        case i::hmac_sha2_512_256:
            return xfrm::integ_algorithm{"hmac(sha512)", 256, {}};
        default:
            return std::nullopt;
    }
}

u128 to_u128(const std::array<std::uint8_t, 16>& bytes, std::size_t size) {
    u128 v = 0;
    for (std::size_t i = 0; i < size; ++i) v = (v << 8) | bytes[i];
    return v;
}

xfrm::ip_address from_u128(u128 v, bool ipv6) {
    xfrm::ip_address a;
    a.family = ipv6 ? xfrm::af_inet6 : xfrm::af_inet;
    const std::size_t size = ipv6 ? 16 : 4;
    for (std::size_t i = size; i-- > 0;) {
        a.octets[i] = static_cast<std::uint8_t>(v & 0xff);
        v >>= 8;
    }
    return a;
}

/// Largest aligned block starting at `start` and not past `end`, as host bits.
unsigned block_bits(u128 start, u128 end, unsigned width) {
    unsigned bits = 0;
    while (bits < width) {
        const u128 mask = bits + 1 >= 128 ? ~u128{0} : (u128{1} << (bits + 1)) - 1;
        if ((start & mask) != 0 || end - start < mask) break;
        ++bits;
    }
    return bits;
}

void set_ports(xfrm::selector& sel, const ike::ts_range& l, const ike::ts_range& r) {
    sel.proto = l.protocol != 0 ? l.protocol : r.protocol;
    if (l.start_port == l.end_port) sel.src_port = l.start_port;
    if (r.start_port == r.end_port) sel.dst_port = r.start_port;
}

xfrm::policy_id policy_id_for(const xfrm::selector& sel, xfrm::direction dir) {
    xfrm::policy_id id;
    id.sel = sel;
    id.direction = dir;
    return id;
}

xfrm::policy_config policy_for(const xfrm::selector& sel, xfrm::direction dir,
                               const ike::ip_addr& tmpl_src, const ike::ip_addr& tmpl_dst,
                               ike::ipsec_mode mode, std::uint32_t reqid) {
    xfrm::policy_config p;
    p.sel = sel;
    p.direction = dir;
    p.priority = policy_priority(sel);
    xfrm::policy_template t;
    t.src = to_xfrm(tmpl_src);
    t.dst = to_xfrm(tmpl_dst);
    t.mode = mode == ike::ipsec_mode::tunnel ? xfrm::mode::tunnel : xfrm::mode::transport;
    t.reqid = reqid;
    p.templates.push_back(t);
    return p;
}

std::uint64_t limit_or_infinite(std::uint64_t v) {
    return v == 0 ? xfrm::infinite : v;
}

xfrm::lifetime_limits lifetimes(const ike::install_child_sa& req) {
    xfrm::lifetime_limits l;
    l.soft_bytes = limit_or_infinite(req.soft_bytes);
    l.hard_bytes = limit_or_infinite(req.hard_bytes);
    l.soft_packets = limit_or_infinite(req.soft_packets);
    l.hard_packets = limit_or_infinite(req.hard_packets);
    l.soft_add_seconds = static_cast<std::uint64_t>(req.soft_time.count());
    l.hard_add_seconds = static_cast<std::uint64_t>(req.hard_time.count());
    return l;
}

std::expected<xfrm::sa_config, std::string> one_sa(const ike::install_child_sa& req, bool inbound,
                                                   std::uint32_t reqid) {
    auto algs = to_kernel_algorithms(req.keys, inbound);
    if (!algs) return std::unexpected(algs.error());
    xfrm::sa_config sa;
    const auto& from = inbound ? req.remote : req.local;
    const auto& to = inbound ? req.local : req.remote;
    sa.src = to_xfrm(from.ip), sa.dst = to_xfrm(to.ip);
    sa.spi = inbound ? req.spi_in : req.spi_out;
    sa.mode = req.mode == ike::ipsec_mode::tunnel ? xfrm::mode::tunnel : xfrm::mode::transport;
    // A tunnel may carry either family inside whatever its outer family is
    // (IPv4 in IPv6 and back): no selector family on the SA, as charon does.
    if (sa.mode == xfrm::mode::tunnel) sa.extra_flags |= XFRM_STATE_AF_UNSPEC;
    sa.direction = inbound ? xfrm::sa_direction::inbound : xfrm::sa_direction::outbound;
    sa.reqid = reqid;
    sa.lifetime = lifetimes(req);
    sa.replay_window = inbound ? req.replay_window : 0;
    sa.esn = req.keys.esn;
    sa.aead = std::move(algs->aead), sa.crypt = std::move(algs->crypt),
    sa.integ = std::move(algs->integ);
    if (req.udp_encap) sa.encap = xfrm::udp_encap{from.port, to.port};
    return sa;
}

}  // namespace

std::expected<esp_algorithms, std::string> to_kernel_algorithms(const ike::esp_keys& keys,
                                                                bool inbound) {
    esp_algorithms out;
    const auto& encr_key = inbound ? keys.encr_in : keys.encr_out;
    if (auto aead = aead_for(keys.encr)) {
        aead->key = encr_key;
        out.aead = std::move(aead);
        return out;
    }
    const auto crypt = crypt_for(keys.encr);
    if (!crypt) return fail("no kernel algorithm for " + ike::to_string(keys.encr));
    out.crypt = xfrm::crypt_algorithm{*crypt, encr_key};
    auto integ = integ_for(keys.integ);
    if (!integ) return fail("no kernel algorithm for " + ike::to_string(keys.integ));
    integ->key = inbound ? keys.integ_in : keys.integ_out;
    out.integ = std::move(integ);
    return out;
}

std::vector<xfrm::selector> range_to_selectors(const ike::ts_range& ts, bool as_source) {
    std::vector<xfrm::selector> out;
    const std::size_t size = ts.address_size();
    const unsigned width = static_cast<unsigned>(size * 8);
    u128 start = to_u128(ts.start, size);
    const u128 end = to_u128(ts.end, size);
    while (start <= end) {
        const unsigned bits = block_bits(start, end, width);
        xfrm::selector sel;
        const auto addr = from_u128(start, ts.ipv6);
        const auto any = xfrm::ip_address::any(addr.family);
        (as_source ? sel.src : sel.dst) = addr;
        (as_source ? sel.dst : sel.src) = any;
        (as_source ? sel.src_prefix : sel.dst_prefix) = static_cast<std::uint8_t>(width - bits);
        out.push_back(sel);
        if (bits == width) break;  // the whole address space
        const u128 next = start + (u128{1} << bits);
        if (next == 0 || (width < 128 && next >> width) != 0) break;  // ran off the end
        start = next;
    }
    return out;
}

std::vector<xfrm::selector> outbound_selectors(const std::vector<ike::ts_range>& local,
                                               const std::vector<ike::ts_range>& remote) {
    std::vector<xfrm::selector> out;
    for (const auto& l : local) {
        for (const auto& r : remote) {
            if (l.ipv6 != r.ipv6) continue;
            for (const auto& s : range_to_selectors(l, true)) {
                for (const auto& d : range_to_selectors(r, false)) {
                    xfrm::selector sel = s;
                    sel.dst = d.dst, sel.dst_prefix = d.dst_prefix;
                    set_ports(sel, l, r);
                    out.push_back(sel);
                }
            }
        }
    }
    return out;
}

xfrm::selector reversed(const xfrm::selector& sel) {
    xfrm::selector r = sel;
    std::swap(r.src, r.dst);
    std::swap(r.src_prefix, r.dst_prefix);
    std::swap(r.src_port, r.dst_port);
    return r;
}

std::uint32_t policy_priority(const xfrm::selector& sel) {
    const std::uint32_t specificity = (sel.src_prefix + sel.dst_prefix) * 4u +
                                      (sel.proto != 0 ? 2u : 0u) +
                                      (sel.src_port != 0 || sel.dst_port != 0 ? 1u : 0u);
    return policy_priority_base - specificity;
}

std::vector<xfrm::kernel_change> policy_changes(const xfrm::selector& out_sel,
                                                const ike::ip_addr& local,
                                                const ike::ip_addr& remote, ike::ipsec_mode mode,
                                                std::uint32_t reqid) {
    const auto in_sel = reversed(out_sel);
    std::vector<xfrm::kernel_change> out;
    out.push_back(
        xfrm::policy_update{policy_for(in_sel, xfrm::direction::in, remote, local, mode, reqid)});
    if (mode == ike::ipsec_mode::tunnel) {
        out.push_back(xfrm::policy_update{
            policy_for(in_sel, xfrm::direction::fwd, remote, local, mode, reqid)});
    }
    out.push_back(
        xfrm::policy_update{policy_for(out_sel, xfrm::direction::out, local, remote, mode, reqid)});
    return out;
}

std::vector<xfrm::kernel_change> policy_deletes(const xfrm::selector& out_sel,
                                                ike::ipsec_mode mode) {
    const auto in_sel = reversed(out_sel);
    std::vector<xfrm::kernel_change> out;
    out.push_back(xfrm::policy_delete{policy_id_for(out_sel, xfrm::direction::out)});
    out.push_back(xfrm::policy_delete{policy_id_for(in_sel, xfrm::direction::in)});
    if (mode == ike::ipsec_mode::tunnel) {
        out.push_back(xfrm::policy_delete{policy_id_for(in_sel, xfrm::direction::fwd)});
    }
    return out;
}

std::expected<std::vector<xfrm::kernel_change>, std::string> sa_changes(
    const ike::install_child_sa& req, std::uint32_t reqid) {
    auto in = one_sa(req, true, reqid);
    if (!in) return std::unexpected(in.error());
    auto out = one_sa(req, false, reqid);
    if (!out) return std::unexpected(out.error());
    std::vector<xfrm::kernel_change> changes;
    changes.push_back(xfrm::sa_add{std::move(*in)});
    changes.push_back(xfrm::sa_add{std::move(*out)});
    return changes;
}

xfrm::sa_id inbound_sa_id(const ike::ip_addr& local, std::uint32_t spi_in) {
    xfrm::sa_id id;
    id.dst = to_xfrm(local);
    id.spi = spi_in;
    return id;
}

xfrm::sa_id outbound_sa_id(const ike::ip_addr& remote, std::uint32_t spi_out) {
    xfrm::sa_id id;
    id.dst = to_xfrm(remote);
    id.spi = spi_out;
    return id;
}

std::string_view expire_limit(const xfrm::sa_state& sa, bool hard) {
    const auto& l = sa.lifetime;
    const std::uint64_t bytes = hard ? l.hard_bytes : l.soft_bytes;
    const std::uint64_t packets = hard ? l.hard_packets : l.soft_packets;
    // infinite is the largest count, so an unset limit never matches here.
    if (bytes != xfrm::infinite && sa.usage.bytes >= bytes)
        return hard ? "hard byte limit" : "soft byte limit";
    if (packets != xfrm::infinite && sa.usage.packets >= packets)
        return hard ? "hard packet limit" : "soft packet limit";
    return hard ? "hard time limit" : "soft time limit";
}

}  // namespace ikev2d
