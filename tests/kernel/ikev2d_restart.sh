#!/bin/bash
# ikev2d_restart.sh: ikev2d survives a crash of its peer's daemon and garbage
# on its ports (lan-a -- gw-a == gw-b -- lan-b, lab_site_to_site):
#   1. as ikev2d_site_to_site.sh: foreign state (reqid 7) in gw-a; gw-a
#      (start_action start) and gw-b (responder) key the tunnel, ping crosses;
#   2. kill -9 of gw-a's daemon: its SAs and policies stay in gw-a's kernel;
#   3. ikev2d starts again in gw-a with the same config: it removes the stale
#      SAs and policies of its reqid range and logs how many, keeps the foreign
#      ones, and the tunnel comes back (new SPIs; ping crosses, counters move).
#      gw-b must end up with exactly ONE established IKE_SA of the connection
#      (INITIAL_CONTACT, RFC 7296 §2.4, makes it drop the one from before the
#      crash). A failure of this check is reported at the end, after the rest
#      ran;
#   4. garbage from gw-a to gw-b's UDP 500 and 4500; each datagram must land in
#      the counter of `ikev2ctl status --json` that says what it is, exactly:
#        500:  random bytes, a truncated IKE header  -> dropped_malformed
#        500:  a well-formed header with unknown SPIs -> dropped_unknown_spi
#        4500: non-ESP marker + that header           -> dropped_unknown_spi
#        4500: non-ESP marker + a truncated header    -> dropped_malformed
#        4500: 3 bytes                                -> udp_malformed
#        4500: 8 bytes, first word not 0              -> udp_esp_dropped
#        4500: the header without marker, and the 1-byte 0xff keepalive: the
#              kernel takes them off the UDP_ENCAP_ESPINUDP socket itself (as
#              ESP with an unknown SPI, XfrmInNoStates; and as a keepalive it
#              eats), so no counter of the daemon moves;
#      gw-b is still alive and the tunnel carries a ping with the same SPIs;
#   5. SIGTERM: both daemons exit 0, nothing of theirs left; foreign state kept.
#
# Run on the host with an unsanitized build tree:
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/kernel/ikev2d_restart.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
lab_require_guest "$@"
ikev2d_check_tools

PINGS=3
ESTABLISH_TIMEOUT=20
SINGLE_SA_TIMEOUT=5
CONN="a-to-b"
GWS=(gw-a gw-b)
DEFERRED=()

# write_config GW LOCAL REMOTE_ADDRS LOCAL_ID REMOTE_ID LOCAL_TS REMOTE_TS START_ACTION
write_config() {
  {
    ikev2d_daemon_yaml "$1"
    ikev2d_conn_yaml "$CONN" "$2" "$3" "$4" "$5"
    ikev2d_child_yaml net "$6" "$7" "$8"
  } >"$(ikev2d_config_file "$1")"
}

# one_established_ike GW: list-sas of GW shows exactly one IKE_SA of CONN, established.
one_established_ike() {
  ikev2d_ctl "$1" --json list-sas >"$LAB_OUT/sas-$1.json" 2>&1 || return 1
  # shellcheck disable=SC2016 # jq's own $c
  "$JQ" -e --arg c "$CONN" '[.sas[] | select(.conn == $c)] | length == 1 and .[0].state == "established"' \
    "$LAB_OUT/sas-$1.json" >/dev/null
}

# gw_b_has_child IN OUT: gw-b lists an established CHILD_SA of CONN with
# inbound SPI IN and outbound SPI OUT (hex, as list-sas prints them).
gw_b_has_child() {
  ikev2d_ctl gw-b --json list-sas >"$LAB_OUT/sas-gw-b.json" 2>&1 || return 1
  # shellcheck disable=SC2016 # jq's own $c, $i, $o
  "$JQ" -e --arg c "$CONN" --arg i "$1" --arg o "$2" \
    '[.sas[] | select(.conn == $c and .state == "established") | .children[] | select(.spi_in == $i and .spi_out == $o)] | length == 1' \
    "$LAB_OUT/sas-gw-b.json" >/dev/null
}

