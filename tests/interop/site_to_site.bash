# shellcheck shell=bash
# site_to_site.bash: the site-to-site interop matrix against strongSwan's
# charon, shared by charon_s2s_initiator.sh (ikev2d initiates) and
# charon_s2s_responder.sh (charon initiates). Source it after lib.sh,
# ikev2d.sh, charon.sh and interop.bash (the shared checks and the results
# table); then call interop_s2s_matrix ROLE.
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
#   3. both daemons report the same IKE SPIs, mirrored CHILD_SA SPIs, the
#      same algorithms, mode and (mirrored) traffic selectors (ikev2ctl
#      list-sas --json against swanctl --list-sas), and those are the ones
#      the case expects;
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
  "chacha20-x448|chacha20poly1305-prfsha512-x448|chacha20poly1305|no|chacha20poly1305-prfsha512-curve448|chacha20poly1305-noesn|-|-"
  "gcm256-ecp256|aes256gcm16-prfsha256-ecp256|aes256gcm16|no|aes256gcm16-prfsha256-ecp256|aes256gcm16-noesn|-|-"
)

# interop_case_body NAME IKE ESP PFS EXPECT_IKE EXPECT_NET [EXPECT_NET6]: one
# case, from starting the daemons to stopping them; fails (exits) on the first
# broken promise. Runs in a subshell (interop_case).
interop_case_body() {
  local ike=$2 esp=$3 pfs=$4 n=1 children=("net|10.1.0.0/24|10.2.0.0/24|$3|tunnel")
  [ "$pfs" = yes ] && n=2 children+=("net6|fd01::/64|fd02::/64|$3|tunnel")
  interop_configure ike="$ike" "${children[@]}"
  interop_start
  if [ "$ROLE" = responder ]; then
    charon_initiate gw-b net "$INTEROP_CONN" "$INTEROP_TIMEOUT"
    [ "$pfs" = yes ] && charon_initiate gw-b net6 "$INTEROP_CONN" "$INTEROP_TIMEOUT"
  fi
  interop_wait_up $n

  lab_assert_ping lan-a 10.2.0.10 "$INTEROP_PINGS"
  lab_assert_ping lan-b 10.1.0.10 "$INTEROP_PINGS"
  if [ "$pfs" = yes ]; then
    lab_assert_ping lan-a fd02::10 "$INTEROP_PINGS"
    lab_assert_ping lan-b fd01::10 "$INTEROP_PINGS"
  fi
  interop_load_both
  interop_negotiated net $([ "$pfs" = yes ] && echo net6)
  interop_compare_ike "$5"
  interop_compare_child net "$6" tunnel 10.1.0.0/24 10.2.0.0/24 $((2 * INTEROP_PINGS))
  [ "$pfs" = yes ] && interop_compare_child net6 "$7" tunnel fd01::/64 fd02::/64 $((2 * INTEROP_PINGS))

  if [ "$ROLE" = initiator ]; then interop_terminate_by ikev2d; else interop_terminate_by charon; fi
  interop_stop
}

# interop_s2s_case NUM SPEC: case NUM of the matrix (a line of
# INTEROP_S2S_CASES) through interop_case.
interop_s2s_case() {
  local num=$1 name ike esp pfs e_ike e_net e_net6 xfail cells
  IFS='|' read -r name ike esp pfs e_ike e_net e_net6 xfail <<<"$2"
  lab_step "case $num/$INTEROP_NCASES: $name (ikev2d is the $ROLE): IKE $ike, ESP $esp$([ "$pfs" = yes ] && echo ", PFS by CREATE_CHILD_SA")"
  # shellcheck disable=SC2016 # markdown backquotes
  printf -v cells '`%s` | `%s`%s' "$ike" "$esp" "$([ "$pfs" = yes ] && echo " ×2 (2nd by CREATE_CHILD_SA)")"
  if [ "$pfs" = yes ]; then
    interop_case "$num" "$name" "$xfail" "$cells" interop_case_body "$name" "$ike" "$esp" "$pfs" "$e_ike" "$e_net" "$e_net6"
  else
    interop_case "$num" "$name" "$xfail" "$cells" interop_case_body "$name" "$ike" "$esp" "$pfs" "$e_ike" "$e_net"
  fi
}

# interop_s2s_matrix ROLE [CASE_NAME...]: run the matrix with ikev2d as ROLE
# (initiator or responder); with names, only those cases (INTEROP_CASES, a
# space-separated list of names, does the same from the environment).
interop_s2s_matrix() {
  ROLE=$1
  shift
  local spec num=0 peer=initiator
  [ "$ROLE" = initiator ] || [ "$ROLE" = responder ] || lab_fail "interop_s2s_matrix: role '$ROLE'"
  [ "$ROLE" = initiator ] && peer=responder
  interop_pick INTEROP_S2S_CASES "$@"
  INTEROP_NCASES=${#INTEROP_PICKED[@]}
  interop_topology s2s

  # Each failing case prints its own logs (interop_case_end); the EXIT trap of
  # charon_check_tools would print the last case's again.
  trap - EXIT
  : >"$LAB_OUT/results.rows"
  for spec in "${INTEROP_PICKED[@]}"; do
    num=$((num + 1))
    interop_s2s_case "$num" "$spec"
    interop_count $?
  done

  interop_versions
  interop_results "charon_s2s_$ROLE" \
    "$INTEROP_IKEV2D_VERSION is the **$ROLE**, charon ($INTEROP_CHARON_VERSION) the $peer" \
    "| # | case | IKE proposal | ESP proposal | IKE negotiated | ESP negotiated | result | s |"
}
