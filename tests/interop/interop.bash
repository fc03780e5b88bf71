# shellcheck shell=bash
# interop.bash: what the interop scripts share. Source it after lib.sh,
# ikev2d.sh and charon.sh; the case libraries (site_to_site.bash,
# scenarios.bash, negative.bash, libreswan_s2s.bash) build on it.
#
#   - both daemons' SAs in one line format (interop_ikev2d_sas and
#     charon_list_sas), loaded into INTEROP_A (ikev2d) and INTEROP_B (charon);
#   - interop_configure: one connection for each daemon from one description;
#   - interop_compare_ike, interop_compare_child: the two daemons agree on
#     SPIs, algorithms, mode, traffic selectors, NAT and UDP encapsulation,
#     and the kernels counted the traffic; interop_check_kernel: what the
#     kernel holds;
#   - interop_topology: the lab topologies the cases run in;
#   - interop_case / interop_results: a case in a subshell that cannot stop
#     the others, and the markdown results table tests/interop/report
#     collects into docs/interop.md.
#
# ikev2d runs in $INTEROP_IKEV2D_GW, charon in $INTEROP_CHARON_GW (gw-a and
# gw-b of lab_site_to_site unless a case moves them); ROLE is ikev2d's role,
# initiator or responder. INTEROP_PEER names the peer daemon in messages and
# results lines (the libreswan scripts set it to pluto).

INTEROP_CONN="a-to-b"
INTEROP_PINGS=3
INTEROP_TIMEOUT=20
INTEROP_IKEV2D_GW="gw-a"
INTEROP_CHARON_GW="gw-b"
INTEROP_TOPOLOGY=""
INTEROP_PEER=${INTEROP_PEER:-charon}
ROLE=${ROLE:-initiator}
declare -A INTEROP_A INTEROP_B

# lab_fail, as lib.sh's, but the first line of the reason is also kept in
# $CASE_DIR/reason for the results table.
lab_fail() {
  echo "FAIL: $*" >&2
  [ -n "${CASE_DIR:-}" ] && printf '%s\n' "${1%%$'\n'*}" >"$CASE_DIR/reason"
  exit 1
}

# ---- what each daemon reports, in one line format ------------------------------
# Both interop_ikev2d_sas and charon_list_sas print:
#   ike NAME ID STATE INITIATOR SPI_I SPI_R PROPOSAL LOCAL REMOTE NAT_LOCAL NAT_REMOTE
#   child IKE_NAME NAME ID STATE MODE SPI_IN SPI_OUT PROPOSAL ENCAP LOCAL_TS REMOTE_TS
# (LOCAL/REMOTE as ADDR[PORT]; NAT_*, ENCAP yes/no; a TS list sorted and
# comma-joined; see charon_list_sas in tests/lab/charon.sh).

