// RFC 7383 §2.5: splitting a protected message into SKF fragments.
#include "libike/engine/fragment_sealer.hpp"

#include <algorithm>

#include "libike/codec/byte_writer.hpp"
#include "libike/codec/payload.hpp"

namespace ike {

namespace {

// IKE header, SKF generic header, Fragment Number and Total Fragments.
constexpr std::size_t fragment_overhead = ike_header_size + generic_payload_header_size + 4;
constexpr std::size_t max_fragments = 0xffff;

}  // namespace

std::size_t max_ike_message_size(std::size_t ip_packet_size, bool ipv6, bool non_esp_marker) {
    const std::size_t headers = (ipv6 ? 40 : 20) + 8 + (non_esp_marker ? 4 : 0);
    return ip_packet_size > headers ? ip_packet_size - headers : 0;
}

std::size_t max_fragment_plaintext(const sk_cipher& cipher, std::size_t max_message) {
    if (max_message <= fragment_overhead) return 0;
    const std::size_t room = max_message - fragment_overhead;
    // sealed_size grows with the plaintext in steps (CBC pads to whole
    // blocks): start from an upper bound and step down until it fits.
    const std::size_t fixed = cipher.iv_size() + cipher.icv_size() + 1;
    if (room <= fixed) return 0;
    std::size_t p = room - fixed;
    while (p > 0 && cipher.sealed_size(p) > room) --p;
    return p;
}

std::expected<std::vector<bytes>, std::string> seal_fragments(
    const ike_header& header, payload_type first_inner, bytes_view plaintext, sk_cipher& cipher,
    std::size_t max_message, random_source& rng) {
    const std::size_t chunk = max_fragment_plaintext(cipher, max_message);
    if (chunk == 0)
        return std::unexpected("fragment size " + std::to_string(max_message) +
                               " leaves no room for data");
    const std::size_t total = std::max<std::size_t>(1, (plaintext.size() + chunk - 1) / chunk);
    if (total > max_fragments)
        return std::unexpected(std::string("message needs too many fragments"));
    std::vector<bytes> out;
    out.reserve(total);
    for (std::size_t i = 0; i < total; ++i) {
        const bytes_view part =
            plaintext.subspan(i * chunk, std::min(chunk, plaintext.size() - i * chunk));
        const std::size_t sealed = cipher.sealed_size(part.size());
        const std::size_t length = fragment_overhead + sealed;
        byte_writer w;
        encode_ike_header(header, payload_type::skf, static_cast<std::uint32_t>(length), w);
        // §2.5: only the first fragment names the first inner payload.
        encode_generic_payload_header(
            {i == 0 ? first_inner : payload_type::none, false,
             static_cast<std::uint16_t>(generic_payload_header_size + 4 + sealed)},
            w);
        w.u16(static_cast<std::uint16_t>(i + 1));
        w.u16(static_cast<std::uint16_t>(total));
        bytes datagram = w.take();
        const std::size_t aad_size = datagram.size();
        datagram.resize(length);
        auto ok = cipher.seal(bytes_view(datagram.data(), aad_size), part, rng,
                              std::span<std::uint8_t>(datagram.data() + aad_size, sealed));
        if (!ok) return std::unexpected("sealing a fragment failed: " + ok.error().message());
        out.push_back(std::move(datagram));
    }
    return out;
}

}  // namespace ike
