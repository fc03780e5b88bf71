#!/bin/bash
# xfrm_datapath.sh: SAs and policies installed by libxfrm (through
# tests/kernel/tools/xfrm_lab_tool, one apply() batch per gateway) carry real
# traffic in the lab kernel, and iproute2 agrees with libxfrm about them:
#   1. tunnel mode site to site with rfc4106(gcm(aes)), cbc(aes)+hmac(sha256)
#      and rfc7539esp(chacha20,poly1305): ping crosses, `ip -s xfrm state`
#      counters moved, libxfrm's get_sa usage equals them, `ip xfrm policy`
#      shows the out/in/fwd policies with our selectors, templates and reqid;
#   2. ACQUIRE: a policy with a template and no SA drops the ping (no
#      cleartext) and raises an acquire with the packet's selector;
#   3. transport mode host to host, IPv4 and IPv6 (nodad), GCM;
#   4. soft EXPIRE: a soft packet limit (IPv4) and a soft add-time limit (IPv6)
#      each raise soft expire events for both SAs, and traffic still flows;
#   5. NAT-T: ESP in UDP through a NAT that rewrites 4500 to 4600, with the
#      encap ports as each side sees them; a wrong port raises a MAPPING event;
#   Each event is also checked in `ip xfrm monitor`, run beside the tool.
#   6. after each step flush-owned removes all of ours (reqids 100-199, see
#      lab_ownership() in the tool), and a foreign SA and foreign policies
#      (reqid 7, priorities 5 and 50) added with `ip xfrm` survive it.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree (ASan cannot run in UML) with the tool built:
#   cmake --build BUILD --target xfrm_lab_tool
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/kernel/xfrm_datapath.sh
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

build=${IKEV2D_LAB_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/build}
if [ -z "${LAB_GUEST:-}" ]; then
  # By hand: pass the build tree into the guest, as tests/kernel/CMakeLists.txt does.
  LAB_UML_RUN_OPTS="--bind $build --env IKEV2D_LAB_BUILD_DIR=$build ${LAB_UML_RUN_OPTS:-}"
fi
lab_require_guest "$@"

TOOL=$build/tests/kernel/tools/xfrm_lab_tool
[ -x "$TOOL" ] || lab_fail "no $TOOL: build the target xfrm_lab_tool in an unsanitized tree ($build)"

PINGS=3
REQID_MIN=100 REQID_MAX=199   # lab_ownership() in xfrm_lab_tool.cpp
GCM="aead rfc4106(gcm(aes))"
declare -A ALG_TEXT=([gcm]="$GCM" [cbc-sha256]="enc cbc(aes)" [chacha]="aead rfc7539esp(chacha20,poly1305)")

# ---- helpers ------------------------------------------------------------------

# tool NS ARGS...: xfrm_lab_tool in NS; fail with its output if it fails.
tool() { local ns=$1; shift; lab_run ip netns exec "$ns" "$TOOL" "$@"; }

# xfrm NS LINES: `ip` commands in NS in one batch.
xfrm() { lab_run ip -n "$1" -batch - <<<"$2"; }

# pair NS MODE LOCAL REMOTE LOCAL_NET REMOTE_NET SPI_OUT SPI_IN ALG REQID [EXTRA...]
pair() {
  local ns=$1 mode=$2 l=$3 r=$4 ln=$5 rn=$6 so=$7 si=$8 alg=$9 reqid=${10}
  shift 10
  tool "$ns" install-pair --mode "$mode" --local "$l" --remote "$r" --local-net "$ln" \
    --remote-net "$rn" --spi-out "$so" --spi-in "$si" --alg "$alg" --reqid "$reqid" "$@"
}

