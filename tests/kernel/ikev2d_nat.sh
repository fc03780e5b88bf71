#!/bin/bash
# ikev2d_nat.sh: two ikev2d daemons key a tunnel through a NAT that rewrites
# UDP source ports (rw -- nat == gw-b -- lan-b, lab_nat_topology 40000-40999):
#   1. without a tunnel neither rw -> lan-b nor lan-b -> rw pings cross (gw-b
#      drops forwarded cleartext both ways);
#   2. rw (10.0.1.2, start_action start, local_ts dynamic, nat_keepalive 1s)
#      and gw-b (a responder template without remote_addrs, reqid_range
#      0x1000-0x10ff) run ikev2d; an IKE_SA with a CHILD_SA comes up;
#   3. NAT detected on both ends (list-sas --json): rw sees itself behind a
#      NAT and moved IKE to port 4500 (10.0.1.2[4500] -- 192.0.2.2[4500]);
#      gw-b sees the peer behind a NAT at 192.0.2.1 with a port in
#      40000-40999; both CHILD_SAs say udp_encap;
#   4. the kernel SAs carry `encap espinudp`: rw's 4500 <-> 4500, gw-b's with
#      the NAT-mapped port (not 4500) for the peer; gw-b's reqids lie in its
#      configured range;
#   5. pings cross both ways, the SA counters moved on both ends, the SPIs
#      are mirrored;
#   6. on the wire between nat and gw-b there is only UDP: ESP-in-UDP on 4500
#      both ways, no IP protocol 50, no cleartext ICMP;
#   7. rw's NAT keepalives (one byte 0xff, every 1 s) reach gw-b;
#   8. `ikev2ctl terminate` on rw leaves no IKE_SA and nothing of ikev2d's in
#      either kernel;
#   9. initiated again, both daemons exit 0 on SIGTERM, leaving nothing.
# On a failure the tails of both daemons' logs are printed.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree (ASan cannot run in UML) with ikev2d and ikev2ctl built:
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/kernel/ikev2d_nat.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
lab_require_guest "$@"
ikev2d_check_tools

PINGS=3
ESTABLISH_TIMEOUT=20
CONN="rw"
NAT_PORT_MIN=40000 NAT_PORT_MAX=40999
# gw-b's reqid range (daemon.reqid_range); rw keeps the default.
GWB_REQID_MIN=$((0x1000)) GWB_REQID_MAX=$((0x10ff))
DEFAULT_REQID_MIN=$IKEV2D_REQID_MIN DEFAULT_REQID_MAX=$IKEV2D_REQID_MAX

# reqid_range_of GW: point ikev2d.sh's ownership checks at GW's reqid range.
reqid_range_of() {
  if [ "$1" = gw-b ]; then
    IKEV2D_REQID_MIN=$GWB_REQID_MIN IKEV2D_REQID_MAX=$GWB_REQID_MAX
  else
    IKEV2D_REQID_MIN=$DEFAULT_REQID_MIN IKEV2D_REQID_MAX=$DEFAULT_REQID_MAX
  fi
}

# wait_clean GW...: ikev2d_wait_clean 10 for each GW with its own reqid range.
wait_clean() {
  local gw
  for gw; do
    reqid_range_of "$gw"
    ikev2d_wait_clean 10 "$gw"
  done
}

# write_config GW DAEMON_EXTRA LOCAL REMOTE_ADDRS LOCAL_ID REMOTE_ID LOCAL_TS REMOTE_TS START_ACTION
write_config() {
  {
    ikev2d_daemon_yaml_plus "$1" "$2"
    ikev2d_conn_yaml "$CONN" "$3" "$4" "$5" "$6"
    ikev2d_child_yaml net "$7" "$8" "$9"
  } >"$(ikev2d_config_file "$1")"
}

# sa_json GW FILTER: jq -e FILTER on the established IKE_SA of $CONN in
# $LAB_OUT/sas-GW.json (from ikev2d_established); prints the result.
sa_json() {
  # shellcheck disable=SC2016 # jq's own $c
  "$JQ" -e -r --arg c "$CONN" ".sas[] | select(.conn == \$c and .state == \"established\") | $2" \
    "$LAB_OUT/sas-$1.json"
}

# pcap_count FILTER...: how many packets of the capture match the filter.
pcap_count() {
  local n=0 f=$LAB_OUT/pcap-count.txt
  tcpdump -n -r "$LAB_OUT/wire.pcap" "$@" >"$f" 2>/dev/null || lab_fail "tcpdump -r $LAB_OUT/wire.pcap $* failed"
  while IFS= read -r _; do n=$((n + 1)); done <"$f"
  echo "$n"
}

# keepalives_at_gwb: packets counted by gw-b's keepalive rule (INPUT rule 1).
keepalives_at_gwb() {
  ip netns exec gw-b iptables-legacy -n -v -x -L INPUT 1 | {
    read -r pkts _ || exit 1
    echo "$pkts"
  }
}
keepalives_above() { (($(keepalives_at_gwb) >= $1)); }

