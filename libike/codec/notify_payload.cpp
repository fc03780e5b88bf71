#include "libike/codec/notify_payload.hpp"

#include <algorithm>

namespace ike {

namespace {

parse_error notify_error(parse_errc code, std::size_t offset, const char* detail) {
    return parse_error{code, offset, payload_type::notify, detail};
}

bytes copy(bytes_view v) {
    return bytes(v.begin(), v.end());
}

}  // namespace

std::expected<notify_payload, parse_error> decode_notify_payload(byte_reader& body) {
    std::size_t spi_size_at = body.offset() + 1;
    auto protocol = body.u8();
    auto spi_size = body.u8();
    auto type = body.u16();
    if (!protocol || !spi_size || !type) {
        return std::unexpected(notify_error(parse_errc::truncated, body.offset(), "notify header"));
    }
    // §3.10: the SPI is empty for IKE-wide notifies (IKE SPIs are in the
    // header), 4 bytes for AH/ESP; 8 occurs when an IKE SPI is named in a
    // rekey context. Any other size cannot be a valid SPI.
    if (*spi_size != 0 && *spi_size != 4 && *spi_size != 8) {
        return std::unexpected(notify_error(parse_errc::bad_value, spi_size_at, "SPI size"));
    }
    auto spi = body.take(*spi_size);
    if (!spi) {
        return std::unexpected(notify_error(parse_errc::truncated, body.offset(), "SPI"));
    }
    notify_payload p;
    p.protocol = static_cast<protocol_id>(*protocol);
    p.spi = copy(*spi);
    p.type = static_cast<notify_type>(*type);
    p.data = copy(body.rest());
    return p;
}

void encode_notify_payload(const notify_payload& p, byte_writer& out) {
    out.u8(static_cast<std::uint8_t>(p.protocol));
    out.u8(static_cast<std::uint8_t>(p.spi.size()));
    out.u16(static_cast<std::uint16_t>(p.type));
    out.append(p.spi);
    out.append(p.data);
}

std::expected<ke_group, parse_error> read_invalid_ke_group(const notify_payload& n) {
    if (n.type != notify_type::invalid_ke_payload) {
        return std::unexpected(notify_error(parse_errc::bad_value, 0, "not INVALID_KE_PAYLOAD"));
    }
    byte_reader in(n.data);
    auto group = in.u16();
    if (!group || !in.empty()) {
        return std::unexpected(notify_error(parse_errc::bad_length, 0, "group is 2 bytes"));
    }
    return static_cast<ke_group>(*group);
}

notify_payload make_invalid_ke_payload(ke_group accepted) {
    byte_writer w;
    w.u16(static_cast<std::uint16_t>(accepted));
    return notify_payload{protocol_id::none, {}, notify_type::invalid_ke_payload, w.take()};
}

std::expected<std::vector<hash_algorithm>, parse_error> read_signature_hash_algorithms(
    const notify_payload& n) {
    if (n.type != notify_type::signature_hash_algorithms) {
        return std::unexpected(
            notify_error(parse_errc::bad_value, 0, "not SIGNATURE_HASH_ALGORITHMS"));
    }
    if (n.data.size() % 2 != 0) {
        return std::unexpected(notify_error(parse_errc::bad_length, n.data.size() - 1,
                                            "hash algorithm list has odd length"));
    }
    std::vector<hash_algorithm> out;
    byte_reader in(n.data);
    while (auto id = in.u16()) out.push_back(static_cast<hash_algorithm>(*id));
    return out;
}

notify_payload make_signature_hash_algorithms(std::span<const hash_algorithm> algorithms) {
    byte_writer w;
    for (auto a : algorithms) w.u16(static_cast<std::uint16_t>(a));
    return notify_payload{protocol_id::none, {}, notify_type::signature_hash_algorithms, w.take()};
}

std::expected<nat_detection_hash, parse_error> read_nat_detection_hash(const notify_payload& n) {
    if (n.type != notify_type::nat_detection_source_ip &&
        n.type != notify_type::nat_detection_destination_ip) {
        return std::unexpected(notify_error(parse_errc::bad_value, 0, "not NAT_DETECTION_*"));
    }
    nat_detection_hash hash{};
    if (n.data.size() != hash.size()) {
        return std::unexpected(notify_error(parse_errc::bad_length, 0, "SHA-1 digest is 20 bytes"));
    }
    std::copy(n.data.begin(), n.data.end(), hash.begin());
    return hash;
}

notify_payload make_nat_detection(notify_type type, const nat_detection_hash& hash) {
    return notify_payload{protocol_id::none, {}, type, bytes(hash.begin(), hash.end())};
}

}  // namespace ike