# gw_a_spis: the SPIs of gw-a's one established CHILD_SA of CONN into SPI_IN, SPI_OUT.
gw_a_spis() {
  ikev2d_established gw-a "$CONN" || lab_fail "gw-a: no single established IKE_SA of $CONN with a CHILD_SA:
$(<"$LAB_OUT/sas-gw-a.json")"
  SPI_IN=$(ikev2d_child_field gw-a "$CONN" spi_in) SPI_OUT=$(ikev2d_child_field gw-a "$CONN" spi_out)
  [[ $SPI_IN =~ ^[0-9a-f]{1,8}$ && $SPI_OUT =~ ^[0-9a-f]{1,8}$ ]] || lab_fail "gw-a's SPIs: '$SPI_IN' '$SPI_OUT'"
}

# packets_of FILE SPI: the packet count of SPI (hex, no 0x) in FILE, a
# lab_xfrm_counters snapshot; empty if the SA is not in it.
packets_of() {
  local want spi packets
  printf -v want '0x%08x' "0x$2"
  while read -r spi _ _ packets _; do
    [ "$spi" = "$want" ] && { echo "$packets"; return 0; }
  done <"$1"
}

# ping_moves_counters: PINGS pings lan-a -> lan-b cross, and gw-a's SAs
# SPI_IN/SPI_OUT (and so gw-b's mirrored ones) each count PINGS more packets.
ping_moves_counters() {
  local gw spi b a
  for gw in "${GWS[@]}"; do lab_xfrm_counters "$gw" >"$LAB_OUT/xfrm-before-$gw"; done
  lab_assert_ping lan-a 10.2.0.10 $PINGS
  for gw in "${GWS[@]}"; do
    lab_xfrm_counters "$gw" >"$LAB_OUT/xfrm-after-$gw"
    for spi in "$SPI_IN" "$SPI_OUT"; do
      b=$(packets_of "$LAB_OUT/xfrm-before-$gw" "$spi") a=$(packets_of "$LAB_OUT/xfrm-after-$gw" "$spi")
      [[ -n $b && -n $a ]] || lab_fail "no SA $spi in $gw:
$(ip -n "$gw" xfrm state)"
      ((a - b >= PINGS)) || lab_fail "SA $spi in $gw: $b -> $a packets, expected $PINGS more"
      lab_log "SA $spi in $gw: $b -> $a packets"
    done
  done
}

# status_counters GW FILE: the counters of `ikev2ctl status --json` into FILE.
status_counters() {
  ikev2d_ctl "$1" --json status >"$2.raw" 2>&1 || return 1
  "$JQ" -e '.counters' "$2.raw" >"$2"
}

# counters_grew_by GW BEFORE EXPECTED: the counters of GW minus those in the
# file BEFORE equal EXPECTED (a JSON object; counters it omits must not move).
counters_grew_by() {
  status_counters "$1" "$LAB_OUT/counters-now.json" || return 1
  # shellcheck disable=SC2016 # jq's own $b, $n, $e, $d
  "$JQ" -n --slurpfile b "$2" --slurpfile n "$LAB_OUT/counters-now.json" --argjson e "$3" \
    '$n[0] | with_entries(.value -= $b[0][.key]) | . as $d | ($d | to_entries | all(.value == ($e[.key] // 0)))' |
    grep -qx true
}

# xfrm_in_no_states NS: XfrmInNoStates of NS (empty without /proc/net/xfrm_stat).
xfrm_in_no_states() {
  # shellcheck disable=SC2016 # awk's own $1, $2
  ip netns exec "$1" awk '$1 == "XfrmInNoStates" { print $2 }' /proc/net/xfrm_stat 2>/dev/null
}

# ---- 1. setup and tunnel -------------------------------------------------------------
lab_step "1. tunnel between gw-a (initiator, start) and gw-b (responder); foreign state in gw-a"
lab_site_to_site
ikev2d_add_foreign_state gw-a
lab_route gw-a 10.2.0.0/24 192.0.2.2
lab_route gw-b 10.1.0.0/24 192.0.2.1
ikev2d_drop_cleartext "${GWS[@]}"
write_config gw-a 192.0.2.1 192.0.2.2 gw-a.test gw-b.test 10.1.0.0/24 10.2.0.0/24 start
write_config gw-b 192.0.2.2 - gw-b.test gw-a.test 10.2.0.0/24 10.1.0.0/24 none
ikev2d_start gw-b
ikev2d_start gw-a
ikev2d_wait_established $ESTABLISH_TIMEOUT "$CONN" gw-a gw-b
gw_a_spis
OLD_IN=$SPI_IN OLD_OUT=$SPI_OUT
ping_moves_counters

