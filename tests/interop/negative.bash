# shellcheck shell=bash
# negative.bash: negotiations with strongSwan's charon that must fail, and
# fail cleanly on both ends, for charon_negative.sh. Source it after lib.sh,
# ikev2d.sh, charon.sh and interop.bash; then call interop_negative [NAME...].
#
# Each case runs in both roles (ikev2d initiating with `ikev2ctl initiate`,
# which waits for the outcome, and charon initiating with `swanctl
# --initiate`), both daemons started afresh with one thing wrong:
#   wrong-psk        the PSKs differ: AUTHENTICATION_FAILED from whoever
#                    verifies the initiator's AUTH (the responder);
#   no-ike-proposal  no IKE proposal in common: NO_PROPOSAL_CHOSEN in
#                    IKE_SA_INIT; as responder ikev2d names both sides'
#                    proposals;
#   no-esp-proposal  no ESP proposal in common: the CHILD_SA is refused with
#                    NO_PROPOSAL_CHOSEN, the IKE_SA may stay up without it
#                    (RFC 7296 §1.2);
#   ts-unacceptable  charon's selectors cannot be narrowed to ikev2d's:
#                    TS_UNACCEPTABLE, the IKE_SA may stay up;
#   wrong-id         ikev2d expects charon to be gw-x.test, charon is
#                    gw-b.test: ikev2d refuses it with AUTHENTICATION_FAILED
#                    (as responder in its answer, as initiator in an
#                    INFORMATIONAL of its own, RFC 7296 §2.21.2).
# A case passes only if the initiating side reports the failure, ikev2d's
# log names the notify with the explanation the case expects, charon's log
# names the notify, neither daemon ever established the CHILD_SA (but
# charon as responder in wrong-id, which installs it before ikev2d refuses
# its identity), no CHILD_SA is listed and, in the end, neither kernel holds
# an SA or policy of either daemon and both daemons exit 0 on SIGTERM.

INTEROP_NEG_OTHER_PSK="0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

# The cases, one a line: NAME|expected failure (- or why)|what is wrong|
# the notify|ike (the IKE_SA fails) or child (only the CHILD_SA does).
INTEROP_NEGATIVE=(
  "wrong-psk|-|the two PSKs differ|AUTHENTICATION_FAILED|ike"
  "no-ike-proposal|-|IKE: ikev2d aes256gcm16-prfsha384-x25519, charon aes128-sha256-modp3072|NO_PROPOSAL_CHOSEN|ike"
  "no-esp-proposal|-|ESP: ikev2d aes256gcm16, charon aes128gcm16|NO_PROPOSAL_CHOSEN|child"
  "ts-unacceptable|-|charon's selectors 10.2.0.0/24 === 10.3.0.0/24, ikev2d's 10.1.0.0/24 === 10.2.0.0/24|TS_UNACCEPTABLE|child"
  "wrong-id|-|ikev2d expects the peer to be gw-x.test; charon is gw-b.test|AUTHENTICATION_FAILED|ike"
)

# charon's names of the notifies in its log: the long one in "received ...
# notify error", the short one in the list of a message's payloads.
declare -A INTEROP_CHARON_NOTIFY=(
  [AUTHENTICATION_FAILED]='AUTHENTICATION_FAILED|N\(AUTH_FAILED\)'
  [NO_PROPOSAL_CHOSEN]='NO_PROPOSAL_CHOSEN|N\(NO_PROP\)'
  [TS_UNACCEPTABLE]='TS_UNACCEPTABLE|N\(TS_UNACCEPT\)'
)

# neg_configure NAME: both daemons' configuration for case NAME; ikev2d does
# not start anything by itself.
neg_configure() {
  local net="net|10.1.0.0/24|10.2.0.0/24|aes256gcm16|tunnel"
  case $1 in
    wrong-psk) interop_configure start=none psk_b="$INTEROP_NEG_OTHER_PSK" "$net" ;;
    no-ike-proposal) interop_configure start=none ike_b=aes128-sha256-modp3072 "$net" ;;
    no-esp-proposal) interop_configure start=none "$net|||aes128gcm16" ;;
    ts-unacceptable) interop_configure start=none "$net|10.2.0.0/24|10.3.0.0/24" ;;
    wrong-id) interop_configure start=none id_b=gw-x.test "$net" ;;
    *) lab_fail "neg_configure: no case $1" ;;
  esac
}

