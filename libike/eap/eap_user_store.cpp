#include "libike/eap/eap_user_store.hpp"

namespace ike {

void eap_user_store::add(std::string identity, secret password) {
    users_.insert_or_assign(std::move(identity), std::move(password));
}

const secret* eap_user_store::find(std::string_view identity) const {
    auto it = users_.find(identity);
    return it == users_.end() ? nullptr : &it->second;
}

}  // namespace ike
