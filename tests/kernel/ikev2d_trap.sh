#!/bin/bash
# ikev2d_trap.sh: `start_action: trap` on gw-a of lab_site_to_site; gw-b is a
# responder template without remote_addrs:
#   1. without a tunnel no LAN-to-LAN ping crosses (routes to the far LANs
#      added, forwarded cleartext dropped);
#   2. after both daemons start no IKE_SA exists on either side; gw-a's kernel
#      holds the trap: out/in/fwd policies for 10.1.0.0/24 <-> 10.2.0.0/24
#      with an ikev2d reqid and templates 192.0.2.1 -> 192.0.2.2, and no SA of
#      ikev2d; gw-b holds nothing of ikev2d;
#   3. the first LAN ping from lan-a makes the kernel send an ACQUIRE (logged
#      by gw-a's daemon) and the IKE_SA comes up on both sides (the first
#      pings may be lost: ping until one passes, within a bound); then 3/3
#      pings each way, mirrored SPIs, every kernel SA counted; gw-a's SAs use
#      the trap's reqid; exactly one IKE_SA per side;
#   4. `ikev2ctl terminate` on gw-a deletes the IKE_SA on both sides and the
#      SAs, but gw-a's trap policies stay installed as they were (as with
#      strongSwan); gw-b keeps nothing; a later LAN packet triggers the trap
#      again and a new IKE_SA with new SPIs carries the traffic;
#   5. SIGTERM: both daemons exit 0 and leave nothing of theirs, traps
#      included.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built:
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/kernel/ikev2d_trap.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
lab_require_guest "$@"
ikev2d_check_tools

PINGS=3
TRIGGER_TIMEOUT=20
ESTABLISH_TIMEOUT=10
CONN="a-to-b"
CHILD="net"
GWS=(gw-a gw-b)

# write_config GW LOCAL REMOTE_ADDRS LOCAL_ID REMOTE_ID LOCAL_TS REMOTE_TS START_ACTION
write_config() {
  {
    ikev2d_daemon_yaml "$1"
    ikev2d_conn_yaml "$CONN" "$2" "$3" "$4" "$5"
    ikev2d_child_yaml "$CHILD" "$6" "$7" "$8"
  } >"$(ikev2d_config_file "$1")"
}

# The trap policies gw-a must hold (DIR SEL_SRC SEL_DST TMPL_SRC TMPL_DST MODE),
# sorted, one per line.
TRAP_POLICIES=$(printf '%s\n' "out 10.1.0.0/24 10.2.0.0/24 192.0.2.1 192.0.2.2 tunnel" \
  "in 10.2.0.0/24 10.1.0.0/24 192.0.2.2 192.0.2.1 tunnel" \
  "fwd 10.2.0.0/24 10.1.0.0/24 192.0.2.2 192.0.2.1 tunnel" | sort)

# check_trap: gw-a holds exactly the trap policies, all with one reqid of
# ikev2d's range; sets TRAP_REQID.
check_trap() {
  local got reqids
  ikev2d_our_policies gw-a >"$LAB_OUT/trap-policies"
  got=$(cut -d' ' -f1-6 "$LAB_OUT/trap-policies" | sort)
  [ "$got" = "$TRAP_POLICIES" ] || lab_fail "gw-a does not hold the trap policies (of ikev2d):
got:
$got
want:
$TRAP_POLICIES
$(ip -n gw-a xfrm policy)"
  reqids=$(cut -d' ' -f7 "$LAB_OUT/trap-policies" | sort -u)
  [[ $reqids =~ ^[0-9]+$ ]] || lab_fail "gw-a's trap policies do not share one reqid: $reqids"
  TRAP_REQID=$reqids
  lab_log "gw-a: trap policies out/in/fwd 10.1.0.0/24 <-> 10.2.0.0/24 installed, reqid $TRAP_REQID"
}

# no_sas_of_ours GW: GW's kernel holds no SA of ikev2d's range.
no_sas_of_ours() { [ -z "$(ikev2d_our_sas "$1")" ]; }

# trigger: ping lan-a -> 10.2.0.10 (one at a time) until one is answered,
# within TRIGGER_TIMEOUT s: the trap's ACQUIRE starts the IKE_SA.
trigger() {
  lab_wait_for $TRIGGER_TIMEOUT lab_ping lan-a 10.2.0.10 1 ||
    lab_fail "no LAN ping from lan-a answered within $TRIGGER_TIMEOUT s of the first: the trap did not bring the tunnel up"
  lab_log "a LAN ping from lan-a passed after the trap fired"
}

