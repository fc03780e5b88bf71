#!/bin/bash
# ikev2d_failures.sh: negotiations that must fail, and fail cleanly on both
# ends (lan-a -- gw-a == gw-b -- lan-b, lab_site_to_site). gw-a initiates with
# `ikev2ctl initiate`; gw-b responds. Between cases gw-b's file is rewritten
# and applied with `ikev2ctl reload` (every case uses the same identities,
# so gw-b holds one connection at a time):
#   a. different PSKs: AUTHENTICATION_FAILED. gw-b logs that gw-a's AUTH does
#      not verify, gw-a that the peer rejected its authentication; no IKE_SA;
#   b. no common IKE proposal: NO_PROPOSAL_CHOSEN. gw-b names what gw-a
#      offered and what it accepts, gw-a that the peer refused its offer
#      (named); no IKE_SA;
#   c. no common ESP proposal: the CHILD_SA is refused with
#      NO_PROPOSAL_CHOSEN (both sides' proposals named on gw-b), the IKE_SA
#      stays up on both ends with no CHILD_SA (RFC 7296 §1.2);
#   d. traffic selectors without overlap: TS_UNACCEPTABLE (both sides'
#      selectors named on gw-b), IKE_SA up without CHILD_SA;
#   e. the matching configuration reloaded: the tunnel comes up and carries
#      traffic (so a–d failed because of what they changed).
# After each failing case neither kernel holds an SA or policy of ikev2d's
# reqid range (and, with the IKE_SA up, no LAN-to-LAN ping crosses).
# `ikev2ctl initiate` answers as soon as the exchange starts (exit 0,
# "initiated IKE_SA #N"): the CLI does not wait for the result; an unknown
# connection is exit 1 with the reason on stderr.
#
# Run on the host with an unsanitized build tree:
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/kernel/ikev2d_failures.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
lab_require_guest "$@"
ikev2d_check_tools

CONN="a-to-b"
GWS=(gw-a gw-b)
FAIL_TIMEOUT=10
GOOD_IKE="aes256gcm16-prfsha384-x25519"
GOOD_ESP="aes256gcm16"
OTHER_PSK="0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

# write_config GW LOCAL REMOTE_ADDRS LOCAL_ID REMOTE_ID LOCAL_TS REMOTE_TS \
#              IKE_PROPOSAL ESP_PROPOSAL PSK
write_config() {
  {
    ikev2d_daemon_yaml "$1" '"0.0.0.0"' "${10}"
    ikev2d_conn_yaml "$CONN" "$2" "$3" "$4" "$5" "$8"
    ikev2d_child_yaml net "$6" "$7" none "$9"
  } >"$(ikev2d_config_file "$1")"
}

# gw_b_config LOCAL_TS REMOTE_TS IKE_PROPOSAL ESP_PROPOSAL PSK: gw-b's file.
gw_b_config() { write_config gw-b 192.0.2.2 - gw-b.test gw-a.test "$@"; }

# reload_gw_b: apply gw-b's rewritten file; the daemon must accept it.
reload_gw_b() {
  ikev2d_ctl gw-b --json reload >"$LAB_OUT/reload.json" 2>&1 ||
    lab_fail "ikev2ctl reload on gw-b failed: $(<"$LAB_OUT/reload.json")"
  lab_log "gw-b reloaded: $(<"$LAB_OUT/reload.json")"
}

# initiate RC TEXT: `ikev2ctl initiate CONN` on gw-a waits for the outcome;
# it must exit RC (0 up, 1 failed) and say TEXT.
initiate() {
  local out rc
  out=$(ikev2d_ctl gw-a initiate "$CONN" --timeout 20 2>&1)
  rc=$?
  ((rc == $1)) || lab_fail "ikev2ctl initiate $CONN exited $rc, expected $1: $out"
  [[ $out == *"$2"* ]] || lab_fail "ikev2ctl initiate $CONN said '$out', expected '$2' in it"
  lab_log "ikev2ctl initiate $CONN: exit $rc, '$out'"
}

