# shellcheck shell=bash
# ikev2d.sh: helpers for kernel-lab tests that run ikev2d daemons. Source it
# after lib.sh, before lab_require_guest:
#
#   . "$(dirname "$0")/../lab/lib.sh"
#   . "$(dirname "$0")/../lab/ikev2d.sh"
#   lab_require_guest "$@"
#
# Each daemon runs in a namespace ("GW") with its files in $LAB_OUT/GW/: the
# config ikev2d.yaml (written by the test, see ikev2d_daemon_yaml) and the
# control socket ikev2d.sock; its output goes to $LAB_OUT/ikev2d-GW.log. On a
# failing exit the tails of every started daemon's log are printed.

IKEV2D_BUILD=${IKEV2D_LAB_BUILD_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}
if [ -z "${LAB_GUEST:-}" ]; then
  # By hand: pass the build tree into the guest, as tests/kernel/CMakeLists.txt does.
  LAB_UML_RUN_OPTS="--bind $IKEV2D_BUILD --env IKEV2D_LAB_BUILD_DIR=$IKEV2D_BUILD ${LAB_UML_RUN_OPTS:-}"
fi
IKEV2D=$IKEV2D_BUILD/daemon/ikev2d
IKEV2CTL=$IKEV2D_BUILD/daemon/ikev2ctl
# ikev2d's default reqid range (daemon.reqid_range, docs/operations.md).
IKEV2D_REQID_MIN=$((0x4b450001)) IKEV2D_REQID_MAX=$((0x4b45ffff))
IKEV2D_PSK="0x5f3c2a9e8d7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877"
IKEV2D_STARTED=()

# ikev2d_check_tools: inside the guest, fail unless ikev2d, ikev2ctl and jq exist.
ikev2d_check_tools() {
  local p
  for p in "$IKEV2D" "$IKEV2CTL"; do
    [ -x "$p" ] || lab_fail "no $p: build ikev2d and ikev2ctl in an unsanitized tree ($IKEV2D_BUILD)"
  done
  JQ=$(command -v jq) || lab_fail "jq is needed to read ikev2ctl --json"
  trap 'rc=$?; if ((rc)); then ikev2d_dump_logs; fi' EXIT
}

ikev2d_sock() { echo "$LAB_OUT/$1/ikev2d.sock"; }

# ikev2d_ctl GW ARGS...: ikev2ctl against GW's daemon (in GW's namespace).
ikev2d_ctl() { local gw=$1; shift; ip netns exec "$gw" "$IKEV2CTL" --socket "$(ikev2d_sock "$gw")" "$@"; }

# ikev2d_dump_logs: the tails of the logs of every daemon started.
ikev2d_dump_logs() {
  local gw
  for gw in "${IKEV2D_STARTED[@]}"; do
    [ -r "$LAB_OUT/ikev2d-$gw.log" ] || continue
    echo "---- tail of $LAB_OUT/ikev2d-$gw.log ----" >&2
    tail -n 60 "$LAB_OUT/ikev2d-$gw.log" >&2
  done
}

# ikev2d_daemon_yaml GW [LISTEN] [PSK]: the daemon: and secrets: sections of a
# config for GW (LISTEN: a YAML list body, default "0.0.0.0"; PSK: the secret
# shared by the ids gw-a.test and gw-b.test). The test appends connections:.
ikev2d_daemon_yaml() {
  local listen=${2:-'"0.0.0.0"'}
  cat <<EOF
# $1, written by $(basename "$0")
daemon:
  listen: [$listen]
  ports: {ike: 500, natt: 4500}
  control_socket: $(ikev2d_sock "$1")
  log: {default: info, ike: debug, chd: debug, knl: debug, cfg: debug}

secrets:
  - ids: [gw-a.test, gw-b.test]
    psk: "${3:-$IKEV2D_PSK}"

EOF
}

# ikev2d_start GW: validate $LAB_OUT/GW/ikev2d.yaml, start ikev2d with it in
# GW and wait until it answers on its control socket.
ikev2d_start() {
  local gw=$1 cfg=$LAB_OUT/$1/ikev2d.yaml
  chmod 600 "$cfg" || lab_fail "chmod $cfg"
  lab_run "$IKEV2D" --check-config "$cfg"
  lab_bg "ikev2d-$gw" "$gw" "$IKEV2D" --config "$cfg"
  IKEV2D_STARTED+=("$gw")
  lab_wait_for 10 ikev2d_ctl "$gw" status || lab_fail "ikev2d in $gw does not answer on $(ikev2d_sock "$gw")"
  lab_log "ikev2d in $gw is up"
}