# neg_explanation NAME: the words ikev2d's log must have on one line for case
# NAME in ROLE (besides the notify), into NEG_WORDS.
neg_explanation() {
  case $1/$ROLE in
    wrong-psk/responder) NEG_WORDS=("'gw-b.test'" "does not verify") ;;
    wrong-psk/initiator) NEG_WORDS=("peer rejected our authentication") ;;
    no-ike-proposal/responder) NEG_WORDS=("we accept [aes256gcm16-prfsha384-curve25519]" "offered [#1 aes128-sha256-prfsha256-modp3072]") ;;
    no-ike-proposal/initiator) NEG_WORDS=("we offered [aes256gcm16-prfsha384-curve25519]") ;;
    no-esp-proposal/responder) NEG_WORDS=("CHILD_SA refused" "ESP" "aes128gcm16" "aes256gcm16") ;;
    no-esp-proposal/initiator) NEG_WORDS=("CHILD_SA" "refused") ;;
    ts-unacceptable/responder) NEG_WORDS=("CHILD_SA refused" "10.1.0.0/24" "10.3.0.0/24") ;;
    ts-unacceptable/initiator) NEG_WORDS=("CHILD_SA" "refused") ;;
    wrong-id/*) NEG_WORDS=("peer identity 'gw-b.test' does not match the configured 'gw-x.test'") ;;
    *) lab_fail "neg_explanation: no case $1" ;;
  esac
}

# neg_initiate NOTIFY: the initiator starts the connection and must report
# that it failed; ikev2ctl's answer must name NOTIFY. The answer goes to
# $CASE_DIR/initiate.out.
neg_initiate() {
  local rc out=$CASE_DIR/initiate.out
  if [ "$ROLE" = initiator ]; then
    ikev2d_ctl "$INTEROP_IKEV2D_GW" initiate "$INTEROP_CONN" --timeout "$INTEROP_TIMEOUT" >"$out" 2>&1
    rc=$?
    ((rc == 1)) || lab_fail "ikev2ctl initiate exited $rc, expected 1: $(<"$out")"
    grep -q "$1" "$out" || lab_fail "ikev2ctl initiate does not name $1: $(<"$out")"
  else
    charon_swanctl "$INTEROP_CHARON_GW" --initiate --child net --ike "$INTEROP_CONN" --timeout "$INTEROP_TIMEOUT" >"$out" 2>&1
    rc=$?
    ((rc != 0)) || lab_fail "swanctl --initiate succeeded: $(tail -n 5 "$out")"
  fi
  lab_log "$(initiator_name)'s initiate failed as it must: $(tail -n 1 "$out")"
}

# neg_no_child_left: each daemon lists no CHILD_SA and at most one IKE_SA,
# established (a refused CHILD_SA may leave it up, RFC 7296 §1.2).
neg_no_child_left() {
  local gw f
  interop_ikev2d_sas "$INTEROP_IKEV2D_GW" >"$LAB_OUT/sas-$INTEROP_IKEV2D_GW.txt" 2>&1 || return 1
  charon_list_sas "$INTEROP_CHARON_GW" >"$LAB_OUT/sas-$INTEROP_CHARON_GW.txt" 2>&1 || return 1
  for gw in "$INTEROP_IKEV2D_GW" "$INTEROP_CHARON_GW"; do
    f=$LAB_OUT/sas-$gw.txt
    ! grep -q '^child ' "$f" || return 1
    (($(grep -c '^ike ' "$f") <= 1)) || return 1
    ! grep -q '^ike ' "$f" || interop_up "$f" "$([ "$gw" = "$INTEROP_IKEV2D_GW" ] && echo established || echo ESTABLISHED)" - 0 || return 1
  done
}

# neg_body NAME NOTIFY KIND: one negative case (in a subshell, interop_case).
neg_body() {
  local name=$1 notify=$2 kind=$3 a b
  neg_configure "$name"
  interop_start
  neg_initiate "$notify"
  neg_explanation "$name"
  a=$(ikev2d_wait_log 10 "$INTEROP_IKEV2D_GW" 0 "$notify" "${NEG_WORDS[@]}") ||
    lab_fail "ikev2d's log has no line with $notify and: ${NEG_WORDS[*]}"
  echo "$a"
  a=${a#*logged: }
  b=$(grep -m1 -E "${INTEROP_CHARON_NOTIFY[$notify]}" "$(charon_dir "$INTEROP_CHARON_GW")/charon.log") ||
    lab_fail "charon's log does not name $notify"
  lab_log "charon logged: $b"
  printf '%s|%s\n' "${a//|//}" "${b//|//}" >"$CASE_DIR/negotiated"
  ! ikev2d_log_has "$INTEROP_IKEV2D_GW" 0 "CHILD_SA" "installed" >/dev/null ||
    lab_fail "ikev2d installed a CHILD_SA: $(ikev2d_log_has "$INTEROP_IKEV2D_GW" 0 "CHILD_SA" "installed")"
  # A responder installs its CHILD_SA as it answers IKE_AUTH: charon does so
  # before ikev2d, as initiator, refuses its identity (and then deletes it).
  if [ "$name/$ROLE" != wrong-id/initiator ]; then
    b=$(grep -m1 -E 'CHILD_SA .* established' "$(charon_dir "$INTEROP_CHARON_GW")/charon.log") &&
      lab_fail "charon established a CHILD_SA: $b"
  fi
  if [ "$kind" = child ]; then
    lab_wait_for 10 neg_no_child_left ||
      lab_fail "a CHILD_SA is listed, or not one established IKE_SA at most: ikev2d $(tr '\n' ';' <"$LAB_OUT/sas-$INTEROP_IKEV2D_GW.txt") charon $(tr '\n' ';' <"$LAB_OUT/sas-$INTEROP_CHARON_GW.txt")"
    lab_log "no CHILD_SA on either side; IKE_SAs: ikev2d $(grep -c '^ike ' "$LAB_OUT/sas-$INTEROP_IKEV2D_GW.txt"), charon $(grep -c '^ike ' "$LAB_OUT/sas-$INTEROP_CHARON_GW.txt")"
    ikev2d_nothing_of_ours "$INTEROP_IKEV2D_GW" || lab_fail "ikev2d holds kernel state:
$(ikev2d_ours_left "$INTEROP_IKEV2D_GW")"
    ! charon_state_left "$INTEROP_CHARON_GW" || lab_fail "charon holds kernel state"
  fi
  # A refused CHILD_SA may leave the IKE_SA up: ikev2d deletes it.
  if [ "$kind" = child ] && grep -q '^ike ' "$LAB_OUT/sas-$INTEROP_IKEV2D_GW.txt"; then
    interop_terminate_by ikev2d
  else
    interop_wait_clean
  fi
  interop_stop
}

# interop_negative [NAME...]: every case (or those named; INTEROP_CASES in
# the environment also names them) in both roles, one results table.
interop_negative() {
  local spec name xfail what notify kind num=0
  interop_pick INTEROP_NEGATIVE "$@"
  interop_topology s2s
  trap - EXIT
  : >"$LAB_OUT/results.rows"
  for ROLE in initiator responder; do
    for spec in "${INTEROP_PICKED[@]}"; do
      IFS='|' read -r name xfail what notify kind <<<"$spec"
      num=$((num + 1))
      lab_step "case $num/$((2 * ${#INTEROP_PICKED[@]})): $name, ikev2d is the $ROLE: $what"
      interop_case "$num" "$name" "$xfail" "$ROLE | $what | $notify" neg_body "$name" "$notify" "$kind"
      interop_count $?
    done
  done
  interop_versions
  interop_results charon_negative \
    "$INTEROP_IKEV2D_VERSION against charon ($INTEROP_CHARON_VERSION), each case with ikev2d as initiator and as responder" \
    "| # | case | ikev2d is | what is wrong | notify | ikev2d logged | charon logged | result | s |"
}
