# shellcheck shell=bash
# libreswan_s2s.bash: the site-to-site interop matrix against libreswan's
# pluto, shared by libreswan_s2s_initiator.sh (ikev2d initiates) and
# libreswan_s2s_responder.sh (pluto initiates). Source it after lib.sh,
# ikev2d.sh, libreswan.sh and interop.bash, whose peer-neutral parts it uses
# (interop_case runs each case and writes its row, interop_compare_ike and
# interop_compare_child judge the two daemons' reports, interop_results
# prints the table); then call libreswan_s2s_matrix ROLE. interop.bash's
# "charon" gateway, INTEROP_CHARON_GW (gw-b), is pluto's here.
#
# Topology lab_site_to_site: lan-a -- gw-a == gw-b -- lan-b. ikev2d runs in
# gw-a, pluto in gw-b, both with PSK auth and FQDN ids and a tunnel-mode
# CHILD_SA between 10.1.0.0/24 and 10.2.0.0/24 (ikev2d's child "net"; pluto's
# connection a-to-b, with leftsourceip so that its _updown routes 10.1.0.0/24;
# gw-a gets its route from the test, ikev2d installs none). The gateways drop
# forwarded cleartext, so LAN traffic crosses only inside ESP.
#
# Each case starts both daemons afresh; a matrix case passes only if:
#   1. ikev2d (ikev2ctl --json list-sas) and pluto (libreswan_list_sas:
#      whack --showstates with what pluto logged for those states, as
#      pluto's status output names neither the IKE SPIs nor, on the
#      responder, the algorithms) each report one established IKE_SA with
#      its CHILD_SA;
#   2. LAN pings cross both ways;
#   3. both report the same IKE SPIs, NAT findings, mirrored CHILD_SA SPIs and
#      traffic selectors, tunnel mode, no UDP encapsulation and the same
#      algorithms, those the case expects;
#   4. the kernel counted the pings on both SAs, on both gateways;
#   5. the initiator's terminate removes every SA on both ends;
#   6. ikev2d exits 0 on SIGTERM, pluto on whack --shutdown, and neither leaves
#      SAs, policies or (pluto's _updown) routes behind.
# The wrong-psk case gives ikev2d another PSK: IKE_AUTH must fail with
# AUTHENTICATION_FAILED, logged by both daemons; neither may keep an IKE_SA
# or install anything, and no LAN ping may cross.
#
# Not here yet: the issue's CHILD_SA rekey in each direction, which needs
# rekeying in ikev2d (issue 6).

LIBRESWAN_OTHER_PSK="0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

# The matrix, one case a line:
#   NAME|IKE proposal|ESP proposal|expected IKE algorithms|expected ESP
#   algorithms|expected failure (- or why the case is known to fail and whose
#   fix it needs; it still runs)
# Proposals are in ikev2d's keywords; pluto gets LIBRESWAN_SPELLING's. Two IKE
# and two ESP proposals (libreswan has no Curve448), every pairing; the case
# named wrong-psk is the failure case.
# shellcheck disable=SC2034 # read by interop_pick (a nameref)
LIBRESWAN_S2S_CASES=(
  "gcm256-ecp384+gcm128|aes256gcm16-prfsha384-ecp384|aes128gcm16|aes256gcm16-prfsha384-ecp384|aes128gcm16-noesn|-"
  "gcm256-ecp384+cbc256|aes256gcm16-prfsha384-ecp384|aes256-sha256|aes256gcm16-prfsha384-ecp384|aes256-sha256-noesn|-"
  "cbc128-modp2048+gcm128|aes128-sha256-modp2048|aes128gcm16|aes128-sha256-prfsha256-modp2048|aes128gcm16-noesn|-"
  "cbc128-modp2048+cbc256|aes128-sha256-modp2048|aes256-sha256|aes128-sha256-prfsha256-modp2048|aes256-sha256-noesn|-"
  "wrong-psk|aes256gcm16-prfsha384-ecp384|aes128gcm16|-|-|-"
)

# pluto's spelling of each proposal above (checked with pluto 4.10's
# algparse): for IKE ENCR-HASH-DH, where HASH is the PRF (and, without
# AEAD, the integrity algorithm too); for ESP ENCR-INTEG.
declare -A LIBRESWAN_SPELLING=(
  [aes256gcm16-prfsha384-ecp384]=aes_gcm256-sha2_384-dh20
  [aes128-sha256-modp2048]=aes128-sha2_256-modp2048
  [aes128gcm16]=aes_gcm128-null
  [aes256-sha256]=aes256-sha2_256
)

