#!/bin/bash
# ikev2d_rekey_volume.sh: CHILD_SA rekeys started by the kernel's byte limit,
# then rekeys with no jitter at all, between two ikev2d daemons under load
# (lan-a -- gw-a == gw-b -- lan-b, lab_site_to_site):
#   1. both gateways run ikev2d with a tunnel CHILD_SA whose rekey_time is
#      1 h but whose rekey_bytes is 120000 (rand_bytes 40000: each kernel SA
#      gets a soft byte limit of 80000-120000 bytes, life_bytes 600000);
#   2. lan-a sends 700 pings of 1000 bytes to lan-b (-i 0.01, about 50 a
#      second in UML: some 700 kB each way): every ping must be answered,
#      the CHILD_SA is rekeyed at least 3 times on each side, every soft
#      EXPIRE the daemons logged names the byte limit (none the time limit),
#      no SA reaches its hard limit; afterwards both daemons list one IKE_SA
#      and one CHILD_SA with mirrored SPIs and each kernel holds exactly that
#      SA pair and its three policies;
#   3. both daemons are restarted with rand_time 0 everywhere: CHILD_SA
#      rekey_time 4 s, IKE_SA rekey_time 9 s, so both ends' soft limits fall
#      in the same second; 700 more pings must all be answered while the
#      CHILD_SA is rekeyed at least twice. Collisions are counted, not
#      required: the kernel fires a soft time limit a whole number of seconds
#      after the SA was added, and the side that added its SAs first (by the
#      time the other took to install its own) usually gets its request to
#      the other side just before that side's EXPIRE, so the two rekeys are
#      mostly serialised (one run in UML: no collision in 5 rekeys, the
#      request 4 ms ahead each time; another: 1 in 4; when there is none the
#      log shows the order). Checked: no loss, one SA pair and its policies
#      left in each kernel, the same on both sides, nothing else;
#   4. the same with rekey_packets 150 and rand_packets 0 (rekey_time 1 h):
#      gw-a's outbound SA reaches the limit on the packet that gw-b's
#      inbound SA reaches it on a moment later, before gw-a's rekey request
#      arrives, so both ends rekey at once: at least one CHILD_SA rekey
#      collision must be logged, all 700 pings answered, one SA pair left,
#      the same on both sides; terminate and SIGTERM leave nothing;
#   5. reauthentication (reauth_time 8 s, rand_time 2 s) by gw-a under 1200
#      pings: at least 2 fresh IKE_SAs take over with new CHILD_SAs, gw-b
#      (the responder) holds each new outbound SA back until gw-a deletes
#      the old IKE_SA, no ping is lost, and one SA pair is left.
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built:
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/kernel/ikev2d_rekey_volume.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
lab_require_guest "$@"
ikev2d_check_tools

CONN="a-to-b"
GWS=(gw-a gw-b)
PING_COUNT=700
PING_SIZE=1000
MIN_VOLUME_REKEYS=3
MIN_SAME_INSTANT_REKEYS=2
MIN_PACKET_REKEYS=3
MIN_REAUTHS=2

# write_config GW LOCAL REMOTE LOCAL_ID REMOTE_ID LOCAL_TS REMOTE_TS START_ACTION
#   IKE_LIFETIMES CHILD_LIFETIMES: the IKE and CHILD lifetime keys as one
#   string each, "key: value" pairs separated by ";".
write_config() {
  local ike_keys child_keys
  ike_keys=$(tr ';' '\n' <<<"$9" | sed 's/^ */    /')
  child_keys=$(tr ';' '\n' <<<"${10}" | sed 's/^ */        /')
  {
    ikev2d_daemon_yaml "$1"
    ikev2d_conn_yaml "$CONN" "$2" "$3" "$4" "$5" | sed '/^    children:$/d'
    echo "$ike_keys"
    echo "    children:"
    ikev2d_child_yaml net "$6" "$7" "$8"
    echo "$child_keys"
  } >"$(ikev2d_config_file "$1")"
}

