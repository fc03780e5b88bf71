#!/bin/bash
# ikev2d_ipv6.sh: two ikev2d daemons key a tunnel over IPv6 OUTER addresses
# (gw-a 2001:db8::1 == gw-b 2001:db8::2, lab_site_to_site) that carries IPv4
# AND IPv6 LAN traffic in ONE CHILD_SA:
#   1. without a tunnel no LAN-to-LAN ping crosses, neither IPv4 nor IPv6;
#      with routes to the far LANs added, forwarded cleartext is dropped
#      (iptables and ip6tables), so still none crosses;
#   2. gw-a (start_action start) and gw-b (responder) run ikev2d listening on
#      "::" only, with local_ts [10.1.0.0/24, fd01::/64] and remote_ts
#      [10.2.0.0/24, fd02::/64], tunnel mode; list-sas shows one established
#      IKE_SA between the IPv6 addresses with exactly one CHILD_SA carrying
#      both families' selectors, on both sides;
#   3. the kernel holds exactly two SAs of ikev2d per side, tunnel mode with
#      IPv6 outer src/dst, and out/in/fwd policies for both the IPv4 and the
#      IPv6 LAN pair, all with the same reqid and IPv6 tunnel endpoints;
#   4. pings lan-a -> 10.2.0.10 and fd02::10, lan-b -> 10.1.0.10 and fd01::10
#      are answered (only possible inside ESP), the SPIs are mirrored and each
#      kernel SA counted all of them;
#   5. `ikev2ctl terminate` on gw-a removes everything on both sides; pings
#      are dropped again (both families);
#   6. both daemons exit 0 on SIGTERM, leaving nothing of theirs.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built:
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/kernel/ikev2d_ipv6.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
lab_require_guest "$@"
ikev2d_check_tools

PINGS=3
ESTABLISH_TIMEOUT=20
CONN="a-to-b-v6"
GWS=(gw-a gw-b)
A6=2001:db8::1 B6=2001:db8::2

# write_config GW LOCAL REMOTE_ADDRS LOCAL_ID REMOTE_ID LOCAL_TS REMOTE_TS START_ACTION
write_config() {
  {
    ikev2d_daemon_yaml "$1" '"::"'
    ikev2d_conn_yaml "$CONN" "$2" "$3" "$4" "$5"
    ikev2d_child_yaml lans "$6" "$7" "$8"
  } >"$(ikev2d_config_file "$1")"
}