# libreswan_s2s_configs IKE ESP START PSK: ikev2d's config in gw-a (child
# net with START as start_action; PSK its secret), pluto's in gw-b.
libreswan_s2s_configs() {
  local ike=$1 esp=$2 remote=-
  [ "$ROLE" = initiator ] && remote=192.0.2.2
  if [ -z "${LIBRESWAN_SPELLING[$ike]:-}" ] || [ -z "${LIBRESWAN_SPELLING[$esp]:-}" ]; then
    lab_fail "no pluto spelling for $ike or $esp in LIBRESWAN_SPELLING"
  fi
  {
    ikev2d_daemon_yaml gw-a '"0.0.0.0"' "$4"
    ikev2d_conn_yaml "$INTEROP_CONN" 192.0.2.1 "$remote" gw-a.test gw-b.test "$ike"
    ikev2d_child_yaml net 10.1.0.0/24 10.2.0.0/24 "$3" "$esp"
  } >"$(ikev2d_config_file gw-a)"
  libreswan_write_config gw-b conn="$INTEROP_CONN" left=192.0.2.2 right=192.0.2.1 \
    leftid=gw-b.test rightid=gw-a.test leftsubnet=10.2.0.0/24 rightsubnet=10.1.0.0/24 \
    leftsourceip=10.2.0.1 ike="${LIBRESWAN_SPELLING[$ike]}" esp="${LIBRESWAN_SPELLING[$esp]}" \
    psk="$IKEV2D_PSK"
}

# libreswan_s2s_up GW N: GW's pluto reports its IKE_SA established with N
# CHILD_SAs (lines kept in $LAB_OUT/sas-GW.txt, the child named "net").
libreswan_s2s_up() {
  libreswan_list_sas "$1" net >"$LAB_OUT/sas-$1.txt" 2>&1 &&
    interop_up "$LAB_OUT/sas-$1.txt" STATE_V2_ESTABLISHED_IKE_SA STATE_V2_ESTABLISHED_CHILD_SA "$2"
}

# libreswan_s2s_clean GW: GW's pluto lists no state and holds no tunnel SA
# or policy in the kernel.
libreswan_s2s_clean() {
  libreswan_list_sas "$1" >"$LAB_OUT/sas-$1.txt" 2>&1 && [ ! -s "$LAB_OUT/sas-$1.txt" ] &&
    ! libreswan_state_left "$1" >/dev/null
}

# libreswan_s2s_wait_clean: within 10 s neither daemon lists an SA nor holds
# one in the kernel.
libreswan_s2s_wait_clean() {
  ikev2d_wait_clean 10 gw-a
  lab_wait_for 10 libreswan_s2s_clean gw-b ||
    lab_fail "pluto still lists or holds SAs: $(tr '\n' ';' <"$LAB_OUT/sas-gw-b.txt")$(libreswan_state_left gw-b)"
}

# libreswan_s2s_wait_up: both daemons report the IKE_SA established with
# its CHILD_SA within INTEROP_TIMEOUT; their lines are printed.
libreswan_s2s_wait_up() {
  lab_wait_for "$INTEROP_TIMEOUT" interop_ikev2d_up 1 ||
    lab_fail "ikev2d: no established IKE_SA with its CHILD_SA within $INTEROP_TIMEOUT s: $(tr '\n' ';' <"$LAB_OUT/sas-gw-a.txt")"
  lab_wait_for "$INTEROP_TIMEOUT" libreswan_s2s_up gw-b 1 ||
    lab_fail "pluto: no established IKE_SA with its CHILD_SA within $INTEROP_TIMEOUT s: $(tr '\n' ';' <"$LAB_OUT/sas-gw-b.txt")"
  lab_log "established on both sides"
  sed 's/^/  ikev2d: /' "$LAB_OUT/sas-gw-a.txt"
  sed 's/^/  pluto:  /' "$LAB_OUT/sas-gw-b.txt"
}