# interop_ikev2d_sas GW: ikev2ctl --json list-sas of GW in that form (the JSON
# is kept in $LAB_OUT/sas-GW.json). ikev2d names a CHILD_SA "CONN/CHILD";
# the CONN/ is dropped. It lists only installed CHILD_SAs and reports no
# state for them: the state column says "installed".
interop_ikev2d_sas() {
  ikev2d_ctl "$1" --json list-sas >"$LAB_OUT/sas-$1.json" 2>&1 || return 1
  # shellcheck disable=SC2016 # jq's own $conn
  "$JQ" -r 'def yn: if . then "yes" else "no" end;
    def ts: (. // []) | sort | if length == 0 then "-" else join(",") end;
    .sas[] |
    "ike \(.conn) \(.id) \(.state) \(.initiator | yn) \(.spi_i) \(.spi_r) \(.proposal) \(.local) \(.remote) \(.nat_local | yn) \(.nat_remote | yn)",
    (.conn as $conn | .children[] |
      "child \($conn) \(.name | ltrimstr($conn + "/")) \(.id) installed \(.mode) \(.spi_in) \(.spi_out) \(.proposal) \(.udp_encap | yn) \(.local_ts | ts) \(.remote_ts | ts)")' \
    "$LAB_OUT/sas-$1.json"
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

# interop_ikev2d_up N / interop_charon_up N: the daemon reports its IKE_SA
# established with N CHILD_SAs (lines kept in $LAB_OUT/sas-GW.txt).
interop_ikev2d_up() {
  local gw=$INTEROP_IKEV2D_GW
  interop_ikev2d_sas "$gw" >"$LAB_OUT/sas-$gw.txt" 2>&1 && interop_up "$LAB_OUT/sas-$gw.txt" established installed "$1"
}
interop_charon_up() {
  local gw=$INTEROP_CHARON_GW
  charon_list_sas "$gw" >"$LAB_OUT/sas-$gw.txt" 2>&1 && interop_up "$LAB_OUT/sas-$gw.txt" ESTABLISHED INSTALLED "$1"
}

# interop_wait_up N: both daemons report the IKE_SA established with N
# CHILD_SAs within INTEROP_TIMEOUT; their lines are printed.
interop_wait_up() {
  local a=$INTEROP_IKEV2D_GW b=$INTEROP_CHARON_GW
  lab_wait_for "$INTEROP_TIMEOUT" interop_ikev2d_up "$1" ||
    lab_fail "ikev2d: no established IKE_SA with $1 CHILD_SA(s) within $INTEROP_TIMEOUT s: $(tr '\n' ';' <"$LAB_OUT/sas-$a.txt")"
  lab_wait_for "$INTEROP_TIMEOUT" interop_charon_up "$1" ||
    lab_fail "charon: no established IKE_SA with $1 CHILD_SA(s) within $INTEROP_TIMEOUT s: $(tr '\n' ';' <"$LAB_OUT/sas-$b.txt")"
  lab_log "established on both sides with $1 CHILD_SA(s)"
  sed 's/^/  ikev2d: /' "$LAB_OUT/sas-$a.txt"
  sed 's/^/  charon: /' "$LAB_OUT/sas-$b.txt"
}

# interop_charon_clean GW: GW's charon lists no IKE_SA and holds no SA or
# policy of its own in the kernel.
interop_charon_clean() {
  charon_list_sas "$1" >"$LAB_OUT/sas-$1.txt" 2>&1 && [ ! -s "$LAB_OUT/sas-$1.txt" ] && ! charon_state_left "$1" >/dev/null
}

# interop_wait_clean: neither daemon lists an SA or holds kernel state.
interop_wait_clean() {
  local b=$INTEROP_CHARON_GW
  ikev2d_wait_clean 10 "$INTEROP_IKEV2D_GW"
  lab_wait_for 10 interop_charon_clean "$b" ||
    lab_fail "charon still lists or holds SAs: $(tr '\n' ';' <"$LAB_OUT/sas-$b.txt")$(charon_state_left "$b")"
  lab_log "nothing left on either side"
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

# interop_load_both: INTEROP_A and INTEROP_B from the last lists.
interop_load_both() {
  interop_load "$LAB_OUT/sas-$INTEROP_IKEV2D_GW.txt" INTEROP_A
  interop_load "$LAB_OUT/sas-$INTEROP_CHARON_GW.txt" INTEROP_B
}

# ---- both daemons' configuration -------------------------------------------------

# interop_configure [KEY=VALUE...] [CHILD...]: ikev2d's config in
# $INTEROP_IKEV2D_GW, charon's in $INTEROP_CHARON_GW, one connection
# $INTEROP_CONN with PSK auth and the ids gw-a.test (ikev2d) and gw-b.test
# (charon). Keys (defaults in brackets):
#   ike=  both IKE proposals [aes256gcm16-prfsha384-x25519]; ike_a= ikev2d's,
#         ike_b= charon's only
#   addr_a= addr_b= ikev2d's and charon's own addresses [192.0.2.1, 192.0.2.2]
#   seen_a= seen_b= where the other side reaches them [addr_a, addr_b] (a NAT)
#   listen= ikev2d's daemon.listen, a YAML list body ["0.0.0.0"]
#   psk_b= charon's PSK [IKEV2D_PSK]; id_b= the id ikev2d expects of charon
#   [gw-b.test]
#   start= ikev2d's start_action [start as initiator, none as responder]
# A CHILD is NAME|LOCAL_TS|REMOTE_TS|ESP|MODE[|B_LOCAL_TS|B_REMOTE_TS|B_ESP]:
# ikev2d's side (a TS list comma-separated, "-" the IKE address), then
# charon's where it differs from the mirror image of ikev2d's.
# As responder ikev2d's connection has no remote_addrs (a template).
interop_configure() {
  local arg ike="aes256gcm16-prfsha384-x25519" ike_a="" ike_b="" addr_a=192.0.2.1 addr_b=192.0.2.2 \
    seen_a="" seen_b="" listen='"0.0.0.0"' psk_b=$IKEV2D_PSK id_b=gw-b.test start="" remote="-" \
    name lts rts esp mode b_lts b_rts b_esp children=() b_children=()
  for arg; do
    case $arg in
      ike=* | ike_a=* | ike_b=* | addr_a=* | addr_b=* | seen_a=* | seen_b=* | listen=* | psk_b=* | id_b=* | start=*)
        printf -v "${arg%%=*}" %s "${arg#*=}" ;;
      *=*) lab_fail "interop_configure: unknown key in '$arg'" ;;
      *)
        IFS='|' read -r name lts rts esp mode b_lts b_rts b_esp <<<"$arg"
        children+=("$name|$lts|$rts|$esp|$mode")
        b_children+=(child="$name" local_ts="${b_lts:-$rts}" remote_ts="${b_rts:-$lts}"
          esp_proposals="${b_esp:-$esp}" mode="$mode")
        ;;
    esac
  done
  : "${ike_a:=$ike}" "${ike_b:=$ike}" "${seen_a:=$addr_a}" "${seen_b:=$addr_b}"
  [ "$ROLE" = initiator ] && remote=$seen_b
  [ -n "$start" ] || { start=none; [ "$ROLE" = initiator ] && start=start; }
  {
    ikev2d_daemon_yaml "$INTEROP_IKEV2D_GW" "$listen"
    ikev2d_conn_yaml "$INTEROP_CONN" "$addr_a" "$remote" gw-a.test "$id_b" "$ike_a"
    for arg in "${children[@]}"; do
      IFS='|' read -r name lts rts esp mode <<<"$arg"
      ikev2d_child_yaml "$name" "${lts//,/, }" "${rts//,/, }" "$start" "$esp" "$mode"
    done
  } >"$(ikev2d_config_file "$INTEROP_IKEV2D_GW")"
  # charon: a "-" selector is its default, the IKE address ("dynamic").
  charon_write_config "$INTEROP_CHARON_GW" conn="$INTEROP_CONN" local_addrs="$addr_b" remote_addrs="$seen_a" \
    local_id=gw-b.test remote_id=gw-a.test proposals="$ike_b" psk="$psk_b" "${b_children[@]//=-/=}"
}

