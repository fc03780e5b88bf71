# shellcheck shell=bash
# site_to_site.bash: the site-to-site interop matrix against strongSwan's
# charon, shared by charon_s2s_initiator.sh (ikev2d initiates) and
# charon_s2s_responder.sh (charon initiates). Source it after lib.sh,
# ikev2d.sh and charon.sh; then call interop_s2s_matrix ROLE.
#
# Topology lab_site_to_site: lan-a -- gw-a == gw-b -- lan-b. ikev2d runs in
# gw-a, charon in gw-b, both with PSK auth and FQDN ids, a tunnel-mode CHILD_SA
# "net" between 10.1.0.0/24 and 10.2.0.0/24 and, in the PFS cases, a second
# CHILD_SA "net6" between fd01::/64 and fd02::/64 (IPv6 inside IPv4), which
# comes up by CREATE_CHILD_SA with a key exchange (the first CHILD_SA rides in
# IKE_AUTH, which has none). The gateways drop forwarded cleartext, so LAN
# traffic crosses only inside ESP.
#
# Each case starts both daemons afresh, so one guest boot runs the whole
# list; a case passes only if:
#   1. both daemons report one established IKE_SA with every CHILD_SA;
#   2. LAN pings cross both ways through every CHILD_SA;
#   3. both daemons report the same IKE SPIs, mirrored CHILD_SA SPIs and the
#      same algorithms (ikev2ctl list-sas --json against swanctl --list-sas),
#      and those are the ones the case expects;
#   4. the kernel counted the pings on each SA, on both gateways;
#   5. the initiator's terminate removes every SA on both ends;
#   6. both daemons exit 0 on SIGTERM and leave nothing in the kernel.
# A failing case does not stop the others: its reason goes into the results
# table, its logs are printed and kept, both daemons are killed and the
# gateways' XFRM tables flushed. The script fails if any case failed
# (unexpectedly: a case may carry an expected-failure note, see
# INTEROP_S2S_CASES).
#
# The results table (markdown) is printed between "<!-- interop-results"
# and "<!-- end interop-results -->" lines and kept in $LAB_OUT/results.md;
# tests/interop/report collects it into docs/interop.md.

INTEROP_CONN="a-to-b"
INTEROP_PINGS=3
INTEROP_TIMEOUT=20

# The matrix, one case a line:
#   NAME|IKE proposal|ESP proposal|PFS (yes: second CHILD_SA by CREATE_CHILD_SA)|
#   expected IKE algorithms|expected ESP algorithms of net|of net6 (or -)|
#   expected failure (- or why the case is known to fail and whose fix it
#   needs; it still runs, see docs/interop.md)
# Expected algorithms are in ikev2d's keyword form, as both daemons' lists are
# compared: encryption-integrity-prf-group[-esn|-noesn].
INTEROP_S2S_CASES=(
  "gcm128-x25519|aes128gcm16-prfsha256-x25519|aes128gcm16|no|aes128gcm16-prfsha256-curve25519|aes128gcm16-noesn|-|-"
  "gcm256-ecp384-esn|aes256gcm16-prfsha384-ecp384|aes256gcm16-esn|no|aes256gcm16-prfsha384-ecp384|aes256gcm16-esn|-|-"
  "chacha20poly1305|aes128gcm16-prfsha256-x25519|chacha20poly1305|no|aes128gcm16-prfsha256-curve25519|chacha20poly1305-noesn|-|-"
  "cbc-sha256-modp2048|aes256-sha256-modp2048|aes256-sha256|no|aes256-sha256-prfsha256-modp2048|aes256-sha256-noesn|-|-"
  "cbc-sha1-modp2048|aes128-sha1-modp2048|aes128-sha1|no|aes128-sha1-prfsha1-modp2048|aes128-sha1-noesn|-|-"
  "pfs-x25519|aes256gcm16-prfsha384-ecp384|aes256gcm16-x25519|yes|aes256gcm16-prfsha384-ecp384|aes256gcm16-noesn|aes256gcm16-curve25519-noesn|-"
  "pfs-modp2048|aes256-sha256-modp2048|aes128gcm16-modp2048|yes|aes256-sha256-prfsha256-modp2048|aes128gcm16-noesn|aes128gcm16-modp2048-noesn|-"
)

