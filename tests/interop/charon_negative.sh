#!/bin/bash
# charon_negative.sh: negotiations with strongSwan's charon that must fail
# cleanly on both ends, each with ikev2d as initiator and as responder:
# wrong PSK, no common IKE proposal, no common ESP proposal, traffic
# selectors that cannot be narrowed, wrong remote identity
# (tests/interop/negative.bash says what each checks). One guest runs them
# all; the results table goes to the output (and $LAB_OUT/results.md);
# tests/interop/report puts it into docs/interop.md.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built, and strongSwan (scripts/setup):
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/interop/charon_negative.sh [CASE...]
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
# shellcheck source=../lab/charon.sh
. "$(dirname "$0")/../lab/charon.sh"
# shellcheck source=interop.bash
. "$(dirname "$0")/interop.bash"
# shellcheck source=negative.bash
. "$(dirname "$0")/negative.bash"
lab_require_guest "$@"
ikev2d_check_tools
charon_check_tools

interop_negative "$@"
