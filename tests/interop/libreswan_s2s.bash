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
# The rekey-by-ikev2d and rekey-by-pluto cases bring the tunnel up as a
# matrix case does (1 and 3), then give one daemon short CHILD_SA lifetimes,
# so that it rekeys the CHILD_SA (RFC 7296 §1.3.3) at least twice under a
# continuous ping; see libreswan_s2s_rekey for what they assert.

# shellcheck disable=SC2034 # interop.bash's messages and results lines
INTEROP_PEER=pluto

LIBRESWAN_OTHER_PSK="0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

# The matrix, one case a line:
#   NAME|IKE proposal|ESP proposal|expected IKE algorithms|expected ESP
#   algorithms|expected failure (- or why the case is known to fail and whose
#   fix it needs; it still runs)
# Proposals are in ikev2d's keywords; pluto gets LIBRESWAN_SPELLING's. Two IKE
# and two ESP proposals (libreswan has no Curve448), every pairing; the case
# named wrong-psk is the failure case. The rekey-by-* cases rekey the
# CHILD_SA (libreswan_s2s_rekey) with PFS: pluto's default pfs=yes puts a
# group into every CREATE_CHILD_SA proposal, its own or the one it accepts
# (without a group on ikev2d's side, each rekey ends in NO_PROPOSAL_CHOSEN);
# their expected ESP algorithms are "first CHILD_SA (made in IKE_AUTH,
# without a key exchange),rekeyed one".
# shellcheck disable=SC2034 # read by interop_pick (a nameref)
LIBRESWAN_S2S_CASES=(
  "gcm256-ecp384+gcm128|aes256gcm16-prfsha384-ecp384|aes128gcm16|aes256gcm16-prfsha384-ecp384|aes128gcm16-noesn|-"
  "gcm256-ecp384+cbc256|aes256gcm16-prfsha384-ecp384|aes256-sha256|aes256gcm16-prfsha384-ecp384|aes256-sha256-noesn|-"
  "cbc128-modp2048+gcm128|aes128-sha256-modp2048|aes128gcm16|aes128-sha256-prfsha256-modp2048|aes128gcm16-noesn|-"
  "cbc128-modp2048+cbc256|aes128-sha256-modp2048|aes256-sha256|aes128-sha256-prfsha256-modp2048|aes256-sha256-noesn|-"
  "wrong-psk|aes256gcm16-prfsha384-ecp384|aes128gcm16|-|-|-"
  "rekey-by-ikev2d|aes256gcm16-prfsha384-ecp384|aes128gcm16-ecp384|aes256gcm16-prfsha384-ecp384|aes128gcm16-noesn,aes128gcm16-ecp384-noesn|-"
  "rekey-by-pluto|aes256gcm16-prfsha384-ecp384|aes128gcm16-ecp384|aes256gcm16-prfsha384-ecp384|aes128gcm16-noesn,aes128gcm16-ecp384-noesn|-"
)

# pluto's spelling of each proposal above (checked with pluto 4.10's
# algparse): for IKE ENCR-HASH-DH, where HASH is the PRF (and, without
# AEAD, the integrity algorithm too); for ESP ENCR-INTEG.
declare -A LIBRESWAN_SPELLING=(
  [aes256gcm16-prfsha384-ecp384]=aes_gcm256-sha2_384-dh20
  [aes128-sha256-modp2048]=aes128-sha2_256-modp2048
  [aes128gcm16]=aes_gcm128-null
  [aes128gcm16-ecp384]=aes_gcm128-null-dh20
  [aes256-sha256]=aes256-sha2_256
)