# lab_fail, as lib.sh's, but the first line of the reason is also kept in
# $CASE_DIR/reason for the results table.
lab_fail() {
  echo "FAIL: $*" >&2
  [ -n "${CASE_DIR:-}" ] && printf '%s\n' "${1%%$'\n'*}" >"$CASE_DIR/reason"
  exit 1
}

# ---- what each daemon reports, in one line format ------------------------------
# Both interop_ikev2d_sas and charon_list_sas print:
#   ike NAME ID STATE INITIATOR SPI_I SPI_R PROPOSAL
#   child IKE_NAME NAME ID STATE MODE SPI_IN SPI_OUT PROPOSAL

# interop_ikev2d_sas GW: ikev2ctl --json list-sas of GW in that form (the JSON
# is kept in $LAB_OUT/sas-GW.json). ikev2d names a CHILD_SA "CONN/CHILD";
# the CONN/ is dropped. It lists only installed CHILD_SAs and reports no
# state for them: the state column says "installed".
interop_ikev2d_sas() {
  ikev2d_ctl "$1" --json list-sas >"$LAB_OUT/sas-$1.json" 2>&1 || return 1
  # shellcheck disable=SC2016 # jq's own $conn
  "$JQ" -r '.sas[] |
    "ike \(.conn) \(.id) \(.state) \(if .initiator then "yes" else "no" end) \(.spi_i) \(.spi_r) \(.proposal)",
    (.conn as $conn | .children[] |
      "child \($conn) \(.name | ltrimstr($conn + "/")) \(.id) installed \(.mode) \(.spi_in) \(.spi_out) \(.proposal)")' "$LAB_OUT/sas-$1.json"
}

# interop_up FILE STATE CHILD_STATE N: FILE (lines as above) holds exactly one
# IKE_SA, of INTEROP_CONN, in STATE, with exactly N CHILD_SAs, all in CHILD_STATE.
interop_up() {
  local f n_ike=0 n_child=0
  while read -ra f; do
    case ${f[0]} in
      ike) n_ike=$((n_ike + 1)); [ "${f[1]}" = "$INTEROP_CONN" ] && [ "${f[3]}" = "$2" ] || return 1 ;;
      child) n_child=$((n_child + 1)); [ "${f[1]}" = "$INTEROP_CONN" ] && [ "${f[4]}" = "$3" ] || return 1 ;;
      *) return 1 ;;
    esac
  done <"$1"
  ((n_ike == 1 && n_child == $4))
}

# interop_ikev2d_up GW N / interop_charon_up GW N: the daemon in GW reports its
# IKE_SA established with N CHILD_SAs (lines kept in $LAB_OUT/sas-GW.txt).
interop_ikev2d_up() { interop_ikev2d_sas "$1" >"$LAB_OUT/sas-$1.txt" 2>&1 && interop_up "$LAB_OUT/sas-$1.txt" established installed "$2"; }
interop_charon_up() { charon_list_sas "$1" >"$LAB_OUT/sas-$1.txt" 2>&1 && interop_up "$LAB_OUT/sas-$1.txt" ESTABLISHED INSTALLED "$2"; }

# interop_charon_clean GW: GW's charon lists no IKE_SA and holds no SA or
# policy of its own in the kernel.
interop_charon_clean() {
  charon_list_sas "$1" >"$LAB_OUT/sas-$1.txt" 2>&1 && [ ! -s "$LAB_OUT/sas-$1.txt" ] && ! charon_state_left "$1" >/dev/null
}

# interop_load FILE ARRAY: fill the associative ARRAY from FILE (lines as
# above): ARRAY[ike.N] is field N (1-based) of the ike line, ARRAY[CHILD.N]
# that of CHILD's line. (No $(...) per field: each fork costs in UML.)
# shellcheck disable=SC2034 # arr is a nameref: the caller's array is filled
interop_load() {
  local -n arr=$2
  local f i key
  arr=()
  while read -ra f; do
    case ${f[0]} in ike) key=ike ;; child) key=${f[2]} ;; *) continue ;; esac
    for i in "${!f[@]}"; do arr[$key.$((i + 1))]=${f[$i]}; done
  done <"$1"
}
declare -A INTEROP_A INTEROP_B