# ---- 1. setup ------------------------------------------------------------------
lab_step "1. setup: lan-a -- gw-a == gw-b -- lan-b, no cleartext path"
lab_site_to_site
lab_assert_no_ping lan-a 10.2.0.10
lab_route gw-a 10.2.0.0/24 192.0.2.2
lab_route gw-b 10.1.0.0/24 192.0.2.1
ikev2d_drop_cleartext "${GWS[@]}"
lab_assert_no_ping lan-a 10.2.0.10   # routed now, but cleartext is dropped

# ---- 2. start: traps only --------------------------------------------------------
lab_step "2. ikev2d in gw-b (responder template) and gw-a (start_action trap): no IKE_SA, trap policies"
write_config gw-a 192.0.2.1 192.0.2.2 gw-a.test gw-b.test 10.1.0.0/24 10.2.0.0/24 trap
write_config gw-b 192.0.2.2 - gw-b.test gw-a.test 10.2.0.0/24 10.1.0.0/24 none
ikev2d_start gw-b
ikev2d_start gw-a
lab_wait_line "$LAB_OUT/ikev2d-gw-a.log" "$CONN/$CHILD: trap policies installed" 5 ||
  lab_fail "gw-a's daemon did not log the trap as installed"
for gw in "${GWS[@]}"; do
  ikev2d_no_sas "$gw" || lab_fail "$gw lists an IKE_SA before any traffic:
$(<"$LAB_OUT/sas-$gw.json")"
  no_sas_of_ours "$gw" || lab_fail "$gw holds an SA of ikev2d before any traffic:
$(ip -n "$gw" xfrm state)"
done
check_trap
ikev2d_nothing_of_ours gw-b || lab_fail "gw-b holds state of ikev2d:
$(ikev2d_ours_left gw-b)"
lab_log "no IKE_SA on either side; gw-b holds nothing of ikev2d"

# ---- 3. traffic triggers the tunnel ------------------------------------------------
lab_step "3. the first LAN packet triggers the IKE_SA"
trigger
lab_wait_line "$LAB_OUT/ikev2d-gw-a.log" "ACQUIRE for $CONN/$CHILD" 5 ||
  lab_fail "gw-a's daemon logged no ACQUIRE for $CONN/$CHILD"
ikev2d_wait_established $ESTABLISH_TIMEOUT "$CONN" gw-a gw-b
lab_assert_ping lan-a 10.2.0.10 $PINGS
lab_assert_ping lan-b 10.1.0.10 $PINGS
ikev2d_assert_mirrored gw-a gw-b "$CONN" $((2 * PINGS))
FIRST_SPI_A_IN=$SPI_A_IN
sa_reqids=$(ikev2d_our_sas gw-a | cut -d' ' -f5 | sort -u)
[ "$sa_reqids" = "$TRAP_REQID" ] || lab_fail "gw-a's SAs have reqid(s) '$sa_reqids', not the trap's $TRAP_REQID:
$(ip -n gw-a xfrm state)"
lab_log "gw-a: the SAs use the trap's reqid $TRAP_REQID"
ikev2d_ctl gw-a list-sas

# ---- 4. terminate: the trap stays --------------------------------------------------
lab_step "4. ikev2ctl terminate $CONN on gw-a: IKE_SA and SAs gone, the trap stays and fires again"
lab_run ikev2d_ctl gw-a terminate "$CONN"
ikev2d_wait_clean 10 gw-b
lab_wait_for 10 ikev2d_no_sas gw-a || lab_fail "gw-a still lists IKE_SAs:
$(<"$LAB_OUT/sas-gw-a.json")"
lab_wait_for 10 no_sas_of_ours gw-a || lab_fail "gw-a still holds SAs of ikev2d:
$(ip -n gw-a xfrm state)"
lab_log "gw-a: no IKE_SA listed, no SA of ikev2d in the kernel"
reqid_before=$TRAP_REQID
check_trap
[ "$TRAP_REQID" = "$reqid_before" ] || lab_fail "the trap's reqid changed from $reqid_before to $TRAP_REQID"
trigger
ikev2d_wait_established $ESTABLISH_TIMEOUT "$CONN" gw-a gw-b
lab_assert_ping lan-a 10.2.0.10 $PINGS
lab_assert_ping lan-b 10.1.0.10 $PINGS
ikev2d_assert_mirrored gw-a gw-b "$CONN" $((2 * PINGS))
[ "$SPI_A_IN" != "$FIRST_SPI_A_IN" ] || lab_fail "the new CHILD_SA reuses the old inbound SPI $SPI_A_IN"
lab_log "the trap fired again: a new CHILD_SA carries the traffic"

# ---- 5. SIGTERM -------------------------------------------------------------------
lab_step "5. SIGTERM: both daemons exit 0, nothing of theirs left (traps included)"
ikev2d_sigterm gw-a
ikev2d_wait_clean 10 gw-b
ikev2d_sigterm gw-b

lab_step "PASS: a trap brought the tunnel up on the first packet, survived terminate and fired again; SIGTERM removed everything"
