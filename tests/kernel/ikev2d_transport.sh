#!/bin/bash
# ikev2d_transport.sh: two ikev2d daemons key a host-to-host TRANSPORT mode
# CHILD_SA between gw-a (192.0.2.1) and gw-b (192.0.2.2) of lab_site_to_site:
#   1. each gateway drops ICMP it receives on its WAN without IPsec, so a
#      gateway-to-gateway ping is answered only through ESP: none is before;
#   2. gw-a (start_action start) and gw-b (responder) run ikev2d with PSK
#      auth and a child without local_ts/remote_ts (the IKE addresses,
#      charon's "dynamic") and `mode: transport`; list-sas shows an
#      established IKE_SA whose CHILD_SA is mode transport, with the host
#      selectors 192.0.2.1/32 and 192.0.2.2/32, on both;
#   3. the kernel SAs of ikev2d's reqid range are `mode transport` between the
#      two gateways (two per side), the policies are transport out/in for
#      192.0.2.1/32 <-> 192.0.2.2/32 and there is no fwd policy;
#   4. pings gw-a -> 192.0.2.2 and gw-b -> 192.0.2.1 are answered, the SPIs
#      are mirrored and every kernel SA counted the pings;
#   5. `ikev2ctl terminate` on gw-a removes everything on both sides (the
#      IKE Delete crosses while the transport policies cover the IKE
#      addresses), pings are dropped again;
#   6. `ikev2ctl initiate` brings the SA up again and SIGTERM with the SA up
#      deletes it with the peer: both daemons exit 0, nothing of theirs left.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built:
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/kernel/ikev2d_transport.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
lab_require_guest "$@"
ikev2d_check_tools

PINGS=3
ESTABLISH_TIMEOUT=20
CONN="host-host"
GWS=(gw-a gw-b)

# write_config GW LOCAL REMOTE_ADDRS LOCAL_ID REMOTE_ID START_ACTION
write_config() {
  {
    ikev2d_daemon_yaml "$1"
    ikev2d_conn_yaml "$CONN" "$2" "$3" "$4" "$5"
    ikev2d_child_yaml host - - "$6" aes256gcm16 transport
  } >"$(ikev2d_config_file "$1")"
}

# check_list_sas GW LOCAL REMOTE: the CHILD_SA in list-sas (sas-GW.json) is
# transport mode between the host selectors LOCAL/32 and REMOTE/32.
check_list_sas() {
  local gw=$1 got
  got=$(ikev2d_child_field "$gw" "$CONN" mode)
  [ "$got" = transport ] || lab_fail "$gw: list-sas shows mode '$got', expected transport:
$(<"$LAB_OUT/sas-$gw.json")"
  # shellcheck disable=SC2016 # jq's own $c
  got=$("$JQ" -r --arg c "$CONN" '.sas[] | select(.conn == $c) | .children[0] | "\(.local_ts) \(.remote_ts)"' "$LAB_OUT/sas-$gw.json" | tr -d '"')
  [ "$got" = "[$2/32] [$3/32]" ] || lab_fail "$gw: list-sas selectors are '$got', expected [$2/32] [$3/32]"
  lab_log "$gw: list-sas: CHILD_SA mode transport, $got"
}

# check_kernel GW LOCAL REMOTE: exactly two SAs of ours in GW, both transport
# between LOCAL and REMOTE (one each way); policies out and in only, transport,
# for LOCAL/32 <-> REMOTE/32.
check_kernel() {
  local gw=$1 l=$2 r=$3 sas pols
  sas=$(ikev2d_our_sas "$gw" | cut -d' ' -f2-4 | sort | tr '\n' ';')
  [ "$sas" = "$(printf '%s\n' "$l $r transport" "$r $l transport" | sort | tr '\n' ';')" ] ||
    lab_fail "$gw: SAs of ikev2d are not one transport SA each way between $l and $r:
$(ip -n "$gw" xfrm state)"
  # Transport templates carry no addresses (ip prints 0.0.0.0): skip them.
  pols=$(ikev2d_our_policies "$gw" | cut -d' ' -f1-3,6 | sort | tr '\n' ';')
  [ "$pols" = "$(printf '%s\n' "out $l/32 $r/32 transport" "in $r/32 $l/32 transport" | sort | tr '\n' ';')" ] ||
    lab_fail "$gw: policies of ikev2d are not transport out/in for $l/32 <-> $r/32 (and no fwd):
$(ip -n "$gw" xfrm policy)"
  lab_log "$gw: kernel SAs and policies of ikev2d are mode transport"
}

# ---- 1. setup ------------------------------------------------------------------
lab_step "1. setup: gw-a == gw-b; cleartext ICMP between the gateways is dropped"
lab_site_to_site
lab_assert_ping gw-a 192.0.2.2   # the WAN works in cleartext
for gw in "${GWS[@]}"; do
  lab_run ip netns exec "$gw" iptables-legacy -A INPUT -i eth0 -p icmp -m policy --dir in --pol none -j DROP
done
lab_assert_no_ping gw-a 192.0.2.2
lab_assert_no_ping gw-b 192.0.2.1

# ---- 2. start the daemons ------------------------------------------------------
lab_step "2. ikev2d in gw-b (responder) and gw-a (initiator), mode transport"
write_config gw-a 192.0.2.1 192.0.2.2 gw-a.test gw-b.test start
write_config gw-b 192.0.2.2 - gw-b.test gw-a.test none
ikev2d_start gw-b
ikev2d_start gw-a
ikev2d_wait_established $ESTABLISH_TIMEOUT "$CONN" gw-a gw-b
check_list_sas gw-a 192.0.2.1 192.0.2.2
check_list_sas gw-b 192.0.2.2 192.0.2.1

# ---- 3. kernel state -----------------------------------------------------------
lab_step "3. the kernel SAs and policies are transport mode"
check_kernel gw-a 192.0.2.1 192.0.2.2
check_kernel gw-b 192.0.2.2 192.0.2.1

# ---- 4. traffic ----------------------------------------------------------------
lab_step "4. gateway-to-gateway pings cross in ESP"
lab_assert_ping gw-a 192.0.2.2 $PINGS
lab_assert_ping gw-b 192.0.2.1 $PINGS
ikev2d_assert_mirrored gw-a gw-b "$CONN" $((2 * PINGS))
ikev2d_ctl gw-a list-sas

# ---- 5. terminate ----------------------------------------------------------------
lab_step "5. ikev2ctl terminate $CONN on gw-a: both sides drop everything"
lab_run ikev2d_ctl gw-a terminate "$CONN"
ikev2d_wait_clean 10 "${GWS[@]}"
lab_assert_no_ping gw-a 192.0.2.2

# ---- 6. again, then SIGTERM with the SA up ----------------------------------------
lab_step "6. ikev2ctl initiate again; SIGTERM of gw-a deletes the SA on both sides"
lab_run ikev2d_ctl gw-a initiate "$CONN"
ikev2d_wait_established $ESTABLISH_TIMEOUT "$CONN" gw-a gw-b
lab_assert_ping gw-a 192.0.2.2 $PINGS
ikev2d_sigterm gw-a
ikev2d_wait_clean 10 gw-b
ikev2d_sigterm gw-b

lab_step "PASS: ikev2d keyed a host-to-host transport SA, pings crossed in ESP, terminate and SIGTERM cleaned up"