# ---- 1. setup ------------------------------------------------------------------
lab_step "1. setup: rw -- nat (UDP ports -> $NAT_PORT_MIN-$NAT_PORT_MAX) == gw-b -- lan-b"
lab_nat_topology "$NAT_PORT_MIN-$NAT_PORT_MAX"
# ikev2d installs no routes: gw-b gets one to rw's net (through the NAT), and
# drops whatever it would forward without IPsec, in either direction, so rw
# and lan-b can reach each other only inside the tunnel.
lab_route gw-b 10.0.1.0/24 192.0.2.1
ikev2d_drop_cleartext gw-b
lab_run ip netns exec gw-b iptables-legacy -A FORWARD -i eth0 -m policy --dir in --pol none -j DROP
lab_assert_no_ping rw 10.2.0.10
lab_assert_no_ping lan-b 10.0.1.2
# NAT keepalives are UDP datagrams with one byte of payload: IP length 29.
lab_run ip netns exec gw-b iptables-legacy -I INPUT 1 -s 192.0.2.1 -p udp --dport 4500 -m length --length 29
lab_tcpdump nat eth0 wire ip

# ---- 2. start the daemons ------------------------------------------------------
lab_step "2. ikev2d in gw-b (responder template) and rw (initiator behind the NAT)"
write_config rw "  nat_keepalive: 1s" 10.0.1.2 192.0.2.2 gw-a.test gw-b.test dynamic 10.2.0.0/24 start
write_config gw-b "  reqid_range: [0x1000, 0x10ff]" 192.0.2.2 - gw-b.test gw-a.test 10.2.0.0/24 10.0.1.0/24 none
ikev2d_start gw-b
ikev2d_start rw
ikev2d_wait_established $ESTABLISH_TIMEOUT "$CONN" rw gw-b
ikev2d_ctl rw list-sas
ikev2d_ctl gw-b list-sas

# ---- 3. NAT detection ------------------------------------------------------------
lab_step "3. NAT detected on both ends; IKE floated to 4500"
# One jq per side: nat_local nat_remote local remote udp_encap(child).
fields='[.nat_local, .nat_remote, .local, .remote, .children[0].udp_encap] | map(tostring) | join(" ")'
read -r rw_nat_local rw_nat_remote rw_local rw_remote rw_encap < <(sa_json rw "$fields")
read -r b_nat_local b_nat_remote b_local b_remote b_encap < <(sa_json gw-b "$fields")
[ "${rw_nat_local:-} ${rw_nat_remote:-}" = "true false" ] ||
  lab_fail "rw: nat_local '${rw_nat_local:-}' nat_remote '${rw_nat_remote:-}', expected true false (rw behind a NAT): $(<"$LAB_OUT/sas-rw.json")"
[ "${b_nat_local:-} ${b_nat_remote:-}" = "false true" ] ||
  lab_fail "gw-b: nat_local '${b_nat_local:-}' nat_remote '${b_nat_remote:-}', expected false true (the peer behind a NAT): $(<"$LAB_OUT/sas-gw-b.json")"
[ "$rw_local -- $rw_remote" = "10.0.1.2[4500] -- 192.0.2.2[4500]" ] ||
  lab_fail "rw's IKE_SA is $rw_local -- $rw_remote, expected 10.0.1.2[4500] -- 192.0.2.2[4500]"
[ "$b_local" = "192.0.2.2[4500]" ] || lab_fail "gw-b's IKE_SA is on $b_local, expected 192.0.2.2[4500]"
[[ $b_remote =~ ^192\.0\.2\.1\[([0-9]+)\]$ ]] || lab_fail "gw-b's peer is '$b_remote', expected 192.0.2.1[PORT]"
NAT_PORT=${BASH_REMATCH[1]}
((NAT_PORT >= NAT_PORT_MIN && NAT_PORT <= NAT_PORT_MAX)) ||
  lab_fail "gw-b sees the peer on port $NAT_PORT, expected one in $NAT_PORT_MIN-$NAT_PORT_MAX"
[ "$rw_encap $b_encap" = "true true" ] || lab_fail "CHILD_SA udp_encap: rw '$rw_encap', gw-b '$b_encap'; expected true on both"
lab_log "rw: $rw_local -- $rw_remote, behind a NAT; gw-b: peer at $b_remote behind a NAT; CHILD_SAs in UDP"

