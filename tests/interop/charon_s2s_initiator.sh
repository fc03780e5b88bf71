#!/bin/bash
# charon_s2s_initiator.sh: interop with strongSwan's charon, ikev2d initiating.
# ikev2d in gw-a (start_action start) keys site-to-site tunnels with charon in
# gw-b (responder) over the proposal matrix of tests/interop/site_to_site.bash:
# per case both daemons start afresh, the IKE_SA and its CHILD_SAs come up
# (a second one by CREATE_CHILD_SA with PFS in the PFS cases), LAN pings
# cross both ways, the kernel counters move on both gateways, both daemons
# report the same SPIs and algorithms, ikev2d's terminate clears both ends
# and both daemons exit cleanly. The results table goes to the output (and
# $LAB_OUT/results.md); tests/interop/report puts it into docs/interop.md.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built, and strongSwan (scripts/setup):
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/interop/charon_s2s_initiator.sh [CASE...]
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
# shellcheck source=../lab/charon.sh
. "$(dirname "$0")/../lab/charon.sh"
# shellcheck source=interop.bash
. "$(dirname "$0")/interop.bash"
# shellcheck source=site_to_site.bash
. "$(dirname "$0")/site_to_site.bash"
lab_require_guest "$@"
ikev2d_check_tools
charon_check_tools

interop_s2s_matrix initiator "$@"
