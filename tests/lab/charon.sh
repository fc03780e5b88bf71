# shellcheck shell=bash
# charon.sh: helpers for lab tests that run strongSwan's charon as a peer.
# Source it after lib.sh (and ikev2d.sh, if the test runs ikev2d too),
# before lab_require_guest:
#
#   . "$(dirname "$0")/../lab/lib.sh"
#   . "$(dirname "$0")/../lab/ikev2d.sh"
#   . "$(dirname "$0")/../lab/charon.sh"
#   lab_require_guest "$@"
#   charon_check_tools
#
# Each charon runs in a namespace ("GW") with everything of its own under
# $LAB_OUT/GW/charon/ (charon_dir GW):
#   strongswan.conf   STRONGSWAN_CONF of charon and swanctl: an explicit plugin
#                     list (no resolve, no updown: nothing touches the host),
#                     no routes installed, a file log, no syslog logger
#   swanctl/          SWANCTL_DIR, with swanctl.conf (charon_write_config)
#   charon.vici       the vici socket swanctl talks to (--uri)
#   run/              bind-mounted on /run for charon only: /run/charon.pid
#   charon.log        the file log (ike/knl/cfg/chd 2, enc 1), new at each start
# No call touches the host's /etc, /run or syslog. On a failing exit the
# tail of each started charon's log is printed (charon_check_tools sets the
# trap, which also prints ikev2d's logs when ikev2d.sh is sourced).

CHARON_BIN=${CHARON_BIN:-/usr/lib/ipsec/charon}
CHARON_PLUGIN_DIR=${CHARON_PLUGIN_DIR:-/usr/lib/ipsec/plugins}
SWANCTL_BIN=${SWANCTL_BIN:-/usr/sbin/swanctl}
# Only plugins Debian 12 ships: openssl brings X25519, X448 and ChaCha20-
# Poly1305 (there is no curve25519 or chapoly plugin package).
CHARON_PLUGINS=${CHARON_PLUGINS:-"random nonce openssl pem pkcs1 pkcs8 x509 pubkey constraints revocation aes sha1 sha2 hmac gcm kdf kernel-netlink socket-default vici"}
CHARON_STARTED=()

charon_dir() { echo "$LAB_OUT/$1/charon"; }
charon_vici() { echo "unix://$(charon_dir "$1")/charon.vici"; }

# charon_check_tools: inside the guest, skip the test (77) unless charon,
# swanctl and the plugins are installed (scripts/setup installs them); set
# the EXIT trap that dumps the daemons' logs on failure.
charon_check_tools() {
  local p
  for p in "$CHARON_BIN" "$SWANCTL_BIN"; do
    [ -x "$p" ] || { echo "SKIP: no $p (strongswan-charon, strongswan-swanctl; scripts/setup installs them)"; exit 77; }
  done
  for p in $CHARON_PLUGINS; do
    [ -e "$CHARON_PLUGIN_DIR/libstrongswan-$p.so" ] ||
      { echo "SKIP: no charon plugin $p in $CHARON_PLUGIN_DIR (libstrongswan-standard-plugins, libcharon-extra-plugins)"; exit 77; }
  done
  trap 'rc=$?; if ((rc)); then charon_dump_all; fi' EXIT
}

# charon_dump_all: the log tails of every started daemon (charon, and
# ikev2d's when ikev2d.sh is loaded).
charon_dump_all() {
  declare -F ikev2d_dump_logs >/dev/null && ikev2d_dump_logs
  charon_dump_logs
}

