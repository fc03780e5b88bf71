#!/bin/bash
# ikev2d_site_to_site.sh: two ikev2d daemons key a site-to-site tunnel end to
# end in the lab kernel (lan-a -- gw-a == gw-b -- lan-b, lab_site_to_site):
#   1. without a tunnel no LAN-to-LAN ping crosses; a foreign SA and policies
#      (reqid 7, as another daemon's) sit in gw-a;
#   2. gw-a (start_action start) and gw-b (responder) run ikev2d with PSK auth,
#      FQDN ids, aes256gcm16-prfsha384-x25519 and an ESP aes256gcm16 tunnel
#      CHILD_SA between 10.1.0.0/24 and 10.2.0.0/24; `ikev2ctl list-sas --json`
#      shows an established IKE_SA with the CHILD_SA on both;
#   3. LAN-to-LAN pings cross (the gateways drop forwarded cleartext, so they
#      can only cross in ESP), `ip -s xfrm state` counters moved on both
#      gateways, the SPIs of both sides are mirrored and the ESP algorithm
#      agrees (and is rfc4106(gcm(aes)) in the kernel);
#   4. `ikev2ctl terminate` on gw-a removes the SAs on both sides: list-sas is
#      empty and neither kernel holds an SA or policy of ikev2d's reqid range
#      (0x4b450001-0x4b45ffff); the foreign state survives;
#   5. both daemons exit 0 on SIGTERM, leaving nothing of theirs.
# On a failure the tails of both daemons' logs are printed.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree (ASan cannot run in UML) with ikev2d and ikev2ctl built:
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/kernel/ikev2d_site_to_site.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

build=${IKEV2D_LAB_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/build}
if [ -z "${LAB_GUEST:-}" ]; then
  # By hand: pass the build tree into the guest, as tests/kernel/CMakeLists.txt does.
  LAB_UML_RUN_OPTS="--bind $build --env IKEV2D_LAB_BUILD_DIR=$build ${LAB_UML_RUN_OPTS:-}"
fi
lab_require_guest "$@"

IKEV2D=$build/daemon/ikev2d
IKEV2CTL=$build/daemon/ikev2ctl
for p in "$IKEV2D" "$IKEV2CTL"; do
  [ -x "$p" ] || lab_fail "no $p: build ikev2d and ikev2ctl in an unsanitized tree ($build)"
done
JQ=$(command -v jq) || lab_fail "jq is needed to read ikev2ctl --json"

PINGS=3
ESTABLISH_TIMEOUT=20
REQID_MIN=$((0x4b450001)) REQID_MAX=$((0x4b45ffff))   # ikev2d's reqids (docs/operations.md)
CONN="a-to-b"
GWS=(gw-a gw-b)

# ---- helpers ------------------------------------------------------------------

sock() { echo "$LAB_OUT/$1/ikev2d.sock"; }

# On any failure: the tails of both daemons' logs.
dump_logs() {
  local gw
  for gw in "${GWS[@]}"; do
    [ -r "$LAB_OUT/ikev2d-$gw.log" ] || continue
    echo "---- tail of $LAB_OUT/ikev2d-$gw.log ----" >&2
    tail -n 60 "$LAB_OUT/ikev2d-$gw.log" >&2
  done
}
trap 'rc=$?; if ((rc)); then dump_logs; fi' EXIT

# ctl GW ARGS...: ikev2ctl against GW's daemon (in GW's namespace).
ctl() { local gw=$1; shift; ip netns exec "$gw" "$IKEV2CTL" --socket "$(sock "$gw")" "$@"; }