# ---- 2. kill -9 ---------------------------------------------------------------------
lab_step "2. kill -9 of gw-a's daemon: its state stays in the kernel"
pid=$(ikev2d_pid gw-a)
disown "$pid"  # no "Killed" notice from bash
kill -KILL "$pid" || lab_fail "cannot kill gw-a's daemon (pid $pid)"
lab_wait_for 5 eval "! kill -0 $pid" || lab_fail "gw-a's daemon (pid $pid) survived kill -9"
mv "$LAB_OUT/ikev2d-gw-a.log" "$LAB_OUT/ikev2d-gw-a.before-kill.log"
IKEV2D_STARTED=(gw-b)
ikev2d_ours_left gw-a >"$LAB_OUT/stale-gw-a" || lab_fail "no stale state of ikev2d in gw-a after kill -9"
STALE_SAS=$(grep -c "proto esp spi " "$LAB_OUT/stale-gw-a") STALE_POLICIES=$(grep -c "[[:space:]]dir " "$LAB_OUT/stale-gw-a")
((STALE_SAS == 2 && STALE_POLICIES == 3)) || lab_fail "gw-a after kill -9: $STALE_SAS SAs and $STALE_POLICIES policies of ikev2d, expected 2 and 3:
$(<"$LAB_OUT/stale-gw-a")"
lab_log "gw-a after kill -9: $STALE_SAS SAs and $STALE_POLICIES policies of ikev2d left in the kernel"

# ---- 3. restart ---------------------------------------------------------------------
lab_step "3. ikev2d starts again in gw-a: stale state removed, foreign kept, tunnel back"
ikev2d_start gw-a
ikev2d_wait_log 5 gw-a 0 "removed $STALE_SAS stale SAs and $STALE_POLICIES stale policies" ||
  lab_fail "gw-a's daemon did not log that it removed the stale state"
ikev2d_foreign_kept gw-a
ikev2d_wait_established $ESTABLISH_TIMEOUT "$CONN" gw-a
gw_a_spis
[[ $SPI_IN != "$OLD_IN" && $SPI_OUT != "$OLD_OUT" ]] ||
  lab_fail "gw-a's new CHILD_SA reuses an old SPI: in $OLD_IN -> $SPI_IN, out $OLD_OUT -> $SPI_OUT"
for spi in "$OLD_IN" "$OLD_OUT"; do
  [ -z "$(lab_xfrm_packets gw-a "0x$spi")" ] || lab_fail "gw-a still holds its SA $spi from before the crash"
done
lab_wait_for 5 gw_b_has_child "$SPI_OUT" "$SPI_IN" || lab_fail "gw-b lists no CHILD_SA mirroring gw-a's (in $SPI_IN, out $SPI_OUT):
$(<"$LAB_OUT/sas-gw-b.json")"
lab_log "gw-a: new CHILD_SA in $SPI_IN out $SPI_OUT, mirrored on gw-b"
ping_moves_counters
# RFC 7296 §2.4: the restarted initiator's INITIAL_CONTACT makes gw-b drop the
# IKE_SA from before the crash. Checked here, reported at the end.
if lab_wait_for $SINGLE_SA_TIMEOUT one_established_ike gw-b; then
  lab_log "gw-b: exactly one established IKE_SA of $CONN"
else
  # shellcheck disable=SC2016 # jq's own $c
  n=$("$JQ" --arg c "$CONN" '[.sas[] | select(.conn == $c)] | length' "$LAB_OUT/sas-gw-b.json")
  DEFERRED+=("gw-b lists $n IKE_SAs of $CONN $SINGLE_SA_TIMEOUT s after gw-a's restart, expected exactly one (the one from before the crash should go: INITIAL_CONTACT, RFC 7296 §2.4); list-sas: $(<"$LAB_OUT/sas-gw-b.json")")
  lab_log "CHECK FAILED (reported at the end): gw-b lists $n IKE_SAs of $CONN"
fi

