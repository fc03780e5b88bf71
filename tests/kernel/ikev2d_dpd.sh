#!/bin/bash
# ikev2d_dpd.sh: liveness checks (RFC 7296 §2.4) driven by the kernel's ESP
# counters, a peer killed with kill -9, and dpd_action (lan-a -- gw-a == gw-b
# -- lan-b, lab_site_to_site). gw-a initiates with dpd_delay 2s and short
# retransmissions (daemon.retransmit_timeout 1, base 1.4, tries 3: the
# liveness check and its 3 retransmissions give up 7.104 s after the first
# send); gw-b is a responder template without dpd_delay, so that gw-a hears
# from it only in answers:
#   a. under a steady LAN ping (5/s) gw-a reads the counters every dpd_delay
#      and sends NO liveness check (status: usage_queries grows,
#      liveness_checks does not); once the ping stops it sends checks, which
#      gw-b answers (the IKE_SA stays);
#   b. kill -9 of gw-b's daemon (its kernel SAs stay; no traffic flows):
#      gw-a declares it dead within 2 x dpd_delay + 7.104 s (+0.5 s for the
#      lab) of the kill, and no sooner than 7.104 s - 0.5 s; with dpd_action
#      clear it removes every SA and policy of its own and starts nothing.
#      (Two dpd_delays: the counters are read every dpd_delay, so a packet
#      just after a reading is seen up to dpd_delay late; a kernel that
#      reports the inbound SA's last use, XFRMA_LASTUSED, narrows that to
#      the second, but the lab's 6.1 kernel does not report it for inbound SAs);
#   c. dpd_action restart: the tunnel up again, gw-b killed again; gw-a
#      declares it dead and re-initiates at once; gw-b's daemon started
#      again (it removes its stale kernel state) answers one of the
#      retransmitted IKE_SA_INITs and the tunnel carries a ping again;
#   d. dpd_action trap: the same death leaves gw-a with trap policies (no SA);
#      once gw-b is back, a LAN ping brings the tunnel up through ACQUIRE.
#   Finally SIGTERM: both daemons exit 0 and leave nothing of theirs.
#
# Run on the host with an unsanitized build tree:
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/kernel/ikev2d_dpd.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
lab_require_guest "$@"
ikev2d_check_tools

CONN="a-to-b"
CHILD="net"
DPD_DELAY=2
GIVE_UP_MS=7104  # 1000 + 1400 + 1960 + 2744
SLACK_MS=500
ESTABLISH_TIMEOUT=10
GWS=(gw-a gw-b)
RUN=0  # numbers the logs of daemons that were killed or stopped

# write_gw_a DPD_ACTION: gw-a's config, initiator with start_action start.
write_gw_a() {
  {
    ikev2d_daemon_yaml_plus gw-a "  retransmit_timeout: 1
  retransmit_base: 1.4
  retransmit_tries: 3"
    ikev2d_conn_yaml "$CONN" 192.0.2.1 192.0.2.2 gw-a.test gw-b.test
    ikev2d_child_yaml "$CHILD" 10.1.0.0/24 10.2.0.0/24 start
    echo "        dpd_action: $1"
  } >"$(ikev2d_config_file gw-a)"
  # dpd_delay is a connection key: after `proposals:`.
  sed -i "s/^    proposals: .*/&\n    dpd_delay: ${DPD_DELAY}s/" "$LAB_OUT/gw-a/ikev2d.yaml"
}

write_gw_b() {
  {
    ikev2d_daemon_yaml gw-b
    ikev2d_conn_yaml "$CONN" 192.0.2.2 - gw-b.test gw-a.test
    ikev2d_child_yaml "$CHILD" 10.2.0.0/24 10.1.0.0/24 none
  } >"$(ikev2d_config_file gw-b)"
}

# counter GW NAME: a counter of `ikev2ctl status --json` of GW.
counter() {
  ikev2d_ctl "$1" --json status >"$LAB_OUT/status-$1.json" 2>&1 || lab_fail "status of $1: $(<"$LAB_OUT/status-$1.json")"
  "$JQ" -e ".counters.$2" "$LAB_OUT/status-$1.json" || lab_fail "no counter $2 in $1's status: $(<"$LAB_OUT/status-$1.json")"
}

checks_above() { (($(counter gw-a liveness_checks) > $1)); }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# keep_log GW: move GW's daemon log aside (a restarted daemon writes a new one).
keep_log() {
  RUN=$((RUN + 1))
  mv "$LAB_OUT/ikev2d-$1.log" "$LAB_OUT/ikev2d-$1.$RUN.log" || lab_fail "cannot move $1's log"
  IKEV2D_STARTED=("${IKEV2D_STARTED[@]/$1/}")
}

