# shellcheck shell=bash
# libreswan.sh: helpers for lab tests that run libreswan's pluto as a peer.
# Source it after lib.sh (and ikev2d.sh, if the test runs ikev2d too),
# before lab_require_guest:
#
#   . "$(dirname "$0")/../lab/lib.sh"
#   . "$(dirname "$0")/../lab/ikev2d.sh"
#   . "$(dirname "$0")/../lab/libreswan.sh"
#   lab_require_guest "$@"
#   libreswan_check_tools
#
# Debian's libreswan conflicts with strongSwan's packages, so scripts/setup
# unpacks it (with libldns3, libevent-pthreads and libnss3-tools) into
# LIBRESWAN_PREFIX instead of installing it. pluto runs from there with
# LD_LIBRARY_PATH pointing into it, in a mount namespace of its own where the
# prefix's usr/libexec is bind-mounted over /usr/libexec: pluto starts
# /usr/libexec/ipsec/addconn (to load the connections) and the _updown script
# by those fixed paths.
#
# Each pluto runs in a namespace ("GW") with everything of its own under
# $LAB_OUT/GW/pluto/ (libreswan_dir GW):
#   ipsec.conf     --config: "config setup" and one connection
#   ipsec.secrets  --secretsfile: the PSK of the two ids
#   ipsec.d/       --ipsecdir (empty: no policy groups)
#   nss/           --nssdir: the NSS database, made once per GW by certutil
#   run/           --rundir: pluto.ctl (whack's socket) and pluto.pid
#   dump/          dumpdir= (core files)
#   pluto.log      --logfile, new at each start, with plutodebug=base: its
#                  debug lines name the SPIs of pluto's IKE_SAs, which whack's
#                  --showstates, --status and --trafficstatus do not
#                  (libreswan_list_sas)
# Nothing of the host's /etc, /run, /var/lib/ipsec or syslog is used.
# DNSSEC is off (dnssec-enable=no, --no-dnssec): the lab has no DNS. On a
# failing exit the tail of each started
# pluto's log is printed (libreswan_check_tools sets the trap, which also
# prints ikev2d's logs when ikev2d.sh is sourced).

LIBRESWAN_PREFIX=${LIBRESWAN_PREFIX:-/var/cache/ikev2d-lab/libreswan}
LIBRESWAN_LIBEXEC=$LIBRESWAN_PREFIX/usr/libexec
LIBRESWAN_WHACK=$LIBRESWAN_LIBEXEC/ipsec/whack
LIBRESWAN_CERTUTIL=$LIBRESWAN_PREFIX/usr/bin/certutil
LIBRESWAN_STARTED=()

libreswan_dir() { echo "$LAB_OUT/$1/pluto"; }