# check_list_sas GW LOCAL REMOTE LOCAL_TS REMOTE_TS: the IKE_SA in list-sas
# (sas-GW.json) runs between LOCAL and REMOTE (port 500) and has exactly one
# CHILD_SA, tunnel mode, whose selectors are LOCAL_TS and REMOTE_TS (as
# "a,b", in any order).
check_list_sas() {
  local gw=$1 got want
  # shellcheck disable=SC2016 # jq's own $c
  got=$("$JQ" -r --arg c "$CONN" '.sas[] | select(.conn == $c) |
    "\(.local) \(.remote) \(.children | length) \(.children[0].mode) \(.children[0].local_ts | sort | join(",")) \(.children[0].remote_ts | sort | join(","))"' \
    "$LAB_OUT/sas-$gw.json")
  want="$2[500] $3[500] 1 tunnel $4 $5"
  [ "$got" = "$want" ] || lab_fail "$gw: list-sas shows '$got', expected '$want':
$(<"$LAB_OUT/sas-$gw.json")"
  lab_log "$gw: list-sas: $got"
}

# check_kernel GW LOCAL REMOTE: exactly two SAs of ours in GW, tunnel mode
# between the IPv6 addresses LOCAL and REMOTE (one each way); tunnel policies
# out/in/fwd for the IPv4 and the IPv6 LAN pair, one reqid, the same as the
# SAs', templates between LOCAL and REMOTE.
check_kernel() {
  local gw=$1 l=$2 r=$3 sas pols want reqids lan_l4 lan_r4 lan_l6 lan_r6
  if [ "$gw" = gw-a ]; then
    lan_l4=10.1.0.0/24 lan_r4=10.2.0.0/24 lan_l6=fd01::/64 lan_r6=fd02::/64
  else
    lan_l4=10.2.0.0/24 lan_r4=10.1.0.0/24 lan_l6=fd02::/64 lan_r6=fd01::/64
  fi
  ikev2d_our_sas "$gw" >"$LAB_OUT/our-sas-$gw"
  ikev2d_our_policies "$gw" >"$LAB_OUT/our-policies-$gw"
  sas=$(cut -d' ' -f2-4 "$LAB_OUT/our-sas-$gw" | sort | tr '\n' ';')
  want=$(printf '%s\n' "$l $r tunnel" "$r $l tunnel" | sort | tr '\n' ';')
  [ "$sas" = "$want" ] || lab_fail "$gw: SAs of ikev2d are not one tunnel SA each way between $l and $r:
$(ip -n "$gw" xfrm state)"
  pols=$(cut -d' ' -f1-6 "$LAB_OUT/our-policies-$gw" | sort | tr '\n' ';')
  want=$(printf '%s\n' "out $lan_l4 $lan_r4 $l $r tunnel" "in $lan_r4 $lan_l4 $r $l tunnel" "fwd $lan_r4 $lan_l4 $r $l tunnel" \
    "out $lan_l6 $lan_r6 $l $r tunnel" "in $lan_r6 $lan_l6 $r $l tunnel" "fwd $lan_r6 $lan_l6 $r $l tunnel" | sort | tr '\n' ';')
  [ "$pols" = "$want" ] || lab_fail "$gw: policies of ikev2d are not out/in/fwd for both LAN pairs over $l <-> $r:
got:  $pols
want: $want
$(ip -n "$gw" xfrm policy)"
  reqids=$(cut -d' ' -f5 "$LAB_OUT/our-sas-$gw"; cut -d' ' -f7 "$LAB_OUT/our-policies-$gw")
  reqids=$(sort -u <<<"$reqids" | wc -l)
  ((reqids == 1)) || lab_fail "$gw: the SAs and policies of ikev2d do not share one reqid:
$(<"$LAB_OUT/our-sas-$gw")
$(<"$LAB_OUT/our-policies-$gw")"
  lab_log "$gw: 2 tunnel SAs over $l <-> $r, 6 policies for IPv4 and IPv6, one reqid"
}

# ---- 1. setup ------------------------------------------------------------------
lab_step "1. setup: lan-a -- gw-a == gw-b -- lan-b, no cleartext path (IPv4 and IPv6)"
lab_site_to_site
lab_assert_ping gw-a $B6   # the IPv6 WAN works
for dst in 10.2.0.10 fd02::10; do lab_assert_no_ping lan-a $dst; done
for dst in 10.1.0.10 fd01::10; do lab_assert_no_ping lan-b $dst; done
lab_route gw-a 10.2.0.0/24 192.0.2.2
lab_route gw-a fd02::/64 $B6
lab_route gw-b 10.1.0.0/24 192.0.2.1
lab_route gw-b fd01::/64 $A6
ikev2d_drop_cleartext "${GWS[@]}"
# routed now, but cleartext is dropped
for dst in 10.2.0.10 fd02::10; do lab_assert_no_ping lan-a $dst; done

# ---- 2. start the daemons ------------------------------------------------------
lab_step "2. ikev2d in gw-b (responder) and gw-a (initiator), IPv6 outer, IPv4+IPv6 inner"
write_config gw-a $A6 $B6 gw-a.test gw-b.test "10.1.0.0/24, fd01::/64" "10.2.0.0/24, fd02::/64" start
write_config gw-b $B6 - gw-b.test gw-a.test "10.2.0.0/24, fd02::/64" "10.1.0.0/24, fd01::/64" none
ikev2d_start gw-b
ikev2d_start gw-a
ikev2d_wait_established $ESTABLISH_TIMEOUT "$CONN" gw-a gw-b
check_list_sas gw-a $A6 $B6 "10.1.0.0/24,fd01::/64" "10.2.0.0/24,fd02::/64"
check_list_sas gw-b $B6 $A6 "10.2.0.0/24,fd02::/64" "10.1.0.0/24,fd01::/64"

# ---- 3. kernel state -----------------------------------------------------------
lab_step "3. one SA pair with IPv6 outer addresses, policies for both families"
check_kernel gw-a $A6 $B6
check_kernel gw-b $B6 $A6

# ---- 4. traffic ----------------------------------------------------------------
lab_step "4. IPv4 and IPv6 LAN-to-LAN traffic crosses in the one CHILD_SA"
lab_assert_ping lan-a 10.2.0.10 $PINGS
lab_assert_ping lan-a fd02::10 $PINGS
lab_assert_ping lan-b 10.1.0.10 $PINGS
lab_assert_ping lan-b fd01::10 $PINGS
# Four ping runs, each PINGS packets each way.
ikev2d_assert_mirrored gw-a gw-b "$CONN" $((4 * PINGS))
ikev2d_ctl gw-a list-sas

# ---- 5. terminate ----------------------------------------------------------------
lab_step "5. ikev2ctl terminate $CONN on gw-a: both sides drop everything"
lab_run ikev2d_ctl gw-a terminate "$CONN"
ikev2d_wait_clean 10 "${GWS[@]}"
lab_assert_no_ping lan-a 10.2.0.10
lab_assert_no_ping lan-a fd02::10

# ---- 6. SIGTERM -------------------------------------------------------------------
lab_step "6. SIGTERM: both daemons exit 0"
ikev2d_sigterm gw-a
ikev2d_sigterm gw-b

lab_step "PASS: ikev2d keyed an IPv6 tunnel carrying IPv4 and IPv6 in one CHILD_SA; terminate and SIGTERM cleaned up"
