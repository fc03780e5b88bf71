#include "libike/codec/vendor_id_payload.hpp"

namespace ike {

std::expected<vendor_id_payload, parse_error> decode_vendor_id_payload(byte_reader& body) {
    // §3.12 gives the ID no structure and no minimum length; recognising
    // particular vendors is the engine's business.
    auto data = body.rest();
    return vendor_id_payload{bytes(data.begin(), data.end())};
}

void encode_vendor_id_payload(const vendor_id_payload& p, byte_writer& out) {
    out.append(p.id);
}

}  // namespace ike