# libreswan_s2s_tunnel IKE ESP EXPECT_IKE EXPECT_ESP: one matrix case, from
# starting the daemons to stopping them (in interop_case's subshell); fails
# (exits) on the first broken promise.
libreswan_s2s_tunnel() {
  local start=none
  [ "$ROLE" = initiator ] && start=start
  libreswan_s2s_configs "$1" "$2" "$start" "$IKEV2D_PSK"
  libreswan_start gw-b
  ikev2d_start gw-a
  [ "$ROLE" = responder ] && libreswan_initiate gw-b "$INTEROP_CONN" "$INTEROP_TIMEOUT"
  libreswan_s2s_wait_up

  lab_assert_ping lan-a 10.2.0.10 "$INTEROP_PINGS"
  lab_assert_ping lan-b 10.1.0.10 "$INTEROP_PINGS"
  interop_load_both
  interop_negotiated net
  interop_compare_ike "$3"
  interop_compare_child net "$4" tunnel 10.1.0.0/24 10.2.0.0/24 $((2 * INTEROP_PINGS))
  [ "${INTEROP_A[net.10]}" = no ] || lab_fail "net: UDP encapsulation without a NAT"

  if [ "$ROLE" = initiator ]; then
    lab_run ikev2d_ctl gw-a terminate "$INTEROP_CONN"
  else
    libreswan_terminate gw-b "$INTEROP_CONN"
  fi
  libreswan_s2s_wait_clean
  lab_log "terminated: nothing left on either side"
  ikev2d_sigterm gw-a
  libreswan_stop gw-b
}

# libreswan_s2s_wrong_psk IKE ESP: ikev2d holds another PSK than pluto; the
# initiator's IKE_AUTH fails with AUTHENTICATION_FAILED on both ends, and
# nothing stays or is installed.
libreswan_s2s_wrong_psk() {
  local out rc line tries quiet
  libreswan_s2s_configs "$1" "$2" none "$LIBRESWAN_OTHER_PSK"
  libreswan_start gw-b
  ikev2d_start gw-a
  if [ "$ROLE" = initiator ]; then
    out=$(ikev2d_ctl gw-a initiate "$INTEROP_CONN" --timeout "$INTEROP_TIMEOUT" 2>&1)
    rc=$?
    if ((rc != 1)) || [[ $out != *AUTHENTICATION_FAILED* ]]; then
      lab_fail "ikev2ctl initiate exited $rc, expected 1 with AUTHENTICATION_FAILED: $out"
    fi
    lab_log "ikev2ctl initiate: exit 1, '$out'"
    line=$(ikev2d_log_has gw-a 0 AUTHENTICATION_FAILED "peer rejected our authentication") ||
      lab_fail "ikev2d's log does not say that pluto answered AUTHENTICATION_FAILED"
    lab_log "ikev2d logged: $line"
    line=$(libreswan_log_has gw-b "authentication failed" "'@gw-a.test'") ||
      lab_fail "pluto's log does not say that ikev2d's AUTH did not verify"
    lab_log "pluto logged: $line"
    line=$(libreswan_log_has gw-b "IKE_AUTH" "notification AUTHENTICATION_FAILED") ||
      lab_fail "pluto's log does not say that it answered AUTHENTICATION_FAILED"
    lab_log "pluto logged: $line"
  else
    out=$(libreswan_whack_for "$INTEROP_TIMEOUT" gw-b --name "$INTEROP_CONN" --initiate 2>&1)
    rc=$?
    if ((rc == 0)) || [[ $out != *AUTHENTICATION_FAILED* ]]; then
      lab_fail "whack --initiate exited $rc, expected a failure with AUTHENTICATION_FAILED: $out"
    fi
    lab_log "whack --initiate: exit $rc, '$(grep -m1 AUTHENTICATION_FAILED <<<"$out")'"
    line=$(ikev2d_log_has gw-a 0 AUTHENTICATION_FAILED "'gw-b.test'" "does not verify") ||
      lab_fail "ikev2d's log does not say that pluto's AUTH did not verify"
    lab_log "ikev2d logged: $line"
    # pluto 4.10 keeps a connection it was told to initiate "up": after the
    # failure it initiates again at once and then every few seconds
    # (keyingtries=1 notwithstanding); whack --terminate does not cancel a
    # revival already scheduled, so the connection is deleted.
    libreswan_delete_conn gw-b "$INTEROP_CONN"
  fi
  libreswan_s2s_wait_clean
  # Quiet for 6 s: longer than pluto's first scheduled revival (5 s).
  tries=$(libreswan_log_count gw-b "initiating IKEv2 connection") quiet=$((SECONDS + 6))
  lab_assert_no_ping lan-a 10.2.0.10
  ((SECONDS >= quiet)) || sleep $((quiet - SECONDS))
  [ "$(libreswan_log_count gw-b "initiating IKEv2 connection")" = "$tries" ] ||
    lab_fail "pluto initiated again after the failure was cleaned up"
  lab_log "no IKE_SA on either side, nothing installed"
  ikev2d_sigterm gw-a
  libreswan_stop gw-b
}

