#pragma once
// Why a protected message (SK, or SKF fragments) could not be opened.
#include <optional>

#include "libike/common/iana.hpp"

namespace ike {

struct message_open_error {
    bool integrity = false;  ///< the ICV failed: drop silently, count (§2.21.1)
    /// An unknown payload marked critical inside SK (§2.5): its type.
    std::optional<payload_type> unsupported_critical;
    /// An RFC 7383 fragment was stored; the message is not complete yet
    /// (or the fragment was a duplicate): nothing to do.
    bool pending = false;
};

}  // namespace ike
