#pragma once
// Inbound IKE fragmentation (RFC 7383 §2.6): the decrypted pieces of one
// fragmented message, collected until all have arrived. Each fragment is
// authenticated before it gets here, so only the peer can fill this; the
// bounds below still keep a broken peer from holding much memory.
//
// Rules (§2.6): fragments may come in any order and more than once; a
// fragment announcing more Total Fragments than those collected means the
// sender re-fragmented the message smaller, so the collection starts over;
// one announcing fewer is stale and ignored. A fragment of another message
// ID starts a new collection.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "libike/common/bytes.hpp"
#include "libike/common/iana.hpp"

namespace ike {

class fragment_reassembly {
  public:
    /// DoS bounds: a real message (a certificate chain) needs a few dozen.
    static constexpr std::uint16_t max_fragments = 128;
    static constexpr std::size_t max_message_size = 128 * 1024;

    struct fragment {
        std::uint32_t message_id = 0;
        std::uint16_t number = 1, total = 1;
        payload_type first_inner = payload_type::none;  ///< meaningful in number 1
        bytes plaintext;
    };

    /// A complete message: its inner payload chain and first payload type.
    struct whole {
        payload_type first_inner = payload_type::none;
        bytes plaintext;
    };

    enum class added : std::uint8_t { stored, duplicate, stale, too_large };

    /// Adds a fragment; when it completes the message, `take()` returns it.
    added add(fragment f);

    /// The complete message, once every fragment is in; resets the collection.
    std::optional<whole> take();

    void clear();
    std::optional<std::uint32_t> message_id() const { return message_id_; }

  private:
    std::optional<std::uint32_t> message_id_;
    std::uint16_t total_ = 0, received_ = 0;
    std::size_t bytes_ = 0;
    payload_type first_inner_ = payload_type::none;
    std::vector<std::optional<bytes>> parts_;
};

}  // namespace ike
