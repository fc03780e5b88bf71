# shellcheck shell=bash
# lib.sh: helpers for kernel-lab tests. Source it from a test script:
#
#   . "$(dirname "$0")/../lab/lib.sh"
#   lab_require_guest "$@"     # on the host: re-run this script via uml-run
#
# Every helper that fails prints why and exits the test (status 1), so a test
# reads as a list of steps. In UML each process costs ~0.1 s, so the helpers
# batch `ip` commands (ip -n NS -batch -) and avoid `ip netns exec` where they
# can. Names, addresses and interfaces of the ready-made topologies are in
# tests/lab/README.md.

LAB_DIR=${LAB_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)}
LAB_OUT=${LAB_OUT:-$PWD}
LAB_PYTHON=${LAB_PYTHON:-/usr/bin/python3}

# ---- messages ---------------------------------------------------------------

lab_log() { echo "[lab ${SECONDS}s] $*"; }
lab_fail() { echo "FAIL: $*" >&2; exit 1; }
lab_step() { echo; echo "==== $* ===="; }

# lab_require_guest "$@": outside a lab guest, re-run the calling script in one
# (exec uml-run "$0" "$@"); inside, do nothing. LAB_UML_RUN_OPTS adds options.
lab_require_guest() {
  [ -n "${LAB_GUEST:-}" ] && return 0
  # shellcheck disable=SC2086
  exec "$LAB_DIR/uml-run" ${LAB_UML_RUN_OPTS:-} "$0" "$@"
}

# lab_run CMD...: run CMD; on failure print it with its output and fail.
# (Output goes through a file: a $(...) would cost one more fork in UML.)
lab_run() {
  local log=${TMPDIR:-/tmp}/lab-run.$$ line
  if ! "$@" >"$log" 2>&1; then
    echo "FAIL: command failed: $*" >&2
    while IFS= read -r line; do echo "  $line" >&2; done <"$log"
    exit 1
  fi
  if [ -s "$log" ]; then while IFS= read -r line; do echo "$line"; done <"$log"; fi
  return 0
}

# ---- namespaces and links ----------------------------------------------------

# lab_ns NS...: make network namespaces ("hosts") with lo up.
lab_ns() {
  local ns
  for ns; do
    lab_run ip netns add "$ns"
    lab_run ip -n "$ns" link set lo up
  done
}

# lab_router NS...: turn on IPv4 and IPv6 forwarding in each NS.
lab_router() {
  local ns
  for ns; do
    lab_run ip netns exec "$ns" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  done
}

# lab_addrs NS IF ADDRS: add a comma-separated address list (CIDR; "-" for
# none) to IF in NS and bring IF up. IPv6 addresses skip duplicate detection.
lab_addrs() {
  local ns=$1 ifc=$2 a batch=""
  local IFS=,
  for a in $3; do
    case "$a" in
      -) ;;
      *:*) batch+="addr add $a dev $ifc nodad"$'\n' ;;
      *) batch+="addr add $a dev $ifc"$'\n' ;;
    esac
  done
  batch+="link set $ifc up"$'\n'
  lab_run ip -n "$ns" -batch - <<<"$batch"
}

# lab_link NS_A IF_A ADDRS_A NS_B IF_B ADDRS_B: a veth pair between two
# namespaces, with addresses (see lab_addrs), both ends up.
lab_link() {
  lab_run ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
  lab_addrs "$1" "$2" "$3"
  lab_addrs "$4" "$5" "$6"
}

# lab_route NS DEST GATEWAY: ip -n NS route add DEST via GATEWAY.
lab_route() { lab_run ip -n "$1" route add "$2" via "$3"; }

# lab_exec NS CMD...: run CMD in NS.
lab_exec() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# lab_private_run NS RUNDIR CMD...: run CMD in NS with RUNDIR (made if
# missing) bind-mounted on /run, for daemons that hard-code /run paths. The
# mount lives in CMD's own mount namespace (ip netns exec makes one).
lab_private_run() {
  local ns=$1 dir=$2
  shift 2
  mkdir -p "$dir" || lab_fail "cannot make $dir"
  # shellcheck disable=SC2016 # $0 and $@ are the inner shell's
  ip netns exec "$ns" sh -c 'mount --bind "$0" /run && exec "$@"' "$dir" "$@"
}

