#!/bin/bash
# charon_fragmentation.sh: IKE fragmentation (RFC 7383) with strongSwan's
# charon over a path that loses IP fragments, as many firewalls and mobile
# networks do. The WAN veths between gw-a (ikev2d) and gw-b (charon) have an
# MTU of 1280, and each gateway drops IP fragments arriving on its WAN in
# its raw table (IPv4 `-f`: each fragment but the first, which is enough to
# lose the datagram; IPv6 `-m frag`: all). Both authenticate with RSA-4096
# certificates from their own intermediate CA under one root that each side
# trusts alone, so each IKE_AUTH carries two big CERT payloads (about 3.5 KB
# in all):
#   initiator          ikev2d initiates; IKE_AUTH must go in RFC 7383
#                      fragments both ways (ikev2d's counters, charon's log
#                      "splitting IKE message ... into N fragments" and
#                      "reassembled fragmented IKE message"), and then the
#                      tunnel carries pings (kernel counters on both ends);
#   responder          the same, charon initiates;
#   initiator-v6       the first case with IKE over IPv6 (the inner traffic
#                      stays IPv4): the fragments must fit 1280 bytes with
#                      the larger IPv6 header (IPv6 fragments are dropped too);
#   nofrag-initiator   both sides have fragmentation off: IKE_AUTH goes out as
#                      IP fragments, the path drops them (the raw rule counts
#                      them), ikev2d gives up after its (shortened)
#                      retransmissions and nothing is installed;
#   nofrag-responder   the same, charon initiates and gives up.
# Before the cases, pings show the path: 1000 bytes cross, 1400 bytes (two
# IP fragments) do not, over IPv4 and IPv6, and the raw rules count the
# fragments. The negative cases show that IKE_AUTH itself needs more than
# 1280 bytes, so the positive ones pass only because of IKE fragmentation.
#
# Run it on the host; it boots a lab guest by itself and needs an UNSANITIZED
# build tree with ikev2d and ikev2ctl built, strongSwan and its pki tool
# (scripts/setup):
#   IKEV2D_LAB_BUILD_DIR=BUILD tests/interop/charon_fragmentation.sh [CASE...]
set -u
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"
# shellcheck source=../lab/pki.sh
. "$(dirname "$0")/../lab/pki.sh"
# shellcheck source=../lab/ikev2d.sh
. "$(dirname "$0")/../lab/ikev2d.sh"
# shellcheck source=../lab/charon.sh
. "$(dirname "$0")/../lab/charon.sh"
# shellcheck source=interop.bash
. "$(dirname "$0")/interop.bash"
# shellcheck source=certs.bash
. "$(dirname "$0")/certs.bash"
lab_require_guest "$@"
ikev2d_check_tools
charon_check_tools
command -v pki >/dev/null || lab_fail "strongSwan's pki tool is missing (strongswan-pki, scripts/setup)"

P=$INTEROP_PINGS
FRAG_MTU=1280
# The cases, one a line: NAME|ikev2d's role|fragmentation (yes/no)|what.
# shellcheck disable=SC2034 # read by interop_pick through a nameref
FRAG_CASES=(
  "initiator|initiator|yes|ikev2d initiates, RSA-4096 chains, MTU $FRAG_MTU, IP fragments dropped: IKE_AUTH in IKE fragments both ways"
  "responder|responder|yes|charon initiates, the same path and certificates"
  "initiator-v6|initiator|yes|ikev2d initiates over IPv6, the same path and certificates"
  "nofrag-initiator|initiator|no|fragmentation off on both sides: IKE_AUTH is IP-fragmented, lost, and ikev2d gives up"
  "nofrag-responder|responder|no|fragmentation off on both sides: charon's IKE_AUTH is lost and charon gives up"
)