# write_config GW LOCAL REMOTE_ADDRS LOCAL_ID REMOTE_ID LOCAL_TS REMOTE_TS START_ACTION
write_config() {
  local gw=$1 dir=$LAB_OUT/$1 remote_addrs=""
  mkdir -p "$dir" || lab_fail "cannot make $dir"
  [ "$3" = - ] || remote_addrs="    remote_addrs: [$3]"
  cat >"$dir/ikev2d.yaml" <<EOF
# $gw, written by ikev2d_site_to_site.sh
daemon:
  listen: ["0.0.0.0"]
  ports: {ike: 500, natt: 4500}
  control_socket: $(sock "$gw")
  log: {default: info, ike: debug, chd: debug, knl: debug, cfg: debug}

secrets:
  - ids: [gw-a.test, gw-b.test]
    psk: "0x5f3c2a9e8d7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877"

connections:
  $CONN:
    local_addrs: [$2]
$remote_addrs
    proposals: [aes256gcm16-prfsha384-x25519]
    local:
      auth: psk
      id: $4
    remote:
      auth: psk
      id: $5
    children:
      net:
        local_ts: [$6]
        remote_ts: [$7]
        esp_proposals: [aes256gcm16]
        mode: tunnel
        start_action: $8
EOF
  chmod 600 "$dir/ikev2d.yaml" || lab_fail "chmod $dir/ikev2d.yaml"
  lab_run "$IKEV2D" --check-config "$dir/ikev2d.yaml"
}

# established GW: list-sas --json of GW shows an established IKE_SA of $CONN
# with at least one CHILD_SA; saves the answer in $LAB_OUT/sas-GW.json.
established() {
  ctl "$1" --json list-sas >"$LAB_OUT/sas-$1.json" 2>&1 || return 1
  # shellcheck disable=SC2016 # jq's own $c
  "$JQ" -e --arg c "$CONN" \
    '[.sas[] | select(.conn == $c and .state == "established" and (.children | length) > 0)] | length == 1' \
    "$LAB_OUT/sas-$1.json" >/dev/null
}

# no_sas GW: list-sas --json of GW lists no IKE_SA at all.
no_sas() {
  ctl "$1" --json list-sas >"$LAB_OUT/sas-$1.json" 2>&1 || return 1
  "$JQ" -e '.sas | length == 0' "$LAB_OUT/sas-$1.json" >/dev/null
}

# child_field GW FIELD: FIELD of the established CHILD_SA in sas-GW.json.
child_field() {
  # shellcheck disable=SC2016 # jq's own $c and $f
  "$JQ" -r --arg c "$CONN" --arg f "$2" \
    '.sas[] | select(.conn == $c and .state == "established") | .children[0][$f]' "$LAB_OUT/sas-$1.json"
}

# ours_left NS: lists (and succeeds on) any SA or policy in NS whose reqid
# lies in ikev2d's range.
ours_left() {
  local f=$LAB_OUT/left-$1 line block="" r left=1
  { ip -n "$1" xfrm state; ip -n "$1" xfrm policy; } >"$f.raw" 2>&1
  while IFS= read -r line; do
    if [[ $line != [[:space:]]* ]]; then block=$line; else block+=" $line"; fi
    [[ $line =~ " reqid "([0-9]+) ]] || continue
    r=${BASH_REMATCH[1]}
    ((r >= REQID_MIN && r <= REQID_MAX)) && echo "  $block" && left=0
  done <"$f.raw"
  return $left
}
nothing_of_ours() { ! ours_left "$1" >/dev/null; }