# start_pair IKE_LIFETIMES CHILD_LIFETIMES: both daemons with these limits,
# gw-a initiating, up to an established CHILD_SA.
start_pair() {
  write_config gw-a 192.0.2.1 192.0.2.2 gw-a.test gw-b.test 10.1.0.0/24 10.2.0.0/24 start "$1" "$2"
  write_config gw-b 192.0.2.2 - gw-b.test gw-a.test 10.2.0.0/24 10.1.0.0/24 none "$1" "$2"
  ikev2d_start gw-b
  ikev2d_start gw-a
  ikev2d_wait_established 20 "$CONN" "${GWS[@]}"
}

# ping_flood: PING_COUNT pings of PING_SIZE bytes from lan-a to lan-b; every
# one must be answered. Sets SENT.
ping_flood() {
  local out summary
  out=$(ip netns exec lan-a ping -n -q -i 0.01 -W 2 -s "$PING_SIZE" -c "$PING_COUNT" 10.2.0.10 2>&1)
  summary=$(grep 'packets transmitted' <<<"$out")
  lab_log "ping: $summary"
  [[ $summary =~ ([0-9]+)\ packets\ transmitted,\ ([0-9]+)\ received ]] || lab_fail "no ping summary:
$out"
  SENT=${BASH_REMATCH[1]}
  local received=${BASH_REMATCH[2]}
  ((SENT == PING_COUNT && received == SENT)) ||
    lab_fail "$((SENT - received)) of $SENT pings lost across $(ikev2d_child_rekeys gw-a) rekeys"
}

# no_timeouts_or_hard_expiries: no exchange timed out and no SA reached its
# hard limit in either daemon's log.
no_timeouts_or_hard_expiries() {
  local pattern
  for pattern in 'not responding' 'reached its hard lifetime' 'hard expire of SA'; do
    if grep -q "$pattern" "$LAB_OUT"/ikev2d-gw-*.log; then
      lab_fail "'$pattern' in a daemon's log: $(grep -h "$pattern" "$LAB_OUT"/ikev2d-gw-*.log | head -3)"
    fi
  done
}

# one_pair_left: the daemons agree on one SA pair that each kernel holds
# alone with its three policies, and no other SA (larval or leaked) is left.
one_pair_left() {
  local gw states
  lab_wait_for 30 ikev2d_one_pair_agrees "${GWS[@]}" ||
    lab_fail "the daemons never agreed on one SA pair that both kernels hold alone:
$(cat "$LAB_OUT"/sas-gw-*.json; for gw in "${GWS[@]}"; do ip -n "$gw" xfrm state; ip -n "$gw" xfrm policy; done)"
  for gw in "${GWS[@]}"; do
    states=$(ip -n "$gw" xfrm state | grep -c '^src')
    ((states == 2)) || lab_fail "$gw holds $states SAs, expected the 2 of the CHILD_SA:
$(ip -n "$gw" xfrm state)"
  done
  lab_log "one IKE_SA and one CHILD_SA on both sides ($IKEV2D_PAIR_SEEN); each kernel holds just that SA pair and its 3 policies"
}

# stop_pair: terminate the connection and SIGTERM both daemons; nothing of
# ikev2d's may be left in either kernel.
stop_pair() {
  local gw
  lab_run ikev2d_ctl gw-a terminate "$CONN"
  ikev2d_wait_clean 10 "${GWS[@]}"
  for gw in "${GWS[@]}"; do ikev2d_sigterm "$gw"; done
}

lab_step "1. two ikev2d with a CHILD_SA rekeyed after 80-120 kB (rekey_time 1 h)"
lab_site_to_site
lab_route gw-a 10.2.0.0/24 192.0.2.2
lab_route gw-b 10.1.0.0/24 192.0.2.1
ikev2d_drop_cleartext "${GWS[@]}"
lab_assert_no_ping lan-a 10.2.0.10
start_pair "rekey_time: 1h" \
  "rekey_time: 1h; rekey_bytes: 120000; rand_bytes: 40000; life_bytes: 600000"
for gw in "${GWS[@]}"; do
  limits=$(ip -s -n "$gw" xfrm state | grep -m1 -A1 'lifetime config:' | tr -s ' \n' ' ')
  [[ $limits =~ limit:\ soft\ ([0-9]+)\(bytes\),\ hard\ 600000\(bytes\) ]] ||
    lab_fail "$gw's SA lacks the byte limits: $(ip -s -n "$gw" xfrm state)"
  soft=${BASH_REMATCH[1]}
  ((soft >= 80000 && soft <= 120000)) || lab_fail "$gw's soft byte limit $soft is outside 80000-120000"
  lab_log "$gw's first SA: soft byte limit $soft (jittered), hard 600000"