# ---- one case ------------------------------------------------------------------------

# interop_write_configs PFS IKE ESP: ikev2d's config in gw-a, charon's in gw-b.
interop_write_configs() {
  local pfs=$1 ike=$2 esp=$3 remote_addrs="" start=none
  if [ "$ROLE" = initiator ]; then
    remote_addrs="    remote_addrs: [192.0.2.2]"
    start=start
  fi
  mkdir -p "$LAB_OUT/gw-a" || lab_fail "cannot make $LAB_OUT/gw-a"
  {
    ikev2d_daemon_yaml gw-a
    cat <<EOF
connections:
  $INTEROP_CONN:
    local_addrs: [192.0.2.1]
$remote_addrs
    proposals: [$ike]
    local: {auth: psk, id: gw-a.test}
    remote: {auth: psk, id: gw-b.test}
    children:
      net:
        local_ts: [10.1.0.0/24]
        remote_ts: [10.2.0.0/24]
        esp_proposals: [$esp]
        mode: tunnel
        start_action: $start
EOF
    [ "$pfs" = yes ] && cat <<EOF
      net6:
        local_ts: [fd01::/64]
        remote_ts: [fd02::/64]
        esp_proposals: [$esp]
        mode: tunnel
        start_action: $start
EOF
  } >"$LAB_OUT/gw-a/ikev2d.yaml"
  local net6=()
  [ "$pfs" = yes ] && net6=(child=net6 local_ts=fd02::/64 remote_ts=fd01::/64 "esp_proposals=$esp" mode=tunnel)
  charon_write_config gw-b conn="$INTEROP_CONN" local_addrs=192.0.2.2 remote_addrs=192.0.2.1 \
    local_id=gw-b.test remote_id=gw-a.test proposals="$ike" psk="$IKEV2D_PSK" \
    child=net local_ts=10.2.0.0/24 remote_ts=10.1.0.0/24 esp_proposals="$esp" mode=tunnel \
    "${net6[@]}"
}