# charon_dump_logs [GW...]: the tail of the log of each GW's charon (default:
# every charon started).
charon_dump_logs() {
  local gw log
  (($#)) || set -- "${CHARON_STARTED[@]}"
  for gw; do
    log=$(charon_dir "$gw")/charon.log
    [ -r "$log" ] || continue
    echo "---- tail of $log ----" >&2
    tail -n "${CHARON_DUMP_LINES:-80}" "$log" >&2
  done
}

# charon_swanctl GW ARGS...: swanctl against GW's charon (its vici socket;
# the socket is a file, so no namespace switch is needed).
charon_swanctl() {
  local gw=$1 dir
  shift
  dir=$(charon_dir "$gw")
  SWANCTL_DIR=$dir/swanctl STRONGSWAN_CONF=$dir/strongswan.conf "$SWANCTL_BIN" "$@" --uri "$(charon_vici "$gw")"
}

# charon_write_config GW KEY=VALUE...: write GW's strongswan.conf and
# swanctl/swanctl.conf with one connection and its PSK. Keys (swanctl.conf's
# names; lists are swanctl's comma-separated lists):
#   conn=NAME local_addrs= remote_addrs= (both default %any) local_id=
#   remote_id= proposals= (default) psk= (0x... hex, 0s... base64 or text;
#   the secret of local_id and remote_id)
#   local_auth= remote_auth= (psk) pubkey: certificates; then
#   local_cert= local_key= (our PEM certificate and key; a second
#   certificate in the file, an intermediate, goes to x509ca) cacert= (a CA
#   certificate to trust, repeatable) rsa_pss=yes (sign with RSA-PSS)
#   vips= (a road-warrior client: the virtual IPs to ask for, 0.0.0.0 or
#   ::, which charon then installs on its outbound interface) resolv_file=
#   (where the resolve plugin writes the DNS servers it is given)
#   eap_id= eap_secret= (local_auth=eap-mschapv2 or eap-tls: our EAP identity,
#   and with eap-mschapv2 its password; eap-tls uses local_cert/local_key; the
#   EAP plugins are loaded then)
#   child=NAME starts a child; the keys after it are the child's:
#     local_ts= remote_ts= (empty or left out: charon's default, "dynamic",
#     the IKE address) esp_proposals= mode= (tunnel) start_action= (none)
#   pool_addrs= (a road-warrior gateway: its pool "rw" of virtual IPs, a
#   prefix or FIRST-LAST, lent to clients that ask; a connection key, so
#   before child=)
# An unknown key fails the test.
charon_write_config() {
  local gw=$1 dir arg key val conn="" local_addrs="%any" remote_addrs="%any" local_id="" remote_id="" \
    proposals="default" psk="" children="" child="" c_local_ts="" c_remote_ts="" c_esp="default" c_mode="tunnel" c_start="none" \
    local_auth=psk remote_auth=psk local_cert="" local_key="" cacerts=() rsa_pss=no local_certs="" secrets="" \
    vips="" install_vip=no resolv_file="" plugins=$CHARON_PLUGINS resolve_conf="" pool_addrs="" pools_conf="" \
    eap_id="" eap_secret="" local_eap=""
  shift
  dir=$(charon_dir "$gw")
  # swanctl --load-all reads these credential folders and complains if one is missing.
  mkdir -p "$dir/run" "$dir"/swanctl/{x509,x509ca,x509ocsp,x509aa,x509ac,x509crl,pubkey,private,rsa,ecdsa,bliss,pkcs8,pkcs12} ||
    lab_fail "cannot make $dir"
  ((${#dir} < 95)) || lab_fail "$dir is too long for a unix socket path"
  flush_child() {
    [ -n "$child" ] || return 0
    children+="      $child {
${c_local_ts:+        local_ts = $c_local_ts
}${c_remote_ts:+        remote_ts = $c_remote_ts
}        esp_proposals = $c_esp
        mode = $c_mode
        start_action = $c_start
      }
"
    c_local_ts="" c_remote_ts="" c_esp="default" c_mode="tunnel" c_start="none"
  }
  for arg; do
    key=${arg%%=*} val=${arg#*=}
    [ "$key" != "$arg" ] || lab_fail "charon_write_config: '$arg' is not KEY=VALUE"
    case $key in
      conn) conn=$val ;;
      local_addrs) local_addrs=$val ;;
      remote_addrs) remote_addrs=$val ;;
      local_id) local_id=$val ;;
      remote_id) remote_id=$val ;;
      proposals) proposals=$val ;;
      psk) psk=$val ;;
      local_auth) local_auth=$val ;;
      remote_auth) remote_auth=$val ;;
      local_cert) local_cert=$val ;;
      local_key) local_key=$val ;;
      cacert) cacerts+=("$val") ;;
      rsa_pss) rsa_pss=$val ;;
      vips) vips=$val install_vip=yes ;;
      resolv_file) resolv_file=$val ;;
      eap_id) eap_id=$val ;;
      eap_secret) eap_secret=$val ;;
      child) flush_child; child=$val ;;
      local_ts) c_local_ts=$val ;;
      remote_ts) c_remote_ts=$val ;;
      esp_proposals) c_esp=$val ;;
      mode) c_mode=$val ;;
      start_action) c_start=$val ;;
      pool_addrs) pool_addrs=$val ;;
      *) lab_fail "charon_write_config: unknown key '$key'" ;;
    esac
  done
  flush_child
  unset -f flush_child
  [[ -n $conn && -n $local_id && -n $remote_id && -n $children ]] ||
    lab_fail "charon_write_config $gw: conn, local_id, remote_id and a child are needed"
  if [ "$local_auth" = psk ] || [ "$remote_auth" = psk ]; then
    [ -n "$psk" ] || lab_fail "charon_write_config $gw: psk auth needs psk="
    secrets="  ike-lab {
    id-local = $local_id
    id-remote = $remote_id
    secret = \"$psk\"
  }
