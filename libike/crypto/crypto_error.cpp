#include "libike/crypto/crypto_error.hpp"

namespace ike {

namespace {
class crypto_category_impl final : public std::error_category {
  public:
    const char* name() const noexcept override { return "ike.crypto"; }
    std::string message(int ev) const override {
        switch (static_cast<crypto_errc>(ev)) {
            case crypto_errc::unsupported_algorithm:
                return "unsupported algorithm";
            case crypto_errc::invalid_public_value:
                return "invalid public value";
            case crypto_errc::bad_key_length:
                return "bad key length";
            case crypto_errc::integrity_check_failed:
                return "integrity check failed";
            case crypto_errc::bad_ciphertext:
                return "bad ciphertext";
            case crypto_errc::backend_failure:
                return "crypto backend failure";
        }
        return "unknown crypto error";
    }
};
}  // namespace

const std::error_category& crypto_category() {
    static const crypto_category_impl instance;
    return instance;
}

std::string crypto_error::message() const {
    std::string out = make_error_code(code).message();
    if (!detail.empty()) out += ": " + detail;
    return out;
}

}  // namespace ike
