#!/bin/bash
# charon_roadwarrior.sh: ikev2d as a remote-access gateway for strongSwan's
# charon as the road-warrior client, certificates both ways (the gateway's
# with serverAuth, the clients' with clientAuth, which the gateway demands):
#   1. three clients (rw1..rw3) connect at once and ask for a virtual IP
#      (CFG_REQUEST): each gets a different address from the pool, the DNS
#      server (charon's resolve plugin writes it out) and the search domain
#      (RFC 8598; charon 5.9.8 receives it but cannot apply it),
#      the gateway narrows each CHILD_SA to the client's address, and each
#      client's traffic from its virtual IP crosses the tunnel to lan-a
#      behind the gateway (the kernel counts it on both ends);
#   2. rw1 and rw2 disconnect and come back in the other order: each gets
#      its own address again (leases are kept per identity);
#   3. with a pool of two addresses, rw1 and rw2 get them and rw3 is refused
#      with INTERNAL_ADDRESS_FAILURE, which ikev2d logs naming the pool.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built, strongSwan and its pki tool
# (scripts/setup):
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/interop/charon_roadwarrior.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/pki.sh
. "$(dirname "$0")/../lab/pki.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
# shellcheck source=../lab/charon.sh
. "$(dirname "$0")/../lab/charon.sh"
# shellcheck source=roadwarrior.bash
. "$(dirname "$0")/roadwarrior.bash"
lab_require_guest "$@"
ikev2d_check_tools
charon_check_tools
command -v pki >/dev/null || lab_fail "strongSwan's pki tool is missing (strongswan-pki, scripts/setup)"

CLIENTS=3
# shellcheck disable=SC2034 # used by roadwarrior.bash
DN="C=CH, O=ikev2d lab"
POOL=10.3.0.0/24

lab_step "topology: rw1..rw$CLIENTS ==WAN== gw-a -- lan-a"
lab_roadwarrior_topology "$CLIENTS"
# The gateway forwards to the virtual IPs; its policies send that into the tunnels.
lab_run ip -n gw-a route add "$POOL" dev eth0
ikev2d_drop_cleartext gw-a
rw_make_certs "$CLIENTS"

lab_step "1. three clients at once, each with its own virtual IP"
rw_gateway_config "$POOL"
ikev2d_start gw-a
declare -A VIP
for ((k = 1; k <= CLIENTS; k++)); do
  rw_client_config "$k"
  charon_start "rw$k"
  charon_load "rw$k"
done
for ((k = 1; k <= CLIENTS; k++)); do VIP[$k]=$(connect "$k"); done
[ "$(printf '%s\n' "${VIP[@]}" | sort -u | wc -l)" = "$CLIENTS" ] ||
  lab_fail "the clients' virtual IPs are not all different: ${VIP[*]}"
for ((k = 1; k <= CLIENTS; k++)); do check_client "$k" "${VIP[$k]}"; done
n=$("$JQ" '.sas | length' "$LAB_OUT/sas-gw-a.json")
[ "$n" = "$CLIENTS" ] || lab_fail "gw-a lists $n IKE_SAs, expected $CLIENTS"

lab_step "2. rw1 and rw2 reconnect in the other order and get their addresses back"
for k in 1 2; do
  charon_terminate "rw$k" rw
  lab_wait_for 10 test -z "$(gateway_child_of "${VIP[$k]}")" ||
    lab_fail "gw-a still has rw$k's CHILD_SA after its delete"
done
# A pool handing out the lowest free address would now give rw2 rw1's.
for k in 2 1; do
  again=$(connect "$k")
  [ "$again" = "${VIP[$k]}" ] || lab_fail "rw$k got $again on reconnecting, not its earlier ${VIP[$k]}"
  check_client "$k" "$again"
done

lab_step "3. a pool of two: the third client is refused"
for ((k = 1; k <= CLIENTS; k++)); do charon_stop "rw$k"; done
ikev2d_sigterm gw-a
rw_gateway_config 10.3.0.1-10.3.0.2
ikev2d_start gw-a
for ((k = 1; k <= CLIENTS; k++)); do charon_start "rw$k"; charon_load "rw$k"; done
connect 1 >/dev/null
connect 2 >/dev/null
if charon_swanctl rw3 --initiate --child lan --ike rw --timeout 20 >"$LAB_OUT/rw3-initiate.out" 2>&1; then
  lab_fail "rw3 got a tunnel from an exhausted pool: $(tail -n 3 "$LAB_OUT/rw3-initiate.out")"
fi
grep -qE 'INTERNAL_ADDRESS_FAILURE|INT_ADDR_FAIL' "$(charon_dir rw3)/charon.log" ||
  lab_fail "charon in rw3 does not report INTERNAL_ADDRESS_FAILURE"
# (The restarted daemon's log starts afresh.)
ikev2d_wait_log 10 gw-a 0 "rw3.test" "pool 'rw-v4'" "INTERNAL_ADDRESS_FAILURE" >/dev/null ||
  lab_fail "ikev2d's log does not explain the refusal of rw3"
[ -z "$(client_vip 3)" ] || lab_fail "rw3 installed a virtual IP: $(client_vip 3)"
for ((k = 1; k <= CLIENTS; k++)); do charon_stop "rw$k"; done
ikev2d_sigterm gw-a
lab_log "PASS: road warriors with virtual IPs, DNS, reconnect and pool exhaustion"