# frag_make_certs: root CA, an intermediate per site, a gateway certificate
# from each, all RSA-4096, into $LAB_OUT/pki. The keys are fixed ones
# (rsa4096-keys/, made with `pki --gen --type rsa --size 4096`): making five
# takes 50 to 80 s on a busy machine, the certificates take a second.
# FRAG_NEW_KEYS=1 makes new keys instead.
FRAG_KEYS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/rsa4096-keys
frag_make_certs() {
  local t0=$SECONDS n
  local -A type
  lab_step "RSA-4096 certificates (strongSwan pki)"
  pki_init "$LAB_OUT/pki"
  for n in ca im-a im-b gw-a gw-b; do
    if [ -n "${FRAG_NEW_KEYS:-}" ]; then type[$n]=rsa4096; else type[$n]=key:$FRAG_KEYS/$n.key; fi
  done
  pki_ca ca "${type[ca]}" "$CERT_DN, CN=Lab RSA-4096 Root CA"
  pki_intermediate im-a ca "${type[im-a]}" "$CERT_DN, OU=Site A, CN=Lab RSA-4096 Intermediate A"
  pki_intermediate im-b ca "${type[im-b]}" "$CERT_DN, OU=Site B, CN=Lab RSA-4096 Intermediate B"
  pki_cert gw-a im-a "${type[gw-a]}" "$CERT_DN, OU=Site A, CN=gw-a.test" gw-a.test
  pki_cert gw-b im-b "${type[gw-b]}" "$CERT_DN, OU=Site B, CN=gw-b.test" gw-b.test
  pki_chain gw-a im-a
  pki_chain gw-b im-b
  lab_log "RSA-4096 certificates made in $((SECONDS - t0)) s; gw-a's chain $(wc -c <"$PKI_DIR/gw-a-chain.pem") bytes of PEM"
}

# The s2s topology (interop_topology) with a small MTU on the WAN and every
# IP fragment arriving there dropped.
interop_topology_s2s_extra() {
  local gw
  lab_run modprobe -a ip6table_raw ip6t_frag
  for gw in gw-a gw-b; do
    lab_run ip -n "$gw" link set eth0 mtu "$FRAG_MTU"
    lab_run ip netns exec "$gw" iptables-legacy -t raw -A PREROUTING -i eth0 -f -j DROP
    lab_run ip netns exec "$gw" ip6tables-legacy -t raw -A PREROUTING -i eth0 -m frag -j DROP
  done
  lab_log "WAN MTU $FRAG_MTU; gw-a and gw-b drop IPv4 and IPv6 fragments arriving on eth0"
  frag_check_path 192.0.2.2 ""
  frag_check_path 2001:db8::2 6
}

# frag_check_path DEST FAMILY: from gw-a, a 1000-byte ping to gw-b's DEST
# crosses, and a 1400-byte one, sent in two IP fragments, does not, and
# gw-b's raw rule for FAMILY ("" or 6) counts the fragments.
frag_check_path() {
  local dropped
  frag_zero
  LAB_PING_OPTS="-s 1000" lab_assert_ping gw-a "$1" 1
  LAB_PING_OPTS="-s 1400 -M dont" lab_assert_no_ping gw-a "$1"
  dropped=$(frag_dropped gw-b "$2")
  [[ $dropped =~ ^[0-9]+$ ]] && ((dropped > 0)) || lab_fail "gw-b's raw rule dropped no fragment of the big ping to $1 ('$dropped')"
  lab_log "gw-b dropped $dropped fragments of the big ping to $1"
}

# frag_dropped GW [6]: how many IP (IPv6 with 6) fragments GW's raw rule
# dropped since frag_zero.
frag_dropped() {
  ip netns exec "$1" "ip${2:-}tables-legacy-save" -c -t raw |
    awk '/-A PREROUTING .* -j DROP/ { gsub(/[][]/, "", $1); split($1, c, ":"); print c[1]; found = 1 }
      END { if (!found) print "?" }'
}

# frag_zero: reset the raw rules' counters.
frag_zero() {
  local gw
  for gw in gw-a gw-b; do
    lab_run ip netns exec "$gw" iptables-legacy -t raw -Z PREROUTING
    lab_run ip netns exec "$gw" ip6tables-legacy -t raw -Z PREROUTING
  done
}