# ikev2d_pid GW: the pid of GW's daemon.
ikev2d_pid() { local var="LAB_PID_ikev2d_${1//-/_}"; echo "${!var:-}"; }

# ikev2d_sigterm GW: SIGTERM GW's daemon; it must exit 0 within 10 s and
# leave no SA or policy of ikev2d's in GW.
ikev2d_sigterm() {
  local gw=$1 pid rc end
  pid=$(ikev2d_pid "$gw")
  kill -TERM "$pid" || lab_fail "ikev2d in $gw (pid $pid) is not running"
  end=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < end)) || lab_fail "ikev2d in $gw did not exit within 10 s of SIGTERM"
    sleep 0.2
  done
  wait "$pid"
  rc=$?
  ((rc == 0)) || lab_fail "ikev2d in $gw exited $rc on SIGTERM"
  ikev2d_nothing_of_ours "$gw" || lab_fail "ikev2d in $gw left state behind:
$(ikev2d_ours_left "$gw")"
  lab_log "ikev2d in $gw exited 0; nothing of it left in the kernel"
}

# ikev2d_established GW CONN: list-sas --json of GW shows exactly one
# established IKE_SA of CONN with at least one CHILD_SA; the answer is kept
# in $LAB_OUT/sas-GW.json.
ikev2d_established() {
  ikev2d_ctl "$1" --json list-sas >"$LAB_OUT/sas-$1.json" 2>&1 || return 1
  # shellcheck disable=SC2016 # jq's own $c
  "$JQ" -e --arg c "$2" \
    '[.sas[] | select(.conn == $c and .state == "established" and (.children | length) > 0)] | length == 1' \
    "$LAB_OUT/sas-$1.json" >/dev/null
}

# ikev2d_wait_established SECONDS CONN GW...: each GW reaches ikev2d_established.
ikev2d_wait_established() {
  local t=$1 conn=$2 gw
  shift 2
  for gw; do
    lab_wait_for "$t" ikev2d_established "$gw" "$conn" ||
      lab_fail "no established IKE_SA of $conn with a CHILD_SA in $gw within $t s; list-sas:
$(<"$LAB_OUT/sas-$gw.json")"
    lab_log "$gw: IKE_SA of $conn established with CHILD_SA"
  done
}

# ikev2d_no_sas GW: list-sas --json of GW lists no IKE_SA at all.
ikev2d_no_sas() {
  ikev2d_ctl "$1" --json list-sas >"$LAB_OUT/sas-$1.json" 2>&1 || return 1
  "$JQ" -e '.sas | length == 0' "$LAB_OUT/sas-$1.json" >/dev/null
}

# ikev2d_child_field GW CONN FIELD: FIELD of the first CHILD_SA of CONN's
# established IKE_SA in $LAB_OUT/sas-GW.json (from ikev2d_established).
ikev2d_child_field() {
  # shellcheck disable=SC2016 # jq's own $c and $f
  "$JQ" -r --arg c "$2" --arg f "$3" \
    '.sas[] | select(.conn == $c and .state == "established") | .children[0][$f]' "$LAB_OUT/sas-$1.json"
}

