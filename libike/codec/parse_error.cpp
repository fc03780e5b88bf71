#include "libike/codec/parse_error.hpp"

namespace ike {

namespace {
class parse_category_impl final : public std::error_category {
  public:
    const char* name() const noexcept override { return "ike.parse"; }
    std::string message(int ev) const override {
        switch (static_cast<parse_errc>(ev)) {
            case parse_errc::truncated:
                return "truncated";
            case parse_errc::bad_length:
                return "bad length";
            case parse_errc::bad_version:
                return "unsupported IKE version";
            case parse_errc::bad_value:
                return "bad value";
            case parse_errc::reserved_not_zero:
                return "reserved field not zero";
            case parse_errc::unsupported_critical:
                return "unsupported critical payload";
            case parse_errc::trailing_data:
                return "trailing data";
            case parse_errc::too_many:
                return "too many elements";
            case parse_errc::bad_structure:
                return "bad message structure";
        }
        return "unknown parse error";
    }
};
}  // namespace

const std::error_category& parse_category() {
    static const parse_category_impl instance;
    return instance;
}

std::string parse_error::message() const {
    std::string out = make_error_code(code).message();
    out += " at offset " + std::to_string(offset);
    if (payload == payload_type::none) {
        out += " in IKE header";
    } else {
        out += " in " + to_string(payload) + " payload";
    }
    if (detail && *detail) {
        out += ": ";
        out += detail;
    }
    return out;
}

}  // namespace ike
