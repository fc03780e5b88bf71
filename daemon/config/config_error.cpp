#include "daemon/config/config_error.hpp"

namespace ikev2d::config {

std::string config_error::to_string() const {
    std::string out = file;
    if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    out += ": ";
    if (!key_path.empty()) out += key_path + ": ";
    return out + message;
}

}  // namespace ikev2d::config