# initiator_name / responder_name: which daemon has which role.
initiator_name() { if [ "$ROLE" = initiator ]; then echo ikev2d; else echo charon; fi; }
responder_name() { if [ "$ROLE" = initiator ]; then echo charon; else echo ikev2d; fi; }

# interop_start: start charon and load its config, then ikev2d.
interop_start() {
  charon_start "$INTEROP_CHARON_GW"
  charon_load "$INTEROP_CHARON_GW"
  ikev2d_start "$INTEROP_IKEV2D_GW"
}

# interop_stop: both daemons exit 0 on SIGTERM and leave nothing behind.
interop_stop() {
  ikev2d_sigterm "$INTEROP_IKEV2D_GW"
  charon_stop "$INTEROP_CHARON_GW"
}

# interop_terminate_by WHO: WHO (ikev2d or charon) deletes the IKE_SA; both
# ends must drop it with every CHILD_SA.
interop_terminate_by() {
  if [ "$1" = ikev2d ]; then
    lab_run ikev2d_ctl "$INTEROP_IKEV2D_GW" terminate "$INTEROP_CONN"
  else
    charon_terminate "$INTEROP_CHARON_GW" "$INTEROP_CONN"
  fi
  interop_wait_clean
  lab_log "$1 deleted the IKE_SA: nothing left on either side"
}

# ---- comparing the two daemons ----------------------------------------------------

