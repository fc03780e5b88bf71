#pragma once
// NAT detection in IKE_SA_INIT (RFC 7296 §2.23): NAT_DETECTION_SOURCE_IP and
// NAT_DETECTION_DESTINATION_IP carry SHA-1(SPIi | SPIr | IP | port) of each
// end as the sender sees it. A mismatch of the peer's destination hash with
// our own address means we are behind a NAT; of its source hash with the
// address we received from, that the peer is. With a NAT the initiator moves
// to the NAT-T port for IKE_AUTH (the daemon adds the non-ESP marker there).
#include "libike/codec/notify_payload.hpp"
#include "libike/common/socket_address.hpp"
#include "libike/tasks/task.hpp"

namespace ike {

/// SHA-1(SPIi | SPIr | IP | port), the NAT_DETECTION_* data.
nat_detection_hash nat_hash(std::uint64_t spi_i, std::uint64_t spi_r, const socket_address& a);

class ike_natd final : public task {
  public:
    using task::task;
    task_kind kind() const override { return task_kind::ike_natd; }
    task_result build(message_builder& m, engine_context& ctx) override;
    task_result process(const inbound_message& m, engine_context& ctx) override;

  private:
    bool peer_supports_ = false;
};

}  // namespace ike