# libreswan_env: LD_LIBRARY_PATH for the unpacked libraries (the multiarch
# folder, e.g. usr/lib/x86_64-linux-gnu).
libreswan_env() {
  local d
  for d in "$LIBRESWAN_PREFIX"/usr/lib/*-linux-gnu*; do
    [ -d "$d" ] && LIBRESWAN_LD_PATH=$d
  done
}

# libreswan_version: the version of the unpacked libreswan package.
libreswan_version() {
  local p v
  while read -r p v; do [ "$p" = libreswan ] && echo "$v"; done <"$LIBRESWAN_PREFIX/VERSIONS"
}

# libreswan_check_tools: inside the guest, skip the test (77) unless
# scripts/setup unpacked libreswan; set the EXIT trap that dumps the
# daemons' logs on failure.
libreswan_check_tools() {
  local p
  for p in "$LIBRESWAN_LIBEXEC/ipsec/pluto" "$LIBRESWAN_LIBEXEC/ipsec/addconn" "$LIBRESWAN_WHACK" "$LIBRESWAN_CERTUTIL"; do
    [ -x "$p" ] || { echo "SKIP: no $p (scripts/setup unpacks libreswan into $LIBRESWAN_PREFIX)"; exit 77; }
  done
  [ -r "$LIBRESWAN_PREFIX/VERSIONS" ] || { echo "SKIP: no $LIBRESWAN_PREFIX/VERSIONS (run scripts/setup)"; exit 77; }
  libreswan_env
  [ -n "${LIBRESWAN_LD_PATH:-}" ] || lab_fail "no library folder under $LIBRESWAN_PREFIX/usr/lib"
  trap 'rc=$?; if ((rc)); then libreswan_dump_all; fi' EXIT
}

# libreswan_dump_all: the log tails of every started daemon (pluto, and
# ikev2d's when ikev2d.sh is loaded).
libreswan_dump_all() {
  declare -F ikev2d_dump_logs >/dev/null && ikev2d_dump_logs
  libreswan_dump_logs
}

# libreswan_dump_logs [GW...]: the tail of each GW's pluto log (default:
# every pluto started).
libreswan_dump_logs() {
  local gw log
  (($#)) || set -- "${LIBRESWAN_STARTED[@]}"
  for gw; do
    log=$(libreswan_dir "$gw")/pluto.log
    [ -r "$log" ] || continue
    echo "---- tail of $log (without its debug lines) ----" >&2
    grep -v ': |' "$log" | tail -n "${LIBRESWAN_DUMP_LINES:-60}" >&2
  done
}

# libreswan_whack GW ARGS...: whack against GW's pluto (its control socket
# is a file, so no namespace switch is needed).
libreswan_whack() {
  local gw=$1
  shift
  LD_LIBRARY_PATH=$LIBRESWAN_LD_PATH "$LIBRESWAN_WHACK" --rundir "$(libreswan_dir "$gw")/run" "$@"
}

# libreswan_write_config GW KEY=VALUE...: write GW's ipsec.conf with one
# tunnel-mode PSK connection and ipsec.secrets with its PSK. Keys (pluto's
# names, "left" is GW itself):
#   conn=NAME left= right= (addresses) leftid= rightid= (FQDNs, without @)
#   leftsubnet= rightsubnet= leftsourceip= (GW's address inside leftsubnet:
#   without it pluto installs no route to rightsubnet) ike= esp= (pluto's
#   spelling) psk= (0x... hex or text) auto= (add) pfs= (yes) esn= (either)
# and, left out of ipsec.conf unless given (pluto's defaults: 8h, 9m, 100%,
# 8h), the lifetimes in pluto's syntax (10s, 1m):
#   salifetime= the CHILD_SA's lifetime. pluto starts its rekey of a CHILD_SA
#     at salifetime minus a margin: rekeymargin plus a random 0..rekeyfuzz
#     percent of it when pluto initiated that CHILD_SA, half of rekeymargin
#     when it answered (so the initiator of a CHILD_SA normally rekeys it);
#     what is left is the time to rekey before pluto replaces the SA anyway.
#     A rekeymargin >= salifetime is cut to salifetime/2 (logged "reducing
#     rekeymargin"). pluto 4.10 has no minimum (salifetime=8s works) and
#     caps it at 24h.
#   rekeymargin= rekeyfuzz= (0% for a fixed margin) ikelifetime= (the IKE_SA,
#     the same rules)
# An unknown key fails the test.
libreswan_write_config() {
  local gw=$1 dir arg key lifetimes=""
  local -A v=([auto]=add [pfs]=yes [esn]=either)
  shift
  dir=$(libreswan_dir "$gw")
  mkdir -p "$dir"/{run,dump,nss,ipsec.d} || lab_fail "cannot make $dir"
  ((${#dir} < 95)) || lab_fail "$dir is too long for a unix socket path"
  for arg; do
    key=${arg%%=*}
    [ "$key" != "$arg" ] || lab_fail "libreswan_write_config: '$arg' is not KEY=VALUE"
    case $key in
      conn | left | right | leftid | rightid | leftsubnet | rightsubnet | leftsourceip | ike | esp | psk | auto | pfs | esn)
        v[$key]=${arg#*=} ;;
      salifetime | rekeymargin | rekeyfuzz | ikelifetime) lifetimes+=$'\t'"$arg"$'\n' ;;
      *) lab_fail "libreswan_write_config: unknown key '$key'" ;;
    esac
  done
  for key in conn left right leftid rightid leftsubnet rightsubnet leftsourceip ike esp psk; do
    [ -n "${v[$key]:-}" ] || lab_fail "libreswan_write_config $gw: $key= is needed"
  done
  cat >"$dir/ipsec.conf" <<EOF
# $gw's pluto, written by $(basename "$0") (tests/lab/libreswan.sh)
config setup
	dnssec-enable=no
	dumpdir=$dir/dump
	plutodebug=base

conn ${v[conn]}
	ikev2=yes
	authby=secret
	type=tunnel
	left=${v[left]}
	leftid=@${v[leftid]}
	leftsubnet=${v[leftsubnet]}
	leftsourceip=${v[leftsourceip]}
	leftupdown=/usr/libexec/ipsec/_updown
	right=${v[right]}
	rightid=@${v[rightid]}
	rightsubnet=${v[rightsubnet]}
	ike=${v[ike]}
	esp=${v[esp]}
	pfs=${v[pfs]}
	esn=${v[esn]}
	retransmit-timeout=10s
	keyingtries=1
${lifetimes}	auto=${v[auto]}
EOF
  # PSK: hex (0x...) goes in bare, text in quotes.
  if [[ ${v[psk]} == 0x* ]]; then key=${v[psk]}; else key="\"${v[psk]}\""; fi
  printf '@%s @%s : PSK %s\n' "${v[leftid]}" "${v[rightid]}" "$key" >"$dir/ipsec.secrets"
  chmod 600 "$dir/ipsec.secrets" || lab_fail "chmod $dir/ipsec.secrets"
}

# libreswan_nss GW: make GW's NSS database unless it exists. certutil -N
# asks for a password (forever) on an existing database, so it runs only
# once, without stdin and under a timeout.
libreswan_nss() {
  local dir out
  dir=$(libreswan_dir "$1")/nss
  [ -e "$dir/cert9.db" ] && return 0
  out=$(LD_LIBRARY_PATH=$LIBRESWAN_LD_PATH timeout 20 "$LIBRESWAN_CERTUTIL" -N -d "sql:$dir" --empty-password </dev/null 2>&1) ||
    lab_fail "certutil -N for $1's NSS database failed: $out"
  [ -e "$dir/cert9.db" ] || lab_fail "certutil -N made no $dir/cert9.db: $out"
}

# libreswan_pid GW: the pid of GW's pluto (as started by libreswan_start).
libreswan_pid() { local var="LAB_PID_pluto_${1//-/_}"; echo "${!var:-}"; }

# libreswan_net_state GW: GW's addresses and routes, to see that pluto's
# _updown takes away what it added.
libreswan_net_state() { ip -n "$1" -o addr show; ip -n "$1" route show; ip -n "$1" -6 route show; }

# libreswan_start GW: start pluto in GW with GW's config
# (libreswan_write_config), /usr/libexec from the prefix, and wait until its
# connection is loaded ("added IKEv2 connection" in its log) and whack
# answers.
libreswan_start() {
  local gw=$1 dir pid
  dir=$(libreswan_dir "$gw")
  [ -r "$dir/ipsec.conf" ] || lab_fail "no $dir/ipsec.conf: libreswan_write_config $gw first"
  [ -z "$(libreswan_pid "$gw")" ] || lab_fail "pluto in $gw is already running (pid $(libreswan_pid "$gw"))"
  libreswan_nss "$gw"
  rm -f "$dir/pluto.log" "$dir/run/pluto.ctl" "$dir/run/pluto.pid"
  libreswan_net_state "$gw" >"$dir/net-before"
  # --nofork keeps pluto the process started here: $! is its pid. ip netns
  # exec gives it a mount namespace of its own, so the bind mount of
  # /usr/libexec is seen by pluto and its children only.
  # shellcheck disable=SC2016 # $0 and $@ are the inner shell's
  LD_LIBRARY_PATH=$LIBRESWAN_LD_PATH ip netns exec "$gw" sh -c 'mount --bind "$0" /usr/libexec && exec "$@"' \
    "$LIBRESWAN_LIBEXEC" /usr/libexec/ipsec/pluto --nofork --config "$dir/ipsec.conf" \
    --secretsfile "$dir/ipsec.secrets" --ipsecdir "$dir/ipsec.d" --nssdir "$dir/nss" \
    --rundir "$dir/run" --logfile "$dir/pluto.log" --no-dnssec </dev/null >"$dir/pluto.stdout" 2>&1 &
  pid=$!
  printf -v "LAB_PID_pluto_${gw//-/_}" %s "$pid"
  LIBRESWAN_STARTED+=("$gw")
  if ! lab_wait_line "$dir/pluto.log" "added IKEv2 connection" 20; then
    kill -0 "$pid" 2>/dev/null || lab_fail "pluto in $gw exited at start:
$(cat "$dir/pluto.stdout" "$dir/pluto.log" 2>/dev/null)"
    lab_fail "pluto in $gw did not load its connection within 20 s"
  fi
  lab_wait_for 10 libreswan_whack "$gw" --status || lab_fail "pluto in $gw does not answer on $dir/run/pluto.ctl"
  lab_log "pluto in $gw is up (pid $pid), connection loaded"
}

# libreswan_whack_for SECONDS GW ARGS...: libreswan_whack under a timeout
# (whack --initiate waits for the negotiation's end).
libreswan_whack_for() {
  local t=$1 gw=$2
  shift 2
  LD_LIBRARY_PATH=$LIBRESWAN_LD_PATH timeout "$t" "$LIBRESWAN_WHACK" --rundir "$(libreswan_dir "$gw")/run" "$@"
}

# libreswan_initiate GW CONN [TIMEOUT]: whack --initiate CONN, which waits
# for the outcome, for up to TIMEOUT (20) s; whack's output goes to
# $LAB_OUT/GW/pluto/initiate.out. Fails unless whack reports success.
libreswan_initiate() {
  local gw=$1 conn=$2 t=${3:-20} out
  out=$(libreswan_dir "$gw")/initiate.out
  libreswan_whack_for "$t" "$gw" --name "$conn" --initiate >"$out" 2>&1 ||
    lab_fail "whack --initiate $conn in $gw failed (exit $?):
$(tail -n 20 "$out")"
  lab_log "pluto in $gw initiated $conn: $(tail -n 1 "$out")"
}

# libreswan_terminate GW CONN [TIMEOUT]: whack --terminate CONN (deletes its
# IKE_SA and CHILD_SAs, telling the peer), up to TIMEOUT (10) s.
libreswan_terminate() {
  local gw=$1 out
  out=$(libreswan_whack_for "${3:-10}" "$gw" --name "$2" --terminate 2>&1) ||
    lab_fail "whack --terminate $2 in $gw failed:
$out"
  lab_log "pluto in $gw terminated $2"
}

# libreswan_list_sas GW [CHILD]: GW's SAs as pluto reports them, one line
# each, in the form of charon_list_sas and interop_ikev2d_sas:
#   ike CONN #N STATE INITIATOR SPI_I SPI_R PROPOSAL LOCAL REMOTE NAT_LOCAL NAT_REMOTE
#   child CONN CHILD #N STATE MODE SPI_IN SPI_OUT PROPOSAL ENCAP LOCAL_TS REMOTE_TS
# pluto has one name for a connection and its CHILD_SA; CHILD (default: the
# connection's name) names the child lines. pluto 4.10 has no one listing
# of all this, so it comes from two sources:
#   whack --showstates  the live states: #N, the state name, the IKE_SA of each
#                       CHILD_SA, the IKE port ("CONN":PORT, one for both
#                       ends), each CHILD_SA's SPIs ("esp.SPI@DST": inbound
#                       where DST is GW's own address, left=) and its mode
#                       ("tun." in tunnel mode);
#   pluto.log           what pluto logged while it set each state up: the IKE
#                       algorithms ("sent IKE_SA_INIT reply {...}" as
#                       responder, "sent IKE_AUTH request {...}" as initiator;
#                       --status names them on the initiator only), the ESP
#                       algorithms, ESN, UDP encapsulation and traffic
#                       selectors ("established Child SA ... [LOCAL] ->
#                       [REMOTE] {ESP[inUDP][/ESN]=>0xOUT <0xIN xfrm=...}",
#                       or "rekeyed Child SA #OLD ..." for a rekey),
#                       and, from the debug lines of plutodebug=base, the IKE
#                       SPIs (pluto's state table: "entry state
#                       ...ike_spis... #N: SPIi SPIr added"; whack's listings
#                       do not show them) and the NAT findings ("NAT_TRAVERSAL this
#                       end is [NOT] behind NAT", of the last state named).
# Algorithms are in ikev2d's keyword form (aes256gcm16-prfsha384-ecp384,
# aes256-sha256-noesn); a name it does not know shows as ?PLUTO_NAME.
# Traffic selectors are CIDRs where pluto's range is one. The raw whack
# answer is kept in $LAB_OUT/GW/pluto/showstates.raw. Non-zero if whack fails.
libreswan_list_sas() {
  local dir left right
  dir=$(libreswan_dir "$1")
  libreswan_whack "$1" --showstates >"$dir/showstates.raw" 2>&1 || { cat "$dir/showstates.raw" >&2; return 1; }
  left=$(sed -n 's/^\tleft=//p' "$dir/ipsec.conf") right=$(sed -n 's/^\tright=//p' "$dir/ipsec.conf")
  awk -v me="$left" -v peer="$right" -v child_name="${2:-}" -f - "$dir/showstates.raw" "$dir/pluto.log" <<'AWK'
# kw(KIND, PLUTO_NAME): the name in ikev2d's keyword form.
function kw(k, v,   m) {
  if (k == "encr") {
    if (v ~ /^AES_GCM_(8|12|16)_[0-9]+$/) { split(v, m, "_"); return "aes" m[4] "gcm" m[3] }
    if (v ~ /^AES_CCM_(8|12|16)_[0-9]+$/) { split(v, m, "_"); return "aes" m[4] "ccm" m[3] }
    if (v ~ /^AES_CBC_[0-9]+$/) { split(v, m, "_"); return "aes" m[3] }
    if (v ~ /^AES_CTR_[0-9]+$/) { split(v, m, "_"); return "aes" m[3] "ctr" }
    if (v == "CHACHA20_POLY1305") return "chacha20poly1305"
    if (v ~ /^3DES(_CBC)?$/) return "3des"
  } else if (k == "integ") {
    if (v == "n/a" || v == "NONE") return ""
    if (v == "HMAC_SHA1_96") return "sha1"
    if (v == "HMAC_SHA2_256_128") return "sha256"
    if (v == "HMAC_SHA2_384_192") return "sha384"
    if (v == "HMAC_SHA2_512_256") return "sha512"
    if (v == "HMAC_MD5_96") return "md5"
    if (v == "AES_XCBC_96") return "aesxcbc"
    if (v == "AES_CMAC_96") return "aescmac"
  } else if (k == "prf") {
    if (v == "HMAC_SHA1") return "prfsha1"
    if (v ~ /^HMAC_SHA2_(256|384|512)$/) { sub(/^HMAC_SHA2_/, "", v); return "prfsha" v }
    if (v == "HMAC_MD5") return "prfmd5"
    if (v == "AES_XCBC") return "prfaesxcbc"
  } else if (k == "dh") {
    if (v ~ /^MODP[0-9]+$/) return tolower(v)
    if (v == "DH19") return "ecp256"
    if (v == "DH20") return "ecp384"
    if (v == "DH21") return "ecp521"
    if (v == "DH31") return "curve25519"
  }
  return "?" v
}
# join(A, B): A-B, or A alone when B is empty.
function join(a, b) { return b == "" ? a : a "-" b }
# brace(LINE, KEY): the value of KEY=... inside LINE's {...}.
function brace(line, key,   i, t, n, f) {
  i = index(line, "{"); t = substr(line, i + 1); sub(/}.*/, "", t)
  n = split(t, f, " ")
  for (i = 1; i <= n; i++) if (index(f[i], key "=") == 1) return substr(f[i], length(key) + 2)
  return ""
}
# state(LINE): N of the first "#N" in LINE.
function state(line,   t) { t = line; sub(/^[^#]*#/, "", t); sub(/[^0-9].*/, "", t); return t }
# hex8(SPI): an SPI as 8 hex digits.
function hex8(v) { sub(/^0x/, "", v); v = tolower(v); while (length(v) < 8) v = "0" v; return v }
# ip4(A): IPv4 address A as a number.
function ip4(a,   o) { split(a, o, "."); return ((o[1] * 256 + o[2]) * 256 + o[3]) * 256 + o[4] }
# cidr(TS): pluto's "[FIRST-LAST:PORTS PROTO]" as FIRST/LEN when that range
# is one IPv4 prefix, else as pluto wrote it.
function cidr(ts,   r, a, b, n, len) {
  r = ts; gsub(/^\[|:.*$/, "", r)
  split(r, a, "-")
  if (a[1] !~ /^[0-9.]+$/ || a[2] !~ /^[0-9.]+$/) return ts
  n = ip4(a[2]) - ip4(a[1]) + 1; len = 32
  while (n > 1 && n % 2 == 0) { n /= 2; len-- }
  if (n != 1 || ip4(a[1]) % (2 ^ (32 - len)) != 0) return ts
  return a[1] "/" len
}
FNR == NR {  # whack --showstates
  sub(/^[0-9][0-9][0-9] /, "")
  if ($0 !~ /^#[0-9]+: "/) next
  n = state($0); conn = $2; port = $2; gsub(/"|:[0-9]+$/, "", conn); sub(/^.*:/, "", port)
  if (index($0, " STATE_") > 0) {
    order[++count] = n; name[n] = conn; sname[n] = $3; ikeport[n] = port
    if (match($0, /IKE SA #[0-9]+;/)) parent[n] = substr($0, RSTART + 8, RLENGTH - 9); else isike[n] = 1
  } else if (index($0, " esp.") > 0) {
    mode[n] = index($0, " tun.") > 0 ? "tunnel" : "transport"
    for (i = 3; i <= NF; i++) if ($i ~ /^esp\./) {
      split(substr($i, 5), m, "@")
      if (m[2] == me) spi_in[n] = hex8(m[1]); else spi_out[n] = hex8(m[1])
    }
  }
  next
}
/#[0-9]+/ {
  last = state($0)
  # A NAT finding logged before any state number belongs to the first state.
  if (pend_l != "") { nat_l[last] = pend_l; pend_l = "" }
  if (pend_r != "") { nat_r[last] = pend_r; pend_r = "" }
}
/#[0-9]+: initiating IKEv2 connection/ { initiator[state($0)] = "yes" }
/#[0-9]+: sent (IKE_SA_INIT reply|IKE_AUTH request) \{/ {
  ike_alg[state($0)] = join(join(join(kw("encr", brace($0, "cipher")), kw("integ", brace($0, "integ"))),
    kw("prf", brace($0, "prf"))), kw("dh", brace($0, "group")))
}
/#[0-9]+: (initiator|responder) (established Child SA using #|rekeyed Child SA #[0-9]+ using #)/ {
  n = state($0); t = $0; sub(/^.*xfrm=/, "", t); sub(/ .*/, "", t)
  split(t, f, "-")
  a = join(kw("encr", f[1]), kw("integ", f[2]))
  if (3 in f) a = join(a, kw("dh", f[3]))
  child_alg[n] = a (match($0, /\{ESP(inUDP)?\/ESN=>/) ? "-esn" : "-noesn")
  encap[n] = index($0, "{ESPinUDP") > 0 ? "yes" : "no"
  t = $0; sub(/^.*IPsec (tunnel|transport) /, "", t); split(t, f, " -> ")
  lts[n] = cidr(substr(f[1], 1, index(f[1], "]"))); rts[n] = cidr(substr(f[2], 1, index(f[2], "]")))
}
/\| entry state hash_table_entries\.ike_spis@.* #[0-9]+: .* added to hash table/ {
  t = $0; sub(/^.*hash_table_entries\.ike_spis@[^#]*#/, "", t)
  n = t; sub(/:.*/, "", n)
  sub(/^[0-9]+: /, "", t); sub(/ added to hash table.*/, "", t); gsub(/ /, "", t)
  if (length(t) == 32) { spi_i[n] = substr(t, 1, 16); spi_r[n] = substr(t, 17) }
}
/\| NAT_TRAVERSAL this end is (NOT )?behind NAT/ { t = index($0, " NOT ") ? "no" : "yes"; if (last == "") pend_l = t; else nat_l[last] = t }
/\| NAT_TRAVERSAL that end is (NOT )?behind NAT/ { t = index($0, " NOT ") ? "no" : "yes"; if (last == "") pend_r = t; else nat_r[last] = t }
function v(arr, k) { return (k in arr) ? arr[k] : "-" }
END {
  for (k = 1; k <= count; k++) {
    n = order[k]
    if (!(n in isike)) continue
    print "ike", name[n], "#" n, sname[n], (n in initiator ? "yes" : "no"), v(spi_i, n), v(spi_r, n), v(ike_alg, n), \
      me "[" ikeport[n] "]", peer "[" ikeport[n] "]", v(nat_l, n), v(nat_r, n)
    for (j = 1; j <= count; j++) {
      c = order[j]
      if (parent[c] != n) continue
      print "child", name[n], (child_name != "" ? child_name : name[c]), "#" c, sname[c], v(mode, c), \
        v(spi_in, c), v(spi_out, c), v(child_alg, c), v(encap, c), v(lts, c), v(rts, c)
    }
  }
}
AWK
}

# libreswan_log_has GW TEXT...: a line of GW's pluto log (which is new at
# each start) contains every TEXT; it is printed. Debug lines do not count.
libreswan_log_has() {
  local gw=$1 line t ok
  shift
  while IFS= read -r line; do
    [[ $line == *": |"* ]] && continue
    ok=1
    for t; do [[ $line == *"$t"* ]] || { ok=0; break; }; done
    ((ok)) && { echo "$line"; return 0; }
  done <"$(libreswan_dir "$gw")/pluto.log"
  return 1
}

# libreswan_log_count GW TEXT: how many lines of GW's pluto log (debug
# lines aside) contain TEXT.
libreswan_log_count() {
  local line n=0
  while IFS= read -r line; do
    [[ $line == *": |"* ]] && continue
    [[ $line == *"$2"* ]] && n=$((n + 1))
  done <"$(libreswan_dir "$1")/pluto.log"
  echo "$n"
}

# libreswan_delete_conn GW CONN: whack --delete CONN: its SAs go (the peer
# is told) and so does the connection, with any revival pluto scheduled.
libreswan_delete_conn() {
  local out
  out=$(libreswan_whack_for 10 "$1" --name "$2" --delete 2>&1) || lab_fail "whack --delete $2 in $1 failed:
$out"
  lab_log "pluto in $1 deleted connection $2"
}

# libreswan_stop GW: whack --shutdown GW's pluto; it must exit 0 within 10 s,
# remove its pid file and control socket, leave no SA or policy in GW (but
# ikev2d's) and take away the routes its _updown added. pluto 4.10 leaves the
# IPv6 neighbour-discovery bypass policies it adds at start-up; they are
# removed here (libreswan_drop_nd_bypass) and only they. On a failure pluto
# is killed and the test fails.
libreswan_stop() {
  local gw=$1 pid rc end dir left
  pid=$(libreswan_pid "$gw") dir=$(libreswan_dir "$gw")
  [ -n "$pid" ] || lab_fail "pluto in $gw was not started"
  libreswan_whack_for 10 "$gw" --shutdown >"$dir/shutdown.out" 2>&1 ||
    lab_fail "whack --shutdown in $gw failed: $(<"$dir/shutdown.out")"
  end=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= end)); then
      libreswan_kill "$gw"
      lab_fail "pluto in $gw did not exit within 10 s of whack --shutdown (killed)"
    fi
    sleep 0.2
  done
  printf -v "LAB_PID_pluto_${gw//-/_}" %s ""
  wait "$pid"
  rc=$?
  ((rc == 0)) || lab_fail "pluto in $gw exited $rc on whack --shutdown"
  [ ! -e "$dir/run/pluto.pid" ] || lab_fail "pluto in $gw left $dir/run/pluto.pid"
  [ ! -e "$dir/run/pluto.ctl" ] || lab_fail "pluto in $gw left $dir/run/pluto.ctl"
  libreswan_drop_nd_bypass "$gw"
  left=$(libreswan_anything_left "$gw") && lab_fail "pluto in $gw left kernel state:
$left"
  libreswan_net_state "$gw" >"$dir/net-after"
  cmp -s "$dir/net-before" "$dir/net-after" || lab_fail "pluto in $gw changed addresses or routes:
$(diff "$dir/net-before" "$dir/net-after")"
  lab_log "pluto in $gw exited 0; nothing of it left in the kernel or the routes"
}

# libreswan_drop_nd_bypass GW: delete the policies that let IPv6 neighbour
# solicitations and advertisements (ICMPv6 135, 136) bypass IPsec, which
# pluto adds at start-up and does not remove when it exits.
libreswan_drop_nd_bypass() {
  local type dir batch=""
  for type in 135 136; do
    for dir in out fwd in; do
      ip -n "$1" xfrm policy get src ::/0 dst ::/0 proto ipv6-icmp type "$type" dir "$dir" >/dev/null 2>&1 &&
        batch+="xfrm policy delete src ::/0 dst ::/0 proto ipv6-icmp type $type dir $dir"$'\n'
    done
  done
  [ -n "$batch" ] || return 0
  lab_run ip -n "$1" -batch - <<<"$batch"
  lab_log "$1: removed the $(grep -c . <<<"$batch") IPv6 neighbour-discovery bypass policies pluto left"
}

# libreswan_xfrm_blocks GW: GW's SAs and policies, one line each.
libreswan_xfrm_blocks() {
  { ip -n "$1" xfrm state; ip -n "$1" xfrm policy; } | awk '
    /^[^ \t]/ { if (b != "") print b; b = $0; next }
    { b = b " " $0 }
    END { if (b != "") print b }' | tr -s ' \t' ' '
}

# libreswan_state_left GW: lists (and succeeds on) the SAs and policies in
# GW with a reqid outside ikev2d's range: pluto's tunnels (pluto counts its
# reqids up from 16384).
libreswan_state_left() {
  local line r left=1 min=${IKEV2D_REQID_MIN:-$((0x4b450001))} max=${IKEV2D_REQID_MAX:-$((0x4b45ffff))}
  while IFS= read -r line; do
    [[ $line =~ " reqid "([0-9]+) ]] || continue
    r=${BASH_REMATCH[1]}
    ((r != 0 && (r < min || r > max))) && echo "  $line" && left=0
  done < <(libreswan_xfrm_blocks "$1")
  return $left
}

# libreswan_anything_left GW: lists (and succeeds on) every SA and policy in
# GW that is not ikev2d's (no reqid in its range), also those without a
# reqid: what must be gone once pluto has exited.
libreswan_anything_left() {
  local line r left=1 min=${IKEV2D_REQID_MIN:-$((0x4b450001))} max=${IKEV2D_REQID_MAX:-$((0x4b45ffff))}
  while IFS= read -r line; do
    r=0
    [[ $line =~ " reqid "([0-9]+) ]] && r=${BASH_REMATCH[1]}
    ((r >= min && r <= max)) || { echo "  $line"; left=0; }
  done < <(libreswan_xfrm_blocks "$1")
  return $left
}

# libreswan_kill GW: kill GW's pluto without asking (cleanup after a failure).
libreswan_kill() {
  local gw=$1 pid
  pid=$(libreswan_pid "$gw")
  [ -n "$pid" ] || return 0
  printf -v "LAB_PID_pluto_${gw//-/_}" %s ""
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -f "$(libreswan_dir "$gw")"/run/pluto.{pid,ctl}
  return 0
}
