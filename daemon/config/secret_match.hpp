#pragma once
// Which configured PSK belongs to a pair of IKE identities, decided as
// charon's credential sets do: a secret is a candidate when one of its ids
// equals the local or the remote identity, when it lists %any, or when it
// has no ids at all; the candidate matching most (both identities exactly,
// then one) wins, the earlier entry on a tie.
#include <span>
#include <string_view>

#include "daemon/config/config.hpp"

namespace ikev2d::config {

/// The best secret for `local` and `remote`, or nullptr when none applies.
/// A %any identity stands for "not known yet" and matches nothing by itself;
/// when both are %any, the first secret is returned (nullptr if none).
const shared_secret* find_shared_secret(std::span<const shared_secret> secrets,
                                        const identity& local, const identity& remote);

/// The eap secret listing the EAP user `name`, or nullptr.
const eap_secret* find_eap_secret(std::span<const eap_secret> secrets, std::string_view name);

}  // namespace ikev2d::config