# frag_configure FRAG [6]: both daemons' configuration, IKE over IPv6 with
# 6; FRAG no turns IKE fragmentation off on both and shortens the
# retransmissions, so a lost IKE_AUTH fails within seconds.
frag_configure() {
  local cfg sconf a=192.0.2.1 b=192.0.2.2 listen='"0.0.0.0"'
  [ "${2:-}" = 6 ] && a=2001:db8::1 b=2001:db8::2 listen='"::"'
  cfg=$(ikev2d_config_file gw-a)
  CASE_NAME=fragmentation certs_ikev2d_yaml gw-a-chain gw-a gw-a.test gw-b.test ca |
    sed -e "s/\"192\.0\.2\.1\"/\"$a\"/" -e "s/\"192\.0\.2\.2\"/\"$b\"/" -e "s/^  listen: .*/  listen: [$listen]/" >"$cfg"
  grep -q "\"$a\"" "$cfg" || lab_fail "no address $a in $cfg"
  charon_write_config gw-b conn="$INTEROP_CONN" local_addrs="$b" remote_addrs="$a" \
    local_id=gw-b.test remote_id=gw-a.test proposals=aes256gcm16-prfsha384-x25519 \
    local_auth=pubkey remote_auth=pubkey local_cert="$PKI_DIR/gw-b-chain.pem" local_key="$PKI_DIR/gw-b.key" \
    cacert="$PKI_DIR/ca.pem" \
    child=net local_ts=10.2.0.0/24 remote_ts=10.1.0.0/24 esp_proposals=aes256gcm16 mode=tunnel
  [ "$1" = no ] || return 0
  sconf=$(charon_dir gw-b)/strongswan.conf
  # No start_action: ikev2ctl initiate makes the one attempt and waits for its end.
  sed -i -e 's/^daemon:$/&\n  retransmit_timeout: 1\n  retransmit_tries: 2/' \
    -e 's/^    proposals: .*$/&\n    fragmentation: no/' -e 's/^        start_action: start$/        start_action: none/' "$cfg"
  sed -i -e 's/^\(  retransmit_timeout = \).*/\11/' -e 's/^\(  retransmit_tries = \).*/\12/' "$sconf"
  sed -i 's/^    version = 2$/&\n    fragmentation = no/' "$(charon_dir gw-b)/swanctl/swanctl.conf"
  grep -q '^    fragmentation: no$' "$cfg" && grep -q '^  retransmit_tries: 2$' "$cfg" ||
    lab_fail "could not turn fragmentation off in $cfg"
  grep -q '^    fragmentation = no$' "$(charon_dir gw-b)/swanctl/swanctl.conf" &&
    grep -q '^  retransmit_tries = 2$' "$sconf" || lab_fail "could not turn fragmentation off for charon"
}

# frag_tunnel NAME: a case with fragmentation on: the tunnel comes up over
# the lossy path, with IKE_AUTH in fragments both ways.
frag_tunnel() {
  local log sent received reassembled line n family=""
  [[ $1 == *-v6 ]] && family=6
  frag_configure yes "$family"
  frag_zero
  interop_start
  [ "$ROLE" = responder ] && charon_initiate gw-b net "$INTEROP_CONN" "$INTEROP_TIMEOUT"
  interop_wait_up 1
  lab_assert_ping lan-a 10.2.0.10 "$P"
  lab_assert_ping lan-b 10.1.0.10 "$P"
  interop_load_both
  interop_negotiated net
  interop_compare_ike aes256gcm16-prfsha384-curve25519
  interop_compare_child net aes256gcm16-noesn tunnel 10.1.0.0/24 10.2.0.0/24 $((2 * P))
  if [ -n "$family" ]; then
    [[ ${INTEROP_A[ike.9]:-} == "2001:db8::1["* ]] ||
      lab_fail "ikev2d's IKE_SA runs from '${INTEROP_A[ike.9]:-}', not over IPv6"
  fi
  # Each IKE_AUTH (two RSA-4096 certificates, a 512-byte signature) needs
  # at least three 1280-byte fragments.
  read -r sent received reassembled < <(ikev2d_ctl gw-a --json status |
    "$JQ" -r '.counters | "\(.fragments_sent) \(.fragments_received) \(.fragmented_messages_reassembled)"')
  ((sent >= 3 && received >= 3 && reassembled >= 1)) ||
    lab_fail "ikev2d's counters: $sent fragments sent, $received received, $reassembled messages reassembled; expected IKE_AUTH in >= 3 fragments both ways"
  lab_log "ikev2d: $sent fragments sent, $received received, $reassembled messages reassembled"
  log=$(charon_dir gw-b)/charon.log
  line=$(grep -m1 -E 'splitting IKE message .* into [0-9]+ fragments' "$log") ||
    lab_fail "charon did not fragment an IKE message"
  n=$(sed -E 's/.* into ([0-9]+) fragments.*/\1/' <<<"$line")
  ((n >= 3)) || lab_fail "charon split its IKE_AUTH into $n fragments, expected >= 3: $line"
  lab_log "charon: ${line#*] }"
  line=$(grep -m1 'reassembled fragmented IKE message' "$log") ||
    lab_fail "charon did not reassemble a fragmented IKE message"
  lab_log "charon: ${line#*] }"
  # Every IKE fragment fits the path: nothing was IP-fragmented.
  lab_log "IP fragments dropped in this case: gw-a $(frag_dropped gw-a) (IPv6 $(frag_dropped gw-a 6)), gw-b $(frag_dropped gw-b) (IPv6 $(frag_dropped gw-b 6))"
  interop_terminate_by "$(initiator_name)"
  interop_stop
}