done

lab_step "2. $PING_COUNT pings of $PING_SIZE bytes: rekeys on the byte limit, none lost"
start=$SECONDS
ping_flood
rekeys_a=$(ikev2d_child_rekeys gw-a) rekeys_b=$(ikev2d_child_rekeys gw-b)
lab_log "$SENT pings in $((SECONDS - start)) s; CHILD_SA rekeys logged: gw-a $rekeys_a, gw-b $rekeys_b"
((rekeys_a >= MIN_VOLUME_REKEYS && rekeys_b >= MIN_VOLUME_REKEYS)) ||
  lab_fail "only $rekeys_a/$rekeys_b rekeys for $((PING_COUNT * PING_SIZE / 1000)) kB each way, expected at least $MIN_VOLUME_REKEYS"
by_bytes=$(cat "$LAB_OUT"/ikev2d-gw-*.log | grep -c 'soft expire of SA .*: soft byte limit reached')
by_other=$(cat "$LAB_OUT"/ikev2d-gw-*.log | grep 'soft expire of SA' | grep -vc 'soft byte limit reached')
lab_log "soft EXPIREs logged: $by_bytes on the byte limit, $by_other on another limit; e.g. $(grep -h -m1 'soft byte limit reached' "$LAB_OUT"/ikev2d-gw-*.log | head -1)"
((by_bytes >= MIN_VOLUME_REKEYS)) || lab_fail "only $by_bytes soft EXPIREs named the byte limit"
((by_other == 0)) || lab_fail "soft EXPIREs for another reason than bytes: $(grep -h 'soft expire of SA' "$LAB_OUT"/ikev2d-gw-*.log | grep -v 'soft byte limit reached' | head -3)"
volume_collisions=$(cat "$LAB_OUT"/ikev2d-gw-*.log | grep -c 'rekey collision')
no_timeouts_or_hard_expiries
one_pair_left
stop_pair
for gw in "${GWS[@]}"; do mv "$LAB_OUT/ikev2d-$gw.log" "$LAB_OUT/ikev2d-$gw.volume.log"; done

lab_step "3. no jitter: both ends rekey the CHILD_SA every 4 s and the IKE_SA every 9 s"
start_pair "rekey_time: 9s; rand_time: 0s" "rekey_time: 4s; rand_time: 0s; life_time: 10s"
start=$SECONDS
ping_flood
rekeys_a=$(ikev2d_child_rekeys gw-a) rekeys_b=$(ikev2d_child_rekeys gw-b)
ike_rekeys_a=$(ikev2d_ike_rekeys gw-a) ike_rekeys_b=$(ikev2d_ike_rekeys gw-b)
lab_log "$SENT pings in $((SECONDS - start)) s; rekeys logged: CHILD_SA gw-a $rekeys_a, gw-b $rekeys_b; IKE_SA gw-a $ike_rekeys_a, gw-b $ike_rekeys_b"
((rekeys_a >= MIN_SAME_INSTANT_REKEYS && rekeys_b >= MIN_SAME_INSTANT_REKEYS)) ||
  lab_fail "only $rekeys_a/$rekeys_b CHILD_SA rekeys, expected at least $MIN_SAME_INSTANT_REKEYS"
child_collisions=$(cat "$LAB_OUT"/ikev2d-gw-*.log | grep -c 'CHILD_SA [^ ]*: rekey collision')
ike_collisions=$(cat "$LAB_OUT"/ikev2d-gw-*.log | grep -c 'IKE_SA #[0-9]*: rekey collision')
refused=$(cat "$LAB_OUT"/ikev2d-gw-*.log | grep -c 'TEMPORARY_FAILURE')
lab_log "collisions logged (both logs): CHILD_SA $child_collisions, IKE_SA $ike_collisions; TEMPORARY_FAILURE lines: $refused"
if ((child_collisions + ike_collisions == 0)); then
  # Then one side's request always reached the other before it started its
  # own rekey: show when each side's rekeys started, as evidence.
  lab_log "NOTE: no collision in this run; the rekeys were serialised. Soft EXPIREs and rekey starts:
$(grep -H 'soft expire of SA\|rekeying CHILD_SA\|rekeyed' "$LAB_OUT"/ikev2d-gw-*.log | head -20)"
fi
no_timeouts_or_hard_expiries
one_pair_left
lab_assert_ping lan-a 10.2.0.10 3
lab_assert_ping lan-b 10.1.0.10 3

stop_pair
for gw in "${GWS[@]}"; do mv "$LAB_OUT/ikev2d-$gw.log" "$LAB_OUT/ikev2d-$gw.time.log"; done
time_rekeys=$rekeys_a time_collisions=$((child_collisions + ike_collisions))

lab_step "4. no jitter on a packet limit: both ends rekey on the same packet"
start_pair "rekey_time: 1h" "rekey_time: 1h; rekey_packets: 150; rand_packets: 0; life_packets: 1000"
start=$SECONDS
ping_flood
rekeys_a=$(ikev2d_child_rekeys gw-a) rekeys_b=$(ikev2d_child_rekeys gw-b)
child_collisions=$(cat "$LAB_OUT"/ikev2d-gw-*.log | grep -c 'CHILD_SA [^ ]*: rekey collision')
by_packets=$(cat "$LAB_OUT"/ikev2d-gw-*.log | grep -c 'soft expire of SA .*: soft packet limit reached')
lab_log "$SENT pings in $((SECONDS - start)) s; CHILD_SA rekeys logged: gw-a $rekeys_a, gw-b $rekeys_b; $by_packets soft EXPIREs on the packet limit; collisions logged (both logs): $child_collisions"
((rekeys_a >= MIN_PACKET_REKEYS && rekeys_b >= MIN_PACKET_REKEYS)) ||
  lab_fail "only $rekeys_a/$rekeys_b CHILD_SA rekeys, expected at least $MIN_PACKET_REKEYS"
((child_collisions >= 1)) || lab_fail "no CHILD_SA rekey collision although both ends rekey on the same packet:
$(grep -H 'soft expire of SA\|rekeying CHILD_SA\|rekeyed' "$LAB_OUT"/ikev2d-gw-*.log | head -20)"
lab_log "e.g. $(grep -h -m1 'rekey collision' "$LAB_OUT"/ikev2d-gw-*.log | head -1)"
no_timeouts_or_hard_expiries
one_pair_left
lab_assert_ping lan-a 10.2.0.10 3
lab_assert_ping lan-b 10.1.0.10 3
stop_pair
for gw in "${GWS[@]}"; do mv "$LAB_OUT/ikev2d-$gw.log" "$LAB_OUT/ikev2d-$gw.packets.log"; done
packet_rekeys=$rekeys_a packet_collisions=$child_collisions

lab_step "5. reauthentication every 6-8 s by gw-a (make-before-break), none lost"
start_pair "rekey_time: 1h; reauth_time: 8s; rand_time: 2s" "rekey_time: 1h"
first_ike=$("$JQ" -r '.sas[0].spi_i' <(ikev2d_ctl gw-a --json list-sas))
PING_COUNT=1200
start=$SECONDS
ping_flood
reauths=$(grep -c 'reauthenticated IKE_SA #' "$LAB_OUT/ikev2d-gw-a.log")
handovers=$(grep -c 'outbound SA installed' "$LAB_OUT/ikev2d-gw-b.log")
lab_log "$SENT pings in $((SECONDS - start)) s; reauthentications logged by gw-a: $reauths; outbound SAs gw-b held back until the old IKE_SA went: $handovers"
((reauths >= MIN_REAUTHS)) || lab_fail "only $reauths reauthentications, expected at least $MIN_REAUTHS"
((handovers >= reauths)) || lab_fail "gw-b switched only $handovers outbound SAs late for $reauths reauthentications"
no_timeouts_or_hard_expiries
one_pair_left
[[ $IKEV2D_PAIR_SEEN != *"$first_ike"* ]] || lab_fail "the IKE_SA $first_ike is still the one in use"
lab_assert_ping lan-a 10.2.0.10 3
stop_pair
lab_log "PASS: byte limit: $by_bytes soft EXPIREs, $volume_collisions collision lines; no jitter, time: $time_rekeys CHILD_SA rekeys, $time_collisions collision lines; no jitter, packets: $packet_rekeys CHILD_SA rekeys, $packet_collisions collision lines; reauthentication: $reauths; no ping lost, no SA leaked"