# ---- ready-made topologies ----------------------------------------------------

# lab_site_to_site: lan-a -- gw-a ==WAN== gw-b -- lan-b, IPv4 and IPv6.
#   lan-a  eth0 10.1.0.10/24 fd01::10/64          default via gw-a
#   gw-a   eth1 10.1.0.1/24  fd01::1/64   (LAN)   forwarding on
#          eth0 192.0.2.1/24 2001:db8::1/64 (WAN)
#   gw-b   eth0 192.0.2.2/24 2001:db8::2/64 (WAN) forwarding on
#          eth1 10.2.0.1/24  fd02::1/64   (LAN)
#   lan-b  eth0 10.2.0.10/24 fd02::10/64          default via gw-b
# The gateways have NO route to the other LAN: the tunnel's set-up adds one
# (as an IKE daemon would), so no cleartext path exists between the LANs.
lab_site_to_site() {
  lab_ns lan-a gw-a gw-b lan-b
  lab_router gw-a gw-b
  lab_link lan-a eth0 10.1.0.10/24,fd01::10/64 gw-a eth1 10.1.0.1/24,fd01::1/64
  lab_link gw-a eth0 192.0.2.1/24,2001:db8::1/64 gw-b eth0 192.0.2.2/24,2001:db8::2/64
  lab_link gw-b eth1 10.2.0.1/24,fd02::1/64 lan-b eth0 10.2.0.10/24,fd02::10/64
  lab_run ip -n lan-a -batch - <<<$'route add default via 10.1.0.1\nroute add default via fd01::1'
  lab_run ip -n lan-b -batch - <<<$'route add default via 10.2.0.1\nroute add default via fd02::1'
}

# lab_nat NS OUT_IF [UDP_PORTS]: NS masquerades what leaves through OUT_IF
# (iptables-legacy; the lab kernel's nftables lacks the ip families). With
# UDP_PORTS (e.g. 4600 or 20000-30000) UDP source ports are rewritten into
# that range, so IKE/ESP-in-UDP sees its ports change as behind a real NAT.
lab_nat() {
  local ns=$1 out=$2 ports=${3:-}
  lab_router "$ns"
  if [ -n "$ports" ]; then
    lab_run ip netns exec "$ns" iptables-legacy -t nat -A POSTROUTING -o "$out" -p udp -j MASQUERADE --to-ports "$ports"
  fi
  lab_run ip netns exec "$ns" iptables-legacy -t nat -A POSTROUTING -o "$out" -j MASQUERADE
}

# lab_nat_topology [UDP_PORTS]: rw -- nat ==WAN== gw-b -- lan-b
#   rw     eth0 10.0.1.2/24                 default via nat
#   nat    eth1 10.0.1.1/24, eth0 192.0.2.1/24   masquerades out of eth0
#   gw-b, lan-b as in lab_site_to_site (IPv4 only); gw-b has no route to rw's
#   private net.
lab_nat_topology() {
  lab_ns rw nat gw-b lan-b
  lab_router gw-b
  lab_link rw eth0 10.0.1.2/24 nat eth1 10.0.1.1/24
  lab_link nat eth0 192.0.2.1/24 gw-b eth0 192.0.2.2/24
  lab_link gw-b eth1 10.2.0.1/24 lan-b eth0 10.2.0.10/24
  lab_route rw default 10.0.1.1
  lab_route lan-b default 10.2.0.1
  lab_nat nat eth0 "${1:-}"
}

# ---- background processes ---------------------------------------------------

# lab_bg NAME NS CMD...: start CMD in NS in the background, output to
# $LAB_OUT/NAME.log; its pid is in LAB_PID_NAME (NAME with - as _). Whatever a
# test leaves running is killed when the test ends.
lab_bg() {
  local name=$1 ns=$2
  shift 2
  ip netns exec "$ns" "$@" </dev/null >"$LAB_OUT/$name.log" 2>&1 &
  printf -v "LAB_PID_${name//-/_}" %s $!
}