# libreswan_s2s_configs IKE ESP START PSK [KEY=VALUE...]: ikev2d's config in
# gw-a (child net with START as start_action; PSK its secret), pluto's in
# gw-b. Lifetimes: rekey_time=, rand_time=, life_time= go to ikev2d's child
# (swanctl's meaning), salifetime=, rekeymargin=, rekeyfuzz=, ikelifetime= to
# pluto's connection (libreswan_write_config); left out, each daemon's
# default (ikev2d: rekey_time 1h; pluto: salifetime 8h, rekeymargin 9m).
libreswan_s2s_configs() {
  local ike=$1 esp=$2 start=$3 psk=$4 remote=- arg child_extra="" pluto_extra=()
  shift 4
  [ "$ROLE" = initiator ] && remote=192.0.2.2
  if [ -z "${LIBRESWAN_SPELLING[$ike]:-}" ] || [ -z "${LIBRESWAN_SPELLING[$esp]:-}" ]; then
    lab_fail "no pluto spelling for $ike or $esp in LIBRESWAN_SPELLING"
  fi
  for arg; do
    case $arg in
      rekey_time=* | rand_time=* | life_time=*) child_extra+="        ${arg%%=*}: ${arg#*=}"$'\n' ;;
      *) pluto_extra+=("$arg") ;;
    esac
  done
  {
    ikev2d_daemon_yaml gw-a '"0.0.0.0"' "$psk"
    ikev2d_conn_yaml "$INTEROP_CONN" 192.0.2.1 "$remote" gw-a.test gw-b.test "$ike"
    ikev2d_child_yaml net 10.1.0.0/24 10.2.0.0/24 "$start" "$esp"
    printf '%s' "$child_extra"
  } >"$(ikev2d_config_file gw-a)"
  libreswan_write_config gw-b conn="$INTEROP_CONN" left=192.0.2.2 right=192.0.2.1 \
    leftid=gw-b.test rightid=gw-a.test leftsubnet=10.2.0.0/24 rightsubnet=10.1.0.0/24 \
    leftsourceip=10.2.0.1 ike="${LIBRESWAN_SPELLING[$ike]}" esp="${LIBRESWAN_SPELLING[$esp]}" \
    psk="$IKEV2D_PSK" "${pluto_extra[@]}"
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

# ---- CHILD_SA rekeys ----------------------------------------------------------

# The rekey cases: REKEYER (ikev2d or pluto) rekeys the CHILD_SA every few
# seconds, with the short lifetimes below on its side and the defaults
# (hours) on the other's, so that REKEYER starts every rekey:
#   ikev2d  rekey_time 9s less up to rand_time 1s: a rekey 8-9 s after each
#           CHILD_SA is made;
#   pluto   salifetime 12s, rekeymargin 4s, rekeyfuzz 0%: a rekey 8 s after
#           each CHILD_SA pluto initiated (its rekeys), 10 s after one it
#           answered for (the first one when ikev2d initiates); pluto's
#           debug log says "#N will start re-keying in 8 seconds (replace in
#           12 seconds)".
# Rekeys further apart would make the case longer; closer together, they
# leave too few moments at rest for libreswan_s2s_settled in a loaded UML.
# At least LIBRESWAN_REKEYS rekeys must complete while pings go from lan-a to
# lan-b for LIBRESWAN_REKEY_SECONDS, at most 50 a second (UML under load
# manages about 30): ping's count is what 50 pings at that rate took
# (libreswan_s2s_ping_count), so that the ping lasts about as long on a
# fast machine as on a loaded one.
declare -A LIBRESWAN_REKEY_LIFETIMES=(
  [ikev2d]="rekey_time=9s rand_time=1s life_time=20s"
  [pluto]="salifetime=12s rekeymargin=4s rekeyfuzz=0%"
)
LIBRESWAN_REKEYS=2
LIBRESWAN_REKEY_SECONDS=22

# libreswan_s2s_ping_count: how many pings, 0.02 s apart, take about
# LIBRESWAN_REKEY_SECONDS here and now, from 50 that must all be answered.
libreswan_s2s_ping_count() {
  local out ms
  out=$(ip netns exec lan-a ping -n -q -i 0.02 -W 2 -c 50 10.2.0.10 2>&1)
  [[ $out =~ 50\ packets\ transmitted,\ 50\ received.*time\ ([0-9]+)ms ]] ||
    lab_fail "50 pings before the rekeys did not all cross: $out"
  ms=${BASH_REMATCH[1]}
  ((ms >= 980)) || ms=980
  echo $((49 * LIBRESWAN_REKEY_SECONDS * 1000 / ms + 1))
}