# interop_negotiated CHILD...: write what the two daemons negotiated (from
# INTEROP_A and INTEROP_B) to $CASE_DIR/negotiated for the results table,
# as "IKE|ESP": one value where both agree, else both.
interop_negotiated() {
  local ike esp="" child
  both() { if [ "$1" = "$2" ]; then echo "$1"; else echo "ikev2d ${1:-none}, $INTEROP_PEER ${2:-none}"; fi; }
  ike=$(both "${INTEROP_A[ike.8]:-}" "${INTEROP_B[ike.8]:-}")
  for child; do
    esp+="${esp:+; }$(both "${INTEROP_A[$child.9]:-}" "${INTEROP_B[$child.9]:-}")"
  done
  unset -f both
  printf '%s|%s\n' "$ike" "$esp" >"$CASE_DIR/negotiated"
}

# interop_compare_ike EXPECT_IKE: both IKE_SA reports (INTEROP_A, INTEROP_B)
# have the same SPIs, opposite roles (ikev2d's is ROLE), the same (expected)
# algorithms and mirrored NAT findings.
interop_compare_ike() {
  local v x y want_init_a=yes want_init_b=no
  [ "$ROLE" = responder ] && want_init_a=no want_init_b=yes
  for v in 6 7; do
    x=${INTEROP_A[ike.$v]:-} y=${INTEROP_B[ike.$v]:-}
    [[ $x =~ ^[0-9a-f]{16}$ && $x == "$y" ]] || lab_fail "IKE SPI $((v - 5)) differs: ikev2d '$x', $INTEROP_PEER '$y'"
  done
  x=${INTEROP_A[ike.5]:-} y=${INTEROP_B[ike.5]:-}
  [[ $x == "$want_init_a" && $y == "$want_init_b" ]] ||
    lab_fail "initiator flags: ikev2d '$x' (want $want_init_a), $INTEROP_PEER '$y' (want $want_init_b)"
  x=${INTEROP_A[ike.8]:-} y=${INTEROP_B[ike.8]:-}
  [ "$x" = "$y" ] || lab_fail "IKE algorithms differ: ikev2d '$x', $INTEROP_PEER '$y'"
  [ "$x" = "$1" ] || lab_fail "IKE algorithms '$x', expected '$1'"
  x="${INTEROP_A[ike.11]:-} ${INTEROP_A[ike.12]:-}" y="${INTEROP_B[ike.12]:-} ${INTEROP_B[ike.11]:-}"
  [ "$x" = "$y" ] || lab_fail "NAT findings differ: ikev2d local/remote '$x', $INTEROP_PEER remote/local '$y'"
  lab_log "IKE_SA: SPIs ${INTEROP_A[ike.6]}_i ${INTEROP_A[ike.7]}_r, $1 on both sides, NAT local/remote $x"
}

