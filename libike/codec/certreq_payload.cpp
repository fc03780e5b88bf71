#include "libike/codec/certreq_payload.hpp"

#include <algorithm>

namespace ike {

std::expected<certreq_payload, parse_error> decode_certreq_payload(byte_reader& body) {
    std::size_t at = body.offset();
    auto encoding = body.u8();
    if (!encoding) {
        return std::unexpected(
            parse_error{parse_errc::truncated, at, payload_type::certreq, "encoding"});
    }
    bytes_view data = body.rest();
    return certreq_payload{static_cast<cert_encoding>(*encoding), bytes(data.begin(), data.end())};
}

void encode_certreq_payload(const certreq_payload& p, byte_writer& out) {
    out.u8(static_cast<std::uint8_t>(p.encoding));
    out.append(p.data);
}

std::expected<std::vector<ca_key_hash>, parse_error> split_ca_key_hashes(bytes_view authority) {
    constexpr std::size_t hash_size = std::tuple_size_v<ca_key_hash>;
    if (authority.size() % hash_size != 0) {
        std::size_t partial = authority.size() - authority.size() % hash_size;
        return std::unexpected(
            parse_error{parse_errc::bad_length, partial, payload_type::certreq, "CA hash size"});
    }
    std::vector<ca_key_hash> hashes(authority.size() / hash_size);
    for (std::size_t i = 0; i < hashes.size(); ++i) {
        std::ranges::copy(authority.subspan(i * hash_size, hash_size), hashes[i].begin());
    }
    return hashes;
}

bytes join_ca_key_hashes(const std::vector<ca_key_hash>& hashes) {
    bytes out;
    out.reserve(hashes.size() * std::tuple_size_v<ca_key_hash>);
    for (const auto& h : hashes) out.insert(out.end(), h.begin(), h.end());
    return out;
}

}  // namespace ike
