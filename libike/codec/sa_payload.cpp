#include "libike/codec/sa_payload.hpp"

namespace ike {

namespace {

// §3.3.1/§3.3.2: the first byte of a proposal/transform says whether another
// substructure of the same kind follows. The values differ (2 vs 3) for
// historical reasons (they were payload types in IKEv1).
constexpr std::uint8_t last_marker = 0;
constexpr std::uint8_t more_proposals = 2;
constexpr std::uint8_t more_transforms = 3;
constexpr std::size_t substructure_header_size = 8;
constexpr std::uint16_t attr_format_tv = 0x8000;  // the AF bit, §3.3.5

parse_error fail(parse_errc code, std::size_t at, const char* what) {
    return {code, at, payload_type::sa, what};
}

// A proposal or transform cut out of its container: `body` starts right after
// the 4-byte (marker, reserved, length) prefix and ends where the length says.
struct substructure {
    std::size_t at = 0;
    bool more = false;
    byte_reader body{bytes_view{}};
};

std::expected<substructure, parse_error> next_substructure(byte_reader& r, std::uint8_t more,
                                                           const char* what) {
    substructure s;
    s.at = r.offset();
    auto marker = r.u8();
    if (!marker || !r.skip(1)) return std::unexpected(fail(parse_errc::truncated, s.at, what));
    if (*marker != last_marker && *marker != more) {
        return std::unexpected(fail(parse_errc::bad_value, s.at, "last-substructure marker"));
    }
    auto length = r.u16();
    if (!length) return std::unexpected(fail(parse_errc::truncated, s.at + 2, what));
    if (*length < substructure_header_size) {
        return std::unexpected(fail(parse_errc::bad_length, s.at + 2, what));
    }
    auto body = r.sub(*length - 4u);
    if (!body) return std::unexpected(fail(parse_errc::truncated, s.at + 2, what));
    s.more = *marker == more;
    s.body = *body;
    return s;
}

// The marker must agree with what actually follows: "last" with bytes after it
// is as malformed as "more" with nothing after it.
std::expected<void, parse_error> check_marker(const substructure& s, const byte_reader& rest) {
    if (!s.more && !rest.empty()) {
        return std::unexpected(fail(parse_errc::trailing_data, rest.offset(), "after last"));
    }
    if (s.more && rest.empty()) {
        return std::unexpected(fail(parse_errc::truncated, rest.offset(), "marked more, none"));
    }
    return {};
}

std::expected<sa_attribute, parse_error> decode_attribute(byte_reader& r) {
    std::size_t at = r.offset();
    auto type = r.u16();
    auto second = r.u16();
    if (!type || !second) return std::unexpected(fail(parse_errc::truncated, at, "attribute"));
    sa_attribute a;
    a.type = static_cast<transform_attr>(*type & ~attr_format_tv);
    a.tv = (*type & attr_format_tv) != 0;
    if (a.tv) {
        a.value = *second;
        return a;
    }
    auto data = r.take(*second);
    if (!data) return std::unexpected(fail(parse_errc::truncated, at + 2, "attribute length"));
    a.data.assign(data->begin(), data->end());
    return a;
}

std::expected<sa_transform, parse_error> decode_transform(byte_reader& r) {
    std::size_t at = r.offset();
    auto type = r.u8();
    bool reserved = r.skip(1);
    auto id = r.u16();
    if (!type || !reserved || !id) {
        return std::unexpected(fail(parse_errc::truncated, at, "transform"));
    }
    sa_transform t{static_cast<transform_type>(*type), *id, {}};
    while (!r.empty()) {
        if (t.attributes.size() == max_sa_attributes) {
            return std::unexpected(fail(parse_errc::too_many, r.offset(), "attributes"));
        }
        auto a = decode_attribute(r);
        if (!a) return std::unexpected(a.error());
        t.attributes.push_back(std::move(*a));
    }
    return t;
}

std::expected<void, parse_error> decode_transforms(byte_reader& r, std::size_t count,
                                                   std::size_t count_at, sa_proposal& p) {
    while (!r.empty()) {
        if (p.transforms.size() == count) {
            return std::unexpected(
                fail(parse_errc::bad_value, count_at, "more transforms than counted"));
        }
        auto s = next_substructure(r, more_transforms, "transform length");
        if (!s) return std::unexpected(s.error());
        if (auto ok = check_marker(*s, r); !ok) return ok;
        auto t = decode_transform(s->body);
        if (!t) return std::unexpected(t.error());
        p.transforms.push_back(std::move(*t));
    }
    if (p.transforms.size() != count) {
        return std::unexpected(
            fail(parse_errc::bad_value, count_at, "fewer transforms than counted"));
    }
    return {};
}

// §3.3.1: IKE SPIs are 8 bytes (or absent in IKE_SA_INIT), AH/ESP SPIs 4.
// Protocols we do not know keep whatever SPI they bring; the proposal layer
// never selects them.
bool spi_size_ok(protocol_id protocol, std::size_t size) {
    switch (protocol) {
        case protocol_id::ike:
            return size == 0 || size == 8;
        case protocol_id::ah:
        case protocol_id::esp:
            return size == 4;
        default:
            return true;
    }
}

std::expected<sa_proposal, parse_error> decode_proposal(byte_reader& r) {
    std::size_t at = r.offset();
    auto fixed = r.take(4);
    if (!fixed) return std::unexpected(fail(parse_errc::truncated, at, "proposal"));
    sa_proposal p;
    p.number = (*fixed)[0];
    p.protocol = static_cast<protocol_id>((*fixed)[1]);
    std::size_t spi_size = (*fixed)[2];
    std::size_t count = (*fixed)[3];
    if (!spi_size_ok(p.protocol, spi_size)) {
        return std::unexpected(fail(parse_errc::bad_value, at + 2, "SPI size"));
    }
    auto spi = r.take(spi_size);
    if (!spi) return std::unexpected(fail(parse_errc::truncated, at + 2, "SPI size"));
    p.spi.assign(spi->begin(), spi->end());
    if (count > max_sa_transforms) {
        return std::unexpected(fail(parse_errc::too_many, at + 3, "transforms"));
    }
    if (auto ok = decode_transforms(r, count, at + 3, p); !ok) return std::unexpected(ok.error());
    return p;
}

void encode_attribute(const sa_attribute& a, byte_writer& out) {
    auto type = static_cast<std::uint16_t>(a.type);
    if (a.tv) {
        out.u16(static_cast<std::uint16_t>(type | attr_format_tv));
        out.u16(a.value);
        return;
    }
    out.u16(static_cast<std::uint16_t>(type & ~attr_format_tv));
    out.u16(static_cast<std::uint16_t>(a.data.size()));
    out.append(a.data);
}

void encode_transform(const sa_transform& t, bool last, byte_writer& out) {
    std::size_t start = out.size();
    out.u8(last ? last_marker : more_transforms);
    out.u8(0);
    std::size_t length_at = out.reserve_u16();
    out.u8(static_cast<std::uint8_t>(t.type));
    out.u8(0);
    out.u16(t.id);
    for (const auto& a : t.attributes) encode_attribute(a, out);
    out.patch_u16(length_at, static_cast<std::uint16_t>(out.size() - start));
}

void encode_proposal(const sa_proposal& p, bool last, byte_writer& out) {
    std::size_t start = out.size();
    out.u8(last ? last_marker : more_proposals);
    out.u8(0);
    std::size_t length_at = out.reserve_u16();
    out.u8(p.number);
    out.u8(static_cast<std::uint8_t>(p.protocol));
    out.u8(static_cast<std::uint8_t>(p.spi.size()));
    out.u8(static_cast<std::uint8_t>(p.transforms.size()));
    out.append(p.spi);
    for (std::size_t i = 0; i < p.transforms.size(); ++i) {
        encode_transform(p.transforms[i], i + 1 == p.transforms.size(), out);
    }
    out.patch_u16(length_at, static_cast<std::uint16_t>(out.size() - start));
}

}  // namespace

std::expected<sa_payload, parse_error> decode_sa_payload(byte_reader& body) {
    // §3.3: an SA payload carries one or more proposals.
    if (body.empty()) return std::unexpected(fail(parse_errc::bad_length, body.offset(), "empty"));
    sa_payload sa;
    while (!body.empty()) {
        if (sa.proposals.size() == max_sa_proposals) {
            return std::unexpected(fail(parse_errc::too_many, body.offset(), "proposals"));
        }
        auto s = next_substructure(body, more_proposals, "proposal length");
        if (!s) return std::unexpected(s.error());
        if (auto ok = check_marker(*s, body); !ok) return std::unexpected(ok.error());
        auto p = decode_proposal(s->body);
        if (!p) return std::unexpected(p.error());
        sa.proposals.push_back(std::move(*p));
    }
    return sa;
}

void encode_sa_payload(const sa_payload& p, byte_writer& out) {
    for (std::size_t i = 0; i < p.proposals.size(); ++i) {
        encode_proposal(p.proposals[i], i + 1 == p.proposals.size(), out);
    }
}

std::optional<std::uint16_t> key_length(const sa_transform& t) {
    for (const auto& a : t.attributes) {
        if (a.tv && a.type == transform_attr::key_length) return a.value;
    }
    return std::nullopt;
}

bool sa_proposal_numbers_sequential(const sa_payload& p) {
    for (std::size_t i = 0; i < p.proposals.size(); ++i) {
        if (p.proposals[i].number != i + 1) return false;
    }
    return !p.proposals.empty();
}

sa_transform make_sa_transform(encr_id id, std::optional<std::uint16_t> key_bits) {
    sa_transform t{transform_type::encr, static_cast<std::uint16_t>(id), {}};
    if (key_bits) t.attributes.push_back({transform_attr::key_length, true, *key_bits, {}});
    return t;
}

sa_transform make_sa_transform(prf_id id) {
    return {transform_type::prf, static_cast<std::uint16_t>(id), {}};
}

sa_transform make_sa_transform(integ_id id) {
    return {transform_type::integ, static_cast<std::uint16_t>(id), {}};
}

sa_transform make_sa_transform(ke_group id) {
    return {transform_type::ke, static_cast<std::uint16_t>(id), {}};
}

sa_transform make_sa_transform(esn_id id) {
    return {transform_type::esn, static_cast<std::uint16_t>(id), {}};
}

}  // namespace ike