# kill9 GW: kill -9 GW's daemon; its kernel state stays. Sets KILLED_MS.
kill9() {
  local pid
  pid=$(ikev2d_pid "$1")
  disown "$pid"  # no "Killed" notice from bash
  KILLED_MS=$(now_ms)
  kill -KILL "$pid" || lab_fail "cannot kill $1's daemon (pid $pid)"
  lab_wait_for 5 eval "! kill -0 $pid" || lab_fail "$1's daemon (pid $pid) survived kill -9"
  [ -n "$(ikev2d_our_sas "$1")" ] || lab_fail "$1 holds no SA of ikev2d after kill -9"
  lab_log "$1's daemon killed with -9; its SAs stay in the kernel"
  keep_log "$1"
}

# wait_dead ACTION: gw-a logs the peer's death with ACTION within the bound
# (dpd_delay + the give-up schedule + slack, from KILLED_MS); sets DEAD_MS.
wait_dead() {
  local bound_ms=$((2 * DPD_DELAY * 1000 + GIVE_UP_MS + SLACK_MS)) line stamp took
  ikev2d_wait_log 15 gw-a "$MARK" "did not answer 3 retransmissions of the liveness check" \
    "declared dead; dpd_action=$1" || lab_fail "gw-a did not declare gw-b dead (dpd_action=$1)"
  line=$(ikev2d_log_has gw-a "$MARK" "declared dead")
  stamp=$(date -d "$(cut -d' ' -f1-2 <<<"$line")" +%s%N) || lab_fail "no time stamp in: $line"
  DEAD_MS=$((stamp / 1000000))
  took=$((DEAD_MS - KILLED_MS))
  ((took <= bound_ms)) || lab_fail "gw-a declared gw-b dead $took ms after the kill, bound $bound_ms ms"
  ((took >= GIVE_UP_MS - SLACK_MS)) || lab_fail "gw-a declared gw-b dead only $took ms after the kill: faster than the retransmission schedule ($GIVE_UP_MS ms)"
  lab_log "gw-a declared gw-b dead $took ms after the kill (bound $bound_ms ms)"
}

# up_and_pinging: one established IKE_SA with a CHILD_SA on both sides, and
# LAN pings cross.
up_and_pinging() {
  ikev2d_wait_established $ESTABLISH_TIMEOUT "$CONN" gw-a gw-b
  lab_assert_ping lan-a 10.2.0.10 3
}

# fresh_start DPD_ACTION: gw-b running, gw-a (re)started with DPD_ACTION; the
# tunnel up and idle.
fresh_start() {
  write_gw_a "$1"
  ikev2d_start gw-a
  up_and_pinging
  MARK=$(ikev2d_log_lines gw-a)
}

# ---- setup -------------------------------------------------------------------
lab_step "setup: lan-a -- gw-a == gw-b -- lan-b, no cleartext path; gw-a dpd_delay ${DPD_DELAY}s"
lab_site_to_site
lab_route gw-a 10.2.0.0/24 192.0.2.2
lab_route gw-b 10.1.0.0/24 192.0.2.1
ikev2d_drop_cleartext "${GWS[@]}"
write_gw_b
ikev2d_start gw-b
fresh_start clear

# ---- a. traffic instead of liveness checks ---------------------------------------
lab_step "a. a steady ping: usage counters read, no liveness check; ping stopped: checks answered"
lab_bg ping-a lan-a ping -n -i 0.2 -c 50 10.2.0.10  # 10 s
sleep 0.5
checks0=$(counter gw-a liveness_checks) queries0=$(counter gw-a usage_queries)
wait "$LAB_PID_ping_a"
checks1=$(counter gw-a liveness_checks) queries1=$(counter gw-a usage_queries)
grep -q " 0% packet loss" "$LAB_OUT/ping-a.log" || lab_fail "the steady ping lost packets: $(tail -n 3 "$LAB_OUT/ping-a.log")"
((checks1 == checks0)) || lab_fail "gw-a sent $((checks1 - checks0)) liveness checks during 10 s of traffic"
((queries1 - queries0 >= 3)) || lab_fail "gw-a read the usage counters only $((queries1 - queries0)) times during 10 s of traffic (dpd_delay ${DPD_DELAY}s)"
lab_log "10 s of traffic: gw-a read the counters $((queries1 - queries0)) times, sent no liveness check"
lab_wait_for $((2 * DPD_DELAY + 2)) checks_above "$checks1" || lab_fail "no liveness check from gw-a within $((2 * DPD_DELAY + 2)) s of the traffic's end"
sleep 1
ikev2d_established gw-a "$CONN" || lab_fail "gw-a lost its IKE_SA although gw-b answers: $(<"$LAB_OUT/sas-gw-a.json")"
lab_log "traffic stopped: gw-a sent $(($(counter gw-a liveness_checks) - checks1)) liveness check(s), gw-b answered, the IKE_SA stays"