# ikev2d_assert_mirrored GW_A GW_B CONN MIN_PACKETS: the established CHILD_SAs
# of CONN on both sides have mirrored SPIs and the same ESP proposal, and each
# of the four kernel SAs counted at least MIN_PACKETS. Sets SPI_A_IN,
# SPI_A_OUT, SPI_B_IN, SPI_B_OUT and ESP_PROPOSAL.
ikev2d_assert_mirrored() {
  local a=$1 b=$2 conn=$3 min=$4 v alg_b
  ikev2d_established "$a" "$conn" || lab_fail "list-sas of $a: $(<"$LAB_OUT/sas-$a.json")"
  ikev2d_established "$b" "$conn" || lab_fail "list-sas of $b: $(<"$LAB_OUT/sas-$b.json")"
  SPI_A_IN=$(ikev2d_child_field "$a" "$conn" spi_in) SPI_A_OUT=$(ikev2d_child_field "$a" "$conn" spi_out)
  SPI_B_IN=$(ikev2d_child_field "$b" "$conn" spi_in) SPI_B_OUT=$(ikev2d_child_field "$b" "$conn" spi_out)
  ESP_PROPOSAL=$(ikev2d_child_field "$a" "$conn" proposal) alg_b=$(ikev2d_child_field "$b" "$conn" proposal)
  lab_log "$a: in $SPI_A_IN out $SPI_A_OUT $ESP_PROPOSAL; $b: in $SPI_B_IN out $SPI_B_OUT $alg_b"
  for v in SPI_A_IN SPI_A_OUT SPI_B_IN SPI_B_OUT; do
    [[ ${!v} =~ ^[0-9a-f]{1,8}$ ]] || lab_fail "$v is not a hex SPI: '${!v}'"
  done
  [ "$SPI_A_IN" = "$SPI_B_OUT" ] || lab_fail "$a's inbound SPI $SPI_A_IN is not $b's outbound SPI $SPI_B_OUT"
  [ "$SPI_A_OUT" = "$SPI_B_IN" ] || lab_fail "$a's outbound SPI $SPI_A_OUT is not $b's inbound SPI $SPI_B_IN"
  [ "$ESP_PROPOSAL" = "$alg_b" ] || lab_fail "ESP algorithms differ: $a '$ESP_PROPOSAL', $b '$alg_b'"
  lab_log "SPIs mirrored, both sides use $ESP_PROPOSAL"
  lab_assert_xfrm_packets "$a" "$min" "0x$SPI_A_IN" "0x$SPI_A_OUT"
  lab_assert_xfrm_packets "$b" "$min" "0x$SPI_B_IN" "0x$SPI_B_OUT"
}

# ikev2d_ours_left NS: lists (and succeeds on) any SA or policy in NS whose
# reqid lies in ikev2d's range.
ikev2d_ours_left() {
  local f=$LAB_OUT/left-$1 line block="" r left=1
  { ip -n "$1" xfrm state; ip -n "$1" xfrm policy; } >"$f.raw" 2>&1
  while IFS= read -r line; do
    if [[ $line != [[:space:]]* ]]; then block=$line; else block+=" $line"; fi
    [[ $line =~ " reqid "([0-9]+) ]] || continue
    r=${BASH_REMATCH[1]}
    ((r >= IKEV2D_REQID_MIN && r <= IKEV2D_REQID_MAX)) && echo "  $block" && left=0
  done <"$f.raw"
  return $left
}
ikev2d_nothing_of_ours() { ! ikev2d_ours_left "$1" >/dev/null; }

# ikev2d_wait_clean SECONDS GW...: each GW lists no IKE_SA and holds no SA or
# policy of ikev2d's within SECONDS.
ikev2d_wait_clean() {
  local t=$1 gw
  shift
  for gw; do
    lab_wait_for "$t" ikev2d_no_sas "$gw" || lab_fail "$gw still lists IKE_SAs:
$(<"$LAB_OUT/sas-$gw.json")"
    lab_wait_for "$t" ikev2d_nothing_of_ours "$gw" || lab_fail "$gw still holds state of ikev2d:
$(ikev2d_ours_left "$gw")"
    lab_log "$gw: no IKE_SA listed, no SA or policy of ikev2d in the kernel"
  done
}

# ikev2d_drop_cleartext GW...: drop whatever GW would forward onto its WAN
# (eth0) without IPsec, so LAN-to-LAN traffic can cross only inside ESP.
ikev2d_drop_cleartext() {
  local gw
  for gw; do
    lab_run ip netns exec "$gw" iptables-legacy -A FORWARD -o eth0 -m policy --dir out --pol none -j DROP
    lab_run ip netns exec "$gw" ip6tables-legacy -A FORWARD -o eth0 -m policy --dir out --pol none -j DROP
  done
}

# ikev2d_daemon_yaml_plus GW EXTRA [LISTEN] [PSK]: ikev2d_daemon_yaml with the
# lines EXTRA (more daemon: keys, indented by two spaces, e.g.
# "  nat_keepalive: 1s") added to its daemon: section.
ikev2d_daemon_yaml_plus() {
  local gw=$1 extra=$2 line
  shift 2
  while IFS= read -r line; do
    printf '%s\n' "$line"
    [ "$line" = "daemon:" ] && printf '%s\n' "$extra"
  done < <(ikev2d_daemon_yaml "$gw" "$@")
}

