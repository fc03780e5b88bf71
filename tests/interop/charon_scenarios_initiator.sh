#!/bin/bash
# charon_scenarios_initiator.sh: interop scenarios with strongSwan's charon,
# ikev2d initiating: transport mode, IPv6 outer addresses with IPv4 and IPv6
# inside, several subnets with traffic-selector narrowing, INVALID_KE_PAYLOAD
# and the retry, CHILD_SA and IKE_SA deletes from each side, and a
# port-rewriting NAT in the middle (tests/interop/scenarios.bash says what
# each checks). One guest runs them all; the results table goes to the
# output (and $LAB_OUT/results.md); tests/interop/report puts it into
# docs/interop.md.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built, and strongSwan (scripts/setup):
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/interop/charon_scenarios_initiator.sh [SCENARIO...]
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
# shellcheck source=../lab/charon.sh
. "$(dirname "$0")/../lab/charon.sh"
# shellcheck source=interop.bash
. "$(dirname "$0")/interop.bash"
# shellcheck source=scenarios.bash
. "$(dirname "$0")/scenarios.bash"
lab_require_guest "$@"
ikev2d_check_tools
charon_check_tools

interop_scenarios initiator "$@"