# blocks FILE ARRAY: the objects in `ip xfrm` output FILE, one element each,
# their lines joined by single spaces.
blocks() {
  local -n blocks_out=$2
  local line words
  blocks_out=()
  while IFS= read -r line; do
    read -ra words <<<"$line"
    ((${#words[@]})) || continue
    if [[ $line != [[:space:]]* ]]; then blocks_out+=("${words[*]}"); else blocks_out[-1]+=" ${words[*]}"; fi
  done <"$1"
}

# snapshot NS: read `ip -s xfrm state` and `ip xfrm policy` of NS into
# SA_BLOCKS, POLICY_BLOCKS and COUNTERS (lines "SPI SRC DST PACKETS BYTES", as
# lab_xfrm_counters prints them).
snapshot() {
  local f=$LAB_OUT/snap-$1 b spi w
  ip -n "$1" -s xfrm state >"$f.state" 2>&1 || lab_fail "ip xfrm state in $1: $(<"$f.state")"
  ip -n "$1" xfrm policy >"$f.policy" 2>&1 || lab_fail "ip xfrm policy in $1: $(<"$f.policy")"
  blocks "$f.state" SA_BLOCKS
  blocks "$f.policy" POLICY_BLOCKS
  COUNTERS=()
  for b in "${SA_BLOCKS[@]}"; do
    read -ra w <<<"$b"
    [[ $b =~ " spi "(0x[0-9a-f]+) ]] || continue
    spi=${BASH_REMATCH[1]}
    [[ $b =~ "lifetime current: "([0-9]+)"(bytes), "([0-9]+)"(packets)" ]] || continue
    COUNTERS+=("$spi ${w[1]} ${w[3]} ${BASH_REMATCH[2]} ${BASH_REMATCH[1]}")
  done
}

# check_sas NS MIN MODE REQID ALG SPI SRC DST [SPI SRC DST]...: each SA exists
# in `ip -s xfrm state` with that mode, reqid and algorithm, counted >= MIN
# packets, and libxfrm's get_sa usage (xfrm_lab_tool usage) reports exactly the
# same packets and bytes. Compared twice at most, in case a packet was in flight.
check_sas() {
  local ns=$1 min=$2 mode=$3 reqid=$4 alg=$5 try want got spi src dst c b found
  shift 5
  local sas=("$@") args=() out=$LAB_OUT/usage-$ns
  while (($#)); do args+=(--spi "$1" --dst "$3"); shift 3; done
  for try in 1 2; do
    snapshot "$ns"
    ip netns exec "$ns" "$TOOL" usage "${args[@]}" >"$out" 2>&1 || lab_fail "usage in $ns: $(<"$out")"
    mapfile -t got <"$out"
    local mismatch=""
    for ((i = 0; i < ${#sas[@]}; i += 3)); do
      printf -v spi '0x%08x' "${sas[i]}"
      src=${sas[i + 1]} dst=${sas[i + 2]}
      found=""
      for c in "${COUNTERS[@]}"; do [[ $c == "$spi $src $dst "* ]] && found=$c; done
      [ -n "$found" ] || lab_fail "no SA $spi $src -> $dst in $ns:
$(<"$LAB_OUT/snap-$ns.state")"
      read -r _ _ _ c _ <<<"$found"
      ((c >= min)) || lab_fail "SA $spi in $ns counted $c packets, expected >= $min"
      [[ " ${got[*]} " == *" $found "* ]] || mismatch+="  ip: $found"$'\n'
      printf -v want 'proto esp spi %s(%d) reqid %d(0x%08x) mode %s' "$spi" "$spi" "$reqid" "$reqid" "$mode"
      for b in "${SA_BLOCKS[@]}"; do
        if [[ $b == "src $src dst $dst "* && $b == *"$want "* ]]; then
          [[ $b == *" $alg"* ]] || lab_fail "SA $spi in $ns lacks '$alg': $b"
          continue 2
        fi
      done
      lab_fail "ip xfrm state in $ns has no '$want' for $src -> $dst:
$(<"$LAB_OUT/snap-$ns.state")"
    done
    [ -z "$mismatch" ] && break
    ((try == 2)) && lab_fail "libxfrm usage in $ns disagrees with ip -s xfrm state:
${mismatch}  libxfrm: ${got[*]}"
    lab_log "usage in $ns changed between reads, reading again"
  done
  for c in "${got[@]}"; do lab_log "$ns SA (spi src dst packets bytes) $c: ip and libxfrm agree"; done
}

# sa_has NS TEXT...: (after snapshot NS) some SA block contains every TEXT.
sa_has() {
  local ns=$1 b t
  shift
  for b in "${SA_BLOCKS[@]}"; do
    for t; do [[ $b == *"$t"* ]] || continue 2; done
    return 0
  done
  lab_fail "no SA in $ns with: $*
$(<"$LAB_OUT/snap-$ns.state")"
}

# check_policies NS BLOCK...: (after snapshot NS) each BLOCK is exactly one
# object of `ip xfrm policy` in NS.
check_policies() {
  local ns=$1 want b
  shift
  for want; do
    for b in "${POLICY_BLOCKS[@]}"; do [ "$b" = "$want" ] && continue 2; done
    lab_fail "ip xfrm policy in $ns lacks: $want
$(<"$LAB_OUT/snap-$ns.policy")"
  done
  lab_log "ip xfrm policy in $ns: $# policies as installed"
}

# tunnel_policies LOCAL_NET REMOTE_NET LOCAL REMOTE REQID: what ip shows for
# install-pair's tunnel policies.
tunnel_policies() {
  local t="priority 0 ptype main tmpl"
  TUNNEL_POLICIES=("src $1 dst $2 dir out $t src $3 dst $4 proto esp reqid $5 mode tunnel"
    "src $2 dst $1 dir fwd $t src $4 dst $3 proto esp reqid $5 mode tunnel"
    "src $2 dst $1 dir in $t src $4 dst $3 proto esp reqid $5 mode tunnel")
}

# Foreign state: another daemon's (reqid 7) SA and policy, and an admin's
# template-less bypass policy outside our bypass band. flush-owned must keep them.
FOREIGN_POLICIES=("src 10.9.0.0/24 dst 10.8.0.0/24 dir out priority 5 ptype main tmpl src 192.0.2.1 dst 192.0.2.9 proto esp reqid 7 mode tunnel"
  "src 10.7.0.0/24 dst 10.6.0.0/24 dir in priority 50 ptype main")
FOREIGN_NS=" "
add_foreign() {
  FOREIGN_NS+="$1 "
  xfrm "$1" "xfrm policy add src 10.9.0.0/24 dst 10.8.0.0/24 dir out priority 5 tmpl src 192.0.2.1 dst 192.0.2.9 proto esp reqid 7 mode tunnel
xfrm policy add src 10.7.0.0/24 dst 10.6.0.0/24 dir in priority 50
xfrm state add src 192.0.2.1 dst 192.0.2.9 proto esp spi 0x7777 reqid 7 mode tunnel $GCM 0x0123456789abcdef0123456789abcdef01234567 128"
}

# ours_left NS: (snapshot NS) any SA or policy with a reqid of ours? Lists them.
ours_left() {
  local b r left=1
  snapshot "$1"
  for b in "${SA_BLOCKS[@]}" "${POLICY_BLOCKS[@]}"; do
    [[ $b =~ " reqid "([0-9]+) ]] || continue
    r=${BASH_REMATCH[1]}
    ((r >= REQID_MIN && r <= REQID_MAX)) && echo "  $b" && left=0
  done
  return $left
}

# clean NS [WAIT]: flush-owned in NS; then ip shows nothing of ours (within
# WAIT seconds: larval SAs of acquires expire on their own), and the foreign
# objects (if add_foreign NS made any) are still there.
clean() {
  local ns=$1
  tool "$ns" flush-owned
  local end=$((SECONDS + ${2:-0}))
  while ours_left "$ns" >"$LAB_OUT/left-$ns"; do
    ((SECONDS < end)) || lab_fail "flush-owned left state of ours in $ns:
$(<"$LAB_OUT/left-$ns")"
    sleep 0.5
  done
  if [[ $FOREIGN_NS != *" $ns "* ]]; then lab_log "$ns: nothing of ours left"; return 0; fi
  check_policies "$ns" "${FOREIGN_POLICIES[@]}"
  sa_has "$ns" "src 192.0.2.1 dst 192.0.2.9" "spi 0x00007777(30583) reqid 7(0x00000007)"
  lab_log "$ns: nothing of ours left; foreign SA and policies kept"
}

# watch NAME NS COUNT TIMEOUT: xfrm_lab_tool watch in the background, log in
# $LAB_OUT/NAME.log; returns once its event socket is open.
watch() {
  lab_bg "$1" "$2" "$TOOL" watch --count "$3" --timeout "$4"
  lab_wait_line "$LAB_OUT/$1.log" ready 20 || lab_fail "watch $1 did not start: $(<"$LAB_OUT/$1.log")"
}

# event NAME TEXT [SEC]: wait for an event line starting with TEXT in the log of watch NAME; sets EVENT.
event() {
  local line
  lab_wait_line "$LAB_OUT/$1.log" "$2" "${3:-10}" || lab_fail "no event '$2' within ${3:-10} s; watch $1 saw:
$(<"$LAB_OUT/$1.log")"
  while IFS= read -r line; do [[ $line == "$2"* ]] && EVENT=$line && break; done <"$LAB_OUT/$1.log"
  lab_log "event: $EVENT"
}

# monitor NAME NS: `ip xfrm monitor` in NS in the background, iproute2's own
# view of the events; returns once its socket has joined the XFRM groups.
monitor() {
  lab_bg "$1" "$2" ip xfrm monitor
  local var="LAB_PID_${1//-/_}"
  lab_wait_for 10 monitor_joined "$2" "${!var}" || lab_fail "ip xfrm monitor in $2 did not start"
}
monitor_joined() { # NS PID: PID has a NETLINK_XFRM (6) socket with groups in NS
  # shellcheck disable=SC2016 # awk's own $2, $3, $4
  ip netns exec "$1" awk -v p="$2" '$2 == 6 && $3 == p && $4 != "00000000" { ok = 1 } END { exit !ok }' /proc/net/netlink
}

# monitor_has NAME TEXT...: some event that `ip xfrm monitor` NAME printed
# contains every TEXT.
monitor_has() {
  local name=$1 b t evs
  shift
  blocks "$LAB_OUT/$name.log" evs
  for b in "${evs[@]}"; do
    for t; do [[ $b == *"$t"* ]] || continue 2; done
    lab_log "ip xfrm monitor saw it too: $b"
    return 0
  done
  lab_fail "ip xfrm monitor in $name printed no event with: $*
$(<"$LAB_OUT/$name.log")"
}

# ---- 0. ownership ----------------------------------------------------------------
lab_step "setup: lan-a -- gw-a == gw-b -- lan-b; foreign state in gw-a"
lab_site_to_site
add_foreign gw-a
# The acquire's larval SA should not outlive the test by 30 s.
lab_run ip netns exec gw-a sysctl -q -w net.core.xfrm_acq_expires=3
if ip netns exec gw-a "$TOOL" install-pair --mode tunnel --local 192.0.2.1 --remote 192.0.2.2 \
  --spi-out 0x700 --spi-in 0x701 --alg gcm --reqid 7 >"$LAB_OUT/refused.log" 2>&1; then
  lab_fail "install-pair with reqid 7 (not ours) succeeded"
fi
grep -q "outside the owned range" "$LAB_OUT/refused.log" || lab_fail "reqid 7 refused without reason: $(<"$LAB_OUT/refused.log")"
lab_log "install with a foreign reqid refused: $(head -n1 "$LAB_OUT/refused.log")"
clean gw-a
lab_assert_no_ping lan-a 10.2.0.10   # no route, no policy: no path at all

# ---- 1. tunnel mode ----------------------------------------------------------------
lab_step "1. tunnel mode, site to site, installed by libxfrm"
xfrm gw-a "route add 10.2.0.0/24 via 192.0.2.2"
xfrm gw-b "route add 10.1.0.0/24 via 192.0.2.1"
reqid=100
for alg in gcm cbc-sha256 chacha; do
  reqid=$((reqid + 1))
  lab_log "tunnel mode, $alg, reqid $reqid"
  printf -v ab '0x%08x' $((0xa00 + reqid)); printf -v ba '0x%08x' $((0xb00 + reqid))
  pair gw-a tunnel 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24 "$ab" "$ba" "$alg" "$reqid"
  pair gw-b tunnel 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24 "$ba" "$ab" "$alg" "$reqid"
  lab_assert_ping lan-a 10.2.0.10 $PINGS
  check_sas gw-a $PINGS tunnel "$reqid" "${ALG_TEXT[$alg]}" "$ab" 192.0.2.1 192.0.2.2 "$ba" 192.0.2.2 192.0.2.1
  tunnel_policies 10.1.0.0/24 10.2.0.0/24 192.0.2.1 192.0.2.2 "$reqid"
  check_policies gw-a "${TUNNEL_POLICIES[@]}"
  check_sas gw-b $PINGS tunnel "$reqid" "${ALG_TEXT[$alg]}" "$ab" 192.0.2.1 192.0.2.2 "$ba" 192.0.2.2 192.0.2.1
  tunnel_policies 10.2.0.0/24 10.1.0.0/24 192.0.2.2 192.0.2.1 "$reqid"
  check_policies gw-b "${TUNNEL_POLICIES[@]}"
  if [ "$alg" = cbc-sha256 ]; then sa_has gw-a "spi $ab" "auth-trunc hmac(sha256)"; fi
  clean gw-a
  clean gw-b
done

# ---- 2. acquire ------------------------------------------------------------------
lab_step "2. ACQUIRE: policies with templates, no SAs"
pair gw-a tunnel 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24 0 0 gcm 104 --no-sa
monitor ipmon-acquire gw-a
watch acquire gw-a 1 20
lab_assert_no_ping lan-a 10.2.0.10   # no SA: dropped, never sent in clear
event acquire "acquire "
want="acquire src 192.0.2.1 dst 192.0.2.2 proto esp reqid 104 dir out "
[[ $EVENT == "$want"* ]] || lab_fail "acquire should start with '$want': $EVENT"
want=" sel src 10.1.0.10/32 dst 10.2.0.10/32 proto 1 "
[[ $EVENT == *"$want"* ]] || lab_fail "acquire selector should be the ping's ('$want'): $EVENT"
lab_stop acquire
monitor_has ipmon-acquire "acquire proto esp" "sel src 10.1.0.10/32 dst 10.2.0.10/32 proto icmp type 8 code 0"
lab_stop ipmon-acquire
clean gw-a 10   # the larval SA goes after net.core.xfrm_acq_expires (3 s)

# ---- 3. transport mode -------------------------------------------------------------
lab_step "3. transport mode, host to host, IPv4 and IPv6"
lab_ns left right
lab_link left eth0 198.51.100.1/24,2001:db8:1::1/64 right eth0 198.51.100.2/24,2001:db8:1::2/64
add_foreign left
lab_assert_ping left 198.51.100.2   # in clear before any policy
pair left transport 198.51.100.1 198.51.100.2 198.51.100.1/32 198.51.100.2/32 0xc01 0xd01 gcm 110
pair right transport 198.51.100.2 198.51.100.1 198.51.100.2/32 198.51.100.1/32 0xd01 0xc01 gcm 110
pair left transport 2001:db8:1::1 2001:db8:1::2 2001:db8:1::1/128 2001:db8:1::2/128 0xe01 0xf01 gcm 111
pair right transport 2001:db8:1::2 2001:db8:1::1 2001:db8:1::2/128 2001:db8:1::1/128 0xf01 0xe01 gcm 111
lab_assert_ping left 198.51.100.2 $PINGS
lab_assert_ping left 2001:db8:1::2 $PINGS
check_sas left $PINGS transport 110 "$GCM" 0xc01 198.51.100.1 198.51.100.2 0xd01 198.51.100.2 198.51.100.1
check_sas left $PINGS transport 111 "$GCM" 0xe01 2001:db8:1::1 2001:db8:1::2 0xf01 2001:db8:1::2 2001:db8:1::1
t="priority 0 ptype main tmpl src 0.0.0.0 dst 0.0.0.0 proto esp"
t6="priority 0 ptype main tmpl src :: dst :: proto esp"
check_policies left "src 198.51.100.1/32 dst 198.51.100.2/32 dir out $t reqid 110 mode transport" \
  "src 198.51.100.2/32 dst 198.51.100.1/32 dir in $t reqid 110 mode transport" \
  "src 2001:db8:1::1/128 dst 2001:db8:1::2/128 dir out $t6 reqid 111 mode transport" \
  "src 2001:db8:1::2/128 dst 2001:db8:1::1/128 dir in $t6 reqid 111 mode transport"
check_sas right $PINGS transport 110 "$GCM" 0xc01 198.51.100.1 198.51.100.2 0xd01 198.51.100.2 198.51.100.1
check_sas right $PINGS transport 111 "$GCM" 0xe01 2001:db8:1::1 2001:db8:1::2 0xf01 2001:db8:1::2 2001:db8:1::1
clean left
clean right

# ---- 4. soft expire ------------------------------------------------------------------
lab_step "4. soft EXPIRE: soft packet limit 3 (IPv4), soft add time 2 s (IPv6)"
monitor ipmon-expire left
watch expire left 10 20
pair left transport 198.51.100.1 198.51.100.2 198.51.100.1/32 198.51.100.2/32 0x1201 0x1202 gcm 120 --soft-packets 3
pair right transport 198.51.100.2 198.51.100.1 198.51.100.2/32 198.51.100.1/32 0x1202 0x1201 gcm 120 --soft-packets 3
pair left transport 2001:db8:1::1 2001:db8:1::2 2001:db8:1::1/128 2001:db8:1::2/128 0x1211 0x1212 gcm 121 --soft-seconds 2
pair right transport 2001:db8:1::2 2001:db8:1::1 2001:db8:1::2/128 2001:db8:1::1/128 0x1212 0x1211 gcm 121 --soft-seconds 2
lab_assert_ping left 198.51.100.2 5   # a soft limit does not stop traffic
event expire "expire soft spi 0x00001201 src 198.51.100.1 dst 198.51.100.2 reqid 120 packets 3 "
event expire "expire soft spi 0x00001202 src 198.51.100.2 dst 198.51.100.1 reqid 120 packets 3 "
event expire "expire soft spi 0x00001211 src 2001:db8:1::1 dst 2001:db8:1::2 reqid 121 " 10
event expire "expire soft spi 0x00001212 src 2001:db8:1::2 dst 2001:db8:1::1 reqid 121 " 10
grep -q "^expire hard" "$LAB_OUT/expire.log" && lab_fail "hard expire without a hard limit: $(<"$LAB_OUT/expire.log")"
lab_assert_ping left 198.51.100.2 1   # still up after the soft expire
lab_stop expire
for spi in 0x00001201 0x00001202 0x00001211 0x00001212; do
  monitor_has ipmon-expire "Expired src" "proto esp spi $spi reqid 12" "hard 0"
done
lab_stop ipmon-expire
clean left
clean right

# ---- 5. NAT-T ------------------------------------------------------------------------
lab_step "5. NAT-T: rw -- nat(4500->4600) == gw-b -- lan-b, ESP in UDP"
for ns in gw-b lan-b; do lab_run ip netns del "$ns"; done
lab_nat_topology 4600
add_foreign rw
lab_bg natt-rw rw "$TOOL" natt-socket 4500
lab_bg natt-gw-b gw-b "$TOOL" natt-socket 4500
for ns in rw gw-b; do
  lab_wait_line "$LAB_OUT/natt-$ns.log" "ready 4500" 20 || lab_fail "NAT-T socket in $ns: $(<"$LAB_OUT/natt-$ns.log")"
done
xfrm gw-b "route add 10.0.1.2/32 via 192.0.2.1"
# rw sends from 4500 to 4500; gw-b sees the NAT's 192.0.2.1:4600. First give
# gw-b the port rw thinks it uses: its inbound SA then sees a new mapping.
pair rw tunnel 10.0.1.2 192.0.2.2 10.0.1.2/32 10.2.0.0/24 0x1301 0x1302 gcm 130 --encap 4500:4500
pair gw-b tunnel 192.0.2.2 192.0.2.1 10.2.0.0/24 10.0.1.2/32 0x1302 0x1301 gcm 130 --encap 4500:4500
monitor ipmon-mapping gw-b
watch mapping gw-b 1 20
lab_assert_no_ping rw 10.2.0.10   # replies go to the NAT's port 4500: lost
event mapping "mapping spi 0x00001301 dst 192.0.2.2 reqid 130 old 192.0.2.1:4500 new 192.0.2.1:4600"
lab_stop mapping
monitor_has ipmon-mapping "Mapping change 192.0.2.1:4500 -> 192.0.2.1:4600" "SPI 0x1301"
lab_stop ipmon-mapping
tool gw-b flush-owned
pair gw-b tunnel 192.0.2.2 192.0.2.1 10.2.0.0/24 10.0.1.2/32 0x1302 0x1301 gcm 130 --encap 4500:4600
lab_assert_ping rw 10.2.0.10 $PINGS
check_sas rw $PINGS tunnel 130 "$GCM" 0x1301 10.0.1.2 192.0.2.2 0x1302 192.0.2.2 10.0.1.2
sa_has rw "spi 0x00001301" "encap type espinudp sport 4500 dport 4500 addr 0.0.0.0"
check_sas gw-b $PINGS tunnel 130 "$GCM" 0x1301 192.0.2.1 192.0.2.2 0x1302 192.0.2.2 192.0.2.1
sa_has gw-b "spi 0x00001301" "encap type espinudp sport 4600 dport 4500 addr 0.0.0.0"
sa_has gw-b "spi 0x00001302" "encap type espinudp sport 4500 dport 4600 addr 0.0.0.0"
tunnel_policies 10.2.0.0/24 10.0.1.2/32 192.0.2.2 192.0.2.1 130
check_policies gw-b "${TUNNEL_POLICIES[@]}"
clean rw
clean gw-b

lab_step "PASS: libxfrm tunnel/transport/IPv6/NAT-T SAs carry traffic; acquire, soft expire, mapping; nothing of ours left"
