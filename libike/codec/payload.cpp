#include "libike/codec/payload.hpp"

#include <cassert>
#include <utility>

namespace ike {

namespace {

constexpr std::uint8_t critical_bit = 0x80;

bool ends_chain(payload_type t) {
    return t == payload_type::sk || t == payload_type::skf;
}

template <class T>
std::expected<payload_body, parse_error> lift(std::expected<T, parse_error> r) {
    if (!r) return std::unexpected(r.error());
    return payload_body{std::move(*r)};
}

/// Dispatches on the type announced by the previous header. Precondition: has_codec(type).
std::expected<payload_body, parse_error> decode_body(payload_type type, payload_type next,
                                                     byte_reader& body) {
    switch (type) {
        case payload_type::sa:
            return lift(decode_sa_payload(body));
        case payload_type::ke:
            return lift(decode_ke_payload(body));
        case payload_type::idi:
        case payload_type::idr:
            return lift(decode_id_payload(body));
        case payload_type::cert:
            return lift(decode_cert_payload(body));
        case payload_type::certreq:
            return lift(decode_certreq_payload(body));
        case payload_type::auth:
            return lift(decode_auth_payload(body));
        case payload_type::nonce:
            return lift(decode_nonce_payload(body));
        case payload_type::notify:
            return lift(decode_notify_payload(body));
        case payload_type::delete_:
            return lift(decode_delete_payload(body));
        case payload_type::vendor_id:
            return lift(decode_vendor_id_payload(body));
        case payload_type::tsi:
        case payload_type::tsr:
            return lift(decode_ts_payload(body));
        case payload_type::sk:
            return lift(decode_sk_payload(body, next));
        case payload_type::cp:
            return lift(decode_cp_payload(body));
        case payload_type::eap:
            return lift(decode_eap_payload(body));
        case payload_type::skf:
            return lift(decode_skf_payload(body, next));
        default:
            break;
    }
    std::unreachable();
}

struct body_encoder {
    byte_writer& out;
    void operator()(const unknown_payload& p) { out.append(p.body); }
    void operator()(const sa_payload& p) { encode_sa_payload(p, out); }
    void operator()(const ke_payload& p) { encode_ke_payload(p, out); }
    void operator()(const id_payload& p) { encode_id_payload(p, out); }
    void operator()(const cert_payload& p) { encode_cert_payload(p, out); }
    void operator()(const certreq_payload& p) { encode_certreq_payload(p, out); }
    void operator()(const auth_payload& p) { encode_auth_payload(p, out); }
    void operator()(const nonce_payload& p) { encode_nonce_payload(p, out); }
    void operator()(const notify_payload& p) { encode_notify_payload(p, out); }
    void operator()(const delete_payload& p) { encode_delete_payload(p, out); }
    void operator()(const vendor_id_payload& p) { encode_vendor_id_payload(p, out); }
    void operator()(const ts_payload& p) { encode_ts_payload(p, out); }
    void operator()(const sk_payload& p) { encode_sk_payload(p, out); }
    void operator()(const cp_payload& p) { encode_cp_payload(p, out); }
    void operator()(const eap_payload& p) { encode_eap_payload(p, out); }
    void operator()(const skf_payload& p) { encode_skf_payload(p, out); }
};

/// What one step of the chain walk yields: the payload and the type of the next.
struct chain_step {
    payload p;
    payload_type next;
};

std::expected<chain_step, parse_error> decode_one(payload_type type, byte_reader& in) {
    std::size_t start = in.offset();
    auto header = decode_generic_payload_header(type, in);
    if (!header) return std::unexpected(header.error());
    // decode_generic_payload_header checked that the body is there.
    byte_reader body = *in.sub(header->length - generic_payload_header_size);
    chain_step step{payload{type, header->critical, unknown_payload{}}, header->next};
    if (!has_codec(type)) {
        // §2.5: an unknown payload is skipped unless its sender said that
        // understanding it is essential.
        if (header->critical) {
            return std::unexpected(
                parse_error{parse_errc::unsupported_critical, start, type, "unknown payload type"});
        }
        auto rest = body.rest();
        step.p.body = unknown_payload{bytes(rest.begin(), rest.end())};
        return step;
    }
    auto decoded = decode_body(type, header->next, body);
    if (!decoded) {
        // id/ts decoders serve two types each; name the one actually parsed.
        parse_error e = decoded.error();
        e.payload = type;
        return std::unexpected(e);
    }
    if (!body.empty()) {
        return std::unexpected(
            parse_error{parse_errc::trailing_data, body.offset(), type, "unread payload body"});
    }
    step.p.body = std::move(*decoded);
    return step;
}

}  // namespace

std::expected<generic_payload_header, parse_error> decode_generic_payload_header(
    payload_type current, byte_reader& in) {
    std::size_t start = in.offset();
    auto next = in.u8();
    auto flags = in.u8();
    auto length = in.u16();
    if (!next || !flags || !length) {
        return std::unexpected(
            parse_error{parse_errc::truncated, in.offset(), current, "generic payload header"});
    }
    if (*length < generic_payload_header_size) {
        return std::unexpected(
            parse_error{parse_errc::bad_length, start + 2, current, "payload length below 4"});
    }
    if (*length - generic_payload_header_size > in.remaining()) {
        return std::unexpected(
            parse_error{parse_errc::truncated, start + 2, current, "payload length past end"});
    }
    return generic_payload_header{static_cast<payload_type>(*next), (*flags & critical_bit) != 0,
                                  *length};
}

void encode_generic_payload_header(const generic_payload_header& h, byte_writer& out) {
    out.u8(static_cast<std::uint8_t>(h.next));
    out.u8(h.critical ? critical_bit : 0);
    out.u16(h.length);
}

bool has_codec(payload_type type) {
    switch (type) {
        case payload_type::sa:
        case payload_type::ke:
        case payload_type::idi:
        case payload_type::idr:
        case payload_type::cert:
        case payload_type::certreq:
        case payload_type::auth:
        case payload_type::nonce:
        case payload_type::notify:
        case payload_type::delete_:
        case payload_type::vendor_id:
        case payload_type::tsi:
        case payload_type::tsr:
        case payload_type::sk:
        case payload_type::cp:
        case payload_type::eap:
        case payload_type::skf:
            return true;
        default:
            return false;
    }
}

std::expected<std::vector<payload>, parse_error> decode_payload_chain(payload_type first,
                                                                      byte_reader& in) {
    std::vector<payload> out;
    payload_type next = first;
    while (next != payload_type::none) {
        if (out.size() == max_payloads) {
            return std::unexpected(
                parse_error{parse_errc::too_many, in.offset(), next, "too many payloads"});
        }
        auto step = decode_one(next, in);
        if (!step) return std::unexpected(step.error());
        out.push_back(std::move(step->p));
        // §3.14 / RFC 7383 §2.5: SK and SKF are last; their next-payload
        // field points inside the ciphertext, not to a sibling.
        if (ends_chain(out.back().type)) break;
        next = step->next;
    }
    if (!in.empty()) {
        return std::unexpected(
            parse_error{parse_errc::trailing_data, in.offset(), next, "bytes after last payload"});
    }
    return out;
}

void encode_payload_chain(std::span<const payload> payloads, byte_writer& out) {
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        const payload& p = payloads[i];
        payload_type next = i + 1 < payloads.size() ? payloads[i + 1].type : payload_type::none;
        if (const auto* sk = std::get_if<sk_payload>(&p.body)) next = sk->first_inner;
        if (const auto* skf = std::get_if<skf_payload>(&p.body)) next = skf->first_inner;
        assert(!ends_chain(p.type) || i + 1 == payloads.size());
        std::size_t header_at = out.size();
        encode_generic_payload_header({next, p.critical, 0}, out);
        std::visit(body_encoder{out}, p.body);
        std::size_t length = out.size() - header_at;
        assert(length <= 0xffff);
        out.patch_u16(header_at + 2, static_cast<std::uint16_t>(length));
    }
}

payload_type first_payload_type(std::span<const payload> payloads) {
    return payloads.empty() ? payload_type::none : payloads.front().type;
}

}  // namespace ike