# interop_compare_child CHILD EXPECT_ESP MODE LOCAL_TS REMOTE_TS MIN: both
# reports of CHILD have mirrored SPIs, the same (expected) ESP algorithms,
# mode MODE, the same UDP encapsulation, ikev2d's traffic selectors LOCAL_TS
# and REMOTE_TS (sorted, comma-joined) mirrored by charon's, and each of the
# four kernel SAs counted >= MIN packets.
interop_compare_child() {
  local child=$1 expect=$2 mode=$3 lts=$4 rts=$5 min=$6 v x y in_a out_a in_b out_b
  in_a=${INTEROP_A[$child.7]:-} out_a=${INTEROP_A[$child.8]:-}
  in_b=${INTEROP_B[$child.7]:-} out_b=${INTEROP_B[$child.8]:-}
  for v in in_a out_a in_b out_b; do
    [[ ${!v} =~ ^[0-9a-f]{8}$ ]] || lab_fail "$child: $v is not a hex SPI: '${!v}'"
  done
  [ "$in_a" = "$out_b" ] || lab_fail "$child: ikev2d's inbound SPI $in_a is not $INTEROP_PEER's outbound SPI $out_b"
  [ "$out_a" = "$in_b" ] || lab_fail "$child: ikev2d's outbound SPI $out_a is not $INTEROP_PEER's inbound SPI $in_b"
  x=${INTEROP_A[$child.9]:-} y=${INTEROP_B[$child.9]:-}
  [ "$x" = "$y" ] || lab_fail "$child: ESP algorithms differ: ikev2d '$x', $INTEROP_PEER '$y'"
  [ "$x" = "$expect" ] || lab_fail "$child: ESP algorithms '$x', expected '$expect'"
  x=${INTEROP_A[$child.6]:-} y=${INTEROP_B[$child.6]:-}
  [[ $x == "$mode" && $y == "$mode" ]] || lab_fail "$child: modes ikev2d '$x', $INTEROP_PEER '$y', expected $mode"
  x=${INTEROP_A[$child.10]:-} y=${INTEROP_B[$child.10]:-}
  [ "$x" = "$y" ] || lab_fail "$child: UDP encapsulation: ikev2d '$x', $INTEROP_PEER '$y'"
  x="${INTEROP_A[$child.11]:-} ${INTEROP_A[$child.12]:-}" y="${INTEROP_B[$child.12]:-} ${INTEROP_B[$child.11]:-}"
  [ "$x" = "$y" ] || lab_fail "$child: traffic selectors differ: ikev2d local/remote '$x', $INTEROP_PEER remote/local '$y'"
  [ "$x" = "$lts $rts" ] || lab_fail "$child: ikev2d's traffic selectors local/remote '$x', expected '$lts $rts'"
  lab_log "$child: SPIs mirrored (ikev2d in $in_a out $out_a), $expect, $mode, TS $lts === $rts, UDP encap ${INTEROP_A[$child.10]} on both sides"
  lab_assert_xfrm_packets "$INTEROP_IKEV2D_GW" "$min" "0x$in_a" "0x$out_a"
  lab_assert_xfrm_packets "$INTEROP_CHARON_GW" "$min" "0x$in_b" "0x$out_b"
}

# ---- the kernels ---------------------------------------------------------------------

# interop_kernel_sas NS: one line per SA of `ip xfrm state` in NS:
#   SPI SRC DST MODE ENCAP SPORT DPORT
# (SPI as ip prints it, ENCAP espinudp or "-", the ports "-" without it).
interop_kernel_sas() {
  ip -n "$1" xfrm state | awk '
    function flush() { if (spi != "") print spi, src, dst, mode, encap, sport, dport; spi = "" }
    /^src / { flush(); src = $2; dst = $4; mode = encap = sport = dport = "-" }
    /^[ \t]+proto [a-z0-9-]+ spi / { for (i = 1; i < NF; i++) { if ($i == "spi") spi = $(i + 1); if ($i == "mode") mode = $(i + 1) } }
    /^[ \t]+encap type / {
      for (i = 1; i < NF; i++) { if ($i == "type") encap = $(i + 1); if ($i == "sport") sport = $(i + 1); if ($i == "dport") dport = $(i + 1) }
    }
    END { flush() }'
}

# interop_check_kernel NS N MODE ENCAP ADDR ADDR: NS holds exactly N SAs, each
# of MODE, with UDP encapsulation ENCAP (espinudp or "-"), between the two
# ADDRs (either way). The lines of interop_kernel_sas stay in
# $LAB_OUT/kernel-NS.txt for further checks.
interop_check_kernel() {
  local ns=$1 n=$2 mode=$3 encap=$4 x=$5 y=$6 list=$LAB_OUT/kernel-$1.txt count=0 spi src dst m e _
  interop_kernel_sas "$ns" >"$list"
  while read -r spi src dst m e _; do
    count=$((count + 1))
    [[ $m == "$mode" && $e == "$encap" ]] || lab_fail "$ns: SA $spi is mode $m, encap $e; expected $mode, $encap:
$(ip -n "$ns" xfrm state)"
    [[ "$src $dst" == "$x $y" || "$src $dst" == "$y $x" ]] || lab_fail "$ns: SA $spi runs $src -> $dst, expected between $x and $y"
  done <"$list"
  ((count == n)) || lab_fail "$ns holds $count SAs, expected $n:
$(ip -n "$ns" xfrm state)"
  lab_log "$ns: $n SAs, mode $mode, encap $encap, between $x and $y"
}