# ---- 4. garbage ---------------------------------------------------------------------
lab_step "4. garbage to gw-b's UDP 500 and 4500"
status_counters gw-b "$LAB_OUT/counters-before.json" || lab_fail "ikev2ctl status on gw-b: $(<"$LAB_OUT/counters-before.json.raw")"
no_states_before=$(xfrm_in_no_states gw-b)
lab_exec gw-a "$LAB_PYTHON" - 192.0.2.2 <<'EOF' || lab_fail "sending garbage failed"
import random, socket, struct, sys
peer = sys.argv[1]
rng = random.Random(7296)
# A well-formed IKE header: SPIs nobody knows, INFORMATIONAL (37), flag I,
# message ID 5, an SK payload (46) with 32 opaque bytes, length 64.
sk = struct.pack("!BBH", 0, 0, 36) + bytes(rng.getrandbits(8) for _ in range(32))
unknown = struct.pack("!QQBBBBII", 0x8a1b2c3d4e5f6071, 0x1122334455667788, 46, 0x20, 37, 0x08, 5, 28 + len(sk)) + sk
garbage = bytes(rng.getrandbits(8) for _ in range(64))
marker = bytes(4)
sends = [
    (500, garbage),                  # dropped_malformed
    (500, unknown[:20]),             # dropped_malformed
    (500, unknown),                  # dropped_unknown_spi
    (4500, marker + unknown),        # dropped_unknown_spi
    (4500, marker + unknown[:20]),   # dropped_malformed
    (4500, b"\x01\x02\x03"),         # udp_malformed
    (4500, b"\x01\x02\x03\x04\x05\x06\x07\x08"),  # udp_esp_dropped
    (4500, unknown),                 # the kernel: ESP with an unknown SPI
    (4500, b"\xff"),                 # the kernel: NAT keepalive
]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port, data in sends:
    s.sendto(data, (peer, port))
print(f"sent {len(sends)} datagrams to {peer}")
EOF
EXPECTED='{"dropped_malformed":3,"dropped_unknown_spi":2,"udp_malformed":1,"udp_esp_dropped":1}'
if ! lab_wait_for 5 counters_grew_by gw-b "$LAB_OUT/counters-before.json" "$EXPECTED"; then
  lab_fail "gw-b's counters did not grow by $EXPECTED:
before: $(tr -d ' \n' <"$LAB_OUT/counters-before.json")
now:    $(tr -d ' \n' <"$LAB_OUT/counters-now.json")"
fi
lab_log "gw-b's counters grew by exactly $EXPECTED: $(tr -d ' \n' <"$LAB_OUT/counters-now.json")"
if [ -n "$no_states_before" ]; then
  no_states=$(xfrm_in_no_states gw-b)
  ((no_states == no_states_before + 1)) || lab_fail "gw-b's XfrmInNoStates went $no_states_before -> $no_states, expected +1 (the header sent to 4500 without marker)"
  lab_log "gw-b's kernel counted the unmarked datagram on 4500 as ESP without SA (XfrmInNoStates $no_states_before -> $no_states)"
else
  lab_log "no /proc/net/xfrm_stat in the lab kernel: the kernel's ESP drop is not checked"
fi
kill -0 "$(ikev2d_pid gw-b)" 2>/dev/null || lab_fail "gw-b's daemon died"
lab_run ikev2d_ctl gw-b status >/dev/null
NEW_IN=$SPI_IN NEW_OUT=$SPI_OUT
gw_a_spis
[[ $SPI_IN == "$NEW_IN" && $SPI_OUT == "$NEW_OUT" ]] || lab_fail "gw-a's SPIs changed: in $NEW_IN -> $SPI_IN, out $NEW_OUT -> $SPI_OUT"
gw_b_has_child "$SPI_OUT" "$SPI_IN" || lab_fail "gw-b lost the CHILD_SA in $SPI_OUT out $SPI_IN:
$(<"$LAB_OUT/sas-gw-b.json")"
ping_moves_counters
lab_log "gw-b is alive; the tunnel carries traffic on the same SPIs"

# ---- 5. SIGTERM ---------------------------------------------------------------------
lab_step "5. SIGTERM: both daemons exit 0"
ikev2d_sigterm gw-a
ikev2d_sigterm gw-b
ikev2d_foreign_kept gw-a

if ((${#DEFERRED[@]})); then
  for d in "${DEFERRED[@]}"; do echo "FAIL: $d" >&2; done
  exit 1
fi
lab_step "PASS: a restarted ikev2d cleaned its stale state and keyed again; garbage was counted and dropped"
