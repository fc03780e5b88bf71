#include "libike/engine/negotiated_algorithms.hpp"

namespace ike {

std::optional<ike_algorithms> ike_algorithms_of(const proposal& p) {
    auto prfs = p.prfs();
    auto encr = p.encryption();
    if (prfs.empty() || encr.empty()) return std::nullopt;
    auto integ = p.integrity();
    return ike_algorithms{
        prfs.front(), sk_algorithms{static_cast<encr_id>(encr.front().id), encr.front().key_bits,
                                    integ.empty() ? integ_id::none : integ.front()}};
}

}  // namespace ike
