#pragma once
// The gateway's EAP users: identity -> password, as the daemon reads them
// from its secrets section (like the PSK store). Identities are compared
// exactly, as the peer sends them (MSCHAPv2's Name, EAP-Identity).
#include <map>
#include <string>
#include <string_view>

#include "libike/common/secret.hpp"

namespace ike {

class eap_user_store {
  public:
    /// Adds or replaces a user. `password` is UTF-8.
    void add(std::string identity, secret password);
    /// The user's password, or null if there is no such user.
    const secret* find(std::string_view identity) const;
    std::size_t size() const { return users_.size(); }

  private:
    std::map<std::string, secret, std::less<>> users_;
};

}  // namespace ike