# lab_stop NAME: stop what lab_bg NAME started (TERM, then KILL after 2 s).
lab_stop() {
  local var="LAB_PID_${1//-/_}"
  local pid=${!var:-}
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

# lab_tcpdump NS IF NAME [FILTER...]: capture on IF in NS to
# $LAB_OUT/NAME.pcap until lab_stop NAME (or the end of the test).
lab_tcpdump() {
  local ns=$1 ifc=$2 name=$3
  shift 3
  lab_bg "$name" "$ns" tcpdump -n -U -i "$ifc" -w "$LAB_OUT/$name.pcap" "$@"
  lab_wait_line "$LAB_OUT/$name.log" "listening on" 10 || lab_fail "tcpdump $name did not start"
}

# lab_natt_socket NS [PORT]: hold a UDP socket on PORT (default 4500) in NS
# with UDP_ENCAP_ESPINUDP set, so the kernel decapsulates ESP-in-UDP arriving
# there (what an IKE daemon does for NAT-T). Runs until the test ends.
lab_natt_socket() {
  local ns=$1 port=${2:-4500}
  lab_bg "natt-$ns-$port" "$ns" "$LAB_PYTHON" "$LAB_DIR/natt-socket.py" "$port"
  lab_wait_line "$LAB_OUT/natt-$ns-$port.log" "ready" 20 ||
    lab_fail "NAT-T socket in $ns: $(cat "$LAB_OUT/natt-$ns-$port.log")"
}

# ---- waiting ------------------------------------------------------------------

# lab_wait_for SECONDS CMD...: retry CMD every 0.2 s until it succeeds;
# non-zero if it never did.
lab_wait_for() {
  local end=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || return 1
    sleep 0.2
  done
}

# lab_wait_line FILE TEXT SECONDS: wait until a line of FILE contains TEXT.
lab_wait_line() {
  local end=$((SECONDS + $3)) line
  while :; do
    if [ -r "$1" ]; then
      while IFS= read -r line; do
        [[ "$line" == *"$2"* ]] && return 0
      done <"$1"
    fi
    ((SECONDS < end)) || return 1
    sleep 0.2
  done
}

# lab_wait_udp NS PORT [SECONDS]: wait until something listens on UDP PORT in NS.
lab_wait_udp() {
  lab_wait_for "${3:-10}" lab_listening "$1" "$2" || lab_fail "nothing listens on UDP $2 in $1"
}
lab_listening() { [ -n "$(ip netns exec "$1" ss -Hlun "sport = :$2")" ]; }

# ---- assertions --------------------------------------------------------------

# lab_ping NS DEST [COUNT]: COUNT (3) pings 0.2 s apart, 1 s for the last
# answer; status of ping. Extra ping options can go in LAB_PING_OPTS.
lab_ping() {
  # shellcheck disable=SC2086
  ip netns exec "$1" ping -n -q -c "${3:-3}" -i 0.2 -W 1 ${LAB_PING_OPTS:-} "$2"
}

# lab_assert_ping NS DEST [COUNT]: every ping must be answered.
lab_assert_ping() {
  local out
  out=$(lab_ping "$@" 2>&1) || lab_fail "ping $2 from $1 failed:
$out"
  lab_log "ping $1 -> $2: ok"
}

# lab_assert_no_ping NS DEST [COUNT]: no ping (default 1) may be answered.
lab_assert_no_ping() {
  local out
  if out=$(lab_ping "$1" "$2" "${3:-1}" 2>&1); then
    lab_fail "ping $2 from $1 was answered, it must not be:
$out"
  fi
  lab_log "ping $1 -> $2: no answer, as expected"
}

# lab_xfrm_counters NS: one line per SA of `ip -s xfrm state` in NS:
#   SPI SRC DST PACKETS BYTES      (SPI as ip prints it, e.g. 0x00001000)
lab_xfrm_counters() {
  ip -n "$1" -s xfrm state | awk '
    /^src /                    { src = $2; dst = $4 }
    /proto [a-z0-9-]+ spi /    { for (i = 1; i < NF; i++) if ($i == "spi") spi = $(i + 1); sub(/\(.*/, "", spi) }
    /lifetime current:/        { cur = 1; next }
    cur && /\(bytes\)/ {
      b = $1; p = $2; sub(/\(bytes\),?/, "", b); sub(/\(packets\)/, "", p)
      print spi, src, dst, p, b; cur = 0
    }'
}

# lab_xfrm_packets NS SPI: the packet count of the SA with SPI in NS
# (SPI in any form printf reads: 0x1000, 4096); empty if there is none.
lab_xfrm_packets() {
  local want spi packets log=${TMPDIR:-/tmp}/lab-xfrm.$$
  printf -v want '0x%08x' "$2"
  lab_xfrm_counters "$1" >"$log"
  while read -r spi _ _ packets _; do
    [ "$spi" = "$want" ] && { echo "$packets"; return 0; }
  done <"$log"
  return 0
}

# lab_assert_xfrm_packets NS MIN SPI...: each SA with one of the SPIs in NS
# counted >= MIN packets (one `ip -s xfrm state` for all of them).
lab_assert_xfrm_packets() {
  local ns=$1 min=$2 log=${TMPDIR:-/tmp}/lab-xfrm.$$ want spi packets bytes found
  shift 2
  lab_xfrm_counters "$ns" >"$log"
  for want; do
    printf -v want '0x%08x' "$want"
    found=""
    while read -r spi _ _ packets bytes; do
      [ "$spi" = "$want" ] && found=$packets && break
    done <"$log"
    [ -n "$found" ] || lab_fail "no SA with SPI $want in $ns:
$(ip -n "$ns" xfrm state)"
    ((found >= min)) || lab_fail "SA $want in $ns counted $found packets, expected >= $min:
$(ip -n "$ns" -s xfrm state)"
    lab_log "SA $want in $ns: $found packets, $bytes bytes"
  done
}

# lab_ping_losses FILE: for the output of `ping -D -n` in FILE, one line per
# lost icmp_seq with the (wall clock) time of the last reply before it, to
# place a loss against the daemons' logs.
lab_ping_losses() {
  awk '/icmp_seq=/ {
         match($0, /icmp_seq=[0-9]+/); seq = substr($0, RSTART + 9, RLENGTH - 9) + 0
         got[seq] = $1; if (seq > max) max = seq
       }
       END {
         for (s = 1; s <= max; s++) if (!(s in got)) {
           for (p = s - 1; p > 0 && !(p in got); p--) {}
           t = (p in got) ? got[p] : "[?]"; gsub(/[][]/, "", t)
           printf "icmp_seq=%d lost; last reply before it (seq %d) at %s\n", s, p, strftime("%H:%M:%S", int(t)) substr(t, index(t, "."), 4)
         }
       }' "$1"
}

# lab_xfrm_errors NS: the non-zero error counters of /proc/net/xfrm_stat in NS.
lab_xfrm_errors() {
  ip netns exec "$1" awk '$2 != 0 { printf "%s=%s ", $1, $2 }' /proc/net/xfrm_stat
}

# lab_roadwarrior_topology N: N road warriors and a gateway on one WAN (a
# bridge in namespace wan), the gateway's LAN behind it:
#   rwK    eth0 192.0.2.(10+K)/24 (K = 1..N)
#   gw-a   eth0 192.0.2.1/24 (WAN), eth1 10.1.0.1/24 (LAN)   forwarding on
#   lan-a  eth0 10.1.0.10/24                                 default via gw-a
# Nobody has a route to the LAN or to virtual IPs: the tests add what the
# road warriors' tunnels need.
lab_roadwarrior_topology() {
  local k
  lab_run modprobe bridge
  lab_ns wan gw-a lan-a
  lab_router gw-a
  lab_run ip -n wan -batch - <<<$'link add br0 type bridge\nlink set br0 up'
  lab_link lan-a eth0 10.1.0.10/24 gw-a eth1 10.1.0.1/24
  lab_route lan-a default 10.1.0.1
  lab_run ip link add eth0 netns gw-a type veth peer name p-gw-a netns wan
  lab_addrs gw-a eth0 192.0.2.1/24
  lab_run ip -n wan link set p-gw-a master br0 up
  for ((k = 1; k <= $1; k++)); do
    lab_ns "rw$k"
    lab_run ip link add eth0 netns "rw$k" type veth peer name "p-rw$k" netns wan
    lab_addrs "rw$k" eth0 "192.0.2.$((10 + k))/24"
    lab_run ip -n wan link set "p-rw$k" master br0 up
  done
}
