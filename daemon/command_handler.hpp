#pragma once
// The control commands (docs/control-protocol.md) carried out on the event
// loop: each turns a parsed request into the members of its response or an
// error text. Runs on the loop thread, so it may use the engine directly.
#include "daemon/control_server.hpp"

namespace ikev2d {

class event_loop;

/// The request handler for the control server of `loop`. `loop` must
/// outlive the server.
control::request_handler make_command_handler(event_loop& loop);

}  // namespace ikev2d
