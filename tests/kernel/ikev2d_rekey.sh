#!/bin/bash
# ikev2d_rekey.sh: CHILD_SA and IKE_SA rekeying between two ikev2d daemons
# under load, with zero packets lost (lan-a -- gw-a == gw-b -- lan-b,
# lab_site_to_site):
#   1. both gateways run ikev2d with a tunnel CHILD_SA whose rekey_time is
#      5 s (rand_time 2 s: each side's soft limit falls 3-5 s after the SA
#      was made, so both sides start rekeys and some collide) and life_time
#      12 s; the kernel's soft EXPIRE starts each rekey; the IKE_SA's
#      rekey_time is 15 s (rand_time 5 s: both sides rekey it 10-15 s after
#      it was made, CHILD_SA rekeys that cross an IKE rekey get
#      TEMPORARY_FAILURE and are tried again);
#   2. lan-a sends 6000 pings to lan-b at 100 packets/s (-i 0.01; UML
#      manages about half that rate) across the tunnel: every
#      ping must be answered, while the CHILD_SA is rekeyed at least 10 times
#      and the IKE_SA at least 3 times (counted in both daemons' logs) and
#      the CHILD_SA never reaches its hard limit;
#   3. afterwards both daemons list one IKE_SA with the same SPIs and one
#      CHILD_SA with mirrored SPIs and each kernel holds exactly that SA
#      pair of ikev2d's and its 3 policies (read again until a moment
#      between two rekeys), and pings still cross both ways;
#   4. terminate and SIGTERM leave nothing in either kernel.
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built:
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/kernel/ikev2d_rekey.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
lab_require_guest "$@"
ikev2d_check_tools

CONN="a-to-b"
GWS=(gw-a gw-b)
# 100 pings a second for 60 s, as the issue asks; UML under load manages
# about half that rate, so the run takes up to two minutes (the log says).
PING_SECONDS=60
PING_COUNT=$((PING_SECONDS * 100))
MIN_REKEYS=10
MIN_IKE_REKEYS=3

# write_config GW LOCAL REMOTE LOCAL_ID REMOTE_ID LOCAL_TS REMOTE_TS START_ACTION
write_config() {
  {
    ikev2d_daemon_yaml "$1"
    ikev2d_conn_yaml "$CONN" "$2" "$3" "$4" "$5" |
      sed 's/^    children:$/    rekey_time: 15s\n    rand_time: 5s\n&/'
    ikev2d_child_yaml net "$6" "$7" "$8"
    echo "        rekey_time: 5s"
    echo "        rand_time: 2s"
    echo "        life_time: 12s"
  } >"$(ikev2d_config_file "$1")"
}

pair_agrees() { ikev2d_one_pair_agrees "${GWS[@]}"; }
rekeys() { ikev2d_child_rekeys "$1"; }
ike_rekeys() { ikev2d_ike_rekeys "$1"; }

lab_step "1. two ikev2d with a CHILD_SA rekeyed every 3-5 s, the IKE_SA every 10-15 s"
lab_site_to_site
lab_route gw-a 10.2.0.0/24 192.0.2.2
lab_route gw-b 10.1.0.0/24 192.0.2.1
ikev2d_drop_cleartext "${GWS[@]}"
lab_assert_no_ping lan-a 10.2.0.10
write_config gw-a 192.0.2.1 192.0.2.2 gw-a.test gw-b.test 10.1.0.0/24 10.2.0.0/24 start
write_config gw-b 192.0.2.2 - gw-b.test gw-a.test 10.2.0.0/24 10.1.0.0/24 none
ikev2d_start gw-b
ikev2d_start gw-a
ikev2d_wait_established 20 "$CONN" gw-a gw-b