# ---- topologies -------------------------------------------------------------------

# interop_topology NAME: make topology NAME unless it is up already (an
# earlier one is torn down first): s2s (lab_site_to_site, each gateway routed
# to the far LANs, forwarded cleartext dropped) or nat (lab_nat_topology,
# UDP ports rewritten into INTEROP_NAT_PORTS; gw-b routed to rw's net,
# cleartext dropped both ways). A function interop_topology_NAME_extra, if
# defined, adds to it.
INTEROP_NAT_PORTS=40000-40999
interop_topology() {
  [ "$INTEROP_TOPOLOGY" = "$1" ] && return 0
  if [ -n "$INTEROP_TOPOLOGY" ]; then
    lab_run ip -all netns delete
  fi
  INTEROP_TOPOLOGY=$1
  case $1 in
    s2s)
      lab_step "topology: lan-a -- gw-a == gw-b -- lan-b"
      lab_site_to_site
      lab_route gw-a 10.2.0.0/24 192.0.2.2
      lab_route gw-b 10.1.0.0/24 192.0.2.1
      lab_route gw-a fd02::/64 2001:db8::2
      lab_route gw-b fd01::/64 2001:db8::1
      ikev2d_drop_cleartext gw-a gw-b
      lab_assert_no_ping lan-a 10.2.0.10
      lab_assert_no_ping lan-a fd02::10
      ;;
    nat)
      lab_step "topology: rw -- nat (UDP ports -> $INTEROP_NAT_PORTS) == gw-b -- lan-b"
      lab_nat_topology "$INTEROP_NAT_PORTS"
      lab_route gw-b 10.0.1.0/24 192.0.2.1
      ikev2d_drop_cleartext gw-b
      lab_run ip netns exec gw-b iptables-legacy -A FORWARD -i eth0 -m policy --dir in --pol none -j DROP
      lab_assert_no_ping rw 10.2.0.10
      lab_assert_no_ping lan-b 10.0.1.2
      ;;
    *) lab_fail "interop_topology: no topology '$1'" ;;
  esac
  if declare -F "interop_topology_$1_extra" >/dev/null; then "interop_topology_$1_extra"; fi
}

# ---- one case, and the results table ----------------------------------------------

# interop_case_end RC: the subshell's exit: keep the logs of the case; after a
# failure print them, kill what still runs and flush both gateways.
interop_case_end() {
  local rc=$1 a=$INTEROP_IKEV2D_GW b=$INTEROP_CHARON_GW gw
  cp "$LAB_OUT/ikev2d-$a.log" "$LAB_OUT/$a/ikev2d.yaml" "$CASE_DIR/" 2>/dev/null
  cp "$(charon_dir "$b")/charon.log" "$(charon_dir "$b")/swanctl/swanctl.conf" "$CASE_DIR/" 2>/dev/null
  ((rc == 0)) && return 0
  [ -s "$CASE_DIR/reason" ] || echo "exit $rc" >"$CASE_DIR/reason"
  charon_dump_all
  lab_stop "ikev2d-$a"
  charon_kill "$b"
  for gw in "$a" "$b"; do
    ip -n "$gw" xfrm state flush
    ip -n "$gw" xfrm policy flush
  done
  echo "case logs kept in $CASE_DIR" >&2
}

