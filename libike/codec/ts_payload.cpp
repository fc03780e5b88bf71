#include "libike/codec/ts_payload.hpp"

#include <cassert>

namespace ike {

namespace {

// type, protocol, length, two ports: everything but the two addresses.
constexpr std::size_t selector_fixed_size = 8;

parse_error fail(parse_errc code, std::size_t at, const char* what) {
    return {code, at, payload_type::tsi, what};
}

std::expected<traffic_selector, parse_error> decode_selector(byte_reader& r) {
    std::size_t at = r.offset();
    auto type = r.u8();
    auto protocol = r.u8();
    auto length = r.u16();
    if (!type || !protocol || !length) {
        return std::unexpected(fail(parse_errc::truncated, at, "selector header"));
    }
    traffic_selector ts;
    ts.type = static_cast<ts_type>(*type);
    ts.ip_protocol = *protocol;
    std::size_t size = address_size(ts.type);
    if (size == 0) return std::unexpected(fail(parse_errc::bad_value, at, "TS type"));
    // §3.13.1: the selector length is fixed by the type; anything else means
    // the two sides disagree on the layout, so we cannot trust what follows.
    if (*length != selector_fixed_size + 2 * size) {
        return std::unexpected(fail(parse_errc::bad_length, at + 2, "selector length"));
    }
    auto start_port = r.u16();
    auto end_port = r.u16();
    auto start = r.take(size);
    auto end = r.take(size);
    if (!start_port || !end_port || !start || !end) {
        return std::unexpected(fail(parse_errc::truncated, at + 2, "selector length"));
    }
    ts.ports = {*start_port, *end_port};
    ts.addresses.start.assign(start->begin(), start->end());
    ts.addresses.end.assign(end->begin(), end->end());
    return ts;
}

}  // namespace

std::size_t address_size(ts_type type) {
    switch (type) {
        case ts_type::ipv4_addr_range:
            return 4;
        case ts_type::ipv6_addr_range:
            return 16;
    }
    return 0;
}

std::expected<ts_payload, parse_error> decode_ts_payload(byte_reader& body) {
    std::size_t at = body.offset();
    auto count = body.u8();
    if (!count || !body.skip(3)) {
        return std::unexpected(fail(parse_errc::truncated, at, "TS payload header"));
    }
    // Zero selectors is accepted: §3.13 does not tell receivers to reject it,
    // and an empty set narrows to nothing, which the TS layer answers with
    // TS_UNACCEPTABLE anyway.
    if (*count > max_traffic_selectors) {
        return std::unexpected(fail(parse_errc::too_many, at, "selectors"));
    }
    ts_payload p;
    for (std::size_t i = 0; i < *count; ++i) {
        auto ts = decode_selector(body);
        if (!ts) return std::unexpected(ts.error());
        p.selectors.push_back(std::move(*ts));
    }
    if (!body.empty()) {
        return std::unexpected(fail(parse_errc::trailing_data, body.offset(), "after selectors"));
    }
    return p;
}

void encode_ts_payload(const ts_payload& p, byte_writer& out) {
    out.u8(static_cast<std::uint8_t>(p.selectors.size()));
    out.zeros(3);
    for (const auto& ts : p.selectors) {
        std::size_t size = address_size(ts.type);
        assert(ts.addresses.start.size() == size && ts.addresses.end.size() == size);
        out.u8(static_cast<std::uint8_t>(ts.type));
        out.u8(ts.ip_protocol);
        out.u16(static_cast<std::uint16_t>(selector_fixed_size + 2 * size));
        out.u16(ts.ports.start);
        out.u16(ts.ports.end);
        out.append(ts.addresses.start);
        out.append(ts.addresses.end);
    }
}

}  // namespace ike