lab_step "2. $PING_COUNT pings at 100/s for ${PING_SECONDS} s while the CHILD_SA is rekeyed"
out=$(ip netns exec lan-a ping -D -n -i 0.01 -W 2 -c "$PING_COUNT" 10.2.0.10 2>&1)
printf '%s\n' "$out" >"$LAB_OUT/ping.txt"
summary=$(grep 'packets transmitted' <<<"$out")
lab_log "ping: $summary"
[[ $summary =~ ([0-9]+)\ packets\ transmitted,\ ([0-9]+)\ received ]] || lab_fail "no ping summary:
$out"
sent=${BASH_REMATCH[1]} received=${BASH_REMATCH[2]}
[[ $summary =~ time\ ([0-9]+)ms ]] && lab_log "$sent pings in $((BASH_REMATCH[1] / 1000)) s: $((sent * 1000 / (BASH_REMATCH[1] + 1))) per second"
rekeys_a=$(rekeys gw-a) rekeys_b=$(rekeys gw-b)
lab_log "rekeys logged: gw-a $rekeys_a, gw-b $rekeys_b (each rekey is logged by both sides)"
ike_rekeys_a=$(ike_rekeys gw-a) ike_rekeys_b=$(ike_rekeys gw-b)
ike_by_a=$(grep -c 'IKE_SA rekeyed: .* by us,' "$LAB_OUT/ikev2d-gw-a.log")
ike_by_b=$(grep -c 'IKE_SA rekeyed: .* by us,' "$LAB_OUT/ikev2d-gw-b.log")
ike_collisions=$(grep -c 'IKE_SA #[0-9]*: rekey collision' "$LAB_OUT/ikev2d-gw-a.log")
refused=$(cat "$LAB_OUT"/ikev2d-gw-*.log | grep -c 'TEMPORARY_FAILURE')
lab_log "IKE_SA rekeys logged: gw-a $ike_rekeys_a, gw-b $ike_rekeys_b (started by gw-a $ike_by_a, by gw-b $ike_by_b; $ike_collisions IKE rekey collisions seen by gw-a, $refused TEMPORARY_FAILURE lines)"
collisions=$(grep -c 'rekey collision' "$LAB_OUT/ikev2d-gw-a.log")
lab_log "rekey collisions seen by gw-a: $collisions"
if ((sent != PING_COUNT || received != sent)); then
  lab_ping_losses "$LAB_OUT/ping.txt"
  lab_log "xfrm_stat errors: gw-a: $(lab_xfrm_errors gw-a); gw-b: $(lab_xfrm_errors gw-b)"
  lab_fail "$((sent - received)) of $sent pings lost across $rekeys_a rekeys"
fi
((rekeys_a >= MIN_REKEYS && rekeys_b >= MIN_REKEYS)) ||
  lab_fail "only $rekeys_a/$rekeys_b rekeys in ${PING_SECONDS} s, expected at least $MIN_REKEYS"
((ike_rekeys_a >= MIN_IKE_REKEYS && ike_rekeys_b >= MIN_IKE_REKEYS)) ||
  lab_fail "only $ike_rekeys_a/$ike_rekeys_b IKE_SA rekeys, expected at least $MIN_IKE_REKEYS"
if grep -q 'not responding' "$LAB_OUT"/ikev2d-gw-*.log; then
  lab_fail "an exchange timed out during the run: $(grep -h 'not responding' "$LAB_OUT"/ikev2d-gw-*.log | head -3)"
fi
if grep -q 'reached its hard lifetime' "$LAB_OUT"/ikev2d-gw-*.log; then
  lab_fail "a CHILD_SA reached its hard lifetime: $(grep -h 'reached its hard lifetime' "$LAB_OUT"/ikev2d-gw-*.log | head -3)"
fi

lab_step "3. one SA pair left in each kernel; the daemons agree"
lab_wait_for 30 pair_agrees || lab_fail "the daemons never agreed on one SA pair that both kernels hold alone:
$(cat "$LAB_OUT"/sas-gw-*.json; ip -n gw-a xfrm state; ip -n gw-b xfrm state)"
lab_log "one IKE_SA and one CHILD_SA on both sides ($IKEV2D_PAIR_SEEN); each kernel holds just that pair and its 3 policies"
lab_assert_ping lan-a 10.2.0.10 3
lab_assert_ping lan-b 10.1.0.10 3

lab_step "4. terminate and SIGTERM leave nothing"
lab_run ikev2d_ctl gw-a terminate "$CONN"
ikev2d_wait_clean 10 "${GWS[@]}"
for gw in "${GWS[@]}"; do ikev2d_sigterm "$gw"; done
lab_log "PASS: $sent pings, none lost, across $rekeys_a CHILD_SA rekeys ($collisions collisions) and $ike_rekeys_a IKE_SA rekeys ($ike_collisions collisions)"