# frag_lost: a case with fragmentation off: IKE_AUTH is too big for the
# path, its IP fragments are dropped, and the initiator gives up.
frag_lost() {
  local out=$CASE_DIR/initiate.out responder_gw=gw-b dropped t0 line n
  [ "$ROLE" = responder ] && responder_gw="gw-a"
  frag_configure no
  frag_zero
  interop_start
  t0=$SECONDS
  if [ "$ROLE" = initiator ]; then
    ! ikev2d_ctl gw-a initiate "$INTEROP_CONN" --timeout "$INTEROP_TIMEOUT" >"$out" 2>&1 ||
      lab_fail "ikev2ctl initiate succeeded without IKE fragmentation: $(<"$out")"
    line=$(ikev2d_wait_log 10 gw-a 0 "peer not responding" "IKE_AUTH") ||
      lab_fail "ikev2d's log does not say IKE_AUTH went unanswered"
    echo "$line"
  else
    ! charon_swanctl gw-b --initiate --child net --ike "$INTEROP_CONN" --timeout "$INTEROP_TIMEOUT" >"$out" 2>&1 ||
      lab_fail "swanctl --initiate succeeded without IKE fragmentation: $(tail -n 5 "$out")"
    line=$(grep -m1 -E 'giving up after [0-9]+ retransmits' "$(charon_dir gw-b)/charon.log") ||
      lab_fail "charon's log does not show it gave up retransmitting"
    lab_log "charon: ${line#*] }"
  fi
  lab_log "$(initiator_name)'s initiate failed as it must, after $((SECONDS - t0)) s"
  dropped=$(frag_dropped "$responder_gw")
  [[ $dropped =~ ^[0-9]+$ ]] && ((dropped > 0)) ||
    lab_fail "$responder_gw dropped no IP fragment ('$dropped'): did IKE_AUTH not need IP fragmentation?"
  lab_log "$responder_gw dropped $dropped IP fragments of IKE_AUTH and its retransmissions"
  grep -q 'splitting IKE message' "$(charon_dir gw-b)/charon.log" && lab_fail "charon fragmented with fragmentation off"
  read -r n < <(ikev2d_ctl gw-a --json status | "$JQ" -r '.counters.fragments_sent')
  [ "$n" = 0 ] || lab_fail "ikev2d sent $n IKE fragments with fragmentation off"
  printf '%s|%s\n' "none: IKE_AUTH lost ($dropped IP fragments dropped)" "-" >"$CASE_DIR/negotiated"
  ! ikev2d_log_has gw-a 0 "CHILD_SA" "installed" >/dev/null || lab_fail "ikev2d installed a CHILD_SA"
  # The responder may keep its half-open IKE_SA until its own timeout;
  # neither kernel may hold anything.
  ikev2d_nothing_of_ours gw-a || lab_fail "gw-a holds state of ikev2d: $(ikev2d_ours_left gw-a)"
  ! charon_state_left gw-b >/dev/null || lab_fail "gw-b holds state of charon: $(charon_state_left gw-b)"
  interop_stop
}

interop_pick FRAG_CASES "$@"
frag_make_certs
interop_topology s2s
trap - EXIT
: >"$LAB_OUT/results.rows"
num=0
for spec in "${INTEROP_PICKED[@]}"; do
  IFS='|' read -r name ROLE frag what <<<"$spec"
  num=$((num + 1))
  body=frag_tunnel
  [ "$frag" = yes ] || body=frag_lost
  lab_step "case $num/${#INTEROP_PICKED[@]}: $name: $what"
  interop_case "$num" "$name" - "$what" "$body" "$name"
  interop_count $?
done
interop_versions
interop_results charon_fragmentation \
  "$INTEROP_IKEV2D_VERSION and charon ($INTEROP_CHARON_VERSION), IKE fragmentation over a path with MTU $FRAG_MTU that drops IP fragments" \
  "| # | case | what | IKE negotiated | ESP negotiated | result | s |"