# ikev2d_xfrm_sas NS: one line per SA of `ip xfrm state` in NS:
#   SPI SRC DST REQID ENCAP SPORT DPORT
# SPI as ip prints it (0xc0000001), REQID in decimal, ENCAP the UDP
# encapsulation type (espinudp) with its ports; all three "-" without one.
ikev2d_xfrm_sas() {
  ip -n "$1" xfrm state | awk '
    function flush() { if (spi != "") print spi, src, dst, reqid, encap, sport, dport; spi = "" }
    /^src / { flush(); src = $2; dst = $4; reqid = encap = sport = dport = "-" }
    /^[ \t]+proto / {
      for (i = 1; i < NF; i++) { if ($i == "spi") spi = $(i + 1); if ($i == "reqid") reqid = $(i + 1) }
      sub(/\(.*/, "", reqid)
    }
    /^[ \t]+encap type / {
      for (i = 1; i < NF; i++) { if ($i == "type") encap = $(i + 1); if ($i == "sport") sport = $(i + 1); if ($i == "dport") dport = $(i + 1) }
    }
    END { flush() }'
}

# ikev2d_our_sas NS: one line per SA of ikev2d's reqid range in NS:
#   SPI SRC DST MODE REQID
# SPI as ip prints it (0xc0000001), MODE tunnel or transport, REQID in decimal.
ikev2d_our_sas() {
  ip -n "$1" xfrm state | awk -v lo="$IKEV2D_REQID_MIN" -v hi="$IKEV2D_REQID_MAX" '
    /^src / { src = $2; dst = $4; next }
    /^[ \t]+proto [a-z0-9-]+ spi / {
      spi = reqid = mode = ""
      for (i = 1; i < NF; i++) { if ($i == "spi") spi = $(i + 1); if ($i == "reqid") reqid = $(i + 1); if ($i == "mode") mode = $(i + 1) }
      sub(/\(.*/, "", reqid)
      if (reqid + 0 >= lo && reqid + 0 <= hi) print spi, src, dst, mode, reqid
    }'
}

# ikev2d_our_policies NS: one line per policy of ikev2d's reqid range in NS:
#   DIR SEL_SRC SEL_DST TMPL_SRC TMPL_DST MODE REQID
# (DIR out, in or fwd; the selector and the template's tunnel endpoints as ip
# prints them; REQID in decimal).
ikev2d_our_policies() {
  ip -n "$1" xfrm policy | awk -v lo="$IKEV2D_REQID_MIN" -v hi="$IKEV2D_REQID_MAX" '
    /^src / { ssrc = $2; sdst = $4; dir = tsrc = tdst = "-"; next }
    /^[ \t]+dir / { dir = $2; next }
    /^[ \t]+tmpl src / { tsrc = $3; tdst = $5; next }
    /^[ \t]+proto [a-z0-9-]+ reqid / {
      reqid = mode = ""
      for (i = 1; i < NF; i++) { if ($i == "reqid") reqid = $(i + 1); if ($i == "mode") mode = $(i + 1) }
      if (reqid + 0 >= lo && reqid + 0 <= hi) print dir, ssrc, sdst, tsrc, tdst, mode, reqid
    }'
}

# ikev2d_log_lines GW: the number of lines in GW's daemon log so far, a mark
# for ikev2d_wait_log.
ikev2d_log_lines() {
  local n=0 _line
  if [ -r "$LAB_OUT/ikev2d-$1.log" ]; then
    while IFS= read -r _line; do n=$((n + 1)); done <"$LAB_OUT/ikev2d-$1.log"
  fi
  echo "$n"
}

# ikev2d_log_has GW MARK TEXT...: one line of GW's daemon log after line MARK
# contains every TEXT; it is printed.
ikev2d_log_has() {
  local gw=$1 mark=$2 n=0 line t ok
  shift 2
  [ -r "$LAB_OUT/ikev2d-$gw.log" ] || return 1
  while IFS= read -r line; do
    n=$((n + 1))
    ((n > mark)) || continue
    ok=1
    for t; do [[ $line == *"$t"* ]] || { ok=0; break; }; done
    ((ok)) && { echo "$line"; return 0; }
  done <"$LAB_OUT/ikev2d-$gw.log"
  return 1
}

# ikev2d_wait_log SECONDS GW MARK TEXT...: wait until ikev2d_log_has GW MARK
# TEXT... holds; logs the line found. Non-zero (with what GW logged since
# MARK) if it never does.
ikev2d_wait_log() {
  local t=$1 gw=$2 mark=$3 end line
  shift 3
  end=$((SECONDS + t))
  until line=$(ikev2d_log_has "$gw" "$mark" "$@"); do
    if ((SECONDS >= end)); then
      echo "no line in $gw's log after line $mark with all of: $*; it logged:" >&2
      tail -n "+$((mark + 1))" "$LAB_OUT/ikev2d-$gw.log" | sed 's/^/  /' >&2
      return 1
    fi
    sleep 0.2
  done
  lab_log "$gw logged: ${line#* * }"
}

# ikev2d_one_pair_agrees GW_A GW_B: both daemons list one IKE_SA, established,
# with the same SPIs and one CHILD_SA with mirrored SPIs, and each kernel
# holds exactly that SA pair of ours and the three tunnel policies (out, in,
# fwd) of one traffic selector pair, none leaked by a rekey. When SAs keep
# being rekeyed every few seconds, call it through lab_wait_for until one
# moment finds them all at rest (a single read may straddle a rekey); each
# round starts few processes, since each costs a lot in the guest. Sets
# IKEV2D_PAIR_SEEN to what it saw.
ikev2d_one_pair_agrees() {
  local gw want a=$1 b=$2
  declare -A in out ike
  for gw in "$a" "$b"; do
    ikev2d_ctl "$gw" --json list-sas >"$LAB_OUT/sas-$gw.json" 2>&1 || return 1
    read -r "in[$gw]" "out[$gw]" "ike[$gw]" < <("$JQ" -r '.sas | select(length == 1) | .[0] |
      select(.state == "established" and (.children | length == 1)) |
      "\(.children[0].spi_in) \(.children[0].spi_out) \(.spi_i)_i/\(.spi_r)_r"' "$LAB_OUT/sas-$gw.json")
    [ -n "${ike[$gw]:-}" ] || return 1
  done
  [ "${in[$a]}" = "${out[$b]}" ] && [ "${out[$a]}" = "${in[$b]}" ] &&
    [ "${ike[$a]}" = "${ike[$b]}" ] || return 1
  for gw in "$a" "$b"; do
    want=$(printf '0x%s\n' "${in[$gw]}" "${out[$gw]}" | sort)
    [ "$(ikev2d_our_sas "$gw" | awk '{ print $1 }' | sort)" = "$want" ] || return 1
    [ "$(ikev2d_our_policies "$gw" | awk '{ print $1 }' | sort | tr '\n' ' ')" = "fwd in out " ] || return 1
  done
  # shellcheck disable=SC2034 # read by the calling test
  IKEV2D_PAIR_SEEN="IKE_SA ${ike[$a]}; CHILD_SA $a in ${in[$a]} out ${out[$a]}, $b in ${in[$b]} out ${out[$b]}"
}

# ikev2d_child_rekeys GW: how many CHILD_SA rekeys GW's daemon logged.
ikev2d_child_rekeys() { grep -c 'rekeyed: #' "$LAB_OUT/ikev2d-$1.log"; }
# ikev2d_ike_rekeys GW: how many IKE_SA rekeys GW's daemon logged (a
# collision moves the CHILD_SAs twice on one side, so this may count a
# little more).
ikev2d_ike_rekeys() { grep -c 'IKE_SA rekeyed: ' "$LAB_OUT/ikev2d-$1.log"; }

# ikev2d_conn_yaml CONN LOCAL_ADDR REMOTE_ADDR LOCAL_ID REMOTE_ID [IKE_PROPOSAL]:
# a PSK connection up to its `children:` key, for a config after
# ikev2d_daemon_yaml. REMOTE_ADDR "-" makes it a responder template;
# IKE_PROPOSAL defaults to aes256gcm16-prfsha384-x25519.
ikev2d_conn_yaml() {
  echo "connections:"
  echo "  $1:"
  echo "    local_addrs: [\"$2\"]"
  [ "$3" = - ] || echo "    remote_addrs: [\"$3\"]"
  echo "    proposals: [${6:-aes256gcm16-prfsha384-x25519}]"
  echo "    local:"
  echo "      auth: psk"
  echo "      id: $4"
  echo "    remote:"
  echo "      auth: psk"
  echo "      id: $5"
  echo "    children:"
}

# ikev2d_child_yaml NAME LOCAL_TS REMOTE_TS START_ACTION [ESP_PROPOSAL] [MODE]:
# one child of the connection above. A traffic selector "-" is left out (the
# IKE address); ESP_PROPOSAL defaults to aes256gcm16, MODE to tunnel.
ikev2d_child_yaml() {
  echo "      $1:"
  [ "$2" = - ] || echo "        local_ts: [$2]"
  [ "$3" = - ] || echo "        remote_ts: [$3]"
  echo "        esp_proposals: [${5:-aes256gcm16}]"
  echo "        mode: ${6:-tunnel}"
  echo "        start_action: $4"
}

# ikev2d_config_file GW: the path of GW's config, its directory created.
ikev2d_config_file() {
  mkdir -p "$LAB_OUT/$1" || lab_fail "cannot make $LAB_OUT/$1"
  echo "$LAB_OUT/$1/ikev2d.yaml"
}

# ikev2d_add_foreign_state NS: another daemon's SA and two policies (reqid 7)
# in NS, whose own address is 192.0.2.1; ikev2d must never touch them.
ikev2d_add_foreign_state() {
  lab_run ip -n "$1" -batch - <<<"xfrm policy add src 10.9.0.0/24 dst 10.8.0.0/24 dir out priority 5 tmpl src 192.0.2.1 dst 192.0.2.9 proto esp reqid 7 mode tunnel
xfrm policy add src 10.7.0.0/24 dst 10.6.0.0/24 dir in priority 50
xfrm state add src 192.0.2.1 dst 192.0.2.9 proto esp spi 0x7777 reqid 7 mode tunnel aead rfc4106(gcm(aes)) 0x0123456789abcdef0123456789abcdef01234567 128"
}

# ikev2d_foreign_kept NS: the state of ikev2d_add_foreign_state is still in NS.
ikev2d_foreign_kept() {
  local ns=$1 want
  ip -n "$ns" xfrm state | grep -q "spi 0x00007777 reqid 7 " || lab_fail "the foreign SA in $ns is gone:
$(ip -n "$ns" xfrm state)"
  # `ip xfrm policy` prints each policy over several lines: join them.
  ip -n "$ns" xfrm policy | awk '/^[^ \t]/ { if (b != "") print b; b = $0; next } { b = b " " $0 } END { if (b != "") print b }' |
    tr -s ' \t' ' ' >"$LAB_OUT/policies-$ns"
  for want in "src 10.9.0.0/24 dst 10.8.0.0/24 dir out priority 5 ptype main tmpl src 192.0.2.1 dst 192.0.2.9 proto esp reqid 7 mode tunnel" \
    "src 10.7.0.0/24 dst 10.6.0.0/24 dir in priority 50 ptype main"; do
    grep -qxF -e "$want" -e "$want " "$LAB_OUT/policies-$ns" || lab_fail "foreign policy gone from $ns: $want
$(<"$LAB_OUT/policies-$ns")"
  done
  lab_log "$ns: foreign SA and policies kept"
}

# ikev2d_vip_state NS [IF]: what a road-warrior client's virtual IPs leave in
# NS, one line each: addresses on IF (default eth0) outside the WAN's
# 192.0.2.0/24, rules that look up table 220 and the routes in table 220
# (IPv4 and IPv6). Empty when nothing is there.
ikev2d_vip_state() {
  local ns=$1 ifc=${2:-eth0}
  ip -n "$ns" -o addr show dev "$ifc" scope global | awk '$4 !~ /^192\.0\.2\./ && $4 !~ /^fe80/ { print "address " $4 }'
  { ip -n "$ns" -4 rule show; ip -n "$ns" -6 rule show; } 2>/dev/null | awk '/lookup 220/ { print "rule " $0 }'
  { ip -n "$ns" -4 route show table 220; ip -n "$ns" -6 route show table 220; } 2>/dev/null | awk '{ print "route " $0 }'
}