# ---- b. kill -9, dpd_action clear --------------------------------------------------
lab_step "b. kill -9 of gw-b's daemon: gw-a declares it dead on schedule; dpd_action clear"
MARK=$(ikev2d_log_lines gw-a)
kill9 gw-b
wait_dead clear
ikev2d_wait_clean 3 gw-a
sleep 1
(($(counter gw-a dead_peers) == 1)) || lab_fail "gw-a's dead_peers counter: $(counter gw-a dead_peers)"
ikev2d_no_sas gw-a || lab_fail "gw-a started an IKE_SA although dpd_action is clear: $(<"$LAB_OUT/sas-gw-a.json")"

# ---- c. dpd_action restart ----------------------------------------------------------
lab_step "c. dpd_action restart: gw-a re-initiates at once; the tunnel is back when gw-b is"
ikev2d_start gw-b  # removes gw-b's stale state
ikev2d_sigterm gw-a
keep_log gw-a
fresh_start restart
kill9 gw-b
wait_dead restart
ikev2d_wait_log 2 gw-a "$MARK" "re-initiating to 192.0.2.2" || lab_fail "gw-a did not re-initiate"
ikev2d_start gw-b
ikev2d_wait_log 3 gw-b 0 "removed 2 stale SAs" || lab_fail "gw-b did not remove its stale SAs"
up_and_pinging
lab_log "the tunnel came back $(($(now_ms) - DEAD_MS)) ms after gw-a declared gw-b dead"

# ---- d. dpd_action trap ---------------------------------------------------------------
lab_step "d. dpd_action trap: trap policies after the death; traffic brings the tunnel back"
ikev2d_sigterm gw-a
keep_log gw-a
ikev2d_wait_clean 5 gw-b
fresh_start trap
kill9 gw-b
wait_dead trap
ikev2d_wait_log 2 gw-a "$MARK" "$CONN/$CHILD: trap policies installed (dpd_action trap)" ||
  lab_fail "gw-a did not install the trap"
[ -z "$(ikev2d_our_sas gw-a)" ] || lab_fail "gw-a still holds SAs of ikev2d: $(ip -n gw-a xfrm state)"
ikev2d_our_policies gw-a | cut -d' ' -f1-6 | sort >"$LAB_OUT/trap-policies"
want=$(printf '%s\n' "out 10.1.0.0/24 10.2.0.0/24 192.0.2.1 192.0.2.2 tunnel" \
  "in 10.2.0.0/24 10.1.0.0/24 192.0.2.2 192.0.2.1 tunnel" \
  "fwd 10.2.0.0/24 10.1.0.0/24 192.0.2.2 192.0.2.1 tunnel" | sort)
[ "$(<"$LAB_OUT/trap-policies")" = "$want" ] || lab_fail "gw-a's policies after the death are not the trap:
$(<"$LAB_OUT/trap-policies")
want:
$want"
ikev2d_no_sas gw-a || lab_fail "gw-a lists an IKE_SA: $(<"$LAB_OUT/sas-gw-a.json")"
lab_log "gw-a: trap policies, no SA, no IKE_SA"
ikev2d_start gw-b
lab_wait_for 15 lab_ping lan-a 10.2.0.10 1 || lab_fail "no LAN ping passed within 15 s: the trap did not bring the tunnel back"
ikev2d_wait_log 2 gw-a "$MARK" "ACQUIRE for $CONN/$CHILD" || lab_fail "gw-a logged no ACQUIRE"
up_and_pinging

# ---- SIGTERM ------------------------------------------------------------------------
lab_step "SIGTERM: both daemons exit 0, nothing of theirs left"
ikev2d_sigterm gw-a
ikev2d_wait_clean 5 gw-b
ikev2d_sigterm gw-b

lab_step "PASS: no liveness check under traffic; a killed peer declared dead on schedule; clear, restart and trap each did their part"