# ---- 4. kernel SAs ---------------------------------------------------------------
lab_step "4. kernel SAs: ESP in UDP with the NAT's ports"
# check_sas GW WANT...: GW holds exactly the SAs WANT, each "SRC DST SPORT DPORT"
# with encap espinudp, and their reqids lie in GW's range.
check_sas() {
  local gw=$1 n=0 want spi src dst reqid encap sport dport found
  shift
  reqid_range_of "$gw"
  ikev2d_xfrm_sas "$gw" >"$LAB_OUT/xfrm-$gw.txt"
  while read -r spi src dst reqid encap sport dport; do
    n=$((n + 1))
    [ "$encap" = espinudp ] || lab_fail "$gw: SA $spi $src -> $dst is not ESP in UDP:
$(ip -n "$gw" xfrm state)"
    ((reqid >= IKEV2D_REQID_MIN && reqid <= IKEV2D_REQID_MAX)) ||
      lab_fail "$gw: SA $spi has reqid $reqid, outside $IKEV2D_REQID_MIN-$IKEV2D_REQID_MAX"
  done <"$LAB_OUT/xfrm-$gw.txt"
  ((n == $#)) || lab_fail "$gw holds $n SAs, expected $#:
$(ip -n "$gw" xfrm state)"
  for want; do
    found=""
    while read -r spi src dst reqid encap sport dport; do
      [ "$src $dst $sport $dport" = "$want" ] && found=$spi
    done <"$LAB_OUT/xfrm-$gw.txt"
    [ -n "$found" ] || lab_fail "$gw: no SA $want (src dst sport dport) with encap espinudp:
$(ip -n "$gw" xfrm state)"
    lab_log "$gw: SA $found $want, espinudp"
  done
}
check_sas rw "10.0.1.2 192.0.2.2 4500 4500" "192.0.2.2 10.0.1.2 4500 4500"
check_sas gw-b "192.0.2.1 192.0.2.2 $NAT_PORT 4500" "192.0.2.2 192.0.2.1 4500 $NAT_PORT"

# ---- 5. traffic ----------------------------------------------------------------
lab_step "5. traffic crosses the tunnel both ways"
lab_assert_ping rw 10.2.0.10 $PINGS
lab_assert_ping lan-b 10.0.1.2 $PINGS
ikev2d_assert_mirrored rw gw-b "$CONN" $((2 * PINGS))

# ---- 6. the wire ---------------------------------------------------------------
lab_step "6. between nat and gw-b: only UDP, ESP in UDP on 4500 both ways"
lab_stop wire
n=$(pcap_count ip proto 50)
((n == 0)) || lab_fail "$n plain ESP (IP protocol 50) packets between nat and gw-b"
n=$(pcap_count not udp)
((n == 0)) || lab_fail "$n packets other than UDP between nat and gw-b: $(tcpdump -n -r "$LAB_OUT/wire.pcap" not udp 2>&1 | head -n 5)"
# ESP in UDP: a non-zero SPI where IKE on 4500 has its zero marker; longer
# than a keepalive.
esp_in_udp="udp[4:2] > 9 and udp[8:4] != 0"
up=$(pcap_count "src host 192.0.2.1 and src portrange $NAT_PORT_MIN-$NAT_PORT_MAX and dst host 192.0.2.2 and dst port 4500 and $esp_in_udp")
down=$(pcap_count "src host 192.0.2.2 and src port 4500 and dst host 192.0.2.1 and dst port $NAT_PORT and $esp_in_udp")
((up >= 2 * PINGS && down >= 2 * PINGS)) ||
  lab_fail "ESP-in-UDP packets nat -> gw-b: $up, gw-b -> nat: $down; expected >= $((2 * PINGS)) each"
lab_log "wire: all UDP; ESP in UDP: $up to gw-b:4500, $down to 192.0.2.1:$NAT_PORT; no IP protocol 50"

# ---- 7. NAT keepalives -----------------------------------------------------------
lab_step "7. NAT keepalives from rw reach gw-b"
k0=$(keepalives_at_gwb) || lab_fail "cannot read gw-b's keepalive counter"
lab_wait_for 6 keepalives_above $((k0 + 2)) ||
  lab_fail "gw-b received $(keepalives_at_gwb) keepalives, $k0 before; expected 2 more within 6 s (nat_keepalive: 1s)"
lab_log "gw-b: NAT keepalives $k0 -> $(keepalives_at_gwb)"
ikev2d_ctl gw-b --json status >"$LAB_OUT/status-gw-b.json" || lab_fail "ikev2ctl status on gw-b failed"
lab_log "gw-b: udp_keepalives_received = $("$JQ" .counters.udp_keepalives_received "$LAB_OUT/status-gw-b.json")"

# ---- 8. terminate ----------------------------------------------------------------
lab_step "8. ikev2ctl terminate $CONN on rw: both sides drop everything"
lab_run ikev2d_ctl rw terminate "$CONN"
wait_clean rw gw-b
lab_assert_no_ping rw 10.2.0.10

# ---- 9. SIGTERM -------------------------------------------------------------------
lab_step "9. initiated again; SIGTERM: both daemons exit 0 and leave nothing"
lab_run ikev2d_ctl rw initiate "$CONN"
ikev2d_wait_established $ESTABLISH_TIMEOUT "$CONN" rw gw-b
lab_assert_ping rw 10.2.0.10 1
reqid_range_of rw
ikev2d_sigterm rw
reqid_range_of gw-b
ikev2d_sigterm gw-b

lab_step "PASS: ikev2d keyed a tunnel through a port-rewriting NAT: NAT-T detected, ESP in UDP with the mapped port, keepalives, clean teardown"
