// RFC 7383 §2.6: collecting the fragments of one message.
#include "libike/engine/fragment_reassembly.hpp"

namespace ike {

fragment_reassembly::added fragment_reassembly::add(fragment f) {
    if (f.number == 0 || f.number > f.total || f.total > max_fragments) return added::too_large;
    const bool other_message = message_id_ != f.message_id;
    if (other_message || f.total > total_) {
        clear();
        message_id_ = f.message_id;
        total_ = f.total;
        parts_.resize(total_);
    } else if (f.total < total_) {
        return added::stale;
    }
    auto& slot = parts_[f.number - 1];
    if (slot) return added::duplicate;
    if (bytes_ + f.plaintext.size() > max_message_size) {
        clear();
        return added::too_large;
    }
    if (f.number == 1) first_inner_ = f.first_inner;
    bytes_ += f.plaintext.size();
    slot = std::move(f.plaintext);
    ++received_;
    return added::stored;
}

std::optional<fragment_reassembly::whole> fragment_reassembly::take() {
    if (!message_id_ || received_ != total_) return std::nullopt;
    whole w{first_inner_, {}};
    w.plaintext.reserve(bytes_);
    for (auto& p : parts_) w.plaintext.insert(w.plaintext.end(), p->begin(), p->end());
    clear();
    return w;
}

void fragment_reassembly::clear() {
    message_id_.reset();
    total_ = received_ = 0;
    bytes_ = 0;
    first_inner_ = payload_type::none;
    parts_.clear();
}

}  // namespace ike
