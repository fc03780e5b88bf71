#pragma once
// Virtual IPs and their attributes in IKE_AUTH: the Configuration payload
// (RFC 7296 §2.19, §3.15; RFC 8598 for INTERNAL_DNS_DOMAIN).
//
//   initiator (road warrior)              responder (gateway)
//   CP(CFG_REQUEST) INTERNAL_IP4_ADDRESS  -->  once the peer is authenticated:
//      (0.0.0.0: any; else the one we had)     a lease per requested family
//      INTERNAL_IP6_ADDRESS, IP4/IP6_DNS,      from the connection's pools,
//      INTERNAL_DNS_DOMAIN (empty: asks)       in order (libike/sa/address_pool)
//                                         <--  CP(CFG_REPLY) with the addresses,
//                                              the pool's DNS servers and domains
//                                         or   N(INTERNAL_ADDRESS_FAILURE) when
//                                              every pool is full (§3.15.4); the
//                                              IKE_SA stays, the CHILD_SA of
//                                              IKE_AUTH is not created
//                                         or   nothing when the connection has
//                                              no pools (as charon): the peer
//                                              decides what that means
//
// Both sides record the addresses in ike_sa::virtual_ips; child_create
// uses them as the client's dynamic traffic selector (the responder narrows
// the peer's TSi to them, the initiator's TSi becomes them). The initiator
// also emits virtual_ip_assigned for the daemon. The responder's leases go
// back to their pool when the IKE_SA is gone (engine.cpp settle_one); an
// IKE rekey moves them to the new IKE_SA (ike_sa::move_children).
#include <optional>
#include <string>

#include "libike/codec/cp_payload.hpp"
#include "libike/common/socket_address.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

class ike_config final : public task {
  public:
    ike_config(ike_sa& sa, bool initiator) : task(sa, initiator) {}
    task_kind kind() const override { return task_kind::ike_config; }
    task_result build(message_builder& m, engine_context& ctx) override;
    task_result process(const inbound_message& m, engine_context& ctx) override;

  private:
    task_result process_reply(const inbound_message& m, engine_context& ctx);
    task_result process_request(const inbound_message& m, engine_context& ctx);
    /// Responder: a lease for one requested address (family and maybe the
    /// address the peer had) from the first pool that has one; false when
    /// none did. Pools of the other family are skipped; full ones named in
    /// exhausted_.
    bool lease(const ip_addr& requested, engine_context& ctx);
    /// Responder: the CFG_REPLY for the leases made.
    cp_payload reply(engine_context& ctx) const;

    std::optional<cp_payload> reply_;  ///< responder: what goes into the response
    std::string exhausted_;            ///< responder: full pools, for the log
};

}  // namespace ike