# libreswan_s2s_xfrm_stat GW ARRAY: GW's /proc/net/xfrm_stat (the kernel's
# IPsec drop counters, per namespace) into the associative ARRAY.
# shellcheck disable=SC2034 # st is a nameref: the caller's array is filled
libreswan_s2s_xfrm_stat() {
  local -n st=$2
  local name value
  st=()
  while read -r name value; do st+=(["$name"]=$value); done < <(ip netns exec "$1" cat /proc/net/xfrm_stat)
}

# libreswan_s2s_xfrm_grown GW ARRAY: the counters of GW's xfrm_stat that grew
# since ARRAY (libreswan_s2s_xfrm_stat), as "Name+N ...", or "none".
libreswan_s2s_xfrm_grown() {
  local -n before=$2
  local -A now
  local name out=""
  libreswan_s2s_xfrm_stat "$1" now
  for name in "${!now[@]}"; do
    ((now[$name] > ${before[$name]:-0})) && out+="$name+$((now[$name] - ${before[$name]:-0})) "
  done
  out=${out% }
  echo "${out:-none}"
}

# libreswan_s2s_rekeys: "IKEV2D PLUTO_SENT": how many rekeys ikev2d logged
# (it logs each one it makes or answers once, "rekeyed: #") and how many
# CHILD_SA rekey requests pluto logged sending.
libreswan_s2s_rekeys() {
  echo "$(grep -c 'rekeyed: #' "$LAB_OUT/ikev2d-gw-a.log")" \
    "$(libreswan_log_count gw-b "sent CREATE_CHILD_SA request to rekey IPsec SA")"
}