"
  fi
  if [[ $local_auth == eap-* ]]; then
    [ -n "$eap_id" ] || lab_fail "charon_write_config $gw: $local_auth needs eap_id="
    plugins+=" eap-identity eap-mschapv2 eap-tls"
    local_eap="
      eap_id = $eap_id"
  fi
  if [ "$local_auth" = eap-mschapv2 ]; then
    [ -n "$eap_secret" ] || lab_fail "charon_write_config $gw: eap-mschapv2 needs eap_secret="
    secrets+="  eap-lab {
    id = $eap_id
    secret = \"$eap_secret\"
  }
"
  fi
  charon_credentials "$dir/swanctl" "$local_cert" "$local_key" "${cacerts[@]}"
  if [ -n "$resolv_file" ]; then
    plugins+=" resolve"
    resolve_conf="
    resolve {
      file = $resolv_file
    }"
  fi
  [ -z "$pool_addrs" ] || pools_conf="pools {
  rw {
    addrs = $pool_addrs
  }
}"
  [ -z "$local_cert" ] || local_certs="
      certs = $(basename "$local_cert")"
  cat >"$dir/strongswan.conf" <<EOF
# $gw's charon, written by $(basename "$0") (tests/lab/charon.sh)
charon {
  load = $plugins
  install_routes = no
  install_virtual_ip = $install_vip
  retransmit_timeout = 2
  retransmit_tries = 3
  rsa_pss = $rsa_pss
  plugins {
    vici {
      socket = $(charon_vici "$gw")
    }$resolve_conf
  }
  # A file logger and no syslog section: nothing goes to the host's syslog.
  filelog {
    lab {
      path = $dir/charon.log
      append = no
      flush_line = yes
      ike_name = yes
      time_format = %H:%M:%S
      time_add_ms = yes
      default = 1
      ike = 2
      knl = 2
      cfg = 2
      chd = 2
      enc = 1
    }
  }
}
swanctl {
  load = pem pkcs1 pkcs8 x509 openssl
}
EOF
  cat >"$dir/swanctl/swanctl.conf" <<EOF
# $gw's connections, written by $(basename "$0") (tests/lab/charon.sh)
connections {
  $conn {
    version = 2
    local_addrs = $local_addrs
    remote_addrs = $remote_addrs
    proposals = $proposals${vips:+
    vips = $vips}${pool_addrs:+
    pools = rw}
    local {
      auth = $local_auth
      id = $local_id$local_certs$local_eap
    }
    remote {
      auth = $remote_auth
      id = $remote_id
    }
    children {
$children    }
  }
}
secrets {
$secrets}
$pools_conf
EOF
}