# mark_logs: remember where each daemon's log ends, so that the next checks
# only read what a case added.
mark_logs() {
  MARK_A=$(ikev2d_log_lines gw-a)
  MARK_B=$(ikev2d_log_lines gw-b)
}

# expect_log GW TEXT...: a line GW logged since mark_logs contains every TEXT.
expect_log() {
  local gw=$1 mark=$MARK_A
  shift
  [ "$gw" = gw-b ] && mark=$MARK_B
  ikev2d_wait_log "$FAIL_TIMEOUT" "$gw" "$mark" "$@"
}

# no_child GW: list-sas shows one established IKE_SA of CONN and no CHILD_SA.
no_child() {
  ikev2d_ctl "$1" --json list-sas >"$LAB_OUT/sas-$1.json" 2>&1 || return 1
  # shellcheck disable=SC2016 # jq's own $c
  "$JQ" -e --arg c "$CONN" \
    '(.sas | length) == 1 and ([.sas[] | select(.conn == $c and .state == "established" and (.children | length) == 0)] | length) == 1' \
    "$LAB_OUT/sas-$1.json" >/dev/null
}

# assert_nothing_installed: neither gateway holds state of ikev2d's.
assert_nothing_installed() {
  local gw
  for gw in "${GWS[@]}"; do
    ikev2d_nothing_of_ours "$gw" || lab_fail "$gw holds state of ikev2d:
$(ikev2d_ours_left "$gw")"
  done
  lab_log "nothing of ikev2d in either kernel"
}

# failed_ike_case: after a failed IKE_SA, both sides list no IKE_SA and hold
# nothing (ikev2d_wait_clean checks both).
failed_ike_case() {
  ikev2d_wait_clean "$FAIL_TIMEOUT" "${GWS[@]}"
}

# failed_child_case: after a refused CHILD_SA, both sides keep the IKE_SA
# without CHILD_SA and hold nothing; then gw-a terminates it.
failed_child_case() {
  local gw
  for gw in "${GWS[@]}"; do
    lab_wait_for "$FAIL_TIMEOUT" no_child "$gw" || lab_fail "$gw: expected one established IKE_SA of $CONN without CHILD_SA; list-sas:
$(<"$LAB_OUT/sas-$gw.json")"
    lab_log "$gw: IKE_SA of $CONN established, no CHILD_SA"
  done
  assert_nothing_installed
  lab_assert_no_ping lan-a 10.2.0.10
  lab_run ikev2d_ctl gw-a terminate "$CONN"
  ikev2d_wait_clean "$FAIL_TIMEOUT" "${GWS[@]}"
}

# ---- setup --------------------------------------------------------------------
lab_step "setup: lan-a -- gw-a == gw-b -- lan-b; gw-a initiates by hand, gw-b responds"
lab_site_to_site
lab_route gw-a 10.2.0.0/24 192.0.2.2
lab_route gw-b 10.1.0.0/24 192.0.2.1
ikev2d_drop_cleartext "${GWS[@]}"
write_config gw-a 192.0.2.1 192.0.2.2 gw-a.test gw-b.test 10.1.0.0/24 10.2.0.0/24 \
  "$GOOD_IKE" "$GOOD_ESP" "$IKEV2D_PSK"
gw_b_config 10.2.0.0/24 10.1.0.0/24 "$GOOD_IKE" "$GOOD_ESP" "$OTHER_PSK"
ikev2d_start gw-b
ikev2d_start gw-a

# The CLI's own failures: an unknown connection is refused, exit 1.
out=$(ikev2d_ctl gw-a initiate no-such-conn 2>&1)
rc=$?
((rc == 1)) || lab_fail "ikev2ctl initiate no-such-conn exited $rc, expected 1: $out"
[[ $out == *"no connection named 'no-such-conn'"* ]] || lab_fail "ikev2ctl initiate no-such-conn said: $out"
lab_log "ikev2ctl initiate no-such-conn: exit 1, '$out'"

# ---- a. wrong PSK -----------------------------------------------------------------
lab_step "a. different PSKs: AUTHENTICATION_FAILED"
mark_logs
initiate 1 "AUTHENTICATION_FAILED"
expect_log gw-b AUTHENTICATION_FAILED "'gw-a.test'" "does not verify" ||
  lab_fail "gw-b's log does not say that gw-a's AUTH did not verify"
