#include "libike/common/secret.hpp"

#include <openssl/crypto.h>

#include <cassert>

namespace ike {

namespace {
void wipe(std::vector<std::uint8_t>& v) {
    if (!v.empty()) OPENSSL_cleanse(v.data(), v.size());
}
}  // namespace

secret::secret(std::size_t size) : data_(size, 0) {}
secret::secret(bytes_view data) : data_(data.begin(), data.end()) {}
secret::secret(const secret& other) : data_(other.data_) {}
secret::secret(secret&& other) noexcept : data_(std::move(other.data_)) {
    other.data_.clear();
}

secret& secret::operator=(const secret& other) {
    if (this != &other) {
        wipe(data_);
        data_ = other.data_;
    }
    return *this;
}

secret& secret::operator=(secret&& other) noexcept {
    if (this != &other) {
        wipe(data_);
        data_ = std::move(other.data_);
        other.data_.clear();
    }
    return *this;
}

secret::~secret() {
    wipe(data_);
}

secret secret::slice(std::size_t offset, std::size_t len) const {
    assert(offset + len <= data_.size());
    return secret(bytes_view(data_.data() + offset, len));
}

void secret::append(bytes_view more) {
    if (data_.size() + more.size() > data_.capacity()) {
        // Grow by hand so the old allocation is wiped before it is freed.
        std::vector<std::uint8_t> grown;
        grown.reserve((data_.size() + more.size()) * 2);
        grown.assign(data_.begin(), data_.end());
        wipe(data_);
        data_.swap(grown);
    }
    data_.insert(data_.end(), more.begin(), more.end());
}

void secret::clear() {
    wipe(data_);
    data_.clear();
}

bool operator==(const secret& a, const secret& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ike
