#include "daemon/nat_t_marker.hpp"

#include <algorithm>

namespace ikev2d {

natt_datagram classify_natt_datagram(ike::bytes_view datagram) {
    if (datagram.size() == 1 && datagram[0] == 0xff) return {natt_kind::keepalive, {}};
    if (datagram.size() < non_esp_marker_size) return {natt_kind::malformed, {}};
    const auto marker = datagram.first(non_esp_marker_size);
    if (std::ranges::any_of(marker, [](std::uint8_t b) { return b != 0; })) {
        return {natt_kind::esp, {}};
    }
    return {natt_kind::ike, datagram.subspan(non_esp_marker_size)};
}

ike::bytes add_non_esp_marker(ike::bytes_view message) {
    // Sized once: the marker's zeros, then the message copied behind them.
    ike::bytes out(non_esp_marker_size + message.size(), 0);
    std::ranges::copy(message, out.begin() + non_esp_marker_size);
    return out;
}

ike::bytes nat_keepalive_datagram() {
    return ike::bytes{0xff};
}

}  // namespace ikev2d
