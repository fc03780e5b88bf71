#include "libike/eap/eap_tls_fragments.hpp"

#include <algorithm>
#include <string>

namespace ike::eap_tls {

namespace {

eap_error malformed(std::string why) {
    return {eap_errc::malformed, "EAP-TLS: " + std::move(why)};
}

}  // namespace

std::expected<fragment, eap_error> decode_fragment(bytes_view type_data) {
    if (type_data.empty()) return std::unexpected(malformed("no flags octet"));
    fragment f;
    f.flags = type_data[0];
    bytes_view rest = type_data.subspan(1);
    if ((f.flags & flag_length) != 0) {
        if (rest.size() < 4)
            return std::unexpected(malformed("the L flag is set but the length field is cut off"));
        const std::uint32_t total = (std::uint32_t{rest[0]} << 24) |
                                    (std::uint32_t{rest[1]} << 16) | (std::uint32_t{rest[2]} << 8) |
                                    std::uint32_t{rest[3]};
        rest = rest.subspan(4);
        if (total > max_message_size)
            return std::unexpected(malformed("announced TLS message of " + std::to_string(total) +
                                             " octets, more than the " +
                                             std::to_string(max_message_size) + " we accept"));
        if (total < rest.size())
            return std::unexpected(malformed("announced TLS message of " + std::to_string(total) +
                                             " octets, but this fragment alone carries " +
                                             std::to_string(rest.size())));
        f.total_length = total;
    }
    f.data.assign(rest.begin(), rest.end());
    return f;
}

bytes encode_fragment(const fragment& f) {
    bytes out;
    out.reserve(1 + 4 + f.data.size());
    std::uint8_t flags = f.flags & static_cast<std::uint8_t>(~flag_length);
    if (f.total_length) flags |= flag_length;
    out.push_back(flags);
    if (f.total_length) {
        const std::uint32_t n = *f.total_length;
        out.push_back(static_cast<std::uint8_t>(n >> 24));
        out.push_back(static_cast<std::uint8_t>(n >> 16));
        out.push_back(static_cast<std::uint8_t>(n >> 8));
        out.push_back(static_cast<std::uint8_t>(n));
    }
    out.insert(out.end(), f.data.begin(), f.data.end());
    return out;
}

std::expected<bool, eap_error> reassembler::add(const fragment& f) {
    if (!in_progress_) {
        buffer_.clear();
        announced_.reset();
        // §2.1.5: the first fragment of a fragmented message carries L.
        if (f.more() && !f.total_length)
            return std::unexpected(malformed("first fragment with M but without the L length"));
        announced_ = f.total_length;
    } else if (f.total_length && f.total_length != announced_) {
        return std::unexpected(malformed("a later fragment announces " +
                                         std::to_string(*f.total_length) + " octets, the first " +
                                         std::to_string(announced_.value_or(0))));
    }
    if (buffer_.size() + f.data.size() > announced_.value_or(max_message_size))
        return std::unexpected(malformed("fragments carry more than the " +
                                         std::to_string(announced_.value_or(max_message_size)) +
                                         " octets announced"));
    buffer_.insert(buffer_.end(), f.data.begin(), f.data.end());
    in_progress_ = f.more();
    if (in_progress_) return false;
    if (announced_ && buffer_.size() != *announced_)
        return std::unexpected(malformed("the L field announced " + std::to_string(*announced_) +
                                         " octets, the fragments carried " +
                                         std::to_string(buffer_.size())));
    return true;
}

bytes reassembler::take() {
    bytes out = std::move(buffer_);
    buffer_.clear();
    announced_.reset();
    in_progress_ = false;
    return out;
}

void fragmenter::load(bytes flight) {
    flight_ = std::move(flight);
    offset_ = 0;
}

bytes fragmenter::next() {
    fragment f;
    const std::size_t n = std::min(max_data_, flight_.size() - offset_);
    if (offset_ == 0) f.total_length = static_cast<std::uint32_t>(flight_.size());
    f.data.assign(flight_.begin() + static_cast<std::ptrdiff_t>(offset_),
                  flight_.begin() + static_cast<std::ptrdiff_t>(offset_ + n));
    offset_ += n;
    if (offset_ < flight_.size()) f.flags |= flag_more;
    if (!pending()) {
        flight_.clear();
        offset_ = 0;
    }
    return encode_fragment(f);
}

bytes start_type_data() {
    return bytes{flag_start};
}

bytes ack_type_data() {
    return bytes{0};
}

}  // namespace ike::eap_tls