# interop_case_end RC: interop_case's exit hook, in place of interop.bash's
# (charon's): keep the logs of the case; after a failure print them, kill
# what still runs and clean both gateways.
interop_case_end() {
  local rc=$1 dir
  dir=$(libreswan_dir gw-b)
  cp "$LAB_OUT/ikev2d-gw-a.log" "$LAB_OUT/gw-a/ikev2d.yaml" "$CASE_DIR/" 2>/dev/null
  cp "$dir/pluto.log" "$dir/ipsec.conf" "$dir/showstates.raw" "$CASE_DIR/" 2>/dev/null
  ((rc == 0)) && return 0
  [ -s "$CASE_DIR/reason" ] || echo "exit $rc" >"$CASE_DIR/reason"
  libreswan_dump_all
  lab_stop ikev2d-gw-a
  libreswan_kill gw-b
  ip -n gw-a xfrm state flush; ip -n gw-a xfrm policy flush
  ip -n gw-b xfrm state flush; ip -n gw-b xfrm policy flush
  # pluto's _updown did not run: its route to gw-a's LAN may still be there.
  ip -n gw-b route del 10.1.0.0/24 2>/dev/null
  echo "case logs kept in $CASE_DIR" >&2
}

# libreswan_s2s_case NUM SPEC: case NUM of the matrix (a line of
# LIBRESWAN_S2S_CASES) through interop_case.
libreswan_s2s_case() {
  local num=$1 name ike esp e_ike e_esp xfail cells
  IFS='|' read -r name ike esp e_ike e_esp xfail <<<"$2"
  lab_step "case $num/$INTEROP_NCASES: $name (ikev2d is the $ROLE): IKE $ike, ESP $esp"
  # shellcheck disable=SC2016 # markdown backquotes
  printf -v cells '`%s` | `%s`' "$ike" "$esp"
  if [ "$name" = wrong-psk ]; then
    interop_case "$num" "$name" "$xfail" "$cells" libreswan_s2s_wrong_psk "$ike" "$esp"
  else
    interop_case "$num" "$name" "$xfail" "$cells" libreswan_s2s_tunnel "$ike" "$esp" "$e_ike" "$e_esp"
  fi
}

# libreswan_s2s_matrix ROLE [CASE_NAME...]: run the matrix with ikev2d as ROLE
# (initiator or responder); with names, only those cases (INTEROP_CASES, a
# space-separated list of names, does the same from the environment).
libreswan_s2s_matrix() {
  ROLE=$1
  shift
  local spec num=0 peer=initiator
  [ "$ROLE" = initiator ] || [ "$ROLE" = responder ] || lab_fail "libreswan_s2s_matrix: role '$ROLE'"
  [ "$ROLE" = initiator ] && peer=responder
  interop_pick LIBRESWAN_S2S_CASES "$@"
  INTEROP_NCASES=${#INTEROP_PICKED[@]}

  lab_step "setup: lan-a -- gw-a (ikev2d) == gw-b (pluto) -- lan-b"
  lab_site_to_site
  # ikev2d installs no routes: gw-a gets one; pluto's _updown adds gw-b's.
  lab_route gw-a 10.2.0.0/24 192.0.2.2
  ikev2d_drop_cleartext gw-a gw-b
  lab_assert_no_ping lan-a 10.2.0.10

  # Each failing case prints its own logs (interop_case_end); the EXIT trap of
  # libreswan_check_tools would print the last case's again.
  trap - EXIT
  : >"$LAB_OUT/results.rows"
  for spec in "${INTEROP_PICKED[@]}"; do
    num=$((num + 1))
    libreswan_s2s_case "$num" "$spec"
    interop_count $?
  done

  interop_versions
  interop_results "libreswan_s2s_$ROLE" \
    "$INTEROP_IKEV2D_VERSION is the **$ROLE**, pluto (libreswan $(libreswan_version), unpacked by scripts/setup) the $peer" \
    "| # | case | IKE proposal | ESP proposal | IKE negotiated | ESP negotiated | result | s |"
}