# interop_case NUM NAME XFAIL CELLS BODY [ARGS...]: run BODY ARGS in a
# subshell as case NUM, then add its row to the results: NUM, NAME, CELLS
# (the caller's own markdown cells, "a | b"), what was negotiated (the two
# fields of $CASE_DIR/negotiated, "IKE|ESP"), the result and the time. XFAIL
# is "-" or why the case is known to fail and whose fix it needs: it still
# runs; "initiator: why" or "responder: why" holds only while ikev2d has that
# ROLE. Returns 0 for a pass, 2 for an expected failure, 1 otherwise.
interop_case() {
  local num=$1 name=$2 xfail=$3 cells=$4 rc t0 result got_ike="" got_esp=""
  shift 4
  case $xfail in
    "$ROLE: "*) xfail=${xfail#"$ROLE: "} ;;
    initiator:* | responder:*) xfail=- ;;
  esac
  CASE_DIR=$LAB_OUT/cases/$num-$name
  mkdir -p "$CASE_DIR" || lab_fail "cannot make $CASE_DIR"
  rm -f "$CASE_DIR/reason" "$CASE_DIR/negotiated"
  t0=$SECONDS
  (
    trap 'interop_case_end $?' EXIT
    "$@"
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
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$num" "$name" "$cells" \
    "${got_ike:+\`$got_ike\`}" "${got_esp:+\`$got_esp\`}" "${result//|/\\|}" "$((SECONDS - t0))" >>"$LAB_OUT/results.rows"
  lab_log "case $name: $result ($((SECONDS - t0)) s)"
  CASE_DIR=""
  [ "$result" = pass ] && return 0
  [[ $result == "expected failure"* ]] && return 2
  return 1
}

# interop_count RC: count a result of interop_case into INTEROP_PASSED,
# INTEROP_XFAILED and INTEROP_FAILED.
INTEROP_PASSED=0 INTEROP_XFAILED=0 INTEROP_FAILED=0
interop_count() {
  case $1 in
    0) INTEROP_PASSED=$((INTEROP_PASSED + 1)) ;;
    2) INTEROP_XFAILED=$((INTEROP_XFAILED + 1)) ;;
    *) INTEROP_FAILED=$((INTEROP_FAILED + 1)) ;;
  esac
}

# interop_pick ARRAY NAME...: the specs of ARRAY (lines "NAME|...") named
# (all without names; INTEROP_CASES, space-separated names, does the same
# from the environment) into INTEROP_PICKED.
interop_pick() {
  local -n specs=$1
  shift
  local only=("$@") spec s
  INTEROP_PICKED=()
  ((${#only[@]})) || read -ra only <<<"${INTEROP_CASES:-}"
  for spec in "${specs[@]}"; do
    if ((${#only[@]})); then
      for s in "${only[@]}"; do [ "$s" = "${spec%%|*}" ] && INTEROP_PICKED+=("$spec"); done
    else
      INTEROP_PICKED+=("$spec")
    fi
  done
  ((${#INTEROP_PICKED[@]})) || lab_fail "no case named ${only[*]}"
}

# interop_versions: "ikev2d 0.1.0" and "strongSwan 5.9.8-..." in
# INTEROP_IKEV2D_VERSION and INTEROP_CHARON_VERSION, for summary lines.
interop_versions() {
  INTEROP_IKEV2D_VERSION=$("$IKEV2D" --version 2>&1 | head -n 1)
  INTEROP_CHARON_VERSION="strongSwan $(dpkg-query -W -f='${Version}' strongswan-charon 2>/dev/null || echo '?')"
}

# interop_results NAME SUMMARY HEADER: print the results table NAME (markers,
# the summary line SUMMARY with the lab kernel, the time and the counts, the
# table HEADER "| a | b |" and the rows of interop_case) and keep it in
# $LAB_OUT/results.md; fail if any case had an unexpected result.
interop_results() {
  local name=$1 summary=$2 header=$3 total rule="" cells i
  total=$((INTEROP_PASSED + INTEROP_XFAILED + INTEROP_FAILED))
  cells=${header//[^|]/}
  for ((i = 1; i < ${#cells}; i++)); do rule+="| --- "; done
  {
    echo "<!-- interop-results $name -->"
    echo "$summary, lab kernel $(uname -r) (UML); run $(date -u '+%Y-%m-%d %H:%M UTC');" \
      "$INTEROP_PASSED of $total cases pass, $INTEROP_XFAILED fail as expected, unexpected results: $INTEROP_FAILED."
    echo
    echo "$header"
    echo "$rule|"
    cat "$LAB_OUT/results.rows"
    echo "<!-- end interop-results -->"
  } >"$LAB_OUT/results.md"
  echo
  cat "$LAB_OUT/results.md"
  ((INTEROP_FAILED == 0)) || lab_fail "$INTEROP_FAILED of $total interop cases had unexpected results; see the table above"
  lab_step "PASS: $INTEROP_PASSED of $total interop cases with $INTEROP_PEER pass, $INTEROP_XFAILED fail as expected"
}