expect_log gw-a AUTHENTICATION_FAILED "peer rejected our authentication" ||
  lab_fail "gw-a's log does not say that the peer answered AUTHENTICATION_FAILED"
failed_ike_case

# ---- b. no common IKE proposal ------------------------------------------------------
lab_step "b. no common IKE proposal: NO_PROPOSAL_CHOSEN"
gw_b_config 10.2.0.0/24 10.1.0.0/24 aes128-sha256-modp3072 "$GOOD_ESP" "$IKEV2D_PSK"
reload_gw_b
mark_logs
initiate 1 "NO_PROPOSAL_CHOSEN"
# gw-b names both: what it accepts and what gw-a offered.
expect_log gw-b NO_PROPOSAL_CHOSEN "IKE" "we accept [aes128-sha256-prfsha256-modp3072]" \
  "offered [#1 aes256gcm16-prfsha384-curve25519]" ||
  lab_fail "gw-b's log does not name both sides' IKE proposals with NO_PROPOSAL_CHOSEN"
expect_log gw-a NO_PROPOSAL_CHOSEN "we offered [aes256gcm16-prfsha384-curve25519]" ||
  lab_fail "gw-a's log does not say that the peer refused its IKE proposal"
failed_ike_case

# ---- c. no common ESP proposal --------------------------------------------------------
lab_step "c. no common ESP proposal: CHILD_SA refused, IKE_SA stays"
gw_b_config 10.2.0.0/24 10.1.0.0/24 "$GOOD_IKE" aes128gcm16 "$IKEV2D_PSK"
reload_gw_b
mark_logs
initiate 1 "refused: peer answered NO_PROPOSAL_CHOSEN"
expect_log gw-b "CHILD_SA refused" NO_PROPOSAL_CHOSEN "ESP" "aes128gcm16" "aes256gcm16" ||
  lab_fail "gw-b's log does not name both sides' ESP proposals with NO_PROPOSAL_CHOSEN"
expect_log gw-a "CHILD_SA" "refused" NO_PROPOSAL_CHOSEN ||
  lab_fail "gw-a's log does not say that the peer refused the CHILD_SA with NO_PROPOSAL_CHOSEN"
failed_child_case

# ---- d. traffic selectors that do not fit ------------------------------------------------
lab_step "d. traffic selectors without overlap: TS_UNACCEPTABLE, IKE_SA stays"
gw_b_config 10.2.0.0/24 10.3.0.0/24 "$GOOD_IKE" "$GOOD_ESP" "$IKEV2D_PSK"
reload_gw_b
mark_logs
initiate 1 "refused: peer answered TS_UNACCEPTABLE"
expect_log gw-b "CHILD_SA refused" TS_UNACCEPTABLE "10.1.0.0/24" "10.3.0.0/24" ||
  lab_fail "gw-b's log does not name both sides' traffic selectors with TS_UNACCEPTABLE"
expect_log gw-a "CHILD_SA" "refused" TS_UNACCEPTABLE ||
  lab_fail "gw-a's log does not say that the peer refused the CHILD_SA with TS_UNACCEPTABLE"
failed_child_case

# ---- e. matching configuration ---------------------------------------------------------
lab_step "e. the matching configuration: the tunnel comes up"
gw_b_config 10.2.0.0/24 10.1.0.0/24 "$GOOD_IKE" "$GOOD_ESP" "$IKEV2D_PSK"
reload_gw_b
initiate 0 "established, CHILD_SA a-to-b/net"
ikev2d_wait_established "$FAIL_TIMEOUT" "$CONN" "${GWS[@]}"
lab_assert_ping lan-a 10.2.0.10 3
ikev2d_assert_mirrored gw-a gw-b "$CONN" 3

lab_step "SIGTERM: both daemons exit 0"
ikev2d_sigterm gw-a
ikev2d_sigterm gw-b

lab_step "PASS: wrong PSK, IKE and ESP proposal mismatches and selector mismatches failed cleanly on both ends"