# interop_negotiated EXPECT_IKE EXPECT_NET [EXPECT_NET6]: write what the two
# daemons negotiated (from INTEROP_A and INTEROP_B) to $CASE_DIR/negotiated
# for the results table, as "IKE|ESP": one value where both agree, else both.
interop_negotiated() {
  local ike esp="" child x y
  both() { if [ "$1" = "$2" ]; then echo "$1"; else echo "ikev2d ${1:-none}, charon ${2:-none}"; fi; }
  ike=$(both "${INTEROP_A[ike.8]:-}" "${INTEROP_B[ike.8]:-}")
  for child in net net6; do
    (($# > 1)) || break
    shift
    x=${INTEROP_A[$child.9]:-} y=${INTEROP_B[$child.9]:-}
    esp+="${esp:+; }$(both "$x" "$y")"
  done
  unset -f both
  printf '%s|%s\n' "$ike" "$esp" >"$CASE_DIR/negotiated"
}

# interop_compare EXPECT_IKE EXPECT_NET [EXPECT_NET6]: both daemons' reports
# ($LAB_OUT/sas-gw-a.txt, ikev2d; sas-gw-b.txt, charon) agree (SPIs,
# algorithms, roles, mode) and match what is expected; the kernel counted
# >= 2 x INTEROP_PINGS packets on each SA of both gateways.
interop_compare() {
  local v x y child expect in_a out_a in_b out_b want_init_a=yes want_init_b=no
  [ "$ROLE" = responder ] && want_init_a=no want_init_b=yes
  interop_load "$LAB_OUT/sas-gw-a.txt" INTEROP_A
  interop_load "$LAB_OUT/sas-gw-b.txt" INTEROP_B
  interop_negotiated "$@"
  # IKE_SA: same SPIs, opposite roles, same (expected) algorithms.
  for v in 6 7; do
    x=${INTEROP_A[ike.$v]:-} y=${INTEROP_B[ike.$v]:-}
    [[ $x =~ ^[0-9a-f]{16}$ && $x == "$y" ]] || lab_fail "IKE SPI $((v - 5)) differs: ikev2d '$x', charon '$y'"
  done
  x=${INTEROP_A[ike.5]:-} y=${INTEROP_B[ike.5]:-}
  [[ $x == "$want_init_a" && $y == "$want_init_b" ]] ||
    lab_fail "initiator flags: ikev2d '$x' (want $want_init_a), charon '$y' (want $want_init_b)"
  x=${INTEROP_A[ike.8]:-} y=${INTEROP_B[ike.8]:-}
  [ "$x" = "$y" ] || lab_fail "IKE algorithms differ: ikev2d '$x', charon '$y'"
  [ "$x" = "$1" ] || lab_fail "IKE algorithms '$x', expected '$1'"
  lab_log "IKE_SA: SPIs ${INTEROP_A[ike.6]}_i ${INTEROP_A[ike.7]}_r and $x on both sides"
  shift
  for child in net net6; do
    (($#)) || break
    expect=$1
    shift
    in_a=${INTEROP_A[$child.7]:-} out_a=${INTEROP_A[$child.8]:-}
    in_b=${INTEROP_B[$child.7]:-} out_b=${INTEROP_B[$child.8]:-}
    for v in in_a out_a in_b out_b; do
      [[ ${!v} =~ ^[0-9a-f]{8}$ ]] || lab_fail "$child: $v is not a hex SPI: '${!v}'"
    done
    [ "$in_a" = "$out_b" ] || lab_fail "$child: ikev2d's inbound SPI $in_a is not charon's outbound SPI $out_b"
    [ "$out_a" = "$in_b" ] || lab_fail "$child: ikev2d's outbound SPI $out_a is not charon's inbound SPI $in_b"
    x=${INTEROP_A[$child.9]:-} y=${INTEROP_B[$child.9]:-}
    [ "$x" = "$y" ] || lab_fail "$child: ESP algorithms differ: ikev2d '$x', charon '$y'"
    [ "$x" = "$expect" ] || lab_fail "$child: ESP algorithms '$x', expected '$expect'"
    x=${INTEROP_A[$child.6]:-} y=${INTEROP_B[$child.6]:-}
    [[ $x == tunnel && $y == tunnel ]] || lab_fail "$child: modes ikev2d '$x', charon '$y', expected tunnel"
    lab_log "$child: SPIs mirrored (ikev2d in $in_a out $out_a), $expect on both sides"
    lab_assert_xfrm_packets gw-a $((2 * INTEROP_PINGS)) "0x$in_a" "0x$out_a"
    lab_assert_xfrm_packets gw-b $((2 * INTEROP_PINGS)) "0x$in_b" "0x$out_b"
  done
}

# interop_case_body NAME IKE ESP PFS EXPECT_IKE EXPECT_NET EXPECT_NET6: one
# case, from starting the daemons to stopping them; fails (exits) on the first
# broken promise. Runs in a subshell (interop_case).
interop_case_body() {
  local ike=$2 esp=$3 pfs=$4 n=1
  [ "$pfs" = yes ] && n=2
  interop_write_configs "$pfs" "$ike" "$esp"
  charon_start gw-b
  charon_load gw-b
  ikev2d_start gw-a
  if [ "$ROLE" = responder ]; then
    charon_initiate gw-b net "$INTEROP_CONN" "$INTEROP_TIMEOUT"
    [ "$pfs" = yes ] && charon_initiate gw-b net6 "$INTEROP_CONN" "$INTEROP_TIMEOUT"
  fi
  lab_wait_for "$INTEROP_TIMEOUT" interop_ikev2d_up gw-a $n ||
    lab_fail "ikev2d: no established IKE_SA with $n CHILD_SA(s) within $INTEROP_TIMEOUT s: $(tr '\n' ';' <"$LAB_OUT/sas-gw-a.txt")"
  lab_wait_for "$INTEROP_TIMEOUT" interop_charon_up gw-b $n ||
    lab_fail "charon: no established IKE_SA with $n CHILD_SA(s) within $INTEROP_TIMEOUT s: $(tr '\n' ';' <"$LAB_OUT/sas-gw-b.txt")"
  lab_log "established on both sides with $n CHILD_SA(s)"
  sed 's/^/  ikev2d: /' "$LAB_OUT/sas-gw-a.txt"
  sed 's/^/  charon: /' "$LAB_OUT/sas-gw-b.txt"

  lab_assert_ping lan-a 10.2.0.10 $INTEROP_PINGS
  lab_assert_ping lan-b 10.1.0.10 $INTEROP_PINGS
  if [ "$pfs" = yes ]; then
    lab_assert_ping lan-a fd02::10 $INTEROP_PINGS
    lab_assert_ping lan-b fd01::10 $INTEROP_PINGS
    interop_compare "$5" "$6" "$7"
  else
    interop_compare "$5" "$6"
  fi

  if [ "$ROLE" = initiator ]; then
    lab_run ikev2d_ctl gw-a terminate "$INTEROP_CONN"
  else
    charon_terminate gw-b "$INTEROP_CONN"
  fi
  ikev2d_wait_clean 10 gw-a
  lab_wait_for 10 interop_charon_clean gw-b ||
    lab_fail "charon still lists or holds SAs after terminate: $(tr '\n' ';' <"$LAB_OUT/sas-gw-b.txt")$(charon_state_left gw-b)"
  lab_log "terminated: nothing left on either side"
  ikev2d_sigterm gw-a
  charon_stop gw-b
}

# interop_case_end RC: the subshell's exit: keep the logs of the case; after a
# failure print them, kill what still runs and flush both gateways.
interop_case_end() {
  local rc=$1
  cp "$LAB_OUT/ikev2d-gw-a.log" "$LAB_OUT/gw-a/ikev2d.yaml" "$CASE_DIR/" 2>/dev/null
  cp "$(charon_dir gw-b)/charon.log" "$(charon_dir gw-b)/swanctl/swanctl.conf" "$CASE_DIR/" 2>/dev/null
  ((rc == 0)) && return 0
  [ -s "$CASE_DIR/reason" ] || echo "exit $rc" >"$CASE_DIR/reason"
  charon_dump_all
  lab_stop ikev2d-gw-a
  charon_kill gw-b
  ip -n gw-a xfrm state flush; ip -n gw-a xfrm policy flush
  ip -n gw-b xfrm state flush; ip -n gw-b xfrm policy flush
  echo "case logs kept in $CASE_DIR" >&2
}

# interop_case N SPEC: run case N in a subshell, then add its row to the
# results. Returns 0 for a pass, 2 for an expected failure, 1 otherwise.
interop_case() {
  local num=$1 name ike esp pfs e_ike e_net e_net6 xfail rc t0 result got_ike="" got_esp=""
  IFS='|' read -r name ike esp pfs e_ike e_net e_net6 xfail <<<"$2"
  CASE_DIR=$LAB_OUT/cases/$num-$name
  mkdir -p "$CASE_DIR" || lab_fail "cannot make $CASE_DIR"
  rm -f "$CASE_DIR/reason" "$CASE_DIR/negotiated"
  lab_step "case $num/$INTEROP_NCASES: $name (ikev2d is the $ROLE): IKE $ike, ESP $esp$([ "$pfs" = yes ] && echo ", PFS by CREATE_CHILD_SA")"
  t0=$SECONDS
  (
    trap 'interop_case_end $?' EXIT
    if [ "$pfs" = yes ]; then
      interop_case_body "$name" "$ike" "$esp" "$pfs" "$e_ike" "$e_net" "$e_net6"
    else
      interop_case_body "$name" "$ike" "$esp" "$pfs" "$e_ike" "$e_net"
    fi
  )
  rc=$?
  [ -r "$CASE_DIR/negotiated" ] && IFS='|' read -r got_ike got_esp <"$CASE_DIR/negotiated"
  if ((rc == 0)); then
    result="pass"
    [ "$xfail" = - ] || result="**unexpected pass** (expected to fail: $xfail)"
  elif [ "$xfail" != - ]; then
    result="expected failure: $(<"$CASE_DIR/reason") ($xfail)"
  else
    result="**FAIL**: $(<"$CASE_DIR/reason")"
  fi
  # shellcheck disable=SC2016 # markdown backquotes
  printf '| %s | %s | `%s` | `%s`%s | %s | %s | %s | %s |\n' "$num" "$name" "$ike" "$esp" \
    "$([ "$pfs" = yes ] && echo " ×2 (2nd by CREATE_CHILD_SA)")" \
    "${got_ike:+\`$got_ike\`}" "${got_esp:+\`$got_esp\`}" "${result//|/\\|}" "$((SECONDS - t0))" >>"$LAB_OUT/results.rows"
  lab_log "case $name: $result ($((SECONDS - t0)) s)"
  [ "$result" = pass ] && return 0
  [[ $result == "expected failure"* ]] && return 2
  return 1
}

# interop_s2s_matrix ROLE [CASE_NAME...]: run the matrix with ikev2d as ROLE
# (initiator or responder); with names, only those cases (INTEROP_CASES, a
# space-separated list of names, does the same from the environment).
interop_s2s_matrix() {
  ROLE=$1
  shift
  local only=("$@") spec num=0 failed=0 passed=0 xfailed=0 picked=() s v
  [ "$ROLE" = initiator ] || [ "$ROLE" = responder ] || lab_fail "interop_s2s_matrix: role '$ROLE'"
  ((${#only[@]})) || read -ra only <<<"${INTEROP_CASES:-}"
  for spec in "${INTEROP_S2S_CASES[@]}"; do
    if ((${#only[@]})); then
      for s in "${only[@]}"; do [ "$s" = "${spec%%|*}" ] && picked+=("$spec"); done
    else
      picked+=("$spec")
    fi
  done
  ((${#picked[@]})) || lab_fail "no case named ${only[*]}"
  INTEROP_NCASES=${#picked[@]}

  lab_step "setup: lan-a -- gw-a (ikev2d) == gw-b (charon) -- lan-b"
  lab_site_to_site
  # Neither daemon installs routes here (charon: install_routes = no): each
  # gateway gets one to the far LAN, and forwarded cleartext is dropped.
  lab_route gw-a 10.2.0.0/24 192.0.2.2
  lab_route gw-b 10.1.0.0/24 192.0.2.1
  lab_route gw-a fd02::/64 2001:db8::2
  lab_route gw-b fd01::/64 2001:db8::1
  ikev2d_drop_cleartext gw-a gw-b
  lab_assert_no_ping lan-a 10.2.0.10
  lab_assert_no_ping lan-a fd02::10

  # Each failing case prints its own logs (interop_case_end); the EXIT trap of
  # charon_check_tools would print the last case's again.
  trap - EXIT
  : >"$LAB_OUT/results.rows"
  for spec in "${picked[@]}"; do
    num=$((num + 1))
    interop_case "$num" "$spec"
    case $? in
      0) passed=$((passed + 1)) ;;
      2) xfailed=$((xfailed + 1)) ;;
      *) failed=$((failed + 1)) ;;
    esac
  done
  CASE_DIR=""

  v=$(dpkg-query -W -f='${Version}' strongswan-charon 2>/dev/null)
  {
    echo "<!-- interop-results charon_s2s_$ROLE -->"
    echo "$("$IKEV2D" --version 2>&1 | head -n 1) is the **$ROLE**, charon (strongSwan ${v:-?}) the" \
      "$([ "$ROLE" = initiator ] && echo responder || echo initiator), lab kernel $(uname -r) (UML);" \
      "run $(date -u '+%Y-%m-%d %H:%M UTC'); $passed of $num cases pass, $xfailed fail as expected, unexpected results: $failed."
    echo
    echo "| # | case | IKE proposal | ESP proposal | IKE negotiated | ESP negotiated | result | s |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
    cat "$LAB_OUT/results.rows"
    echo "<!-- end interop-results -->"
  } >"$LAB_OUT/results.md"
  echo
  cat "$LAB_OUT/results.md"
  ((failed == 0)) || lab_fail "$failed of $num interop cases had unexpected results (ikev2d as $ROLE); see the table above"
  lab_step "PASS: $passed of $num interop cases with charon pass, $xfailed fail as expected (ikev2d as $ROLE)"
}
