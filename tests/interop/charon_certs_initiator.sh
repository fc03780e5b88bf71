#!/bin/bash
# charon_certs_initiator.sh: certificate authentication with strongSwan's
# charon, ikev2d initiates (charon_certs_responder.sh has the other role): RSA,
# RSA-PSS, ECDSA, Ed25519, intermediates with DN identities, and the
# certificates ikev2d must refuse; tests/interop/certs.bash says what each
# case checks. One guest runs them all; the results table goes to the
# output (and $LAB_OUT/results.md).
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built, strongSwan and its pki tool
# (scripts/setup):
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/interop/charon_certs_initiator.sh [CASE...]
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/pki.sh
. "$(dirname "$0")/../lab/pki.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
# shellcheck source=../lab/charon.sh
. "$(dirname "$0")/../lab/charon.sh"
# shellcheck source=interop.bash
. "$(dirname "$0")/interop.bash"
# shellcheck source=certs.bash
. "$(dirname "$0")/certs.bash"
lab_require_guest "$@"
ikev2d_check_tools
charon_check_tools
command -v pki >/dev/null || lab_fail "strongSwan's pki tool is missing (strongswan-pki, scripts/setup)"

P=$INTEROP_PINGS
interop_certs initiator "$@"