# charon_credentials SWANCTL_DIR CERT KEY [CACERT...]: our certificate (its
# first PEM block; a further one, an intermediate CA, goes to x509ca so
# charon sends it), our key, and the CAs to trust, into swanctl's folders.
charon_credentials() {
  local dir=$1 cert=$2 key=$3 ca
  shift 3
  rm -f "$dir"/x509/* "$dir"/x509ca/* "$dir"/private/*
  if [ -n "$cert" ]; then
    awk -v one="$dir/x509/$(basename "$cert")" -v rest="$dir/x509ca/im-$(basename "$cert")" \
      '/-----BEGIN CERTIFICATE-----/ { n++ } { print > (n == 1 ? one : rest) }' "$cert" ||
      lab_fail "cannot copy $cert"
    cp "$key" "$dir/private/" || lab_fail "cannot copy $key"
  fi
  for ca; do cp "$ca" "$dir/x509ca/" || lab_fail "cannot copy $ca"; done
}

# charon_pid GW: the pid of GW's charon (as started by charon_start).
charon_pid() { local var="LAB_PID_charon_${1//-/_}"; echo "${!var:-}"; }

# charon_start GW: start charon in GW with GW's config (charon_write_config),
# /run private to it, and wait until it answers on its vici socket.
charon_start() {
  local gw=$1 dir pid
  dir=$(charon_dir "$gw")
  [ -r "$dir/strongswan.conf" ] || lab_fail "no $dir/strongswan.conf: charon_write_config $gw first"
  [ -z "$(charon_pid "$gw")" ] || lab_fail "charon in $gw is already running (pid $(charon_pid "$gw"))"
  rm -f "$dir/charon.vici" "$dir/charon.log"
  # lab_private_run, inlined: a backgrounded shell function would be a
  # subshell of its own, and $! its pid rather than charon's.
  # shellcheck disable=SC2016 # $0 and $@ are the inner shell's
  STRONGSWAN_CONF=$dir/strongswan.conf ip netns exec "$gw" sh -c 'mount --bind "$0" /run && exec "$@"' \
    "$dir/run" "$CHARON_BIN" </dev/null >"$dir/charon.stdout" 2>&1 &
  pid=$!
  printf -v "LAB_PID_charon_${gw//-/_}" %s "$pid"
  CHARON_STARTED+=("$gw")
  if ! lab_wait_for 20 charon_answers "$gw" "$pid"; then
    kill -0 "$pid" 2>/dev/null || lab_fail "charon in $gw exited at start:
$(cat "$dir/charon.stdout" 2>/dev/null)"
    lab_fail "charon in $gw does not answer on $(charon_vici "$gw")"
  fi
  [ "$(cat "$dir/run/charon.pid" 2>/dev/null)" = "$pid" ] ||
    lab_fail "charon in $gw: $dir/run/charon.pid holds '$(cat "$dir/run/charon.pid" 2>/dev/null)', not $pid"
  lab_log "charon in $gw is up (pid $pid)"
}

# charon_answers GW PID: charon (PID) runs and answers on its vici socket.
charon_answers() {
  kill -0 "$2" 2>/dev/null && [ -S "$(charon_dir "$1")/charon.vici" ] && charon_swanctl "$1" --stats >/dev/null 2>&1
}

# charon_load GW: load GW's swanctl.conf into its charon (swanctl --load-all);
# every connection and secret must load.
charon_load() {
  local gw=$1 out
  out=$(charon_swanctl "$gw" --load-all 2>&1) || lab_fail "swanctl --load-all for $gw failed:
$out"
  [[ $out == *"successfully loaded 1 connections"* && $out != *failed* ]] ||
    lab_fail "swanctl --load-all for $gw did not load one connection:
$out"
  lab_log "charon in $gw: configuration loaded"
}

# charon_initiate GW CHILD [IKE] [TIMEOUT]: swanctl --initiate CHILD (of
# connection IKE) and wait up to TIMEOUT (20) s for the result; its output
# goes to $LAB_OUT/GW/charon/initiate-CHILD.out. Fails unless it succeeded.
charon_initiate() {
  local gw=$1 child=$2 ike=${3:-} t=${4:-20} out
  out=$(charon_dir "$gw")/initiate-$child.out
  if ! charon_swanctl "$gw" --initiate --child "$child" ${ike:+--ike "$ike"} --timeout "$t" >"$out" 2>&1; then
    lab_fail "swanctl --initiate --child $child in $gw failed:
$(tail -n 20 "$out")"
  fi
  lab_log "charon in $gw initiated $child: $(tail -n 1 "$out")"
}

# charon_terminate GW IKE [TIMEOUT]: swanctl --terminate --ike IKE and wait
# up to TIMEOUT (10) s for the peer's answer.
charon_terminate() {
  local gw=$1 out
  out=$(charon_swanctl "$gw" --terminate --ike "$2" --timeout "${3:-10}" 2>&1) ||
    lab_fail "swanctl --terminate --ike $2 in $gw failed:
$out"
  lab_log "charon in $gw terminated $2"
}

# charon_terminate_child GW CHILD [TIMEOUT]: swanctl --terminate --child CHILD
# (every CHILD_SA of that name; the IKE_SA stays) and wait up to TIMEOUT (10)
# s for the peer's answer.
charon_terminate_child() {
  local gw=$1 out
  out=$(charon_swanctl "$gw" --terminate --child "$2" --timeout "${3:-10}" 2>&1) ||
    lab_fail "swanctl --terminate --child $2 in $gw failed:
$out"
  lab_log "charon in $gw terminated CHILD_SA $2"
}

# charon_list_sas GW: swanctl --list-sas of GW's charon, one line per SA:
#   ike NAME UNIQUEID STATE INITIATOR SPI_I SPI_R PROPOSAL LOCAL REMOTE NAT_LOCAL NAT_REMOTE
#   child IKE_NAME NAME UNIQUEID STATE MODE SPI_IN SPI_OUT PROPOSAL ENCAP LOCAL_TS REMOTE_TS
# INITIATOR yes/no (this charon initiated the IKE_SA), SPIs in hex as charon
# prints them, PROPOSAL the negotiated algorithms in ikev2d's keyword form
# (encryption-integrity-prf-group[-esn|-noesn], as `ikev2ctl list-sas`
# prints them); an algorithm it cannot name shows as ?CHARON_NAME. LOCAL and
# REMOTE are the IKE endpoints as ADDR[PORT]; NAT_LOCAL/NAT_REMOTE yes when
# charon found that side behind a NAT; ENCAP yes for ESP in UDP; a TS list is
# sorted and comma-joined ("-" when empty). The raw vici answer is kept in
# $LAB_OUT/GW/charon/list-sas.raw. Non-zero if swanctl fails.
charon_list_sas() {
  local raw
  raw=$(charon_dir "$1")/list-sas.raw
  charon_swanctl "$1" --list-sas --raw >"$raw" 2>&1 || { cat "$raw" >&2; return 1; }
  charon_parse_sas <"$raw"
}

# charon_parse_sas: swanctl --list-sas --raw output on stdin, charon_list_sas's
# lines on stdout. The raw form is one "list-sa event {NAME {key=value ...
# child-sas {NAME-ID {key=value ...}}}}" line per IKE_SA; lists are [a b].
charon_parse_sas() {
  awk '
    function kw(k, v, ks) {
      if (k == "encr") {
        if (v == "AES_CBC") return "aes" ks
        if (v == "AES_CTR") return "aes" ks "ctr"
        if (v ~ /^AES_GCM_(8|12|16)$/) { sub(/^AES_GCM_/, "", v); return "aes" ks "gcm" v }
        if (v ~ /^AES_CCM_(8|12|16)$/) { sub(/^AES_CCM_/, "", v); return "aes" ks "ccm" v }
        if (v == "CHACHA20_POLY1305") return "chacha20poly1305"
        if (v == "3DES") return "3des"
      } else if (k == "integ") {
        if (v == "HMAC_SHA1_96") return "sha1"
        if (v == "HMAC_SHA2_256_128") return "sha256"
        if (v == "HMAC_SHA2_384_192") return "sha384"
        if (v == "HMAC_SHA2_512_256") return "sha512"
        if (v == "HMAC_MD5_96") return "md5"
        if (v == "AES_XCBC_96") return "aesxcbc"
        if (v == "AES_CMAC_96") return "aescmac"
      } else if (k == "prf") {
        if (v ~ /^PRF_HMAC_SHA1$/) return "prfsha1"
        if (v ~ /^PRF_HMAC_SHA2_(256|384|512)$/) { sub(/^PRF_HMAC_SHA2_/, "", v); return "prfsha" v }
        if (v == "PRF_HMAC_MD5") return "prfmd5"
        if (v == "PRF_AES128_XCBC") return "prfaesxcbc"
        if (v == "PRF_AES128_CMAC") return "prfaescmac"
      } else if (k == "dh") {
        if (v ~ /^MODP_[0-9]+$/) { sub(/^MODP_/, "", v); return "modp" v }
        if (v ~ /^ECP_[0-9]+$/) { sub(/^ECP_/, "", v); return "ecp" v }
        if (v ~ /^ECP_[0-9]+_BP$/) { sub(/^ECP_/, "", v); sub(/_BP$/, "", v); return "ecp" v "bp" }
        if (v == "CURVE_25519") return "curve25519"
        if (v == "CURVE_448") return "curve448"
      }
      return "?" v
    }
    # proposal(PREFIX, CHILD): the keyword form of the algorithms in a[].
    function proposal(p, child,   out) {
      out = ""
      if ((p "encr-alg") in a) out = kw("encr", a[p "encr-alg"], a[p "encr-keysize"])
      if ((p "integ-alg") in a) out = out "-" kw("integ", a[p "integ-alg"])
      if ((p "prf-alg") in a) out = out "-" kw("prf", a[p "prf-alg"])
      if ((p "dh-group") in a) out = out "-" kw("dh", a[p "dh-group"])
      if (child) out = out (a[p "esn"] == "1" ? "-esn" : "-noesn")
      return out
    }
    function v(k) { return (k in a) ? a[k] : "-" }
    function yn(k) { return (k in a && a[k] == "yes") ? "yes" : "no" }
    # list(K): the items of list K sorted, comma-joined; "-" for none.
    function list(k,   n, it, i, j, x, out) {
      if (!(k in a)) return "-"
      n = split(a[k], it, " ")
      for (i = 2; i <= n; i++) { x = it[i]; for (j = i - 1; j > 0 && it[j] > x; j--) it[j + 1] = it[j]; it[j + 1] = x }
      out = it[1]
      for (i = 2; i <= n; i++) out = out "," it[i]
      return n ? out : "-"
    }
    {
      # Tokens: "{" "}" "key=value" "[" ... "]" and bare names before "{".
      gsub(/\{/, " { "); gsub(/\}/, " } "); gsub(/\[/, " [ "); gsub(/\]/, " ] ")
      n = split($0, t, /[ \t]+/)
      depth = 0; inlist = 0; name = ""; delete a; nsa = 0; nchild = 0
      for (i = 1; i <= n; i++) {
        x = t[i]
        if (x == "") continue
        if (inlist) {
          if (x == "]") inlist = 0
          else if (lkey != "") a[lkey] = (lkey in a) ? a[lkey] " " x : x
          continue
        }
        if (x == "{") { depth++; path[depth] = name; continue }
        if (x == "}") {
          if (depth == 2) ike_done()
          if (depth == 4) child_done()
          depth--; continue
        }
        if (x ~ /=$/) {
          key = substr(x, 1, length(x) - 1)
          lkey = depth == 2 ? "ike." key : depth == 4 ? "child." key : ""
          if (t[i + 1] == "[") { inlist = 1; i++ }
          continue
        }
        if (index(x, "=") > 0) {
          key = substr(x, 1, index(x, "=") - 1); val = substr(x, index(x, "=") + 1)
          if (depth == 2) a["ike." key] = val
          else if (depth == 4) a["child." key] = val
          continue
        }
        name = x
      }
      for (j = 1; j <= nsa; j++) print sa[j]
    }
    function ike_done() {
      line = "ike " path[2] " " v("ike.uniqueid") " " v("ike.state") " " (a["ike.initiator"] == "yes" ? "yes" : "no") " " \
        v("ike.initiator-spi") " " v("ike.responder-spi") " " proposal("ike.", 0) " " \
        v("ike.local-host") "[" v("ike.local-port") "] " v("ike.remote-host") "[" v("ike.remote-port") "] " \
        yn("ike.nat-local") " " yn("ike.nat-remote")
      sa[++nsa] = line
      for (c = 1; c <= nchild; c++) sa[++nsa] = ch[c]
      nchild = 0
      for (k in a) if (k ~ /^ike\./) delete a[k]
    }
    function child_done() {
      ch[++nchild] = "child " path[2] " " v("child.name") " " v("child.uniqueid") " " v("child.state") " " \
        tolower(v("child.mode")) " " v("child.spi-in") " " v("child.spi-out") " " proposal("child.", 1) " " \
        yn("child.encap") " " list("child.local-ts") " " list("child.remote-ts")
      for (k in a) if (k ~ /^child\./) delete a[k]
    }
  '
}

# charon_stop GW: SIGTERM GW's charon; it must exit 0 within 10 s, remove its
# pid file and leave no SA or policy of its own (a reqid outside ikev2d's
# range) in GW. On a failure it is killed and the test fails.
charon_stop() {
  local gw=$1 pid rc end dir left
  pid=$(charon_pid "$gw") dir=$(charon_dir "$gw")
  [ -n "$pid" ] || lab_fail "charon in $gw was not started"
  printf -v "LAB_PID_charon_${gw//-/_}" %s ""
  kill -TERM "$pid" 2>/dev/null || lab_fail "charon in $gw (pid $pid) is not running"
  end=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= end)); then
      kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      lab_fail "charon in $gw did not exit within 10 s of SIGTERM (killed)"
    fi
    sleep 0.2
  done
  wait "$pid"
  rc=$?
  ((rc == 0)) || lab_fail "charon in $gw exited $rc on SIGTERM"
  [ ! -e "$dir/run/charon.pid" ] || lab_fail "charon in $gw left $dir/run/charon.pid"
  left=$(charon_state_left "$gw") && lab_fail "charon in $gw left kernel state:
$left"
  lab_log "charon in $gw exited 0; nothing of it left in the kernel"
}

# charon_kill GW: kill GW's charon without asking (cleanup after a failure).
charon_kill() {
  local gw=$1 pid
  pid=$(charon_pid "$gw")
  [ -n "$pid" ] || return 0
  printf -v "LAB_PID_charon_${gw//-/_}" %s ""
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -f "$(charon_dir "$gw")/run/charon.pid"
  return 0
}

# charon_state_left GW: lists (and succeeds on) any SA or policy in GW with
# a reqid that is not 0 and not in ikev2d's range: charon's (it counts
# reqids up from 1).
charon_state_left() {
  local line block="" r left=1 min=${IKEV2D_REQID_MIN:-$((0x4b450001))} max=${IKEV2D_REQID_MAX:-$((0x4b45ffff))}
  while IFS= read -r line; do
    if [[ $line != [[:space:]]* ]]; then block=$line; else block+=" $line"; fi
    [[ $line =~ " reqid "([0-9]+) ]] || continue
    r=${BASH_REMATCH[1]}
    ((r != 0 && (r < min || r > max))) && echo "  $block" && left=0
  done < <(ip -n "$1" xfrm state; ip -n "$1" xfrm policy)
  return $left
}