# libreswan_s2s_switch_lead: how long before ikev2d had installed the
# inbound SA of a rekey that pluto answered, pluto logged that it had
# rekeyed the CHILD_SA (installed both SAs, its outbound one in use): per
# such rekey, from pluto's log ("responder rekeyed Child SA ... {ESP=>0xSPI")
# and ikev2d's ("installed, SPIs SPI_i"), the same guest clock; printed as
# "N rekeys: min/avg/max ms", or "no rekey answered by pluto".
libreswan_s2s_switch_lead() {
  awk 'function sec(t, f) { split(t, f, ":"); return (f[1] * 60 + f[2]) * 60 + f[3] }
    FNR == NR {
      if ($0 !~ /: responder rekeyed Child SA #/ || !match($0, /\{ESP[^ ]*=>0x[0-9a-f]+/)) next
      spi = substr($0, RSTART, RLENGTH); sub(/^.*=>0x/, "", spi)
      t = $3; sub(/:$/, "", t); pluto[spi] = sec(t); next
    }
    / installed, SPIs / {
      for (i = 1; i <= NF; i++) if ($i == "SPIs") spi = $(i + 1)
      sub(/_i$/, "", spi)
      if (!(spi in pluto)) next
      ms = (sec($2) - pluto[spi]) * 1000; n++; sum += ms
      if (n == 1 || ms < lo) lo = ms
      if (n == 1 || ms > hi) hi = ms
    }
    END {
      if (n == 0) print "no rekey answered by pluto"
      else printf "%d rekeys: %.0f/%.0f/%.0f ms\n", n, lo, sum / n, hi
    }' "$(libreswan_dir gw-b)/pluto.log" "$LAB_OUT/ikev2d-gw-a.log"
}

# libreswan_s2s_esp_timing: "EARLY LATE UNKNOWN TOTAL" for the ESP packets
# pluto sent to gw-a while $LAB_OUT/esp-from-pluto.pcap was captured (on
# gw-a's eth0): EARLY arrived on an SPI before ikev2d logged that SA
# installed, LATE on an SPI after ikev2d logged it removed, UNKNOWN on an SPI
# ikev2d never logged. ikev2d logs (in ms) just after the kernel did it, so
# EARLY may count a packet of the last millisecond before the log that the
# SA took, and LATE may miss one of the last millisecond before it.
libreswan_s2s_esp_timing() {
  tcpdump -n -r "$LAB_OUT/esp-from-pluto.pcap" 2>/dev/null | awk '
    function sec(t, f) { split(t, f, ":"); return (f[1] * 60 + f[2]) * 60 + f[3] }
    FNR == NR {
      for (i = 1; i < NF; i++) if ($i == "SPIs") { spi = $(i + 1); sub(/_i,?$/, "", spi) }
      if (/ installed, SPIs /) inst[spi] = sec($2)
      else if (/ removed, SPIs /) rem[spi] = sec($2)
      next
    }
    match($0, /spi=0x[0-9a-f]+/) {
      spi = substr($0, RSTART + 6, RLENGTH - 6); t = sec($1); n++
      if (!(spi in inst)) unknown++
      else if (t < inst[spi]) early++
      else if ((spi in rem) && t > rem[spi]) late++
    }
    END { print early + 0, late + 0, unknown + 0, n + 0 }' "$LAB_OUT/ikev2d-gw-a.log" -
}

# libreswan_s2s_kernel_pair GW ADDR: "IN OUT", the SPIs (8 hex digits) of
# the only two SAs in GW's kernel, IN the one to ADDR (GW's own), OUT the one
# from it; non-zero unless GW holds exactly one SA each way.
libreswan_s2s_kernel_pair() {
  interop_kernel_sas "$1" | awk -v me="$2" '
    { n++; spi = $1; sub(/^0x/, "", spi); if ($3 == me) { in_spi = spi; i++ } else if ($2 == me) { out_spi = spi; o++ } }
    END { if (n != 2 || i != 1 || o != 1) exit 1; print in_spi, out_spi }'
}

# libreswan_s2s_settled OLD_IN OLD_OUT ESP: one moment at rest after the
# rekeys: each kernel holds exactly one SA pair, the mirror of the other's;
# both daemons list one CHILD_SA with those SPIs, not the first one
# (ikev2d's SPIs OLD_IN, OLD_OUT), and the ESP algorithms ESP; pings cross
# on it (its four SAs count them) and the kernels still hold just that pair
# afterwards. Read again until it holds: the CHILD_SA is still rekeyed every
# few seconds, and a read may straddle a rekey. The pair goes to
# LIBRESWAN_SETTLED, and what failed last to LIBRESWAN_UNSETTLED.
libreswan_s2s_settled() {
  local a b gw spi packets counters=$LAB_OUT/settle-counters
  LIBRESWAN_UNSETTLED="the kernels do not hold one mirrored SA pair each"
  a=$(libreswan_s2s_kernel_pair gw-a 192.0.2.1) && b=$(libreswan_s2s_kernel_pair gw-b 192.0.2.2) || return 1
  [ "$a" = "${b#* } ${b% *}" ] || return 1
  LIBRESWAN_UNSETTLED="the daemons do not both list that pair (kernels: gw-a in/out $a, gw-b in/out $b)"
  interop_ikev2d_up 1 && libreswan_s2s_up gw-b 1 || return 1
  interop_load_both
  [[ "${INTEROP_A[net.7]} ${INTEROP_A[net.8]}" == "$a" && "${INTEROP_B[net.7]} ${INTEROP_B[net.8]}" == "$b" ]] || return 1
  LIBRESWAN_UNSETTLED="the pair $a is the first one, or its algorithms are not $3"
  [[ ${a% *} != "$1" && ${a#* } != "$2" ]] || return 1
  [[ ${INTEROP_A[net.9]} == "$3" && ${INTEROP_B[net.9]} == "$3" ]] || return 1
  LIBRESWAN_UNSETTLED="pings did not cross on the pair $a, or it was replaced meanwhile"
  lab_ping lan-a 10.2.0.10 "$INTEROP_PINGS" >/dev/null || return 1
  for gw in gw-a gw-b; do
    lab_xfrm_counters "$gw" >"$counters"
    # shellcheck disable=SC2086 # the two SPIs of the pair
    for spi in $a; do
      packets=$(awk -v s="0x$spi" '$1 == s { print $4 }' "$counters")
      ((${packets:-0} >= INTEROP_PINGS)) || return 1
    done
  done
  [ "$(libreswan_s2s_kernel_pair gw-a 192.0.2.1)" = "$a" ] && [ "$(libreswan_s2s_kernel_pair gw-b 192.0.2.2)" = "$b" ] || return 1
  LIBRESWAN_SETTLED="ikev2d in ${a% *} out ${a#* }, pluto in ${b% *} out ${b#* }, $3 on both sides"
}

# libreswan_s2s_settled_try ARGS...: libreswan_s2s_settled, each miss and
# why logged to $LAB_OUT/settle.log.
libreswan_s2s_settled_try() {
  libreswan_s2s_settled "$@" && return 0
  echo "[lab ${SECONDS}s] $LIBRESWAN_UNSETTLED" >>"$LAB_OUT/settle.log"
  return 1
}

# libreswan_s2s_rekey REKEYER IKE ESP EXPECT_IKE EXPECT_ESP: the tunnel comes
# up as in a matrix case, then REKEYER (ikev2d or pluto) rekeys its CHILD_SA
# at least LIBRESWAN_REKEYS times under a continuous ping from lan-a to
# lan-b; every rekey must start on REKEYER's side and be logged by both;
# afterwards both daemons agree on one new SA pair, the only one in either
# kernel, and pings cross on it. Lost pings are counted and reported with
# the kernels' drop counters (/proc/net/xfrm_stat) of both gateways and the
# timing of pluto's ESP packets at gw-a (libreswan_s2s_esp_timing). None may
# be lost when pluto rekeys (ikev2d answers and holds its new outbound SA
# back until pluto deletes the old one). When ikev2d rekeys, pluto, as the
# responder, sends on the new SA as soon as it has answered, before ikev2d
# can have installed the inbound SA (its keys need pluto's nonce): replies
# that pluto sends in that window find no SA in gw-a's kernel
# (XfrmInNoStates). Such losses are reported; each must show as such a drop
# in gw-a and as a packet that came before its SA, and pluto must send
# nothing on an SA ikev2d has removed; no other drop in either kernel.
libreswan_s2s_rekey() {
  local who=$1 start=none count out summary sent lost early late unknown esp r0 r1 grown_a grown_b ours theirs old_in old_out later started asked
  # shellcheck disable=SC2034 # filled and read by name (libreswan_s2s_xfrm_*)
  local -A stat_a stat_b
  [ "$ROLE" = initiator ] && start=start
  # shellcheck disable=SC2086 # the lifetimes are KEY=VALUE words
  libreswan_s2s_configs "$2" "$3" "$start" "$IKEV2D_PSK" ${LIBRESWAN_REKEY_LIFETIMES[$who]}
  libreswan_start gw-b
  ikev2d_start gw-a
  [ "$ROLE" = responder ] && libreswan_initiate gw-b "$INTEROP_CONN" "$INTEROP_TIMEOUT"
  libreswan_s2s_wait_up
  interop_load_both
  interop_negotiated net
  interop_compare_ike "$4"
  interop_compare_child net "${5%%,*}" tunnel 10.1.0.0/24 10.2.0.0/24 0
  old_in=${INTEROP_A[net.7]} old_out=${INTEROP_A[net.8]}

  count=$(libreswan_s2s_ping_count) || exit 1
  lab_step "$who rekeys the CHILD_SA under $count pings (${LIBRESWAN_REKEY_SECONDS} s)"
  libreswan_s2s_xfrm_stat gw-a stat_a
  libreswan_s2s_xfrm_stat gw-b stat_b
  lab_tcpdump gw-a eth0 esp-from-pluto esp and src host 192.0.2.2
  r0=$(libreswan_s2s_rekeys)
  out=$(ip netns exec lan-a ping -n -q -i 0.02 -W 2 -c "$count" 10.2.0.10 2>&1)
  r1=$(libreswan_s2s_rekeys)
  lab_stop esp-from-pluto
  read -r early late unknown esp <<<"$(libreswan_s2s_esp_timing)"
  grown_a=$(libreswan_s2s_xfrm_grown gw-a stat_a) grown_b=$(libreswan_s2s_xfrm_grown gw-b stat_b)
  summary=$(grep 'packets transmitted' <<<"$out")
  [[ $summary =~ ([0-9]+)\ packets\ transmitted,\ ([0-9]+)\ received ]] || lab_fail "no ping summary: $out"
  sent=${BASH_REMATCH[1]} lost=$((BASH_REMATCH[1] - BASH_REMATCH[2]))
  read -r ours theirs <<<"$r1"
  ours=$((ours - ${r0%% *})) theirs=$((theirs - ${r0##* }))
  # Who started each rekey, from each daemon's whole log (counts read at
  # different moments would race the next rekey): ikev2d installs a rekeyed
  # CHILD_SA "rekey of #N" at once as the initiator, with "outbound SA
  # later" as the responder.
  later=$(grep -c 'rekey of #.*outbound SA later' "$LAB_OUT/ikev2d-gw-a.log")
  started=$(grep 'rekey of #' "$LAB_OUT/ikev2d-gw-a.log" | grep -vc 'outbound SA later')
  asked=$(libreswan_log_count gw-b "sent CREATE_CHILD_SA request to rekey IPsec SA")
  lab_log "ping: $summary"
  lab_log "rekeys during the ping: ikev2d logged $ours, pluto sent $theirs requests; in all, ikev2d started $started, answered $later, pluto asked $asked"
  lab_log "xfrm_stat grew: gw-a (ikev2d) $grown_a; gw-b (pluto) $grown_b"
  lab_log "of $esp ESP packets from pluto at gw-a, $early came on an SPI before ikev2d had installed that SA, $late after it had removed it, $unknown on an SPI it never had"
  ((late == 0 && unknown == 0)) || lab_fail "pluto sent $late ESP packets on SAs ikev2d had removed and $unknown on SAs it never had"
  lab_log "rekey figures: $who rekeyed $ours times, $lost of $sent pings lost"
  ((ours >= LIBRESWAN_REKEYS)) || lab_fail "only $ours rekeys while the ping ran, expected at least $LIBRESWAN_REKEYS"
  if [ "$who" = pluto ]; then
    ((started == 0 && later >= LIBRESWAN_REKEYS && asked >= LIBRESWAN_REKEYS)) ||
      lab_fail "ikev2d started $started rekeys and answered $later, pluto asked for $asked: pluto should start each"
    ((lost == 0)) || lab_fail "$lost of $sent pings lost across $ours rekeys by pluto (xfrm_stat grew: gw-a $grown_a; gw-b $grown_b)"
  else
    ((asked == 0 && later == 0 && started >= LIBRESWAN_REKEYS)) ||
      lab_fail "pluto asked for $asked rekeys, ikev2d answered $later and started $started: ikev2d should start each"
    [ "$grown_b" = none ] || lab_fail "pluto's kernel dropped packets while ikev2d rekeyed: $grown_b"
    if ((lost > 0)); then
      if ! [[ $grown_a =~ ^XfrmInNoStates\+([0-9]+)$ ]] || ((BASH_REMATCH[1] < lost || early < lost)); then
        lab_fail "$lost of $sent pings lost, not all of them replies pluto sent on an SA before ikev2d had it: gw-a $grown_a, $early such packets"
      fi
      lab_log "the $lost lost pings are replies pluto sent on a new SA before ikev2d had installed it (gw-a: $grown_a; $early ESP packets arrived before the SA)"
    fi
    lab_log "pluto, the rekey responder, switched to each new SA before ikev2d had its inbound SA, by (min/avg/max) $(libreswan_s2s_switch_lead)"
  fi
  grep -q 'reached its hard lifetime' "$LAB_OUT/ikev2d-gw-a.log" && lab_fail "a CHILD_SA reached its hard lifetime in ikev2d"

  : >"$LAB_OUT/settle.log"
  lab_wait_for 20 libreswan_s2s_settled_try "$old_in" "$old_out" "${5#*,}" ||
    lab_fail "no moment at rest after the rekeys within 20 s: last, $LIBRESWAN_UNSETTLED:
$(cat "$LAB_OUT/settle.log")
$(cat "$LAB_OUT/sas-gw-a.txt" "$LAB_OUT/sas-gw-b.txt"; ip -n gw-a -s xfrm state; ip -n gw-b -s xfrm state)"
  lab_log "$(grep -c . "$LAB_OUT/settle.log") reads straddled a rekey: $(tr '\n' ';' <"$LAB_OUT/settle.log")"
  lab_log "after the rekeys: $LIBRESWAN_SETTLED; each kernel holds just that pair, pings cross on it; the first pair (ikev2d in $old_in out $old_out) is gone"

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
  elif [[ $name == rekey-by-* ]]; then
    interop_case "$num" "$name" "$xfail" "$cells" libreswan_s2s_rekey "${name#rekey-by-}" "$ike" "$esp" "$e_ike" "$e_esp"
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