# ---- 1. setup ------------------------------------------------------------------
lab_step "1. setup: lan-a -- gw-a == gw-b -- lan-b, foreign state in gw-a"
lab_site_to_site
lab_run ip -n gw-a -batch - <<<"xfrm policy add src 10.9.0.0/24 dst 10.8.0.0/24 dir out priority 5 tmpl src 192.0.2.1 dst 192.0.2.9 proto esp reqid 7 mode tunnel
xfrm policy add src 10.7.0.0/24 dst 10.6.0.0/24 dir in priority 50
xfrm state add src 192.0.2.1 dst 192.0.2.9 proto esp spi 0x7777 reqid 7 mode tunnel aead rfc4106(gcm(aes)) 0x0123456789abcdef0123456789abcdef01234567 128"
lab_assert_no_ping lan-a 10.2.0.10
lab_assert_no_ping lan-b 10.1.0.10
# ikev2d installs no routes: give each gateway one to the other LAN, and drop
# whatever would be forwarded onto the WAN without IPsec, so LAN-to-LAN
# traffic can cross only inside ESP.
lab_route gw-a 10.2.0.0/24 192.0.2.2
lab_route gw-b 10.1.0.0/24 192.0.2.1
for gw in "${GWS[@]}"; do
  lab_run ip netns exec "$gw" iptables-legacy -A FORWARD -o eth0 -m policy --dir out --pol none -j DROP
done
lab_assert_no_ping lan-a 10.2.0.10   # routed now, but cleartext is dropped

# ---- 2. start the daemons ------------------------------------------------------
lab_step "2. ikev2d in gw-b (responder) and gw-a (initiator, start_action start)"
write_config gw-a 192.0.2.1 192.0.2.2 gw-a.test gw-b.test 10.1.0.0/24 10.2.0.0/24 start
write_config gw-b 192.0.2.2 - gw-b.test gw-a.test 10.2.0.0/24 10.1.0.0/24 none
for gw in gw-b gw-a; do
  lab_bg "ikev2d-$gw" "$gw" "$IKEV2D" --config "$LAB_OUT/$gw/ikev2d.yaml"
  lab_wait_for 10 ctl "$gw" status || lab_fail "ikev2d in $gw does not answer on $(sock "$gw")"
  lab_log "ikev2d in $gw is up: $(ctl "$gw" status 2>&1 | head -n1)"
done
for gw in gw-a gw-b; do
  lab_wait_for $ESTABLISH_TIMEOUT established "$gw" ||
    lab_fail "no established IKE_SA with a CHILD_SA in $gw within $ESTABLISH_TIMEOUT s; list-sas:
$(<"$LAB_OUT/sas-$gw.json")"
  lab_log "$gw: IKE_SA established with CHILD_SA"
done
ctl gw-a list-sas

# ---- 3. traffic ----------------------------------------------------------------
lab_step "3. LAN-to-LAN traffic crosses in ESP"
lab_assert_ping lan-a 10.2.0.10 $PINGS
lab_assert_ping lan-b 10.1.0.10 $PINGS
for gw in "${GWS[@]}"; do established "$gw" || lab_fail "list-sas of $gw: $(<"$LAB_OUT/sas-$gw.json")"; done
a_in=$(child_field gw-a spi_in) a_out=$(child_field gw-a spi_out)
b_in=$(child_field gw-b spi_in) b_out=$(child_field gw-b spi_out)
a_alg=$(child_field gw-a proposal) b_alg=$(child_field gw-b proposal)
lab_log "gw-a: in $a_in out $a_out $a_alg; gw-b: in $b_in out $b_out $b_alg"
for v in a_in a_out b_in b_out; do
  [[ ${!v} =~ ^[0-9a-f]{1,8}$ ]] || lab_fail "$v is not a hex SPI: '${!v}'"
done
[ "$a_in" = "$b_out" ] || lab_fail "gw-a's inbound SPI $a_in is not gw-b's outbound SPI $b_out"
[ "$a_out" = "$b_in" ] || lab_fail "gw-a's outbound SPI $a_out is not gw-b's inbound SPI $b_in"
[ "$a_alg" = "$b_alg" ] || lab_fail "ESP algorithms differ: gw-a '$a_alg', gw-b '$b_alg'"
[[ $a_alg == aes256gcm16* ]] || lab_fail "ESP algorithm is '$a_alg', expected aes256gcm16"
lab_log "SPIs mirrored, both sides use $a_alg"
# The kernel saw 2 x PINGS packets each way (both directions pinged).
lab_assert_xfrm_packets gw-a $((2 * PINGS)) "0x$a_in" "0x$a_out"
lab_assert_xfrm_packets gw-b $((2 * PINGS)) "0x$b_in" "0x$b_out"
for gw in "${GWS[@]}"; do
  lab_log "ikev2ctl list-sas on $gw:"
  ctl "$gw" list-sas
