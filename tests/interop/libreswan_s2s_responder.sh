#!/bin/bash
# libreswan_s2s_responder.sh: interop with libreswan's pluto, pluto initiating.
# ikev2d in gw-a (responder) keys a site-to-site tunnel with pluto in gw-b
# (whack --initiate) over the proposal matrix of
# tests/interop/libreswan_s2s.bash: per case both daemons start afresh, the
# IKE_SA and its CHILD_SA come up, LAN pings cross both ways, the kernel
# counters move on both gateways, both daemons report the same SPIs and
# algorithms, pluto's terminate clears both ends and both daemons exit
# cleanly; with a wrong PSK, AUTHENTICATION_FAILED on both ends and nothing
# installed; then the CHILD_SA rekeyed under a continuous ping, by ikev2d
# and by pluto, with the loss counted and its cause checked. The results
# table goes to the output (and $LAB_OUT/results.md); tests/interop/report
# puts it into docs/interop.md.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built, and libreswan unpacked by
# scripts/setup:
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/interop/libreswan_s2s_responder.sh [CASE...]
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
# shellcheck source=../lab/libreswan.sh
. "$(dirname "$0")/../lab/libreswan.sh"
# shellcheck source=interop.bash
. "$(dirname "$0")/interop.bash"
# shellcheck source=libreswan_s2s.bash
. "$(dirname "$0")/libreswan_s2s.bash"
lab_require_guest "$@"
ikev2d_check_tools
libreswan_check_tools

libreswan_s2s_matrix responder "$@"