done
for gw in "${GWS[@]}"; do
  n=$(ip -n "$gw" xfrm state | grep -c 'aead rfc4106(gcm(aes))')
  # gw-a also holds the foreign GCM SA.
  want=2; [ "$gw" = gw-a ] && want=3
  ((n == want)) || lab_fail "$gw has $n rfc4106(gcm(aes)) SAs, expected $want:
$(ip -n "$gw" xfrm state)"
  ours_left "$gw" >"$LAB_OUT/ours-$gw" || lab_fail "no SA or policy with an ikev2d reqid in $gw"
  lab_log "$gw: $(wc -l <"$LAB_OUT/ours-$gw") SAs/policies of ikev2d in the kernel"
done

# ---- 4. terminate ----------------------------------------------------------------
lab_step "4. ikev2ctl terminate $CONN on gw-a: both sides drop everything"
lab_run ctl gw-a terminate "$CONN"
for gw in "${GWS[@]}"; do
  lab_wait_for 10 no_sas "$gw" || lab_fail "$gw still lists IKE_SAs after terminate:
$(<"$LAB_OUT/sas-$gw.json")"
  lab_wait_for 10 nothing_of_ours "$gw" || lab_fail "$gw still holds state of ikev2d after terminate:
$(ours_left "$gw")"
  lab_log "$gw: no IKE_SA listed, no SA or policy of ikev2d in the kernel"
done
lab_assert_no_ping lan-a 10.2.0.10
ip -n gw-a xfrm state | grep -q "spi 0x00007777" || lab_fail "the foreign SA in gw-a is gone:
$(ip -n gw-a xfrm state)"
# `ip xfrm policy` prints each policy over several lines: join them.
ip -n gw-a xfrm policy | awk '/^[^ \t]/ { if (b != "") print b; b = $0; next } { b = b " " $0 } END { if (b != "") print b }' |
  tr -s ' \t' ' ' >"$LAB_OUT/policies-gw-a"
for want in "src 10.9.0.0/24 dst 10.8.0.0/24 dir out priority 5 ptype main tmpl src 192.0.2.1 dst 192.0.2.9 proto esp reqid 7 mode tunnel" \
  "src 10.7.0.0/24 dst 10.6.0.0/24 dir in priority 50 ptype main"; do
  grep -qxF -e "$want" -e "$want " "$LAB_OUT/policies-gw-a" || lab_fail "foreign policy gone from gw-a: $want
$(<"$LAB_OUT/policies-gw-a")"
done
lab_log "gw-a: foreign SA and policies kept"

# ---- 5. SIGTERM -------------------------------------------------------------------
lab_step "5. SIGTERM: both daemons exit 0"
for gw in gw-a gw-b; do
  var="LAB_PID_ikev2d_${gw//-/_}"
  pid=${!var}
  kill -TERM "$pid" || lab_fail "ikev2d in $gw (pid $pid) is not running"
  end=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < end)) || lab_fail "ikev2d in $gw did not exit within 10 s of SIGTERM"
    sleep 0.2
  done
  wait "$pid"
  rc=$?
  ((rc == 0)) || lab_fail "ikev2d in $gw exited $rc on SIGTERM"
  nothing_of_ours "$gw" || lab_fail "ikev2d in $gw left state behind:
$(ours_left "$gw")"
  lab_log "ikev2d in $gw exited 0; nothing of it left in the kernel"
done

lab_step "PASS: ikev2d keyed a site-to-site tunnel, traffic crossed in ESP, terminate and SIGTERM cleaned up"
